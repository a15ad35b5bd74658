package web_test

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
)

// lockedBuffer collects a server's log lines for a test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serveLogged replaces e's server with one built from cfg whose log lines
// the test can read. BaseURL and LoginLimit default to e's.
func (e *env) serveLogged(cfg web.Config) *lockedBuffer {
	e.t.Helper()
	logs := &lockedBuffer{}
	if cfg.BaseURL == "" {
		cfg.BaseURL = e.srv.URL
	}
	if cfg.LoginLimit == 0 {
		cfg.LoginLimit = 5
	}
	srv, err := web.New(e.store, cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		e.t.Fatal(err)
	}
	e.srv.Config.Handler = srv.Handler()
	e.web = srv
	return logs
}

// logHas reports whether one line of a JSON log holds every part.
func logHas(log string, parts ...string) bool {
	for _, line := range strings.Split(log, "\n") {
		if testutil.Contains(line, parts...) {
			return true
		}
	}
	return false
}

// clientFrom is a browser-like client whose connections come from the
// loopback address ip (127.0.0.2, …), so the server sees another address.
func (e *env) clientFrom(ip string) *http.Client {
	c := e.client()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c.Transport = &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}
	return c
}

// tryLogin posts the login form from c and returns the status and body.
func (e *env) tryLogin(c *http.Client, email, password string) (int, string) {
	e.t.Helper()
	st, body, _ := e.postForm(c, "/login", url.Values{"_csrf": {e.csrfFrom(c, "/login")}, "email": {email}, "password": {password}})
	return st, body
}

// TestLoginLimitHoldsAgainstParallelGuesses: 60 wrong passwords sent at
// once from one address, then the right one: exactly LoginLimit guesses
// are checked, the rest and the right password are refused while the
// limit holds. (The count used to be read before bcrypt and written after
// it, so the right password got in after 48 guesses.)
func TestLoginLimitHoldsAgainstParallelGuesses(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			const n = 60
			clients := make([]*http.Client, n)
			tokens := make([]string, n)
			for i := range clients {
				clients[i] = e.client()
				tokens[i] = e.csrfFrom(clients[i], "/login")
			}
			statuses := make([]int, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					resp, err := clients[i].PostForm(e.srv.URL+"/login", url.Values{"_csrf": {tokens[i]}, "email": {"reviewer@test.example"}, "password": {"wrong guess " + strconv.Itoa(i)}})
					if err != nil {
						t.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					statuses[i] = resp.StatusCode
				}()
			}
			close(start)
			wg.Wait()
			count := map[int]int{}
			for _, st := range statuses {
				count[st]++
			}
			if count[401] != 5 || count[429] != n-5 {
				t.Fatalf("60 parallel guesses with a limit of 5: %v, want 5×401 and 55×429", count)
			}
			c := e.client()
			st, body := e.tryLogin(c, "reviewer@test.example", testPassword)
			if st != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed attempts") {
				t.Fatalf("the right password after the guesses: %d, want 429", st)
			}
			if st, _, _ := e.get(c, "/desk"); st != http.StatusSeeOther {
				t.Fatalf("logged in while the limit holds: %d", st)
			}
		})
	}
}

