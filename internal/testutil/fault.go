package testutil

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Helpers that make real faults: a small file system that fills up, one
// that turns read-only, and a PostgreSQL server the test can stop. They need
// root (mount) or PostgreSQL's binaries; without them the test is skipped
// with the reason, since the fault cannot be made.

// MountTmpfs mounts a tmpfs of the given size (e.g. "4m") on a new
// directory and unmounts it at cleanup. It skips the test when not root.
func MountTmpfs(tb testing.TB, size string) string {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("making this fault needs a tmpfs mount, and only root can mount; run the tests as root")
	}
	dir := filepath.Join(tb.TempDir(), "tmpfs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		tb.Skipf("cannot mount a tmpfs here (%v: %s), so this fault cannot be made", err, strings.TrimSpace(string(out)))
	}
	tb.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			exec.Command("umount", "-l", dir).Run()
			tb.Logf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// RemountReadOnly makes a tmpfs from MountTmpfs read-only: writes fail
// with EROFS for every user, root included (unlike chmod).
func RemountReadOnly(tb testing.TB, dir string) {
	tb.Helper()
	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		tb.Fatalf("remount %s read-only: %v %s", dir, err, out)
	}
}

// FillDisk writes a file into dir until the file system is full, and
// returns the file's path (remove it to free the space again).
func FillDisk(tb testing.TB, dir string) string {
	tb.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	small := buf[:512]
	for {
		if _, err := f.Write(small); err != nil {
			return path
		}
	}
}

// Postgres is a PostgreSQL server of the test's own, started with
// .ci/postgres.sh on a free port, that the test may stop and resume.
type Postgres struct {
	URL    string
	port   int
	script string
	dir    string
}

// StartPostgres starts a dedicated PostgreSQL server and stops it at
// cleanup. It skips the test when PostgreSQL tests are off (see PostgresURL).
func StartPostgres(tb testing.TB) *Postgres {
	tb.Helper()
	PostgresURL(tb) // skip or fail like every PostgreSQL test
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	p := &Postgres{port: port, script: filepath.Join(RepoRoot(tb), ".ci", "postgres.sh"), dir: fmt.Sprintf("/tmp/claimdesk-pg-test-%d", port)}
	out := p.run(tb, "start")
	p.URL = strings.TrimSpace(out)
	tb.Cleanup(func() {
		p.run(tb, "stop")
		os.RemoveAll(p.dir)
	})
	return p
}

// Stop stops the server (fast shutdown: open connections are cut).
func (p *Postgres) Stop(tb testing.TB) { p.run(tb, "stop") }

// Resume starts the stopped server again on its data.
func (p *Postgres) Resume(tb testing.TB) { p.run(tb, "resume") }

func (p *Postgres) run(tb testing.TB, what string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", p.script, what)
	cmd.Env = append(os.Environ(), fmt.Sprintf("PGPORT=%d", p.port), "PGDIR="+p.dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("postgres.sh %s: %v\n%s", what, err, stderr.String())
	}
	return string(out)
}

// RepoRoot returns the directory holding go.mod.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// NewPostgresDatabase creates an empty database (not just a schema) on the
// test server and returns its URL; it is dropped at cleanup.
func NewPostgresDatabase(tb testing.TB) string {
	tb.Helper()
	base := PostgresURL(tb)
	name := fmt.Sprintf("t_%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			db.Close()
		}
	})
	return withDatabase(tb, base, name)
}
