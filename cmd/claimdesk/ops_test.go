package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

// node is a `claimdesk serve` process started by launch, with its output.
type node struct {
	cmd            *exec.Cmd
	mu             sync.Mutex
	stdout, stderr bytes.Buffer
	exited         chan error
}

func (n *node) output() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return "stdout:\n" + n.stdout.String() + "stderr:\n" + n.stderr.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// launch starts `claimdesk serve` on a free loopback port without waiting;
// the process is killed at cleanup.
func launch(t *testing.T, env []string, args ...string) *node {
	t.Helper()
	n := &node{exited: make(chan error, 1)}
	n.cmd = exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	n.cmd.Env = append(append(os.Environ(), "CLAIMDESK_BASE_URL="), env...)
	n.cmd.Stderr = lockedWriter{&n.mu, &n.stderr}
	pipe, err := n.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			n.mu.Lock()
			n.stdout.WriteString(sc.Text() + "\n")
			n.mu.Unlock()
		}
		n.exited <- n.cmd.Wait()
	}()
	t.Cleanup(func() { n.cmd.Process.Kill() })
	return n
}

// ready waits until the node answers /readyz with 200, or reports why not.
func (n *node) ready(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case err := <-n.exited:
			n.exited <- err
			return fmt.Errorf("exited (%v) before it was ready", err)
		default:
		}
		if url := servingURL(n); url != "" {
			if resp, err := http.Get(url + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					return nil
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %v", timeout)
}

func servingURL(n *node) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if m := servingRe.FindStringSubmatch(n.stdout.String()); m != nil {
		return m[1]
	}
	return ""
}

// stop sends SIGTERM and waits for the exit status.
func (n *node) stop(t *testing.T) error {
	t.Helper()
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-n.exited:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("no exit 30 s after SIGTERM\n%s", n.output())
		return nil
	}
}

// TestThreeNodesStartTogether starts three `claimdesk serve` processes at
// the same moment on one empty database, ten times on PostgreSQL (a new
// database each time) and three times on one SQLite file. Every node must
// come up and be ready, and exactly one of them creates the first admin
// and loads the demo data.
func TestThreeNodesStartTogether(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			trials := 10
			if d == "sqlite" {
				trials = 3
			}
			allUp := 0
			for trial := 1; trial <= trials; trial++ {
				ok := t.Run(fmt.Sprintf("trial %d", trial), func(t *testing.T) {
					dir := t.TempDir()
					args := []string{"--db", filepath.Join(dir, "claimdesk.db")}
					var env []string
					if d == "postgres" {
						env = append(env, "CLAIMDESK_DATABASE_URL="+testutil.NewPostgresDatabase(t))
					}
					nodes := make([]*node, 3)
					for i := range nodes {
						nodes[i] = launch(t, env, args...)
					}
					var wg sync.WaitGroup
					errs := make([]error, len(nodes))
					for i, n := range nodes {
						wg.Add(1)
						go func() { defer wg.Done(); errs[i] = n.ready(90 * time.Second) }()
					}
					wg.Wait()
					admins, seeded := 0, 0
					for i, n := range nodes {
						if errs[i] != nil {
							t.Errorf("node %d: %v\n%s", i, errs[i], n.output())
						}
						admins += strings.Count(n.output(), "First admin created")
						seeded += strings.Count(n.output(), "Demo data loaded")
					}
					if admins != 1 || seeded != 1 {
						t.Errorf("%d nodes created the first admin and %d loaded the demo data, want 1 and 1", admins, seeded)
					}
					for _, n := range nodes {
						if err := n.stop(t); err != nil {
							t.Errorf("exit after SIGTERM: %v\n%s", err, n.output())
						}
					}
				})
				if ok {
					allUp++
				}
			}
			t.Logf("%s: three nodes started together, all up in %d of %d trials", d, allUp, trials)
		})
	}
}