// TestKnownBrowserGetsInWhileAccountIsAttacked: guesses at an account
// from many addresses lock the account for everyone else, but not for the
// browser its owner logged in with before (signed device cookie). The
// lockout and its end are logged with the account; the password never is.
func TestKnownBrowserGetsInWhileAccountIsAttacked(t *testing.T) {
	e := newEnv(t, "sqlite")
	logs := e.serveLogged(web.Config{})
	owner := e.client()
	e.login(owner, "editor@test.example")
	e.postForm(owner, "/logout", url.Values{"_csrf": {e.csrfFrom(owner, "/desk")}})
	if st, _, _ := e.get(owner, "/desk"); st != http.StatusSeeOther {
		t.Fatalf("still logged in after logout: %d", st)
	}
	// Five addresses, one guess each: the account's limit is reached
	// while no address is near its own.
	for i := 2; i <= 6; i++ {
		if st, _ := e.tryLogin(e.clientFrom("127.0.0."+strconv.Itoa(i)), "editor@test.example", "guess-number-"+strconv.Itoa(i)); st != 401 {
			t.Fatalf("guess from 127.0.0.%d: %d", i, st)
		}
	}
	if st, _ := e.tryLogin(e.clientFrom("127.0.0.7"), "editor@test.example", "guess-number-7"); st != http.StatusTooManyRequests {
		t.Fatalf("guess after the account lock: %d, want 429", st)
	}
	// A browser that never logged in, from a fresh address, with the
	// right password: the account lock holds.
	if st, _ := e.tryLogin(e.clientFrom("127.0.0.8"), "editor@test.example", testPassword); st != http.StatusTooManyRequests {
		t.Fatalf("unknown browser with the right password: %d, want 429", st)
	}
	// The owner's browser gets in.
	if st, body := e.tryLogin(owner, "editor@test.example", testPassword); st != http.StatusSeeOther {
		t.Fatalf("owner's known browser: %d %.200s", st, body)
	}
	if st, _, _ := e.get(owner, "/desk"); st != 200 {
		t.Fatalf("owner's desk: %d", st)
	}
	// The device cookie is bound to its account: it does not open the
	// lock of another one.
	e.postForm(owner, "/logout", url.Values{"_csrf": {e.csrfFrom(owner, "/desk")}})
	for i := 2; i <= 6; i++ {
		e.tryLogin(e.clientFrom("127.0.0."+strconv.Itoa(i)), "reviewer@test.example", "guess-number-"+strconv.Itoa(i))
	}
	if st, _ := e.tryLogin(owner, "reviewer@test.example", testPassword); st != http.StatusTooManyRequests {
		t.Fatalf("the editor's device cookie opened the reviewer's lock: %d", st)
	}
	// A forged device cookie counts for nothing.
	forged := e.clientFrom("127.0.0.9")
	u, _ := url.Parse(e.srv.URL)
	forged.Jar.SetCookies(u, []*http.Cookie{{Name: "claimdesk_device", Value: "ZWRpdG9yQHRlc3QuZXhhbXBsZXxhYmN8MQ.AAAA", Path: "/"}})
	if st, _ := e.tryLogin(forged, "editor@test.example", testPassword); st != http.StatusTooManyRequests {
		t.Fatalf("forged device cookie: %d, want 429", st)
	}
	out := logs.String()
	for _, want := range [][]string{{`"msg":"login failed"`, `"account":"editor@test.example"`, `"ip":"127.0.0.2"`},
		{`"msg":"login locked out"`, `"account":"editor@test.example"`, `"key":"email:editor@test.example"`, `"until":"`},
		{`"msg":"login refused while locked out"`, `"account":"editor@test.example"`}} {
		if !logHas(out, want...) {
			t.Errorf("no log line with %v", want)
		}
	}
	if strings.Contains(out, "guess-number") || strings.Contains(out, testPassword) {
		t.Error("a password is in the log")
	}
	// After the window the lock ends, and that is logged too.
	e.store.SetClock(func() time.Time { return time.Now().UTC().Add(16 * time.Minute) })
	if st, _ := e.tryLogin(e.clientFrom("127.0.0.10"), "reviewer@test.example", "guess-number-10"); st != 401 {
		t.Fatalf("guess after the window: %d, want 401", st)
	}
	if !logHas(logs.String(), `"msg":"login lockout ended"`, `"account":"reviewer@test.example"`, `"key":"email:reviewer@test.example"`) {
		t.Error("the end of the lockout is not logged")
	}
}

