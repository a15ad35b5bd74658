package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
)

// TestHelpShowsArguments: "claimdesk help COMMAND" and "COMMAND -h" exit 0
// and show the command's arguments and flags.
func TestHelpShowsArguments(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"help"}, []string{"claimdesk user deactivate --email E", "data/claimdesk.db"}},
		{[]string{"help", "serve"}, []string{"Usage: claimdesk serve", "-addr", "-no-seed"}},
		{[]string{"serve", "-h"}, []string{"Usage: claimdesk serve", "-addr"}},
		{[]string{"restore", "-h"}, []string{"BACKUP_FILE", ".bak", "-db"}},
		{[]string{"help", "user"}, []string{"user reset-password --email E", "user list"}},
		{[]string{"user", "add", "-h"}, []string{"--email E --name N", "-role"}},
		{[]string{"help", "user", "deactivate"}, []string{"sessions end", "-email"}},
		{[]string{"suggest", "--help"}, []string{"claimdesk suggest [FILE|-]"}},
		{[]string{"help", "token"}, []string{"token create --email E"}},
	} {
		r := runBin(t, dir, "", nil, c.args...)
		all := r.stdout + r.stderr
		if r.code != 0 || !containsAll(all, c.want...) {
			t.Errorf("%v: exit %d, want 0 and %q in\n%s", c.args, r.code, c.want, all)
		}
	}
	// Mistakes are not help: exit 2 with the usage.
	for _, args := range [][]string{{}, {"frobnicate"}, {"serve", "--bogus"}, {"user"}, {"backup"}} {
		if r := runBin(t, dir, "", nil, args...); r.code != 2 || !strings.Contains(r.stderr, "Usage") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("help created files: %v", entries)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// TestServeAddressHints: a port without a colon and a busy port get a
// message that says what to write instead.
func TestServeAddressHints(t *testing.T) {
	dir := t.TempDir()
	r := runBin(t, dir, "", nil, "serve", "--addr", "19007", "--db", "x.db")
	if r.code != 2 && r.code != 1 || !strings.Contains(r.stderr, "write :19007") {
		t.Errorf("--addr 19007: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
		t.Error("a bad --addr still created the database")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r = runBin(t, dir, "", nil, "serve", "--addr", l.Addr().String(), "--db", "x.db")
	if r.code != 1 || !strings.Contains(r.stderr, "already in use") || !strings.Contains(r.stderr, "CLAIMDESK_ADDR=:8081 make run") {
		t.Errorf("busy port: exit %d\n%s", r.code, r.stderr)
	}
}

// TestCommandsNeverCreateADatabase: from a directory without data/, the
// commands other than serve refuse and name the path and how to choose
// another, and leave no data/ behind; with a database they name it.
func TestCommandsNeverCreateADatabase(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"token", "create", "--email", "a@paper.example"},
		{"seed"},
		{"user", "list"},
		{"user", "add", "--email", "a@paper.example", "--name", "A"},
		{"user", "deactivate", "--email", "a@paper.example"},
		{"backup", "b.db"},
	} {
		r := runBin(t, dir, "a fine password\n", nil, args...)
		want := "no database at " + filepath.Join(dir, "data", "claimdesk.db") + " (the default, relative to the working directory)"
		if r.code != 1 || !containsAll(r.stderr, want, "--db", "CLAIMDESK_DB") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("commands created %v", entries)
	}
	db := emptyDB(t)
	r := runBin(t, dir, "", []string{"CLAIMDESK_DB=" + db}, "user", "list")
	if r.code != 0 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "claimdesk: database "+db+" (sqlite)") {
		t.Errorf("user list does not name its database on one line: %+v", r)
	}
}

