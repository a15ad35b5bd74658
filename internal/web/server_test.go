package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/seed"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
	"claimdesk/seeds"
)

const testPassword = "correct horse battery"

// env is a running claimdesk on a real database and a real HTTP server on
// 127.0.0.1, loaded with the demo seeds and one user of each role.
type env struct {
	t        *testing.T
	store    *store.Store
	srv      *httptest.Server
	web      *web.Server
	admin    *factcheck.User
	editor   *factcheck.User
	reviewer *factcheck.User
}

func newEnv(t *testing.T, dialect string) *env {
	t.Helper()
	st := testutil.OpenStore(t, dialect)
	ctx := context.Background()
	if _, err := seed.Load(ctx, st, seeds.FS); err != nil {
		t.Fatalf("seed: %v", err)
	}
	e := &env{t: t, store: st}
	for _, u := range []**factcheck.User{&e.admin, &e.editor, &e.reviewer} {
		*u = &factcheck.User{}
	}
	mk := func(email string, role factcheck.Role) *factcheck.User {
		u := &factcheck.User{Email: email, Name: string(role) + " tester", Role: role}
		if err := st.CreateUser(ctx, u, testPassword); err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.admin = mk("admin@test.example", factcheck.RoleAdmin)
	e.editor = mk("editor@test.example", factcheck.RoleEditor)
	e.reviewer = mk("reviewer@test.example", factcheck.RoleReviewer)
	var srv *web.Server
	e.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { srv.Handler().ServeHTTP(w, r) }))
	e.srv.Start()
	srv = newServer(t, st, web.Config{BaseURL: e.srv.URL, Newsroom: "Test Desk", LoginLimit: 5, FetchPrivate: true})
	e.web = srv
	t.Cleanup(e.srv.Close)
	return e
}

// metrics returns what the metrics listener (not the public one) serves.
func (e *env) metrics() string {
	e.t.Helper()
	rec := httptest.NewRecorder()
	e.web.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		e.t.Fatalf("metrics: %d", rec.Code)
	}
	return rec.Body.String()
}

// newServer builds the server around st, failing the test if it cannot.
func newServer(t testing.TB, st *store.Store, cfg web.Config) *web.Server {
	t.Helper()
	srv, err := web.New(st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// client is a browser-like HTTP client with a cookie jar that does not
// follow redirects, so tests can see them.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// get fetches path and returns status, body and the response.
func (e *env) get(c *http.Client, path string, header ...string) (int, string, *http.Response) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrfFrom fetches a page and returns the CSRF token in its forms.
func (e *env) csrfFrom(c *http.Client, path string) string {
	e.t.Helper()
	_, body, _ := e.get(c, path)
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no CSRF token on %s", path)
	}
	return m[1]
}

func (e *env) postForm(c *http.Client, path string, form url.Values) (int, string, *http.Response) {
	e.t.Helper()
	resp, err := c.PostForm(e.srv.URL+path, form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

// login signs c in as email and fails the test if that does not work.
func (e *env) login(c *http.Client, email string) {
	e.t.Helper()
	token := e.csrfFrom(c, "/login")
	status, body, resp := e.postForm(c, "/login", url.Values{"_csrf": {token}, "email": {email}, "password": {testPassword}})
	if status != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d: %s", email, status, body)
	}
	_ = resp
}

func hasAll(t *testing.T, what, body string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(body, s) {
			t.Errorf("%s: missing %q", what, s)
		}
	}
}

// HEAD answers like GET without a body, for link checkers, monitors and
// CDNs; a route without GET still refuses it.
func TestHead(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl, _ := e.publishedAndDraft()
	for _, path := range []string{"/", "/healthz", "/ratings", idPath("/claims/", cl.ID, ""), idPath("/embed/claims/", cl.ID, ""), "/embed.js"} {
		// Go's client asks for gzip on GET but not on HEAD; ask alike.
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "identity")
		get, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		get.Body.Close()
		resp, err := http.Head(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(body) != 0 || resp.Header.Get("Content-Type") != get.Header.Get("Content-Type") || resp.Header.Get("ETag") != get.Header.Get("ETag") {
			t.Errorf("HEAD %s: %d, %d body bytes, %q vs GET %q", path, resp.StatusCode, len(body), resp.Header.Get("Content-Type"), get.Header.Get("Content-Type"))
		}
	}
	// Metrics count them as HEAD.
	if metrics := e.metrics(); !strings.Contains(metrics, `claimdesk_http_requests_total{method="HEAD",route="/",status="200"} 1`) {
		t.Error("metrics do not count the HEAD request as HEAD")
	}
	for _, path := range []string{"/logout", "/nope"} {
		resp, err := http.Head(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed && resp.StatusCode != http.StatusNotFound {
			t.Errorf("HEAD %s: %d", path, resp.StatusCode)
		}
	}
}

// fillForReview gives c what the readiness checklist asks for that it lacks
// (statement, claimant, date, summary, rationale, a source), keeping what
// it has, for tests whose subject is not the checklist.
func fillForReview(c *factcheck.Claim) {
	if c.Statement == "" {
		c.Statement = "Claim " + c.Slug
	}
	if c.Claimant == "" {
		c.Claimant = "The article"
	}
	if c.ClaimDate == nil {
		d := time.Date(2024, 11, 19, 0, 0, 0, 0, time.UTC)
		c.ClaimDate = &d
	}
	if c.Summary == "" {
		c.Summary = "Checked against the record."
	}
	if c.Rationale == "" {
		c.Rationale = "The record shows it."
	}
	if len(c.Evidence) == 0 {
		c.Evidence = []factcheck.Evidence{{URL: "https://records.example/", Title: "The record", Stance: factcheck.StanceContext}}
	}
}