// TestDeactivationEndsSessionsAndTokensAtOnce goes through /desk/users as
// an admin would.
func TestDeactivationEndsSessionsAndTokensAtOnce(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			admin, ed := e.client(), e.client()
			e.login(admin, "admin@test.example")
			e.login(ed, "editor@test.example")
			tok := e.token(e.editor)
			if st := e.api("GET", "/desk/claims/1", tok, nil, nil); st != 200 {
				t.Fatalf("token before: %d", st)
			}
			id := strconv.FormatInt(e.editor.ID, 10)
			st, body, _ := e.postForm(admin, "/desk/users/"+id+"/deactivate", url.Values{"_csrf": {e.csrfFrom(admin, "/desk/users")}})
			if st != 200 || !strings.Contains(body, "editor@test.example is deactivated") || !strings.Contains(body, "deactivated "+time.Now().UTC().Format("Jan 2, 2006")) {
				t.Fatalf("deactivate: %d", st)
			}
			if st, _, _ := e.get(ed, "/desk"); st != http.StatusSeeOther {
				t.Errorf("the deactivated user's session still works: %d", st)
			}
			var ae apiErr
			if st := e.api("GET", "/desk/claims/1", tok, nil, &ae); st != 401 {
				t.Errorf("the deactivated user's token still works: %d", st)
			}
			if st, body := e.tryLogin(e.client(), "editor@test.example", testPassword); st != 401 || !strings.Contains(body, "deactivated") {
				t.Errorf("login of a deactivated user: %d", st)
			}
			// An admin cannot switch themselves off from the page.
			self := strconv.FormatInt(e.admin.ID, 10)
			if st, _, _ := e.postForm(admin, "/desk/users/"+self+"/deactivate", url.Values{"_csrf": {e.csrfFrom(admin, "/desk/users")}}); st != 422 {
				t.Errorf("admin deactivating themselves: %d", st)
			}
			st, body, _ = e.postForm(admin, "/desk/users/"+id+"/activate", url.Values{"_csrf": {e.csrfFrom(admin, "/desk/users")}})
			if st != 200 || !strings.Contains(body, "can log in again") {
				t.Fatalf("activate: %d", st)
			}
			if st, _ := e.tryLogin(e.client(), "editor@test.example", testPassword); st != http.StatusSeeOther {
				t.Errorf("login after reactivation: %d", st)
			}
			if st := e.api("GET", "/desk/claims/1", tok, nil, nil); st != 401 {
				t.Errorf("a revoked token came back with the reactivation: %d", st)
			}
		})
	}
}

var tokenRowRe = regexp.MustCompile(`(?s)<table class="table" id="all-tokens">.*?</table>`)
var revokeRe = regexp.MustCompile(`action="/desk/tokens/(\d+)/revoke"`)

func TestAdminRevokesAnyToken(t *testing.T) {
	e := newEnv(t, "sqlite")
	ed, admin := e.client(), e.client()
	e.login(ed, "editor@test.example")
	e.login(admin, "admin@test.example")
	st, body, _ := e.postForm(ed, "/desk/tokens", url.Values{"_csrf": {e.csrfFrom(ed, "/desk/tokens")}, "name": {"CMS staging"}})
	m := regexp.MustCompile(`id="new-token" class="token" readonly value="([^"]+)"`).FindStringSubmatch(body)
	if st != 200 || m == nil {
		t.Fatalf("create token: %d", st)
	}
	tok := m[1]
	// Editors see their own tokens only.
	_, body, _ = e.get(ed, "/desk/tokens")
	if strings.Contains(body, `id="all-tokens"`) {
		t.Error("an editor sees every token")
	}
	_, body, _ = e.get(admin, "/desk/tokens")
	table := tokenRowRe.FindString(body)
	if !strings.Contains(table, "editor@test.example") || !strings.Contains(table, "CMS staging") {
		t.Fatalf("admin's list of all tokens lacks the editor's: %.500s", table)
	}
	ids := revokeRe.FindAllStringSubmatch(table, -1)
	var edTokenID string
	toks, _ := e.store.APITokens(t.Context(), e.editor.ID)
	for _, m := range ids {
		if m[1] == strconv.FormatInt(toks[0].ID, 10) {
			edTokenID = m[1]
		}
	}
	if edTokenID == "" {
		t.Fatal("no revoke button for the editor's token")
	}
	// The editor cannot revoke someone else's token...
	adminTok := e.token(e.admin)
	adminToks, _ := e.store.APITokens(t.Context(), e.admin.ID)
	if st, _, _ := e.postForm(ed, "/desk/tokens/"+strconv.FormatInt(adminToks[0].ID, 10)+"/revoke", url.Values{"_csrf": {e.csrfFrom(ed, "/desk/tokens")}}); st != 404 {
		t.Errorf("editor revoking the admin's token: %d, want 404", st)
	}
	if st := e.api("GET", "/desk/claims/1", adminTok, nil, nil); st != 200 {
		t.Errorf("admin token after the editor's attempt: %d", st)
	}
	// ...the admin can.
	if st, body, _ := e.postForm(admin, "/desk/tokens/"+edTokenID+"/revoke", url.Values{"_csrf": {e.csrfFrom(admin, "/desk/tokens")}}); st != 200 || !strings.Contains(body, "Token revoked") {
		t.Fatalf("admin revoking the editor's token: %d", st)
	}
	if st := e.api("GET", "/desk/claims/1", tok, nil, nil); st != 401 {
		t.Errorf("revoked token: %d", st)
	}
}