// TestSuggestRefusesBinaryInput: a binary file gives a clear message and
// exit 1, not megabytes of JSON; text in a legacy encoding still works.
func TestSuggestRefusesBinaryInput(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "image.bin")
	b := make([]byte, 1<<20)
	for i := range b {
		b[i] = byte(i * 7919 >> 3)
	}
	os.WriteFile(bin, b, 0o644)
	r := runBin(t, dir, "", nil, "suggest", bin)
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "looks like binary data, not text") {
		t.Fatalf("binary file: exit %d, %d bytes out\n%s", r.code, len(r.stdout), r.stderr)
	}
	invalid := bytes.Repeat([]byte{0xff, 0xfe, 'a', 0x80}, 1000)
	if r := runBin(t, dir, string(invalid), nil, "suggest", "-"); r.code != 1 || !strings.Contains(r.stderr, "not valid UTF-8") {
		t.Fatalf("invalid UTF-8 on stdin: %+v", r)
	}
	latin1 := "Le pr\xe9sident a d\xe9clar\xe9 que 164 \xc9tats ont sign\xe9 le trait\xe9. Il a raison."
	if r := runBin(t, dir, latin1, nil, "suggest"); r.code != 0 || strings.Count(r.stdout, "\n") != 2 {
		t.Fatalf("Latin-1 text: %+v", r)
	}
}

