package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// More strong test passwords (testPassword is in server_test.go): the
// desk refuses short and guessable ones, so tests use real passphrases.
const (
	testPassword2 = "quartz lantern orbit meadow"
	testPassword3 = "velvet canyon ledger 1187"
)

func TestLoginLogoutAndCookies(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	// The desk sends anonymous browsers to the login page.
	status, _, resp := e.get(c, "/desk")
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fdesk" {
		t.Fatalf("anonymous desk: %d %s", status, resp.Header.Get("Location"))
	}
	token := e.csrfFrom(c, "/login")
	status, body, _ := e.postForm(c, "/login", url.Values{"_csrf": {token}, "email": {"editor@test.example"}, "password": {"wrong password"}})
	if status != http.StatusUnauthorized || !strings.Contains(body, "Email or password is wrong.") {
		t.Fatalf("wrong password: %d", status)
	}
	status, _, resp = e.postForm(c, "/login", url.Values{"_csrf": {token}, "email": {"EDITOR@test.example"}, "password": {testPassword}, "next": {"/desk"}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/desk" {
		t.Fatalf("login: %d %s", status, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "claimdesk_session" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || len(session.Value) < 40 {
		t.Fatalf("session cookie: %+v", session)
	}
	if hash, _ := e.store.SessionUser(t.Context(), session.Value); hash == nil {
		t.Fatal("session not stored")
	}
	status, body, _ = e.get(c, "/desk")
	if status != 200 || !strings.Contains(body, "Waiting for review") {
		t.Fatalf("desk after login: %d", status)
	}
	// Logging out ends the session on the server, not only in the browser.
	status, _, _ = e.postForm(c, "/logout", url.Values{"_csrf": {e.csrfFrom(c, "/desk")}})
	if status != http.StatusSeeOther {
		t.Fatalf("logout: %d", status)
	}
	if _, err := e.store.SessionUser(t.Context(), session.Value); err == nil {
		t.Fatal("session still valid after logout")
	}
}

func TestCSRFRequired(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	e.login(c, "editor@test.example")
	for _, form := range []url.Values{{}, {"_csrf": {"forged-token-forged-token-forged-token"}}} {
		status, body, _ := e.postForm(c, "/logout", form)
		if status != http.StatusForbidden || !strings.Contains(body, "security token") {
			t.Errorf("logout with %v: %d", form, status)
		}
	}
	if st, _, _ := e.get(c, "/desk"); st != 200 {
		t.Fatalf("forged logout ended the session: %d", st)
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	token := e.csrfFrom(c, "/login")
	for i := 0; i < 5; i++ {
		if st, _, _ := e.postForm(c, "/login", url.Values{"_csrf": {token}, "email": {"editor@test.example"}, "password": {"guess"}}); st != 401 {
			t.Fatalf("attempt %d: %d", i, st)
		}
	}
	// Even the right password is refused once the limit is reached.
	status, body, resp := e.postForm(c, "/login", url.Values{"_csrf": {token}, "email": {"editor@test.example"}, "password": {testPassword}})
	if status != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many failed attempts") {
		t.Fatalf("after 5 failures: %d", status)
	}
}

func TestLoginRedirectStaysOnSite(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, next := range []string{"https://evil.example/", "//evil.example", `/\evil.example`, "javascript:alert(1)", "/desk\r\nSet-Cookie: x=y"} {
		c := e.client()
		token := e.csrfFrom(c, "/login")
		_, _, resp := e.postForm(c, "/login", url.Values{"_csrf": {token}, "email": {"editor@test.example"}, "password": {testPassword}, "next": {next}})
		if loc := resp.Header.Get("Location"); loc != "/desk" {
			t.Errorf("next=%q redirected to %q", next, loc)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	big := strings.NewReader("email=" + strings.Repeat("a", 3<<20))
	resp, err := c.Post(e.srv.URL+"/login", "application/x-www-form-urlencoded", big)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("3 MB login form: %d, want 413", resp.StatusCode)
	}
}