func TestTokenExpiryAndLastUse(t *testing.T) {
	e := newEnv(t, "sqlite")
	ed := e.client()
	e.login(ed, "editor@test.example")
	_, body, _ := e.get(ed, "/desk/tokens")
	if !strings.Contains(body, `<option value="90" selected>90 days</option>`) {
		t.Error("the token form does not default to 90 days")
	}
	_, body, _ = e.postForm(ed, "/desk/tokens", url.Values{"_csrf": {e.csrfFrom(ed, "/desk/tokens")}, "name": {"monthly"}, "expires_days": {"30"}})
	tok := regexp.MustCompile(`id="new-token" class="token" readonly value="([^"]+)"`).FindStringSubmatch(body)[1]
	expires := time.Now().UTC().Add(30 * 24 * time.Hour).Format("Jan 2, 2006")
	if !strings.Contains(body, "<td>"+expires+"</td>") {
		t.Errorf("the page does not show the expiry %s", expires)
	}
	if !strings.Contains(body, "<td>never</td>") {
		t.Error("an unused token does not say it was never used")
	}
	if st := e.api("GET", "/desk/claims/1", tok, nil, nil); st != 200 {
		t.Fatalf("live token: %d", st)
	}
	toks, _ := e.store.APITokens(t.Context(), e.editor.ID)
	if toks[0].LastUsedAt == nil || time.Since(*toks[0].LastUsedAt) > time.Minute {
		t.Fatalf("last use not recorded: %v", toks[0].LastUsedAt)
	}
	first := *toks[0].LastUsedAt
	e.api("GET", "/desk/claims/1", tok, nil, nil)
	toks, _ = e.store.APITokens(t.Context(), e.editor.ID)
	if !toks[0].LastUsedAt.Equal(first) {
		t.Error("last use written again within the minute")
	}
	e.store.SetClock(func() time.Time { return time.Now().UTC().Add(10 * time.Minute) })
	e.api("GET", "/desk/claims/1", tok, nil, nil)
	toks, _ = e.store.APITokens(t.Context(), e.editor.ID)
	if !toks[0].LastUsedAt.After(first) {
		t.Error("last use not written after ten minutes")
	}
	e.store.SetClock(func() time.Time { return time.Now().UTC().Add(31 * 24 * time.Hour) })
	var ae apiErr
	if st := e.api("GET", "/desk/claims/1", tok, nil, &ae); st != 401 || !strings.Contains(ae.Error.Message, "expired") {
		t.Fatalf("expired token: %d %+v", st, ae.Error)
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	e := newEnv(t, "sqlite")
	a, b := e.client(), e.client()
	e.login(a, "editor@test.example")
	e.login(b, "editor@test.example")
	change := func(current, next string) (int, string) {
		st, body, _ := e.postForm(a, "/desk/account/password", url.Values{"_csrf": {e.csrfFrom(a, "/desk/account")}, "current_password": {current}, "password": {next}})
		return st, body
	}
	if st, body := change("not my password", testPassword2); st != 422 || !strings.Contains(body, `id="err-current_password"`) {
		t.Fatalf("wrong current password: %d", st)
	}
	if st, body := change(testPassword, "password1234"); st != 422 || !strings.Contains(body, "too easy to guess") {
		t.Fatalf("weak new password: %d", st)
	}
	if st, _, _ := e.get(b, "/desk"); st != 200 {
		t.Fatalf("a refused change ended the other session: %d", st)
	}
	if st, body := change(testPassword, testPassword2); st != 200 || !strings.Contains(body, "Password changed") {
		t.Fatalf("change: %d", st)
	}
	if st, _, _ := e.get(b, "/desk"); st != http.StatusSeeOther {
		t.Errorf("the other session survived the password change: %d", st)
	}
	if st, _, _ := e.get(a, "/desk"); st != 200 {
		t.Errorf("the session that changed the password ended: %d", st)
	}
	if st, _ := e.tryLogin(e.client(), "editor@test.example", testPassword); st != 401 {
		t.Errorf("old password: %d", st)
	}
	if st, _ := e.tryLogin(e.client(), "editor@test.example", testPassword2); st != http.StatusSeeOther {
		t.Errorf("new password: %d", st)
	}
}

// TestCSRFTokenIsBoundToItsSession: a token taken from one session does
// not work in another (before, any 32-character cookie value did), and a
// login gives a new one.
func TestCSRFTokenIsBoundToItsSession(t *testing.T) {
	e := newEnv(t, "sqlite")
	a, b := e.client(), e.client()
	anonToken := e.csrfFrom(a, "/login")
	e.login(a, "editor@test.example")
	e.login(b, "reviewer@test.example")
	tokA, tokB := e.csrfFrom(a, "/desk"), e.csrfFrom(b, "/desk")
	if tokA == tokB || tokA == anonToken {
		t.Fatal("sessions share a CSRF token, or a login kept the anonymous one")
	}
	preview := func(c *http.Client, tok string) int {
		st, _, _ := e.postForm(c, "/desk/preview", url.Values{"_csrf": {tok}, "rationale": {"**x**"}})
		return st
	}
	if st := preview(b, tokA); st != http.StatusForbidden {
		t.Errorf("session B with session A's token: %d, want 403", st)
	}
	if st := preview(a, anonToken); st != http.StatusForbidden {
		t.Errorf("the token from before logging in: %d, want 403", st)
	}
	if st := preview(a, tokA); st != 200 {
		t.Errorf("session A with its own token: %d", st)
	}
	// A new login in the same browser rotates it.
	e.postForm(a, "/logout", url.Values{"_csrf": {tokA}})
	e.login(a, "editor@test.example")
	if again := e.csrfFrom(a, "/desk"); again == tokA {
		t.Error("the CSRF token did not change at login")
	} else if st := preview(a, tokA); st != http.StatusForbidden {
		t.Errorf("the previous session's token after a new login: %d", st)
	}
}

func TestSessionIdleTimeoutWithinLifetime(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	e.login(c, "editor@test.example")
	base := time.Now().UTC()
	at := func(d time.Duration) { e.store.SetClock(func() time.Time { return base.Add(d) }) }
	// Used every 11 hours, a session lives on...
	for _, h := range []time.Duration{11, 22, 33} {
		at(h * time.Hour)
		if st, _, _ := e.get(c, "/desk"); st != 200 {
			t.Fatalf("after %dh of regular use: %d", h, st)
		}
	}
	// ...but 12 hours unused end it.
	csrf := e.csrfFrom(c, "/desk")
	at(46 * time.Hour)
	// A form sent from a page opened before says the session ended, in
	// words, and logging out still works (no "security token" refusal).
	if st, body, _ := e.postForm(c, "/desk/articles", url.Values{"_csrf": {csrf}, "title": {"T"}, "body": {"B."}}); st != http.StatusUnauthorized || !strings.Contains(body, "Your session has ended") {
		t.Errorf("a form after 13 idle hours: %d %.300s", st, body)
	}
	if st, _, resp := e.postForm(c, "/logout", url.Values{"_csrf": {csrf}}); st != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("log out after 13 idle hours: %d %q", st, resp.Header.Get("Location"))
	}
	if st, _, resp := e.get(c, "/desk"); st != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("after 13 idle hours: %d", st)
	}
	// And the absolute lifetime (14 days) ends even a busy session.
	d := e.client()
	at(0)
	e.login(d, "editor@test.example")
	for h := time.Duration(10); h < 14*24; h += 10 {
		at(h * time.Hour)
		e.get(d, "/desk")
	}
	at(14*24*time.Hour + time.Hour)
	if st, _, _ := e.get(d, "/desk"); st != http.StatusSeeOther {
		t.Fatalf("past the absolute lifetime: %d", st)
	}
}