// TestSignalsWhileReadingStdin: user add and suggest waiting on stdin stop
// at once on SIGTERM and SIGINT (exit 130), creating nothing.
func TestSignalsWhileReadingStdin(t *testing.T) {
	db := emptyDB(t)
	for _, c := range []struct {
		sig  syscall.Signal
		args []string
	}{
		{syscall.SIGTERM, []string{"user", "add", "--db", db, "--email", "ed@paper.example", "--name", "Ed"}},
		{syscall.SIGINT, []string{"user", "add", "--db", db, "--email", "ed@paper.example", "--name", "Ed"}},
		{syscall.SIGTERM, []string{"suggest"}},
		{syscall.SIGINT, []string{"suggest", "-"}},
	} {
		cmd := exec.Command(binary, c.args...)
		stdin, _ := cmd.StdinPipe() // open, and never written: the read blocks
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		sent := time.Now()
		cmd.Process.Signal(c.sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 || !strings.Contains(errb.String(), "interrupted") {
				t.Errorf("%v after %v: %v\n%s", c.args, c.sig, err, errb.String())
			}
			t.Logf("%v stopped %v after %v", c.args, time.Since(sent).Round(time.Millisecond), c.sig)
		case <-time.After(3 * time.Second):
			cmd.Process.Kill()
			t.Errorf("%v ignored %v while reading stdin", c.args, c.sig)
		}
		stdin.Close()
	}
	st, err := store.Open(context.Background(), store.Config{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _ := st.CountUsers(context.Background()); n != 0 {
		t.Fatalf("an interrupted user add created %d users", n)
	}
}

// openPTY returns a pseudo-terminal: the master end the test types into
// and reads the screen from, and the slave end the command gets as its
// terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here (%v), so typing at a terminal cannot be tested", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// screen collects what the command shows on the terminal.
type screen struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	more chan struct{}
}

// String returns everything shown so far.
func (sc *screen) String() string {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.buf.String()
}

func watch(master *os.File) *screen {
	sc := &screen{more: make(chan struct{}, 1)}
	go func() {
		b := make([]byte, 1024)
		for {
			n, err := master.Read(b)
			if n > 0 {
				sc.mu.Lock()
				sc.buf.Write(b[:n])
				sc.mu.Unlock()
				select {
				case sc.more <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return sc
}

// waitFor waits until the screen shows s n times.
func (sc *screen) waitFor(t *testing.T, s string, n int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for strings.Count(sc.String(), s) < n {
		select {
		case <-sc.more:
		case <-deadline:
			t.Fatalf("the terminal never showed %q; it shows %q", s, sc.String())
		}
	}
	// The prompt is printed just before echo is switched off; give the
	// command a moment to do that, as a person typing would.
	time.Sleep(300 * time.Millisecond)
}

// startOnTerminal runs the binary with the terminal as its stdin and
// stderr, as its controlling terminal, like a shell would.
func startOnTerminal(t *testing.T, slave *os.File, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var out bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, &out, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, &out
}

// TestPasswordOnATerminal: on a terminal, user add and reset-password ask
// with a prompt, twice, and never show what is typed; Ctrl-C at the prompt
// stops the command and leaves the terminal echoing again.
func TestPasswordOnATerminal(t *testing.T) {
	db := emptyDB(t)
	const pw = "typed secret 4417"
	master, slave := openPTY(t)
	sc := watch(master)
	cmd, _ := startOnTerminal(t, slave, "user", "add", "--db", db, "--email", "ed@paper.example", "--name", "Ed", "--role", "editor")
	sc.waitFor(t, "Password for ed@paper.example: ", 1)
	io.WriteString(master, pw+"\r")
	sc.waitFor(t, "Again: ", 1)
	io.WriteString(master, pw+"\r")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("user add on a terminal: %v\n%s", err, sc.String())
	}
	if strings.Contains(sc.String(), "typed secret") {
		t.Fatalf("the password was echoed: %q", sc.String())
	}
	st, err := store.Open(context.Background(), store.Config{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Authenticate(context.Background(), "ed@paper.example", pw); err != nil {
		t.Fatalf("the typed password does not log in: %v", err)
	}
	st.Close()

	// Ctrl-C at the prompt of reset-password.
	master, slave = openPTY(t)
	sc = watch(master)
	cmd, _ = startOnTerminal(t, slave, "user", "reset-password", "--db", db, "--email", "ed@paper.example")
	sc.waitFor(t, "New password for ed@paper.example: ", 1)
	io.WriteString(master, "half typ")
	master.Write([]byte{3}) // Ctrl-C
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 130 {
			t.Fatalf("Ctrl-C at the password prompt: %v\n%s", err, sc.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("Ctrl-C at the password prompt did not stop the command\n%s", sc.String())
	}
	tio, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if tio.Lflag&unix.ECHO == 0 {
		t.Fatal("the terminal was left without echo after Ctrl-C")
	}
	st, _ = store.Open(context.Background(), store.Config{Path: db})
	defer st.Close()
	if _, err := st.Authenticate(context.Background(), "ed@paper.example", pw); err != nil {
		t.Fatalf("an interrupted reset changed the password: %v", err)
	}
}

// TestUserListResetDeactivate drives the account commands against a
// database the server created, and checks each one's effect.
func TestUserListResetDeactivate(t *testing.T) {
	db := emptyDB(t)
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	admin := &factcheck.User{Email: "chief@paper.example", Name: "Chief", Role: factcheck.RoleAdmin}
	ed := &factcheck.User{Email: "ed@paper.example", Name: "Ed Itor", Role: factcheck.RoleEditor}
	st.CreateUser(ctx, admin, "the chief's password")
	st.CreateUser(ctx, ed, "the editor's password")
	sess, _ := st.CreateSession(ctx, ed.ID, time.Hour)
	tok, _ := st.CreateAPIToken(ctx, ed.ID, "cms")
	st.Close()
	dir := t.TempDir()

	r := runBin(t, dir, "", nil, "user", "list", "--db", db)
	if r.code != 0 || !containsAll(r.stdout, "EMAIL", "chief@paper.example", "admin", "ed@paper.example", "editor", "active", "Ed Itor") {
		t.Fatalf("user list: %+v", r)
	}
	if r := runBin(t, dir, "short\n", nil, "user", "reset-password", "--db", db, "--email", "ed@paper.example"); r.code != 1 || !strings.Contains(r.stderr, "at least") {
		t.Fatalf("weak new password: %+v", r)
	}
	if r := runBin(t, dir, "a brand new password\n", nil, "user", "reset-password", "--db", db, "--email", "nobody@paper.example"); r.code != 1 || !strings.Contains(r.stderr, "no user with email nobody@paper.example") {
		t.Fatalf("unknown user: %+v", r)
	}
	if r := runBin(t, dir, "a brand new password\n", nil, "user", "reset-password", "--db", db, "--email", "ed@paper.example"); r.code != 0 {
		t.Fatalf("reset-password: %+v", r)
	}
	st, _ = store.Open(ctx, store.Config{Path: db})
	if _, err := st.Authenticate(ctx, "ed@paper.example", "a brand new password"); err != nil {
		t.Fatalf("new password: %v", err)
	}
	if _, err := st.SessionUser(ctx, sess); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
		t.Fatalf("session survived the reset: %v", err)
	}
	sess, _ = st.CreateSession(ctx, ed.ID, time.Hour)
	st.Close()

	if r := runBin(t, dir, "", nil, "user", "deactivate", "--db", db, "--email", "ed@paper.example"); r.code != 0 || !strings.Contains(r.stdout, "deactivated") {
		t.Fatalf("deactivate: %+v", r)
	}
	st, _ = store.Open(ctx, store.Config{Path: db})
	if _, err := st.SessionUser(ctx, sess); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
		t.Fatalf("session survived deactivation: %v", err)
	}
	if _, err := st.TokenUser(ctx, tok); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
		t.Fatalf("token survived deactivation: %v", err)
	}
	st.Close()
	if r := runBin(t, dir, "", nil, "user", "list", "--db", db); !strings.Contains(r.stdout, "deactivated") {
		t.Fatalf("user list after deactivation: %+v", r)
	}
	if r := runBin(t, dir, "", nil, "token", "create", "--db", db, "--email", "ed@paper.example"); r.code != 1 || !strings.Contains(r.stderr, "deactivated") {
		t.Fatalf("token for a deactivated user: %+v", r)
	}
	if r := runBin(t, dir, "", nil, "user", "deactivate", "--db", db, "--email", "chief@paper.example"); r.code != 1 || !strings.Contains(r.stderr, "only active admin") {
		t.Fatalf("deactivating the last admin: %+v", r)
	}
	if r := runBin(t, dir, "", nil, "user", "activate", "--db", db, "--email", "ed@paper.example"); r.code != 0 {
		t.Fatalf("activate: %+v", r)
	}
	st, _ = store.Open(ctx, store.Config{Path: db})
	if _, err := st.Authenticate(ctx, "ed@paper.example", "a brand new password"); err != nil {
		t.Fatalf("login after activate: %v", err)
	}
	// A token from the command line expires in 90 days unless told otherwise.
	r = runBin(t, dir, "", nil, "token", "create", "--db", db, "--email", "ed@paper.example")
	if want := "expires on " + time.Now().UTC().AddDate(0, 0, 90).Format("2006-01-02"); r.code != 0 || !strings.Contains(r.stderr, want) {
		t.Fatalf("token create: %+v, want %q", r, want)
	}
	if u, err := st.TokenUser(ctx, strings.TrimSpace(r.stdout)); err != nil || u.ID != ed.ID {
		t.Fatalf("the new token: %v", err)
	}
	if r := runBin(t, dir, "", nil, "token", "create", "--db", db, "--email", "ed@paper.example", "--expires-days", "0"); r.code != 0 || !strings.Contains(r.stderr, "never expires") {
		t.Fatalf("token create --expires-days 0: %+v", r)
	}
	// reset-2fa turns a lost second factor off.
	if err := st.StartTOTP(ctx, ed.ID, "sealed"); err != nil {
		t.Fatal(err)
	} else if err := st.EnableTOTP(ctx, ed.ID, 1, []string{"h"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if r := runBin(t, dir, "", nil, "user", "reset-2fa", "--db", db, "--email", "ed@paper.example"); r.code != 0 || !strings.Contains(r.stdout, "is off") {
		t.Fatalf("reset-2fa: %+v", r)
	}
	st, _ = store.Open(ctx, store.Config{Path: db})
	defer st.Close()
	if on, err := st.TOTPEnabled(ctx, ed.ID); on || err != nil {
		t.Fatalf("2FA still on after reset-2fa: %v", err)
	}
}

// TestHelpListsEveryVariable: "claimdesk help" and "serve -h" name every
// variable of the README's Configuration section and every one the
// commands read.
func TestHelpListsEveryVariable(t *testing.T) {
	name := regexp.MustCompile(`CLAIMDESK_[A-Z0-9_]+`)
	want := map[string]string{}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "\n## Configuration\n")
	section, _, _ = strings.Cut(section, "\n## ")
	for _, v := range name.FindAllString(section, -1) {
		want[v] = "the README's Configuration section"
	}
	read := regexp.MustCompile(`(?:Getenv|LookupEnv|env)\("(CLAIMDESK_[A-Z0-9_]+)"`)
	sources, _ := filepath.Glob("*.go")
	for _, f := range sources {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range read.FindAllStringSubmatch(string(b), -1) {
			want[m[1]] = f
		}
	}
	if len(want) < 20 {
		t.Fatalf("found only %d variables: %v", len(want), want)
	}
	for _, args := range [][]string{{"help"}, {"help", "serve"}} {
		out, _, err := runCLI(t, "", args...)
		if err != nil {
			t.Fatal(err)
		}
		for v, where := range want {
			if !regexp.MustCompile(`\b` + v + `\b`).MatchString(out) {
				t.Errorf("%v does not list %s (from %s)", args, v, where)
			}
		}
	}
}
