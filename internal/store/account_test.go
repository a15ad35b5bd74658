package store_test

import (
	"sync"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

// TestReserveLoginAttemptIsAtomic: attempts reserved at the same moment
// from many connections count one each, so exactly limit of them get
// through on both databases; a release takes the attempt back.
func TestReserveLoginAttemptIsAtomic(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		const n, limit = 40, 7
		keys := []string{"ip:192.0.2.7", "email:ed@example.org"}
		var mu sync.Mutex
		reserved, refused, locked := 0, 0, 0
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := s.ReserveLoginAttempt(ctx, keys, limit, 15*time.Minute)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					t.Error(err)
				case a.Refused != nil:
					refused++
				default:
					reserved++
					locked += len(a.Locked)
				}
			}()
		}
		wg.Wait()
		if reserved != limit || refused != n-limit || locked != len(keys) {
			t.Fatalf("%d reserved, %d refused, %d locks reported; want %d, %d, %d", reserved, refused, locked, limit, n-limit, len(keys))
		}
		if c, _ := s.LoginFailures(ctx, "ip:192.0.2.7", time.Now().Add(-time.Hour)); c != limit {
			t.Fatalf("%d attempts stored", c)
		}
		// Another key is not affected; a released attempt does not count.
		a, err := s.ReserveLoginAttempt(ctx, []string{"ip:192.0.2.8"}, limit, 15*time.Minute)
		if err != nil || a.Refused != nil {
			t.Fatalf("fresh key: %+v %v", a, err)
		}
		if err := s.ReleaseLoginAttempt(ctx, a); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.LoginFailures(ctx, "ip:192.0.2.8", time.Now().Add(-time.Hour)); c != 0 {
			t.Fatalf("released attempt still counted: %d", c)
		}
		// The refusal says until when; after that the lock's end is reported.
		a, _ = s.ReserveLoginAttempt(ctx, keys, limit, 15*time.Minute)
		if a.Refused == nil || a.Refused.Until.Before(time.Now().Add(14*time.Minute)) {
			t.Fatalf("refusal: %+v", a.Refused)
		}
		s.SetClock(func() time.Time { return time.Now().UTC().Add(16 * time.Minute) })
		a, err = s.ReserveLoginAttempt(ctx, keys, limit, 15*time.Minute)
		if err != nil || a.Refused != nil || len(a.Unlocked) != len(keys) {
			t.Fatalf("after the window: %+v %v", a, err)
		}
	})
}

// TestServerSecretIsSharedByNodes: two stores on one database (two nodes)
// get the same secret, made once.
func TestServerSecretIsSharedByNodes(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			cfg := testutil.Config(t, d)
			var keys [4][]byte
			var wg sync.WaitGroup
			for i := range keys {
				st, err := store.Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				wg.Add(1)
				go func() {
					defer wg.Done()
					k, err := st.ServerSecret(ctx, "master")
					if err != nil {
						t.Error(err)
					}
					keys[i] = k
				}()
			}
			wg.Wait()
			for i := range keys {
				if len(keys[i]) != 32 || string(keys[i]) != string(keys[0]) {
					t.Fatalf("node %d got another secret", i)
				}
			}
		})
	}
}

// TestSecondFactorCodesWorkOnce: a TOTP step and a recovery code are each
// accepted once, even when two requests race with the same one.
func TestSecondFactorCodesWorkOnce(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		if err := s.StartTOTP(ctx, ed.ID, "sealed"); err != nil {
			t.Fatal(err)
		}
		if on, _ := s.TOTPEnabled(ctx, ed.ID); on {
			t.Fatal("on before confirmation")
		}
		if err := s.EnableTOTP(ctx, ed.ID, 100, []string{"h1", "h2"}); err != nil {
			t.Fatal(err)
		}
		if err := s.StartTOTP(ctx, ed.ID, "other"); factcheck.ErrorCode(err) != factcheck.ECONFLICT {
			t.Fatalf("restart while on: %v", err)
		}
		race := func(fn func() error) (ok int) {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if fn() == nil {
						mu.Lock()
						ok++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			return ok
		}
		if n := race(func() error { return s.UseTOTPStep(ctx, ed.ID, 100) }); n != 0 {
			t.Errorf("the enrolment's step accepted %d times", n)
		}
		if n := race(func() error { return s.UseTOTPStep(ctx, ed.ID, 101) }); n != 1 {
			t.Errorf("step 101 accepted %d times, want once", n)
		}
		if n := race(func() error { return s.UseRecoveryCode(ctx, ed.ID, "h2") }); n != 1 {
			t.Errorf("recovery code accepted %d times, want once", n)
		}
		if st, _ := s.UserTOTP(ctx, ed.ID); !st.Enabled || st.RecoveryLeft != 1 || st.LastStep != 101 {
			t.Errorf("state: %+v", st)
		}
		if err := s.DisableTOTP(ctx, ed.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.UseRecoveryCode(ctx, ed.ID, "h1"); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
			t.Errorf("recovery code after turning 2FA off: %v", err)
		}
	})
}

// TestSSOUserLinksOnce: a sign-in creates a user once (with the role
// asked for and no password), finds it again by subject, and links an
// existing user by email.
func TestSSOUserLinksOnce(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		l := store.SSOLogin{Issuer: "https://idp.example", Subject: "s1", Email: "ana@paper.example", Name: "Ana", Role: factcheck.RoleReviewer}
		u, created, err := s.SSOUser(ctx, l)
		if err != nil || !created || u.Role != factcheck.RoleReviewer || u.PasswordHash != "" {
			t.Fatalf("first sign-in: %+v %v %v", u, created, err)
		}
		if _, err := s.Authenticate(ctx, "ana@paper.example", ""); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
			t.Fatalf("empty password of an SSO user: %v", err)
		}
		l.Email = "ana.new@paper.example"
		again, created, err := s.SSOUser(ctx, l)
		if err != nil || created || again.ID != u.ID {
			t.Fatalf("second sign-in: %+v %v %v", again, created, err)
		}
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		byMail, created, err := s.SSOUser(ctx, store.SSOLogin{Issuer: "https://idp.example", Subject: "s2", Email: "ED@example.org", Role: factcheck.RoleAdmin})
		if err != nil || created || byMail.ID != ed.ID || byMail.Role != factcheck.RoleEditor {
			t.Fatalf("existing user by email: %+v %v %v", byMail, created, err)
		}
	})
}