var sessionEndRe = regexp.MustCompile(`action="/desk/account/sessions/(\d+)/end"`)

func TestSessionListAndLogOutEverywhere(t *testing.T) {
	e := newEnv(t, "sqlite")
	a, b, c := e.client(), e.client(), e.client()
	for _, cl := range []*http.Client{a, b, c} {
		e.login(cl, "editor@test.example")
	}
	_, body, _ := e.get(a, "/desk/account")
	rows := strings.Count(body[strings.Index(body, `id="sessions"`):], "<tr>") - 1
	if rows != 3 || !strings.Contains(body, "this browser") || !strings.Contains(body, "Go HTTP client") || !strings.Contains(body, "127.0.0.1") {
		t.Fatalf("session list: %d rows", rows)
	}
	ends := sessionEndRe.FindAllStringSubmatch(body, -1)
	if len(ends) != 2 {
		t.Fatalf("%d end buttons, want one per other session", len(ends))
	}
	e.postForm(a, "/desk/account/sessions/"+ends[0][1]+"/end", url.Values{"_csrf": {e.csrfFrom(a, "/desk/account")}})
	alive := 0
	for _, cl := range []*http.Client{b, c} {
		if st, _, _ := e.get(cl, "/desk"); st == 200 {
			alive++
		}
	}
	if alive != 1 {
		t.Fatalf("after ending one session, %d of the other two live", alive)
	}
	// Nobody ends another user's session by its id.
	rev := e.client()
	e.login(rev, "reviewer@test.example")
	if st, _, _ := e.postForm(rev, "/desk/account/sessions/"+ends[1][1]+"/end", url.Values{"_csrf": {e.csrfFrom(rev, "/desk/account")}}); st != 404 {
		t.Errorf("ending another user's session: %d", st)
	}
	st, _, resp := e.postForm(a, "/desk/account/sessions/end-all", url.Values{"_csrf": {e.csrfFrom(a, "/desk/account")}})
	if st != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("log out everywhere: %d %s", st, resp.Header.Get("Location"))
	}
	for i, cl := range []*http.Client{a, b, c} {
		if st, _, _ := e.get(cl, "/desk"); st != http.StatusSeeOther {
			t.Errorf("browser %d still logged in after log out everywhere: %d", i, st)
		}
	}
	if st, _, _ := e.get(rev, "/desk"); st != 200 {
		t.Errorf("another user's session ended too: %d", st)
	}
}

