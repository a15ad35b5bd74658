package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/web"
)

// newProvider starts a real OpenID Connect provider on 127.0.0.1 for the
// test and configures e's server to sign in with it.
func newProvider(t *testing.T, e *env, domains []string, role factcheck.Role) (*mockoidc.MockOIDC, *lockedBuffer) {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	cfg := m.Config()
	logs := e.serveLogged(web.Config{OIDC: web.OIDCConfig{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		AllowedDomains: domains, DefaultRole: role}})
	return m, logs
}

// ssoLogin follows a sign-in from the login page's button through the
// provider and back, as a browser would, and returns the desk's last answer.
func (e *env) ssoLogin(c *http.Client, next string) (int, string, *http.Response) {
	e.t.Helper()
	_, page, _ := e.get(c, "/login?next="+url.QueryEscape(next))
	if !strings.Contains(page, `class="button secondary sso-button" href="/login/oidc?next=`) {
		e.t.Fatalf("no sign-in button on the login page")
	}
	st, body, resp := e.get(c, "/login/oidc?next="+url.QueryEscape(next))
	for hops := 0; st == http.StatusFound || st == http.StatusSeeOther; hops++ {
		loc, err := resp.Location()
		if err != nil || hops > 5 {
			e.t.Fatalf("redirect %d: %v", hops, err)
		}
		if strings.HasPrefix(loc.String(), e.srv.URL) {
			st, body, resp = e.get(c, strings.TrimPrefix(loc.String(), e.srv.URL))
			if st == http.StatusSeeOther && !strings.HasPrefix(resp.Header.Get("Location"), "/login/oidc") {
				return st, body, resp // the desk's own answer
			}
			continue
		}
		req, _ := http.NewRequest("GET", loc.String(), nil)
		resp, err = c.Do(req)
		if err != nil {
			e.t.Fatal(err)
		}
		resp.Body.Close()
		st = resp.StatusCode
	}
	return st, body, resp
}

// TestSingleSignOnCreatesUsersWithTheConfiguredRole signs in with a real
// OpenID Connect provider started for the test (state, nonce and PKCE
// included): a new person of an allowed domain gets an account with the
// configured role and no password; a person of another domain, or with an
// unverified email, is refused.
func TestSingleSignOnCreatesUsersWithTheConfiguredRole(t *testing.T) {
	e := newEnv(t, "sqlite")
	m, logs := newProvider(t, e, []string{"paper.example"}, factcheck.RoleReviewer)

	m.QueueUser(&mockoidc.MockUser{Subject: "sub-ana", Email: "Ana.Lopez@paper.example", EmailVerified: true})
	c := e.client()
	st, _, resp := e.ssoLogin(c, "/desk/claims")
	if st != http.StatusSeeOther || resp.Header.Get("Location") != "/desk/claims" {
		t.Fatalf("sign-in: %d %s", st, resp.Header.Get("Location"))
	}
	if st, body, _ := e.get(c, "/desk/account"); st != 200 || !strings.Contains(body, "ana.lopez@paper.example") || !strings.Contains(body, "single sign-on") {
		t.Fatalf("desk after single sign-on: %d", st)
	}
	u, err := e.store.UserByEmail(t.Context(), "ana.lopez@paper.example")
	if err != nil || u.Role != factcheck.RoleReviewer || u.PasswordHash != "" {
		t.Fatalf("created user: %+v %v", u, err)
	}
	if !logHas(logs.String(), `"msg":"user created by single sign-on"`, `"account":"ana.lopez@paper.example"`, `"role":"reviewer"`) {
		t.Error("the new user is not logged")
	}
	// She has no password, so the password form cannot log her in.
	if st, _ := e.tryLogin(e.client(), "ana.lopez@paper.example", ""); st != 401 {
		t.Errorf("password login of an SSO-only user with an empty password: %d", st)
	}
	// Signing in again finds the same user by the provider's subject,
	// even under a changed email.
	m.QueueUser(&mockoidc.MockUser{Subject: "sub-ana", Email: "ana@paper.example", EmailVerified: true})
	if st, _, _ := e.ssoLogin(e.client(), "/desk"); st != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", st)
	}
	if users, _ := e.store.Users(t.Context()); len(users) != 3+1+countSeeded(t, e) {
		t.Errorf("a second account was made: %d users", len(users))
	}

	// Another domain is refused, and no account is made.
	m.QueueUser(&mockoidc.MockUser{Subject: "sub-eve", Email: "eve@gmail.example", EmailVerified: true})
	c = e.client()
	st, body, _ := e.ssoLogin(c, "/desk")
	if st != http.StatusForbidden || !strings.Contains(body, "eve@gmail.example may not sign in here") {
		t.Fatalf("disallowed domain: %d", st)
	}
	if _, err := e.store.UserByEmail(t.Context(), "eve@gmail.example"); factcheck.ErrorCode(err) != factcheck.ENOTFOUND {
		t.Errorf("an account was made for a disallowed domain: %v", err)
	}
	if st, _, _ := e.get(c, "/desk"); st != http.StatusSeeOther {
		t.Errorf("refused sign-in logged in: %d", st)
	}
	// A look-alike domain is not the allowed one.
	m.QueueUser(&mockoidc.MockUser{Subject: "sub-mal", Email: "mal@evilpaper.example", EmailVerified: true})
	if st, _, _ := e.ssoLogin(e.client(), "/desk"); st != http.StatusForbidden {
		t.Errorf("look-alike domain: %d", st)
	}
	// An unverified email is refused.
	m.QueueUser(&mockoidc.MockUser{Subject: "sub-unv", Email: "unverified@paper.example", EmailVerified: false})
	if st, body, _ := e.ssoLogin(e.client(), "/desk"); st != http.StatusForbidden || !strings.Contains(body, "no verified email") {
		t.Errorf("unverified email: %d", st)
	}
	// A deactivated user is refused.
	if err := e.store.SetActive(t.Context(), u.ID, false); err != nil {
		t.Fatal(err)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "sub-ana", Email: "ana@paper.example", EmailVerified: true})
	if st, body, _ := e.ssoLogin(e.client(), "/desk"); st != http.StatusForbidden || !strings.Contains(body, "deactivated") {
		t.Errorf("deactivated user: %d", st)
	}
}

