package store_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

// wantUnavailable fails unless err is an outage with the code
// EUNAVAILABLE, recognised by IsUnavailable, whose reason mentions want.
func wantUnavailable(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	} else if factcheck.ErrorCode(err) != factcheck.EUNAVAILABLE || !store.IsUnavailable(err) {
		t.Fatalf("%s: code %q, want unavailable: %v", what, factcheck.ErrorCode(err), err)
	} else if r := store.UnavailableReason(err); !strings.Contains(r, want) {
		t.Fatalf("%s: reason %q, want it to mention %q", what, r, want)
	} else if msg := factcheck.ErrorMessage(err); !strings.Contains(msg, "Try again") {
		t.Fatalf("%s: message for people %q", what, msg)
	}
	t.Logf("%s: %s", what, store.UnavailableReason(err))
}

// TestFullDisk fills the file system under a SQLite database for real: a
// tmpfs mounted by the test. Writes then fail as unavailable (not as
// internal errors), CheckWritable says the disk is full, reads keep
// working, and once space is freed everything works again.
func TestFullDisk(t *testing.T) {
	dir := testutil.MountTmpfs(t, "8m")
	s, err := store.Open(ctx, store.Config{Path: filepath.Join(dir, "claimdesk.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	editor := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
	if err := s.CheckWritable(ctx); err != nil {
		t.Fatalf("ready before the fault: %v", err)
	}
	filler := testutil.FillDisk(t, dir)

	wantUnavailable(t, "CheckWritable", s.CheckWritable(ctx), "disk")
	a := &factcheck.Article{Title: "Full", Body: strings.Repeat("The disk is full of claims. ", 4000)}
	wantUnavailable(t, "CreateArticle", s.CreateArticle(ctx, a), "full")
	wantUnavailable(t, "CreateUser", s.CreateUser(ctx, &factcheck.User{Email: "new@example.org", Name: "New", Role: factcheck.RoleEditor}, "correct horse battery"), "full")
	if u, err := s.UserByID(ctx, editor.ID); err != nil || u.Email != editor.Email {
		t.Fatalf("reads must still work on a full disk: %v", err)
	}

	os.Remove(filler)
	if err := s.CheckWritable(ctx); err != nil {
		t.Fatalf("not ready after space was freed: %v", err)
	}
	if err := s.CreateArticle(ctx, a); err != nil {
		t.Fatalf("write after space was freed: %v", err)
	}
}

// TestReadOnlyDatabase makes a database read-only for real, two ways: its
// file system remounted read-only (refused at Open with a message that
// says what to do), and the files made immutable while the store has them
// open (writes and CheckWritable fail as unavailable, reads still work).
func TestReadOnlyDatabase(t *testing.T) {
	t.Run("read-only mount at start", func(t *testing.T) {
		dir := testutil.MountTmpfs(t, "8m")
		path := filepath.Join(dir, "claimdesk.db")
		s, err := store.Open(ctx, store.Config{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		testutil.RemountReadOnly(t, dir)
		_, err = store.Open(ctx, store.Config{Path: path})
		if err == nil {
			t.Fatal("opened a database on a read-only file system")
		}
		if !store.IsUnavailable(err) || !strings.Contains(err.Error(), "not writable") || !strings.Contains(err.Error(), "read-only file system") {
			t.Fatalf("unclear refusal: %v", err)
		}
	})
	t.Run("immutable while open", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("chattr +i needs root; without it this fault cannot be made (chmod does not stop root, and a non-root test cannot mount)")
		}
		path := filepath.Join(t.TempDir(), "claimdesk.db")
		s, err := store.Open(ctx, store.Config{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		editor := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		// The -shm file stays writable: SQLite maps it into memory, and an
		// immutable mapping is a crash (SIGBUS), not a read-only database.
		for _, f := range []string{path, path + "-wal"} {
			if out, err := exec.Command("chattr", "+i", f).CombinedOutput(); err != nil {
				t.Skipf("chattr +i is not supported here (%v: %s), so this fault cannot be made", err, out)
			}
			t.Cleanup(func() { exec.Command("chattr", "-i", f).Run() })
		}
		wantUnavailable(t, "CheckWritable", s.CheckWritable(ctx), "permission")
		wantUnavailable(t, "CreateUser", s.CreateUser(ctx, &factcheck.User{Email: "new@example.org", Name: "New", Role: factcheck.RoleEditor}, "correct horse battery"), "permission")
		if _, err := s.UserByID(ctx, editor.ID); err != nil {
			t.Fatalf("reads must still work: %v", err)
		}
		_, err = store.Open(ctx, store.Config{Path: path})
		if err == nil || !strings.Contains(err.Error(), "not writable") {
			t.Fatalf("a second Open must refuse the immutable file with a clear message: %v", err)
		}
	})
}

// TestPostgresStoppedThenBack stops a PostgreSQL server of the test's own
// while a store uses it: reads, writes and CheckWritable fail as
// unavailable, and after the server is back the same store recovers
// without being reopened.
func TestPostgresStoppedThenBack(t *testing.T) {
	pg := testutil.StartPostgres(t)
	s, err := store.Open(ctx, store.Config{DatabaseURL: pg.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	editor := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
	if err := s.CheckWritable(ctx); err != nil {
		t.Fatalf("ready before the fault: %v", err)
	}

	pg.Stop(t)
	wantUnavailable(t, "CheckWritable", s.CheckWritable(ctx), "")
	wantUnavailable(t, "CreateArticle", s.CreateArticle(ctx, &factcheck.Article{Title: "Down", Body: "The database is down."}), "")
	_, err = s.UserByID(ctx, editor.ID)
	wantUnavailable(t, "UserByID", err, "")
	_, err = s.SessionUser(ctx, "some-session-token")
	wantUnavailable(t, "SessionUser", err, "")
	_, err = s.PublicVersion(ctx)
	wantUnavailable(t, "PublicVersion", err, "")
	wantUnavailable(t, "Ping", s.Ping(ctx), "")
	if _, err := store.Open(ctx, store.Config{DatabaseURL: pg.URL}); !store.IsUnavailable(err) {
		t.Fatalf("Open with the server down: %v", err)
	}

	pg.Resume(t)
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := s.CheckWritable(ctx)
		if err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("no recovery 20 s after the server came back: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	a := &factcheck.Article{Title: "Back", Body: "The database is back."}
	if err := s.CreateArticle(ctx, a); err != nil {
		t.Fatalf("write after recovery: %v", err)
	}
	if _, err := s.UserByID(ctx, editor.ID); err != nil {
		t.Fatalf("read after recovery: %v", err)
	}
	if v, err := s.PublicVersion(ctx); err != nil || v < 1 {
		t.Fatalf("prepared statement after recovery: %d %v", v, err)
	}
}

// TestIsUnavailableLeavesOtherErrorsAlone: ordinary failures keep their codes.
func TestIsUnavailableLeavesOtherErrorsAlone(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		err := s.CreateUser(ctx, &factcheck.User{Email: "ed@example.org", Name: "Ed", Role: factcheck.RoleEditor}, "correct horse battery")
		if factcheck.ErrorCode(err) != factcheck.ECONFLICT || store.IsUnavailable(err) {
			t.Fatalf("duplicate email: %v", err)
		}
		_, err = s.ClaimByID(ctx, 424242)
		if factcheck.ErrorCode(err) != factcheck.ENOTFOUND || store.IsUnavailable(err) {
			t.Fatalf("missing claim: %v", err)
		}
		if store.IsUnavailable(errors.New("something else")) || store.IsUnavailable(nil) {
			t.Fatal("plain errors are not outages")
		}
	})
}
