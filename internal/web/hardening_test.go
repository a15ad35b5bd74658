package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/web"
)

// Control characters typed or pasted into a field (a terminal escape, a
// NUL, a C1 control) are dropped before anything is stored, on every
// surface; multi-line fields keep their newlines and tabs.
func TestControlCharactersAreStrippedFromInput(t *testing.T) {
	e := newEnv(t, "sqlite")
	tok := e.token(e.editor)
	var art struct{ ID int64 }
	body := "First\x07 paragraph\twith a tab.\r\n\r\nSecond\x1b[2J paragraph\u0085 here."
	if st := e.api("POST", "/api/v1/articles", tok, map[string]string{"title": "Mines\x1b[31m for\x00 Ukraine\n", "outlet": "The\u009b Paper", "body": body}, &art); st != 201 {
		t.Fatalf("article: %d", st)
	}
	a, err := e.store.ArticleByID(t.Context(), art.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Mines[31m for Ukraine" || a.Outlet != "The Paper" || a.Body != "First paragraph\twith a tab.\n\nSecond[2J paragraph here." {
		t.Errorf("stored article: title %q outlet %q body %q", a.Title, a.Outlet, a.Body)
	}
	var cl web.ClaimJSON
	if st := e.api("POST", "/api/v1/articles/"+strconv.FormatInt(art.ID, 10)+"/claims", tok, map[string]any{"quote": "Second[2J paragraph here.", "claimant": "A\x08B\x7f"}, &cl); st != 201 || cl.Claimant != "AB" {
		t.Errorf("claimant: %d %q", st, cl.Claimant)
	}
	// An HTML form: the admin's add-user form.
	admin := e.client()
	e.login(admin, "admin@test.example")
	form := url.Values{"_csrf": {e.csrfFrom(admin, "/desk/users")}, "email": {"new@paper.example"}, "name": {"New\x1b]0;owned\x07 Hire"}, "role": {"editor"}, "password": {testPassword2}}
	if st, body, _ := e.postForm(admin, "/desk/users", form); st != 200 {
		t.Fatalf("add user: %d %.300s", st, body)
	}
	if u, err := e.store.UserByEmail(t.Context(), "new@paper.example"); err != nil || u.Name != "New]0;owned Hire" {
		t.Errorf("stored name: %q %v", u.Name, err)
	}
}

// A reader's address may hold "?" and "=": the desk's mail link must
// not turn them into headers (a Cc to someone else).
func TestReportEmailLinkIsPercentEncoded(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl, _ := e.publishedAndDraft()
	addr := "reader?cc=boss@paper.example"
	if err := e.store.CreateReport(t.Context(), &factcheck.Report{ClaimID: cl.ID, Message: "The date in this card is wrong.", Email: addr}, "reader"); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	e.login(c, "editor@test.example")
	_, body, _ := e.get(c, "/desk/reports")
	if !strings.Contains(body, `href="mailto:reader%3Fcc%3Dboss@paper.example"`) || strings.Contains(body, "mailto:reader?") {
		i := strings.Index(body, "mailto:")
		t.Fatalf("mail link not encoded: %.120s", body[max(i, 0):])
	}
	if !strings.Contains(body, ">reader?cc=boss@paper.example</a>") {
		t.Error("the address itself is not shown as written")
	}
}

func TestStaticDirectoryIsNotListed(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	for _, p := range []string{"/static/", "/static"} {
		st, body, _ := e.get(c, p)
		if st != http.StatusNotFound || strings.Contains(body, `href="app.css"`) || strings.Contains(body, `href="embed.js"`) {
			t.Errorf("GET %s: %d %.200s", p, st, body)
		}
	}
	if st, _, _ := e.get(c, "/static/app.css"); st != 200 {
		t.Errorf("a static file: %d", st)
	}
}

// ?page= beyond what an int holds, or just very large, is an empty page
// past the end: before, it wrapped around and showed page 1 again.
func TestPageNumberIsClamped(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	var first struct {
		Claims []struct{ ID int64 }
		Page   int
	}
	if st := e.api("GET", "/api/v1/claims", "", nil, &first); st != 200 || len(first.Claims) == 0 {
		t.Fatalf("page 1: %d", st)
	}
	for _, p := range []string{"9223372036854775807", "99999999999999999999999", "461168601842738791", "1000001"} {
		var got struct {
			Claims []struct{ ID int64 }
			Page   int
		}
		if st := e.api("GET", "/api/v1/claims?page="+p, "", nil, &got); st != 200 || len(got.Claims) != 0 || got.Page != 1_000_000 {
			t.Errorf("API page=%s: %d, %d claims on page %d, want none on page 1000000", p, st, len(got.Claims), got.Page)
		}
		st, body, _ := e.get(c, "/?page="+p)
		if id := strconv.FormatInt(first.Claims[0].ID, 10); st != 200 || strings.Contains(body, `href="/claims/`+id+`-`) || strings.Contains(body, `href="/claims/`+id+`"`) {
			t.Errorf("home page=%s: %d, shows page 1's first claim", p, st)
		}
	}
	for _, p := range []string{"0", "-5", "abc", ""} {
		var got struct{ Page int }
		if st := e.api("GET", "/api/v1/claims?page="+p, "", nil, &got); st != 200 || got.Page != 1 {
			t.Errorf("page=%q: %d page %d, want page 1", p, st, got.Page)
		}
	}
}