var secretRe = regexp.MustCompile(`id="totp-secret">([A-Z2-7 ]+)<`)

// TestRequireMFASendsToEnrolmentFirst: with two-factor authentication
// required for reviewers, a reviewer without it is sent to their account
// page before anything else, and may use the desk once it is on; editors
// are not asked. Codes work once.
func TestRequireMFASendsToEnrolmentFirst(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.serveLogged(web.Config{RequireMFA: []factcheck.Role{factcheck.RoleReviewer, factcheck.RoleAdmin}})
	ed, rev := e.client(), e.client()
	e.login(ed, "editor@test.example")
	e.login(rev, "reviewer@test.example")
	if st, _, _ := e.get(ed, "/desk"); st != 200 {
		t.Errorf("editor: %d", st)
	}
	for _, p := range []string{"/desk", "/desk/claims", "/desk/tokens"} {
		if st, _, resp := e.get(rev, p); st != http.StatusSeeOther || resp.Header.Get("Location") != "/desk/account?mfa=required" {
			t.Errorf("reviewer without 2FA on %s: %d %s", p, st, resp.Header.Get("Location"))
		}
	}
	_, body, _ := e.get(rev, "/desk/account?mfa=required")
	if !strings.Contains(body, `id="mfa-required"`) {
		t.Error("the account page does not say why the reviewer is there")
	}
	if st, _, _ := e.postForm(rev, "/desk/tokens", url.Values{"_csrf": {e.csrfFrom(rev, "/desk/account")}, "name": {"x"}}); st != http.StatusForbidden {
		t.Errorf("reviewer without 2FA creating a token: %d", st)
	}
	secret := enrolTOTP(t, e, rev)
	if st, _, _ := e.get(rev, "/desk"); st != 200 {
		t.Fatalf("reviewer with 2FA on: %d", st)
	}
	// The next login asks for a code; the enrolment's code does not work
	// again, the next step's does.
	c := e.client()
	st, _, resp := e.postForm(c, "/login", url.Values{"_csrf": {e.csrfFrom(c, "/login")}, "email": {"reviewer@test.example"}, "password": {testPassword}})
	if st != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login/totp") {
		t.Fatalf("password step: %d %s", st, resp.Header.Get("Location"))
	}
	if st, _, _ := e.get(c, "/desk"); st != http.StatusSeeOther {
		t.Fatal("logged in by the password alone")
	}
	used := totpCode(t, secret, time.Now())
	if st, body, _ := e.postForm(c, "/login/totp", url.Values{"_csrf": {e.csrfFrom(c, "/login/totp")}, "code": {used}}); st != 401 || !strings.Contains(body, "already used") {
		t.Errorf("replayed code: %d", st)
	}
	if st, _, _ := e.postForm(c, "/login/totp", url.Values{"_csrf": {e.csrfFrom(c, "/login/totp")}, "code": {totpCode(t, secret, time.Now().Add(30*time.Second))}}); st != http.StatusSeeOther {
		t.Fatalf("next code: %d", st)
	}
	if st, _, _ := e.get(c, "/desk"); st != 200 {
		t.Fatalf("desk after both factors: %d", st)
	}
	// Without a password step first, /login/totp leads back to /login.
	if st, _, resp := e.get(e.client(), "/login/totp"); st != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?") {
		t.Errorf("second step without the first: %d %s", st, resp.Header.Get("Location"))
	}
}

