package store_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
)

// sqliteWithArticles returns a closed SQLite database holding one user and
// the given articles.
func sqliteWithArticles(t *testing.T, dir, name string, titles ...string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	s, err := store.Open(ctx, store.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
	for _, title := range titles {
		if err := s.CreateArticle(ctx, &factcheck.Article{Title: title, Body: "Body of " + title + "."}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func articleTitles(t *testing.T, path string) []string {
	t.Helper()
	s, err := store.Open(ctx, store.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	as, err := s.Articles(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range as {
		out = append(out, a.Title)
	}
	return out
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func copyTo(t *testing.T, src, dst string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

func execSQLite(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestInspectBackupRefuses checks every kind of file restore must refuse,
// without changing the file, and accepts a real backup with its counts.
func TestInspectBackupRefuses(t *testing.T) {
	dir := t.TempDir()
	src := sqliteWithArticles(t, dir, "live.db", "One", "Two")
	s, err := store.Open(ctx, store.Config{Path: src})
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.db")
	if err := s.Backup(ctx, good); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, good); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("backup over an existing file: %v", err)
	}
	s.Close()
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*partial*"))
	if len(leftovers) != 0 {
		t.Fatalf("backup left temporary files: %v", leftovers)
	}

	info, err := store.InspectBackup(ctx, good)
	if err != nil {
		t.Fatalf("a real backup was refused: %v", err)
	}
	if info.Articles != 2 || info.Users != 1 || info.Claims != 0 || info.SchemaVersion != store.LatestVersion() {
		t.Fatalf("counts of the backup: %+v", info)
	}

	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte("not a database, just text"), 0o644)
	foreign := filepath.Join(dir, "foreign.db")
	execSQLite(t, foreign, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", "INSERT INTO notes (body) VALUES ('hello')")
	noTables := filepath.Join(dir, "notables.db")
	execSQLite(t, noTables, "PRAGMA user_version = 1")
	truncated := copyTo(t, good, filepath.Join(dir, "truncated.db"))
	st, _ := os.Stat(truncated)
	os.Truncate(truncated, st.Size()/2)
	newer := copyTo(t, good, filepath.Join(dir, "newer.db"))
	execSQLite(t, newer, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', CURRENT_TIMESTAMP)")
	partial := copyTo(t, good, filepath.Join(dir, "partial.db"))
	execSQLite(t, partial, "DROP TABLE revisions")

	for _, c := range []struct{ path, want string }{
		{empty, "empty"},
		{garbage, "not a SQLite database"},
		{foreign, "not a claimdesk database"},
		{noTables, "no tables"},
		{truncated, "truncated"},
		{newer, "newer claimdesk"},
		{partial, "revisions is missing"},
		{filepath.Join(dir, "missing.db"), "no such file"},
	} {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			var before [32]byte
			if _, err := os.Stat(c.path); err == nil {
				before = fileSum(t, c.path)
			}
			_, err := store.InspectBackup(ctx, c.path)
			if err == nil {
				t.Fatal("accepted")
			} else if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("refused for the wrong reason: %v (want %q)", err, c.want)
			}
			if _, err := os.Stat(c.path); err == nil && fileSum(t, c.path) != before {
				t.Fatal("inspecting changed the file")
			}
			if _, err := os.Stat(c.path + "-wal"); err == nil {
				t.Fatal("inspecting created a -wal file")
			}
		})
	}
}

// TestRestore puts a backup in place only when nothing has the database
// open, keeps the replaced database as .bak (then .bak.2), and leaves the
// database untouched when it refuses.
func TestRestore(t *testing.T) {
	dir := t.TempDir()
	live := sqliteWithArticles(t, dir, "live.db", "Old")
	other := sqliteWithArticles(t, dir, "other.db", "New A", "New B")
	backup := filepath.Join(dir, "backup.db")
	s, err := store.Open(ctx, store.Config{Path: other})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// A store (as in a running server) has the database open: refused.
	open, err := store.Open(ctx, store.Config{Path: live})
	if err != nil {
		t.Fatal(err)
	}
	before := fileSum(t, live)
	_, err = store.Restore(ctx, live, backup)
	if !errors.Is(err, store.ErrInUse) {
		t.Fatalf("restore under an open store: %v", err)
	}
	if fileSum(t, live) != before {
		t.Fatal("a refused restore changed the database")
	}
	// The store that was open keeps working on its own data.
	if err := open.CreateArticle(ctx, &factcheck.Article{Title: "Written during the refused restore", Body: "Still here."}); err != nil {
		t.Fatal(err)
	}
	open.Close()

	// A bad file is refused with the database untouched.
	empty := filepath.Join(dir, "empty.db")
	os.WriteFile(empty, nil, 0o644)
	before = fileSum(t, live)
	if _, err := store.Restore(ctx, live, empty); err == nil || factcheck.ErrorCode(err) != factcheck.EINVALID {
		t.Fatalf("restore of an empty file: %v", err)
	}
	if fileSum(t, live) != before {
		t.Fatal("a refused restore changed the database")
	}
	if _, err := store.Restore(ctx, live, live); err == nil {
		t.Fatal("restored the database onto itself")
	}

	res, err := store.Restore(ctx, live, backup)
	if err != nil {
		t.Fatal(err)
	}
	if res.Articles != 2 || res.Users != 1 || res.Replaced != live+".bak" {
		t.Fatalf("restore result: %+v", res)
	}
	if got := strings.Join(articleTitles(t, live), ","); got != "New B,New A" {
		t.Fatalf("restored database holds %s", got)
	}
	if got := strings.Join(articleTitles(t, live+".bak"), ","); got != "Written during the refused restore,Old" {
		t.Fatalf("the replaced database kept as .bak holds %s", got)
	}
	res, err = store.Restore(ctx, live, backup)
	if err != nil || res.Replaced != live+".bak.2" {
		t.Fatalf("second restore: %+v %v", res, err)
	}
	if _, err := os.Stat(live + ".bak"); err != nil {
		t.Fatal("the first .bak was overwritten")
	}
	tmp, _ := filepath.Glob(filepath.Join(dir, ".*restore*"))
	if len(tmp) != 0 {
		t.Fatalf("restore left temporary files: %v", tmp)
	}
}

// TestCloseCheckpointsWAL: after Close, the .db file alone holds every
// write. Before Close the same copy would miss them (they sit in the WAL),
// which the test checks first so that it can fail.
func TestCloseCheckpointsWAL(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "claimdesk.db")
	s, err := store.Open(ctx, store.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
	for i := range 20 {
		if err := s.CreateArticle(ctx, &factcheck.Article{Title: "Article " + string(rune('A'+i)), Body: "Some body."}); err != nil {
			t.Fatal(err)
		}
	}
	countIn := func(dbFile string) int {
		t.Helper()
		d := t.TempDir()
		copyTo(t, dbFile, filepath.Join(d, "copy.db"))
		db, err := sql.Open("sqlite3", "file:"+filepath.Join(d, "copy.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		db.QueryRow("SELECT COUNT(*) FROM articles").Scan(&n)
		return n
	}
	if n := countIn(path); n == 20 {
		t.Fatal("the writes are already in the .db file before Close; this test would prove nothing")
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		t.Fatalf("the WAL still holds %d bytes after Close", st.Size())
	}
	if n := countIn(path); n != 20 {
		t.Fatalf("the .db file alone holds %d of 20 articles after Close", n)
	}
}

// TestBackupCopiesEverything is a smoke test of the copy itself.
func TestBackupCopiesEverything(t *testing.T) {
	dir := t.TempDir()
	src := sqliteWithArticles(t, dir, "live.db", "One")
	s, _ := store.Open(ctx, store.Config{Path: src})
	defer s.Close()
	dst := filepath.Join(dir, "sub", "b.db")
	if err := s.Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(dst)
	head := make([]byte, 16)
	io.ReadFull(f, head)
	f.Close()
	if !bytes.Equal(head, []byte("SQLite format 3\x00")) {
		t.Fatalf("backup header %q", head)
	}
	if got := articleTitles(t, dst); len(got) != 1 || got[0] != "One" {
		t.Fatalf("backup holds %v", got)
	}
}
