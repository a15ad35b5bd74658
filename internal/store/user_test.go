package store_test

import (
	"sync"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

// TestDeactivateEndsSessionsAndTokens: a deactivated user's session and
// API token stop working at once, the password no longer logs in, and a
// reactivated user can log in again (with new tokens). The last active
// admin cannot be switched off.
func TestDeactivateEndsSessionsAndTokens(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		admin := mustUser(t, s, "chief@example.org", factcheck.RoleAdmin)
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		sess, err := s.CreateSession(ctx, ed.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := s.CreateAPIToken(ctx, ed.ID, "cms")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, sess); err != nil {
			t.Fatal(err)
		}

		if err := s.SetActive(ctx, ed.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, sess); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
			t.Fatalf("session of a deactivated user: %v", err)
		}
		if _, err := s.TokenUser(ctx, tok); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
			t.Fatalf("token of a deactivated user: %v", err)
		}
		if _, err := s.Authenticate(ctx, "ed@example.org", "correct horse battery"); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
			t.Fatalf("login of a deactivated user: %v", err)
		}
		if u, _ := s.UserByID(ctx, ed.ID); u.Active() || u.DeactivatedAt == nil {
			t.Fatalf("user not marked deactivated: %+v", u)
		}
		// A session created afterwards (say, by a node that checked the
		// password just before) does not work either.
		late, _ := s.CreateSession(ctx, ed.ID, time.Hour)
		if _, err := s.SessionUser(ctx, late); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
			t.Fatalf("late session of a deactivated user: %v", err)
		}

		if err := s.SetActive(ctx, ed.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "ed@example.org", "correct horse battery"); err != nil {
			t.Fatalf("login after reactivation: %v", err)
		}
		if _, err := s.TokenUser(ctx, tok); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
			t.Fatalf("a token revoked by deactivation came back: %v", err)
		}

		err = s.SetActive(ctx, admin.ID, false)
		if factcheck.ErrorCode(err) != factcheck.EINVALID {
			t.Fatalf("deactivating the only admin: %v", err)
		}
		if err := s.SetActive(ctx, 424242, false); factcheck.ErrorCode(err) != factcheck.ENOTFOUND {
			t.Fatalf("unknown user: %v", err)
		}
	})
}

// TestBootstrapAdminOnce: stores opened separately on one empty database
// (as nodes starting together are) all bootstrap at once; exactly one
// creates the admin and the others succeed without creating anything.
func TestBootstrapAdminOnce(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			cfg := testutil.Config(t, d)
			const nodes = 6
			stores := make([]*store.Store, nodes)
			for i := range stores {
				s, err := store.Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				stores[i] = s
			}
			var wg sync.WaitGroup
			created := make([]bool, nodes)
			errs := make([]error, nodes)
			start := make(chan struct{})
			for i, s := range stores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					created[i], errs[i] = s.BootstrapAdmin(ctx, "", "the first admin's password")
				}()
			}
			close(start)
			wg.Wait()
			n := 0
			for i := range stores {
				if errs[i] != nil {
					t.Errorf("node %d: %v", i, errs[i])
				} else if created[i] {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%d nodes created the admin, want 1", n)
			}
			if users, _ := stores[0].CountUsers(ctx); users != 1 {
				t.Fatalf("%d users after bootstrap", users)
			}
			if u, err := stores[0].Authenticate(ctx, store.DefaultAdminEmail, "the first admin's password"); err != nil || !u.IsAdmin() {
				t.Fatalf("bootstrapped admin: %v", err)
			}
			if ok, err := stores[0].BootstrapAdmin(ctx, "other@example.org", "another long password"); ok || err != nil {
				t.Fatalf("bootstrap on a database with users: %v %v", ok, err)
			}
		})
	}
}

// TestMigrateManyAtOnce opens several stores on one empty database at the
// same moment, as nodes of a fresh deployment do: every one comes up, and
// the schema is applied once.
func TestMigrateManyAtOnce(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			for trial := range 3 {
				var cfg store.Config
				if d == "postgres" {
					cfg = store.Config{DatabaseURL: testutil.NewPostgresDatabase(t)} // a whole empty database, not a schema
				} else {
					cfg = testutil.Config(t, d)
				}
				const nodes = 5
				var wg sync.WaitGroup
				errs := make([]error, nodes)
				start := make(chan struct{})
				for i := range nodes {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						s, err := store.Open(ctx, cfg)
						if err == nil {
							s.Close()
						}
						errs[i] = err
					}()
				}
				close(start)
				wg.Wait()
				for i, err := range errs {
					if err != nil {
						t.Errorf("trial %d, node %d: %v", trial, i, err)
					}
				}
				s, err := store.Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				var n int
				store.WriterForTest(s).Raw("SELECT COUNT(*) FROM schema_migrations").Scan(&n)
				var ratings int
				store.WriterForTest(s).Raw("SELECT COUNT(*) FROM ratings").Scan(&ratings)
				s.Close()
				if n != store.MigrationCountForTest() || ratings != len(factcheck.DefaultRatings()) {
					t.Fatalf("trial %d: %d migrations recorded, %d ratings", trial, n, ratings)
				}
			}
		})
	}
}

// TestOpenRefusesNewerSchema: a database migrated by a newer claimdesk is
// not touched by an older binary.
func TestOpenRefusesNewerSchema(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		store.WriterForTest(s).Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', CURRENT_TIMESTAMP)", store.LatestVersion()+1)
		if err := s.Migrate(ctx, 0); err == nil {
			t.Fatal("migrated a database from a newer claimdesk")
		}
	})
}
