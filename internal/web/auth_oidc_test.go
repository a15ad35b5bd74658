package web_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/web"
)

// newProvider starts a real OpenID Connect provider on 127.0.0.1 for the
// test and configures e's server to sign in with it.
func newProvider(t *testing.T, e *env, domains []string, role factcheck.Role) (*mockoidc.MockOIDC, *lockedBuffer) {
	t.Helper()
	return newProviderFor(t, e, web.Config{OIDC: web.OIDCConfig{AllowedDomains: domains, DefaultRole: role}})
}

// newProviderFor is newProvider with the rest of the server's settings
// in cfg; the provider fills in cfg.OIDC's issuer and client.
func newProviderFor(t *testing.T, e *env, cfg web.Config) (*mockoidc.MockOIDC, *lockedBuffer) {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	mc := m.Config()
	cfg.OIDC.Issuer, cfg.OIDC.ClientID, cfg.OIDC.ClientSecret = mc.Issuer, mc.ClientID, mc.ClientSecret
	return m, e.serveLogged(cfg)
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

// TestSingleSignOnCanReplacePasswords: with password login off
// (CLAIMDESK_PASSWORD_LOGIN=false) the login page offers single sign-on
// alone; a password posted to /login, or to the account's password form,
// gets 403 saying why (JSON for clients that want it); a session or a
// pending second factor that a password began no longer counts; single
// sign-on logs in, and API tokens keep working. Without single sign-on
// the server refuses to start so.
func TestSingleSignOnCanReplacePasswords(t *testing.T) {
	e := newEnv(t, "sqlite")
	if _, err := web.New(e.store, web.Config{NoPasswordLogin: true}, slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil || !strings.Contains(err.Error(), "single sign-on") {
		t.Fatalf("password login off without single sign-on: %v", err)
	}
	// Before the switch: a token, a browser logged in with a password, and
	// a login waiting for its second factor.
	adminTok := e.token(e.admin)
	pw := e.client()
	e.login(pw, "editor@test.example")
	rev := e.client()
	e.login(rev, "reviewer@test.example")
	secret := enrolTOTP(t, e, rev)
	pending := e.client()
	if st, _ := e.tryLogin(pending, "reviewer@test.example", testPassword); st != http.StatusSeeOther {
		t.Fatalf("password step: %d", st)
	}
	pendingCSRF := e.csrfFrom(pending, "/login/totp")

	m, logs := newProviderFor(t, e, web.Config{NoPasswordLogin: true})
	anon := e.client()
	st, page, _ := e.get(anon, "/login")
	if st != 200 || !strings.Contains(page, "sso-button") || strings.Contains(page, `name="password"`) || strings.Contains(page, "or with your password") {
		t.Fatalf("login page with passwords off: %d %s", st, page)
	}
	// A password posted anyway: 403, the reason, and no session.
	st, body, _ := e.postForm(anon, "/login", url.Values{"email": {"editor@test.example"}, "password": {testPassword}})
	if st != http.StatusForbidden || !strings.Contains(body, "does not use passwords") || !strings.Contains(body, "sso-button") || strings.Contains(body, `name="password"`) {
		t.Errorf("password login with passwords off: %d %s", st, body)
	}
	var ae apiErr
	req, _ := http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader(url.Values{"email": {"editor@test.example"}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := anon.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&ae)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || ae.Error.Code != factcheck.EFORBIDDEN || !strings.Contains(ae.Error.Message, "does not use passwords") {
		t.Errorf("password login as JSON: %d %+v", resp.StatusCode, ae.Error)
	}
	if st, _, _ := e.get(anon, "/desk"); st != http.StatusSeeOther {
		t.Errorf("a refused password logged in: %d", st)
	}
	if !logHas(logs.String(), `"msg":"password refused: password login is off"`, `"account":"editor@test.example"`) {
		t.Error("the refused password is not logged")
	}
	// What a password began before no longer counts.
	if st, _, resp := e.get(pw, "/desk"); st != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("a session started with a password: %d %s", st, resp.Header.Get("Location"))
	}
	if st, _, resp := e.postForm(pending, "/login/totp", url.Values{"_csrf": {pendingCSRF}, "code": {totpCode(t, secret, time.Now().Add(30*time.Second))}}); st != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?") {
		t.Errorf("second factor of a password login: %d %s", st, resp.Header.Get("Location"))
	}

	// Single sign-on logs in; the account page has no password form, and
	// its post is refused.
	m.QueueUser(&mockoidc.MockUser{Subject: "sub-ed", Email: "editor@test.example", EmailVerified: true})
	c := e.client()
	if st, _, _ := e.ssoLogin(c, "/desk"); st != http.StatusSeeOther {
		t.Fatalf("single sign-on: %d", st)
	}
	st, body, _ = e.get(c, "/desk/account")
	if st != 200 || strings.Contains(body, `action="/desk/account/password"`) || strings.Contains(body, "Change your password") {
		t.Errorf("account page with passwords off: %d", st)
	}
	st, body, _ = e.postForm(c, "/desk/account/password", url.Values{"_csrf": {e.csrfFrom(c, "/desk/account")}, "current_password": {testPassword}, "password": {"a brand new passphrase of words"}})
	if st != http.StatusForbidden || !strings.Contains(body, "does not use passwords") {
		t.Errorf("password change with passwords off: %d", st)
	}
	if _, err := e.store.Authenticate(t.Context(), "editor@test.example", testPassword); err != nil {
		t.Errorf("the refused change changed the password: %v", err)
	}
	// API tokens keep working.
	if st := e.api("GET", "/api/v1/webhooks", adminTok, nil, nil); st != 200 {
		t.Errorf("API token with passwords off: %d", st)
	}
	// An admin adds a user with no password, who then signs in through the
	// provider with that email and keeps the role the admin gave.
	adm := e.client()
	m.QueueUser(&mockoidc.MockUser{Subject: "sub-admin", Email: e.admin.Email, EmailVerified: true})
	if st, _, _ := e.ssoLogin(adm, "/desk"); st != http.StatusSeeOther {
		t.Fatalf("admin single sign-on: %d", st)
	}
	st, body, _ = e.get(adm, "/desk/users")
	if st != 200 || strings.Contains(body, `name="password"`) || !strings.Contains(body, "single sign-on") {
		t.Fatalf("add-user form with passwords off: %d", st)
	}
	st, body, _ = e.postForm(adm, "/desk/users", url.Values{"_csrf": {e.csrfFrom(adm, "/desk/users")}, "email": {"newrev@test.example"}, "name": {"New Reviewer"}, "role": {"reviewer"}})
	if st != 200 || !strings.Contains(body, "Added newrev@test.example") {
		t.Fatalf("adding a user with passwords off: %d %.300s", st, body)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "sub-newrev", Email: "newrev@test.example", EmailVerified: true})
	nr := e.client()
	if st, _, _ := e.ssoLogin(nr, "/desk"); st != http.StatusSeeOther {
		t.Fatalf("the added user's single sign-on: %d", st)
	}
	if u, err := e.store.UserByEmail(t.Context(), "newrev@test.example"); err != nil || u.Role != factcheck.RoleReviewer || u.PasswordHash != "" {
		t.Errorf("the added user: %+v %v", u, err)
	}
}