// countSeeded is how many users the seeds made.
func countSeeded(t *testing.T, e *env) int {
	t.Helper()
	users, _ := e.store.Users(t.Context())
	n := 0
	for _, u := range users {
		if !strings.HasSuffix(u.Email, "@test.example") && !strings.HasSuffix(u.Email, "@paper.example") {
			n++
		}
	}
	return n
}

// TestSingleSignOnStateIsChecked: the callback is refused without the
// browser's own state (a forged or replayed answer, login CSRF), and an
// existing account is matched by email.
func TestSingleSignOnStateIsChecked(t *testing.T) {
	e := newEnv(t, "sqlite")
	m, _ := newProvider(t, e, nil, factcheck.RoleEditor)
	// A callback this browser did not start.
	if st, _, _ := e.get(e.client(), "/login/oidc/callback?code=abc&state=xyz"); st != http.StatusBadRequest {
		t.Errorf("callback without a started sign-in: %d", st)
	}
	// A started sign-in whose answer carries another state.
	c := e.client()
	_, _, resp := e.get(c, "/login/oidc?next=/desk")
	loc, _ := resp.Location()
	if q := loc.Query(); q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("authorization request lacks PKCE, nonce or state: %s", loc)
	}
	if st, _, _ := e.get(c, "/login/oidc/callback?code=abc&state=not-the-state"); st != http.StatusBadRequest {
		t.Errorf("callback with another state: %d", st)
	}
	// With no allowed domains, only existing accounts may sign in.
	m.QueueUser(&mockoidc.MockUser{Subject: "sub-ed", Email: "editor@test.example", EmailVerified: true})
	c = e.client()
	if st, _, _ := e.ssoLogin(c, "/desk"); st != http.StatusSeeOther {
		t.Fatalf("existing account by email: %d", st)
	}
	if st, body, _ := e.get(c, "/desk/account"); st != 200 || !strings.Contains(body, "editor@test.example") {
		t.Fatalf("desk: %d", st)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "sub-new", Email: "new@anywhere.example", EmailVerified: true})
	if st, body, _ := e.ssoLogin(e.client(), "/desk"); st != http.StatusForbidden || !strings.Contains(body, "There is no account for new@anywhere.example") {
		t.Errorf("unknown person without allowed domains: %d", st)
	}
}
