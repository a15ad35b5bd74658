// Package testutil opens real databases for tests: a SQLite file in a temp
// directory and, when CLAIMDESK_TEST_DATABASE_URL points at a PostgreSQL
// server (make test starts one), a fresh schema on that server.
package testutil

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"golang.org/x/crypto/bcrypt"

	"claimdesk/internal/store"
)

// PostgresURL returns the test server's URL. Without one, it fails the test
// when running under CI (make test must provide it) and skips it otherwise.
// With -short (make check) PostgreSQL tests are skipped: the fast loop runs
// on SQLite alone.
func PostgresURL(tb testing.TB) string {
	if testing.Short() {
		tb.Skip("-short runs on SQLite only; make test runs PostgreSQL too")
	}
	u := os.Getenv("CLAIMDESK_TEST_DATABASE_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("CLAIMDESK_TEST_DATABASE_URL is not set: make test starts PostgreSQL and sets it")
		}
		tb.Skip("PostgreSQL tests need CLAIMDESK_TEST_DATABASE_URL (make test sets it)")
	}
	return u
}

var schemaSeq atomic.Int64

// NewPostgresSchema creates an empty schema on the test server and returns
// a URL whose connections use it; the schema is dropped at cleanup.
func NewPostgresSchema(tb testing.TB) string {
	base := PostgresURL(tb)
	name := fmt.Sprintf("t_%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + name); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec("DROP SCHEMA " + name + " CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// withDatabase returns base with its database name replaced.
func withDatabase(tb testing.TB, base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Config returns a store configuration for a fresh database of the given
// dialect ("sqlite" or "postgres").
// Passwords are hashed at bcrypt's lowest cost: tests create many users,
// and the cost is not what they test.
func Config(tb testing.TB, dialect string) store.Config {
	if dialect == "postgres" {
		return store.Config{DatabaseURL: NewPostgresSchema(tb), PasswordCost: bcrypt.MinCost}
	}
	return store.Config{Path: filepath.Join(tb.TempDir(), "claimdesk.db"), PasswordCost: bcrypt.MinCost}
}

// OpenStore opens a migrated store on a fresh database and closes it at cleanup.
func OpenStore(tb testing.TB, dialect string) *store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), Config(tb, dialect))
	if err != nil {
		tb.Fatalf("open %s store: %v", dialect, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// Dialects lists the databases every store test runs against.
var Dialects = []string{"sqlite", "postgres"}

// EachDB runs fn as a subtest on a fresh store of every dialect.
func EachDB(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			fn(t, OpenStore(t, d))
		})
	}
}

// Contains reports whether s contains every one of subs, for readable asserts.
func Contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
