package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"claimdesk/internal/store"
)

var binary string

// TestMain builds the real binary once; tests run it as users would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "claimdesk-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "claimdesk")
	out, err := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", binary, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running `claimdesk serve`.
type server struct {
	cmd    *exec.Cmd
	url    string
	stdout *bytes.Buffer
}

var servingRe = regexp.MustCompile(`serving on (http://\S+)`)

func startServer(t *testing.T, db string, env ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--db", db, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), env...)
	cmd.Env = append(cmd.Env, "CLAIMDESK_BASE_URL=")
	pipe, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, stdout: &bytes.Buffer{}}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(pipe)
	deadline := time.After(60 * time.Second)
	found := make(chan string, 1)
	go func() {
		for sc.Scan() {
			s.stdout.WriteString(sc.Text() + "\n")
			if m := servingRe.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case s.url = <-found:
	case <-deadline:
		t.Fatalf("server did not start; output: %s", s.stdout)
	}
	return s
}

func TestServeBootstrapsSeedsAndShutsDownGracefully(t *testing.T) {
	db := filepath.Join(t.TempDir(), "data", "claimdesk.db")
	s := startServer(t, db)
	out := s.stdout.String()
	if !strings.Contains(out, "password: ") || !strings.Contains(out, "Demo data loaded: 3 articles") {
		t.Fatalf("first start output: %s", out)
	}
	resp, err := http.Get(s.url + "/api/v1/claims")
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Total int }
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if list.Total < 10 {
		t.Fatalf("seeded claims served: %d", list.Total)
	}
	// A slow client is mid-request when SIGTERM arrives; it still gets its answer.
	done := make(chan int, 1)
	go func() {
		resp, err := http.Get(s.url + "/")
		if err != nil {
			done <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	time.Sleep(50 * time.Millisecond)
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	if code := <-done; code != 200 {
		t.Fatalf("in-flight request: %d", code)
	}
	// A second start finds users and prints no password.
	s2 := startServer(t, db)
	if strings.Contains(s2.stdout.String(), "password:") {
		t.Fatal("password printed again on second start")
	}
}

func TestAdminFromEnvironment(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	s := startServer(t, db, "CLAIMDESK_ADMIN_EMAIL=chief@paper.example", "CLAIMDESK_ADMIN_PASSWORD=a long enough secret")
	if strings.Contains(s.stdout.String(), "a long enough secret") {
		t.Fatal("password from the environment was printed")
	}
	st, err := store.Open(context.Background(), store.Config{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if u, err := st.Authenticate(context.Background(), "chief@paper.example", "a long enough secret"); err != nil || u.Role != "admin" {
		t.Fatalf("bootstrap admin: %v", err)
	}
}

func runCLI(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

// emptyDB returns the path of a migrated SQLite database without users, as
// commands other than serve need an existing database.
func emptyDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "x.db")
	st, err := store.Open(context.Background(), store.Config{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	return db
}

// TestSeedIsIdempotent also checks that seed on an empty database creates
// the first admin exactly as serve does, so someone can log in.
func TestSeedIsIdempotent(t *testing.T) {
	db := emptyDB(t)
	t.Setenv("CLAIMDESK_ADMIN_EMAIL", "chief@paper.example")
	t.Setenv("CLAIMDESK_ADMIN_PASSWORD", "a long enough secret")
	out, _, err := runCLI(t, "", "seed", "--db", db)
	if err != nil || !strings.Contains(out, "added 3 articles, 21 claims") || !strings.Contains(out, "First admin chief@paper.example created") {
		t.Fatalf("first seed: %q %v", out, err)
	}
	out, _, err = runCLI(t, "", "seed", "--db", db)
	if err != nil || !strings.Contains(out, "added 0 articles, 0 claims, 0 users") || strings.Contains(out, "First admin") {
		t.Fatalf("second seed: %q %v", out, err)
	}
	st, err := store.Open(context.Background(), store.Config{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if u, err := st.Authenticate(context.Background(), "chief@paper.example", "a long enough secret"); err != nil || u.Role != "admin" {
		t.Fatalf("seed did not bootstrap a usable admin: %v", err)
	}
}

func TestSuggestJSONLines(t *testing.T) {
	input := "Mines for Ukraine\n\nMore than 160 countries have joined the treaty, officials said on Nov. 19. Should we worry?"
	out, _, err := runCLI(t, input, "suggest", "-")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 sentences, got %d: %s", len(lines), out)
	}
	prevEnd := 0
	for i, l := range lines {
		var s struct {
			Start, End  int
			Text        string
			Score       float64
			Checkworthy bool
			Reasons     []string
		}
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatal(err)
		}
		if input[s.Start:s.End] != s.Text || s.Start < prevEnd || s.Score < 0 || s.Score > 1 || s.Reasons == nil {
			t.Errorf("line %d: %s", i, l)
		}
		prevEnd = s.End
		if i == 1 && !s.Checkworthy || i == 2 && s.Checkworthy {
			t.Errorf("line %d checkworthy=%v", i, s.Checkworthy)
		}
	}
	if !strings.HasPrefix(lines[0], `{"start":0,"end":17,"text":"Mines for Ukraine","score":`) {
		t.Errorf("field order: %s", lines[0])
	}
}

func TestUserAddAndTokenCreate(t *testing.T) {
	db := emptyDB(t)
	if _, _, err := runCLI(t, "short\n", "user", "add", "--db", db, "--email", "ed@paper.example", "--name", "Ed", "--role", "editor"); err == nil || !strings.Contains(err.Error(), "at least 12") {
		t.Fatalf("short password accepted: %v", err)
	}
	if _, _, err := runCLI(t, "password1234\n", "user", "add", "--db", db, "--email", "ed@paper.example", "--name", "Ed", "--role", "editor"); err == nil || !strings.Contains(err.Error(), "too easy to guess") {
		t.Fatalf("guessable password accepted: %v", err)
	}
	if _, _, err := runCLI(t, "a fine password\n", "user", "add", "--db", db, "--email", "ed@paper.example", "--name", "Ed", "--role", "boss"); err == nil {
		t.Fatal("unknown role accepted")
	}
	if out, _, err := runCLI(t, "a fine password\n", "user", "add", "--db", db, "--email", "ed@paper.example", "--name", "Ed", "--role", "editor"); err != nil || !strings.Contains(out, "added ed@paper.example") {
		t.Fatalf("user add: %q %v", out, err)
	}
	out, _, err := runCLI(t, "", "token", "create", "--db", db, "--email", "ed@paper.example")
	token := strings.TrimSpace(out)
	if err != nil || !strings.HasPrefix(token, "cd_") {
		t.Fatalf("token create: %q %v", out, err)
	}
	st, _ := store.Open(context.Background(), store.Config{Path: db})
	defer st.Close()
	if u, err := st.TokenUser(context.Background(), token); err != nil || u.Email != "ed@paper.example" {
		t.Fatalf("token does not authenticate: %v", err)
	}
}

func TestBackupWhileServingAndRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	s := startServer(t, db)
	// Readers keep hitting the server while the backup runs.
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				if resp, err := http.Get(s.url + "/"); err == nil {
					resp.Body.Close()
				}
			}
		}
	}()
	backup := filepath.Join(dir, "backups", "b1.db")
	out, _, err := runCLI(t, "", "backup", "--db", db, backup)
	close(stop)
	if err != nil || !strings.Contains(out, "backup written") {
		t.Fatalf("backup: %q %v", out, err)
	}
	if _, _, err := runCLI(t, "", "backup", "--db", db, backup); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()

	restored := filepath.Join(dir, "restored.db")
	if out, _, err := runCLI(t, "", "restore", "--db", restored, backup); err != nil || !strings.Contains(out, "restored") {
		t.Fatalf("restore: %q %v", out, err)
	}
	st, err := store.Open(context.Background(), store.Config{Path: restored})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, total, err := st.ListClaims(context.Background(), store.ClaimFilter{}); err != nil || total < 10 {
		t.Fatalf("restored claims: %d %v", total, err)
	}
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte("not a database"), 0o644)
	if _, _, err := runCLI(t, "", "restore", "--db", restored, garbage); err == nil {
		t.Fatal("restore accepted garbage")
	}
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatalf("failed restore damaged the database: %v", err)
	}
}