// TestRequireMFARefusesTokensWithoutIt: where the desk requires
// two-factor authentication for a role, the API tokens of a user of that
// role who has not turned it on are refused with 403 and a message saying
// what to do (they were made before the requirement, or the second factor
// was reset since); once the user turns it on, the same token works.
// Editors, not required, keep theirs.
func TestRequireMFARefusesTokensWithoutIt(t *testing.T) {
	e := newEnv(t, "sqlite")
	adminTok, revTok, edTok := e.token(e.admin), e.token(e.reviewer), e.token(e.editor)
	logs := e.serveLogged(web.Config{RequireMFA: []factcheck.Role{factcheck.RoleReviewer, factcheck.RoleAdmin}})
	article := map[string]string{"title": "T", "body": articleBody}
	for _, tc := range []struct{ method, path, tok string }{
		{"GET", "/api/v1/webhooks", adminTok},
		{"POST", "/api/v1/articles", adminTok},
		{"POST", "/api/v1/articles", revTok},
	} {
		var ae apiErr
		if st := e.api(tc.method, tc.path, tc.tok, article, &ae); st != 403 || ae.Error.Code != factcheck.EFORBIDDEN ||
			!strings.Contains(ae.Error.Message, "two-factor authentication") || !strings.Contains(ae.Error.Message, "/desk/account") {
			t.Errorf("%s %s with the token of a user without 2FA: %d %+v, want 403 forbidden telling them to turn it on", tc.method, tc.path, st, ae.Error)
		}
	}
	if !logHas(logs.String(), `"msg":"api token refused: two-factor authentication required"`, `"account":"admin@test.example"`) {
		t.Error("the refused token is not logged")
	}
	if st := e.api("POST", "/api/v1/articles", edTok, article, nil); st != 201 {
		t.Errorf("editor's token (2FA not required): %d", st)
	}
	rev := e.client()
	e.login(rev, "reviewer@test.example")
	enrolTOTP(t, e, rev)
	if st := e.api("POST", "/api/v1/articles", revTok, article, nil); st != 201 {
		t.Errorf("reviewer's token after turning 2FA on: %d", st)
	}
	if st := e.api("GET", "/api/v1/webhooks", adminTok, nil, nil); st != 403 {
		t.Errorf("admin's token, still without 2FA: %d", st)
	}
}

// enrolTOTP turns two-factor authentication on for c's user through the
// account page and returns the secret.
func enrolTOTP(t *testing.T, e *env, c *http.Client) string {
	t.Helper()
	st, body, _ := e.postForm(c, "/desk/account/totp", url.Values{"_csrf": {e.csrfFrom(c, "/desk/account")}})
	m := secretRe.FindStringSubmatch(body)
	if st != 200 || m == nil || !strings.Contains(body, `src="data:image/png;base64,`) {
		t.Fatalf("start enrolment: %d", st)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	if st, body, _ := e.postForm(c, "/desk/account/totp/confirm", url.Values{"_csrf": {e.csrfFrom(c, "/desk/account")}, "code": {"000000"}}); st != 422 || !strings.Contains(body, "not right") {
		t.Fatalf("wrong confirmation code: %d", st)
	}
	st, body, _ = e.postForm(c, "/desk/account/totp/confirm", url.Values{"_csrf": {e.csrfFrom(c, "/desk/account")}, "code": {totpCode(t, secret, time.Now())}})
	if st != 200 || !strings.Contains(body, `id="recovery-codes"`) {
		t.Fatalf("confirm: %d", st)
	}
	return secret
}

// totpCode is the code an authenticator app shows for secret at t.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}