// apiClient talks to a running server with an API token.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (c apiClient) post(path string, body, out any) int {
	c.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(data, out); err != nil {
			c.t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// tokenFor creates an admin API token with the CLI (which, like serve,
// only opens the existing database).
func tokenFor(t *testing.T, db, email string) string {
	t.Helper()
	out, errOut, err := runCLI(t, "", "token", "create", "--db", db, "--email", email)
	if err != nil {
		t.Fatalf("token create: %v %s", err, errOut)
	}
	return strings.TrimSpace(out)
}

// writeClaims creates an article and n claims through the API and returns
// the claim ids the server acknowledged.
func writeClaims(t *testing.T, api apiClient, n int) []int64 {
	t.Helper()
	var body strings.Builder
	for i := range n {
		fmt.Fprintf(&body, "Statement %d says %d schools reopened. ", i, i+10)
	}
	var art struct{ ID int64 }
	if st := api.post("/api/v1/articles", map[string]string{"title": "Shutdown test", "body": body.String()}, &art); st != 201 {
		t.Fatalf("create article: %d", st)
	}
	var ids []int64
	for i := range n {
		var c struct{ ID int64 }
		quote := fmt.Sprintf("Statement %d says %d schools reopened.", i, i+10)
		if st := api.post("/api/v1/articles/"+strconv.FormatInt(art.ID, 10)+"/claims", map[string]string{"quote": quote, "claimant": "Test"}, &c); st != 201 {
			t.Fatalf("create claim %d: %d", i, st)
		}
		ids = append(ids, c.ID)
	}
	return ids
}

// countClaimsInFileAlone copies only the .db file (no -wal, no -shm) to a
// new directory and counts the claims with the given ids in it.
func countClaimsInFileAlone(t *testing.T, db string, ids []int64) int {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(dir, "copy.db")
	os.WriteFile(cp, b, 0o644)
	conn, err := sql.Open("sqlite3", cp)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	n := 0
	for _, id := range ids {
		var one int
		if conn.QueryRow("SELECT 1 FROM claims WHERE id = ?", id).Scan(&one) == nil {
			n++
		}
	}
	return n
}

// TestCleanStopLeavesCompleteDBFile writes claims through the API of the
// real server, stops it with SIGTERM and copies only its .db file: every
// claim is in the copy. (Before the stop the same copy misses claims that
// are still in the WAL, which the test checks so that it can fail.)
func TestCleanStopLeavesCompleteDBFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "claimdesk.db")
	n := launch(t, []string{"CLAIMDESK_ADMIN_EMAIL=chief@paper.example", "CLAIMDESK_ADMIN_PASSWORD=a long enough secret"}, "--db", db, "--no-seed")
	if err := n.ready(60 * time.Second); err != nil {
		t.Fatalf("%v\n%s", err, n.output())
	}
	api := apiClient{t, servingURL(n), tokenFor(t, db, "chief@paper.example")}
	ids := writeClaims(t, api, 30)
	if got := countClaimsInFileAlone(t, db, ids); got == len(ids) {
		t.Fatal("every claim is already in the .db file while serving; the WAL is not in use and this test proves nothing")
	}
	if err := n.stop(t); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, n.output())
	}
	if st, err := os.Stat(db + "-wal"); err == nil && st.Size() > 0 {
		t.Errorf("the WAL holds %d bytes after a clean stop", st.Size())
	}
	if got := countClaimsInFileAlone(t, db, ids); got != len(ids) {
		t.Fatalf("the .db file alone holds %d of %d acknowledged claims after SIGTERM", got, len(ids))
	}
}

// binResult is what a run of the real binary produced.
type binResult struct {
	stdout, stderr string
	code           int
}

// runBin runs the real binary to its end (60 s at most).
func runBin(t *testing.T, dir, stdin string, env []string, args ...string) binResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	res := binResult{out.String(), errb.String(), 0}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		res.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return res
}

// TestRestoreRefusesWhatWouldDestroy runs restore as an operator would:
// a 0-byte file, another application's database and a restore while the
// server runs are refused with exit 1 and a clear message, and the live
// database keeps every write the server acknowledged; a real backup is
// restored once the server is stopped, with counts and a .bak.
func TestRestoreRefusesWhatWouldDestroy(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	n := launch(t, []string{"CLAIMDESK_ADMIN_EMAIL=chief@paper.example", "CLAIMDESK_ADMIN_PASSWORD=a long enough secret"}, "--db", db)
	if err := n.ready(60 * time.Second); err != nil {
		t.Fatalf("%v\n%s", err, n.output())
	}
	backup := filepath.Join(dir, "b.db")
	if r := runBin(t, dir, "", nil, "backup", "--db", db, backup); r.code != 0 || !strings.Contains(r.stdout, "3 articles, 21 claims") {
		t.Fatalf("backup: %+v", r)
	}
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	foreign := filepath.Join(dir, "foreign.db")
	execSQL(t, foreign, "CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")

	api := apiClient{t, servingURL(n), tokenFor(t, db, "chief@paper.example")}
	before := writeClaims(t, api, 3)
	for _, c := range []struct{ file, want string }{
		{empty, "is empty (0 bytes)"},
		{foreign, "not a claimdesk database"},
		{backup, "is open in a running claimdesk"},
	} {
		r := runBin(t, dir, "", nil, "restore", "--db", db, c.file)
		if r.code != 1 || !strings.Contains(r.stderr, "restore refused, nothing was changed") || !strings.Contains(r.stderr, c.want) {
			t.Errorf("restore %s while serving: exit %d\n%s", filepath.Base(c.file), r.code, r.stderr)
		}
	}
	// The server never noticed: it keeps acknowledging writes, and they stay.
	after := writeClaims(t, api, 3)
	if err := n.stop(t); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Config{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range append(before, after...) {
		if _, err := st.ClaimByID(context.Background(), id); err != nil {
			t.Errorf("acknowledged claim %d lost: %v", id, err)
		}
	}
	st.Close()

	r := runBin(t, dir, "", nil, "restore", "--db", db, backup)
	if r.code != 0 || !strings.Contains(r.stdout, "3 articles, 21 claims") || !strings.Contains(r.stdout, "kept as "+db+".bak") {
		t.Fatalf("restore with the server stopped: %+v", r)
	}
	if !strings.Contains(r.stderr, "database "+db) {
		t.Errorf("restore does not name its database: %q", r.stderr)
	}
	st, err = store.Open(context.Background(), store.Config{Path: db + ".bak"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, id := range after {
		if _, err := st.ClaimByID(context.Background(), id); err != nil {
			t.Errorf("the replaced database (.bak) lost claim %d: %v", id, err)
		}
	}
}

func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	conn, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range stmts {
		if _, err := conn.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBackupNeverLeavesAPlausibleFile: backup of a database that does not
// exist refuses and creates nothing; a backup killed half-way leaves
// nothing at the backup's name, so restore refuses it rather than putting
// an empty database in place.
func TestBackupNeverLeavesAPlausibleFile(t *testing.T) {
	dir := t.TempDir()
	r := runBin(t, dir, "", nil, "backup", "--db", "typo.db", "b.db")
	if r.code != 1 || !strings.Contains(r.stderr, "no database at "+filepath.Join(dir, "typo.db")) {
		t.Fatalf("backup of a missing database: %+v", r)
	}
	for _, f := range []string{"typo.db", "b.db"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Fatalf("backup of a missing database created %s", f)
		}
	}

	// A database big enough for the copy to take a while.
	db := emptyDB(t)
	execSQL(t, db, "CREATE TABLE filler (b BLOB)",
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) INSERT INTO filler SELECT randomblob(1048576) FROM n")
	target := filepath.Join(dir, "killed.db")
	cmd := exec.Command(binary, "backup", "--db", db, target)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	src, _ := os.Stat(db)
	killed := false
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && !killed {
		partial, _ := filepath.Glob(filepath.Join(dir, ".killed.db.partial-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]"))
		if len(partial) == 1 { // not its -journal
			if st, err := os.Stat(partial[0]); err == nil && st.Size() > 0 && st.Size() < src.Size()/2 {
				cmd.Process.Kill()
				killed = true
				t.Logf("killed the backup with %d of %d bytes copied", st.Size(), src.Size())
			}
		}
		time.Sleep(time.Millisecond)
	}
	cmd.Wait()
	if !killed {
		t.Fatal("never saw the backup half-way; nothing was tested")
	}
	if _, err := os.Stat(target); err == nil {
		t.Fatal("a killed backup left a file at the backup's name")
	}
	r = runBin(t, dir, "", nil, "restore", "--db", db, target)
	if r.code != 1 {
		t.Fatalf("restore of the killed backup: %+v", r)
	}
}

// TestServeRefusesUnwritableDatabase: serve on a database whose file system
// is read-only, or full, exits 1 with a message saying so instead of
// serving a desk where every write fails.
func TestServeRefusesUnwritableDatabase(t *testing.T) {
	t.Run("read-only", func(t *testing.T) {
		dir := testutil.MountTmpfs(t, "8m")
		db := filepath.Join(dir, "claimdesk.db")
		st, err := store.Open(context.Background(), store.Config{Path: db})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		testutil.RemountReadOnly(t, dir)
		r := runBin(t, t.TempDir(), "", nil, "serve", "--addr", "127.0.0.1:0", "--db", db)
		if r.code != 1 || !strings.Contains(r.stderr, "is not writable (read-only file system)") {
			t.Fatalf("serve on a read-only database: %+v", r)
		}
	})
	t.Run("full disk", func(t *testing.T) {
		dir := testutil.MountTmpfs(t, "8m")
		db := filepath.Join(dir, "claimdesk.db")
		st, err := store.Open(context.Background(), store.Config{Path: db})
		if err != nil {
			t.Fatal(err)
		}
		u := &factcheck.User{Email: "a@paper.example", Name: "A", Role: factcheck.RoleAdmin}
		st.CreateUser(context.Background(), u, "a long enough secret")
		st.Close()
		testutil.FillDisk(t, dir)
		r := runBin(t, t.TempDir(), "", nil, "serve", "--addr", "127.0.0.1:0", "--db", db)
		if r.code != 1 || !strings.Contains(r.stderr, "the disk holding the database is full") {
			t.Fatalf("serve on a full disk: %+v", r)
		}
	})
}
