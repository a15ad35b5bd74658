package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
)

// api calls the JSON API with a bearer token and decodes the response.
func (e *env) api(method, path, token string, body any, out any) int {
	e.t.Helper()
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %d, bad JSON %q", method, path, resp.StatusCode, b)
		}
	}
	return resp.StatusCode
}

func (e *env) token(u *factcheck.User) string {
	tok, err := e.store.CreateAPIToken(e.t.Context(), u.ID, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

type apiErr struct {
	Error struct{ Code, Message, Field string } `json:"error"`
}

const articleBody = "Mines for Ukraine\n\nPresident Joe Biden approved sending antipersonnel mines to Ukraine on Nov. 19, 2024, two U.S. officials said. More than 160 countries have joined the treaty banning the weapons.\n\nCritics think the move is a mistake."

func TestAPIWorkflow(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			editor, reviewer := e.token(e.editor), e.token(e.reviewer)

			var art struct {
				ID        int64 `json:"id"`
				Sentences []struct {
					Start, End  int
					Text        string
					Checkworthy bool
				} `json:"sentences"`
			}
			if st := e.api("POST", "/api/v1/articles", editor, map[string]string{"title": "Mines for Ukraine", "outlet": "Example", "url": "https://news.example/mines", "published_at": "2024-11-20", "body": articleBody}, &art); st != 201 {
				t.Fatalf("create article: %d", st)
			}
			if len(art.Sentences) < 4 || articleBody[art.Sentences[1].Start:art.Sentences[1].End] != art.Sentences[1].Text || !art.Sentences[1].Checkworthy {
				t.Fatalf("sentences: %+v", art.Sentences)
			}
			s1, s2 := art.Sentences[1], art.Sentences[2]
			path := "/api/v1/articles/" + strconv.FormatInt(art.ID, 10) + "/claims"
			var c1, c2 web.ClaimJSON
			if st := e.api("POST", path, editor, map[string]any{"start": s1.Start, "end": s1.End, "claimant": "Two U.S. officials"}, &c1); st != 201 || c1.Quote != s1.Text || c1.Anchor.Start != s1.Start {
				t.Fatalf("claim from span: %d %+v", st, c1)
			}
			if st := e.api("POST", path, editor, map[string]any{"quote": "More than 160 countries have joined the treaty", "claimant": "The article"}, &c2); st != 201 || c2.Anchor.Start != s2.Start {
				t.Fatalf("claim from quote: %d %+v", st, c2)
			}
			cpath := "/api/v1/claims/" + strconv.FormatInt(c1.ID, 10)
			var cl web.ClaimJSON
			if st := e.api("POST", cpath+"/evidence", editor, map[string]string{"url": "https://www.defense.gov/", "title": "Austin confirms mines", "publisher": "DoD", "excerpt": "Confirmed.", "stance": "supports"}, &cl); st != 201 || len(cl.Evidence) != 1 || cl.Version != 2 {
				t.Fatalf("evidence: %d %+v", st, cl)
			}
			if st := e.api("PUT", cpath+"/verdict", editor, map[string]any{"rating": "true", "summary": "Confirmed on the record.", "rationale": "Austin said so.", "version": cl.Version}, &cl); st != 200 || cl.Version != 3 {
				t.Fatalf("verdict: %d", st)
			}
			if st := e.api("POST", cpath+"/submit", editor, nil, &cl); st != 200 || cl.Status != factcheck.StatusInReview {
				t.Fatalf("submit: %d %s", st, cl.Status)
			}
			var ae apiErr
			if st := e.api("POST", cpath+"/publish", editor, nil, &ae); st != 403 || ae.Error.Code != "forbidden" {
				t.Fatalf("editor publish: %d %+v", st, ae)
			}
			if st := e.api("POST", cpath+"/publish", reviewer, nil, &cl); st != 200 || cl.Status != factcheck.StatusPublished {
				t.Fatalf("publish: %d", st)
			}
			// The card is on the public page and API.
			// The card leads with the statement, drafted from the quote for the
			// editor to reword: no final full stop.
			if c1.Statement != strings.TrimSuffix(s1.Text, ".") {
				t.Fatalf("statement drafted from the quote: %q", c1.Statement)
			}
			if st, body, _ := e.get(e.client(), "/"); st != 200 || !strings.Contains(body, htmlEscape(c1.Statement)) {
				t.Fatalf("published claim not on the home page")
			}
			if st := e.api("GET", "/api/v1/claims/"+strconv.FormatInt(c1.ID, 10), "", nil, nil); st != 200 {
				t.Fatalf("public api: %d", st)
			}
			// A published claim changes only through a correction.
			if st := e.api("PUT", cpath+"/verdict", reviewer, map[string]any{"rating": "false", "version": cl.Version}, &ae); st != 409 {
				t.Fatalf("verdict on published claim: %d", st)
			}
			if st := e.api("POST", cpath+"/corrections", reviewer, map[string]any{"note": "We misdated the decision.", "summary": "Confirmed on Nov. 20."}, &cl); st != 200 || cl.Status != factcheck.StatusCorrected || cl.CorrectionNote != "We misdated the decision." {
				t.Fatalf("correction: %d %+v", st, cl)
			}
			// The desk JSON view includes drafts.
			var draft web.ClaimJSON
			if st := e.api("GET", "/desk/claims/"+strconv.FormatInt(c2.ID, 10), editor, nil, &draft); st != 200 || draft.Status != factcheck.StatusDraft {
				t.Fatalf("desk json: %d %+v", st, draft)
			}
		})
	}
}

func TestAPIConcurrentEditorsOneConflict(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			a, b := e.token(e.editor), e.token(e.admin)
			var cl web.ClaimJSON
			e.api("POST", "/api/v1/articles", a, map[string]string{"title": "T", "body": articleBody}, &struct{}{})
			if st := e.api("POST", "/api/v1/articles/1/claims", a, map[string]any{"quote": "Critics think the move is a mistake.", "claimant": "Critics"}, &cl); st != 201 {
				// article ids may differ after seeding; find it through the store instead
				arts, _ := e.store.Articles(t.Context(), 1)
				if st := e.api("POST", "/api/v1/articles/"+strconv.FormatInt(arts[0].ID, 10)+"/claims", a, map[string]any{"quote": "Critics think the move is a mistake.", "claimant": "Critics"}, &cl); st != 201 {
					t.Fatalf("create claim: %d", st)
				}
			}
			path := "/api/v1/claims/" + strconv.FormatInt(cl.ID, 10) + "/verdict"
			statuses := make([]int, 2)
			var wg sync.WaitGroup
			for i, tok := range []string{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses[i] = e.api("PUT", path, tok, map[string]any{"rating": "misleading", "summary": "Summary " + strconv.Itoa(i), "version": cl.Version}, nil)
				}()
			}
			wg.Wait()
			if !(statuses[0] == 200 && statuses[1] == 409 || statuses[0] == 409 && statuses[1] == 200) {
				t.Fatalf("statuses %v, want one 200 and one 409", statuses)
			}
			got, _ := e.store.ClaimByID(t.Context(), cl.ID)
			winner := "Summary 0"
			if statuses[1] == 200 {
				winner = "Summary 1"
			}
			if got.Summary != winner || got.Version != cl.Version+1 {
				t.Fatalf("stored %q v%d, want %q v%d", got.Summary, got.Version, winner, cl.Version+1)
			}
		})
	}
}

func TestAPIRejectsBadInputAndWritesNothing(t *testing.T) {
	e := newEnv(t, "sqlite")
	tok := e.token(e.editor)
	var art struct{ ID int64 }
	e.api("POST", "/api/v1/articles", tok, map[string]string{"title": "T", "body": articleBody}, &art)
	claims := "/api/v1/articles/" + strconv.FormatInt(art.ID, 10) + "/claims"
	var cl web.ClaimJSON
	e.api("POST", claims, tok, map[string]any{"quote": "Critics think the move is a mistake.", "claimant": "Critics"}, &cl)
	verdict := "/api/v1/claims/" + strconv.FormatInt(cl.ID, 10) + "/verdict"
	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code, field               string
	}{
		{"empty quote", "POST", claims, tok, map[string]any{"quote": "  ", "claimant": "X"}, 422, "invalid", "quote"},
		{"span outside body", "POST", claims, tok, map[string]any{"start": 5, "end": 99999, "claimant": "X"}, 422, "invalid", "start"},
		{"quote not in body", "POST", claims, tok, map[string]any{"quote": "Not in the article.", "claimant": "X"}, 422, "invalid", "quote"},
		{"claimant too long", "POST", claims, tok, map[string]any{"start": 0, "end": 17, "claimant": strings.Repeat("x", 301)}, 422, "invalid", "claimant"},
		{"bad claim date", "POST", claims, tok, map[string]any{"start": 0, "end": 17, "claim_date": "yesterday"}, 422, "invalid", "claim_date"},
		{"unknown rating", "PUT", verdict, tok, map[string]any{"rating": "pants-on-fire", "version": cl.Version}, 422, "invalid", "rating"},
		{"verdict without version", "PUT", verdict, tok, map[string]any{"rating": "true"}, 422, "invalid", "version"},
		{"stale version", "PUT", verdict, tok, map[string]any{"rating": "true", "version": cl.Version - 1}, 409, "conflict", "version"},
		{"malformed json", "PUT", verdict, tok, `{"rating": `, 400, "malformed", ""},
		{"no token", "PUT", verdict, "", map[string]any{"rating": "true", "version": cl.Version}, 401, "unauthorized", ""},
		{"revoked-looking token", "PUT", verdict, "cd_nope", map[string]any{"rating": "true", "version": cl.Version}, 401, "unauthorized", ""},
		{"bad evidence url", "POST", "/api/v1/claims/" + strconv.FormatInt(cl.ID, 10) + "/evidence", tok, map[string]string{"url": "javascript:alert(1)", "title": "x", "stance": "supports"}, 422, "invalid", "url"},
		{"bad stance", "POST", "/api/v1/claims/" + strconv.FormatInt(cl.ID, 10) + "/evidence", tok, map[string]string{"url": "https://a.example/", "title": "x", "stance": "maybe"}, 422, "invalid", "stance"},
		{"oversized body", "POST", "/api/v1/articles", tok, map[string]string{"title": "T", "body": strings.Repeat("Big. ", 600000)}, 413, "too_large", ""},
		{"editor publishes", "POST", "/api/v1/claims/" + strconv.FormatInt(cl.ID, 10) + "/publish", tok, nil, 403, "forbidden", ""},
	}
	for _, tc := range cases {
		var ae apiErr
		st := e.api(tc.method, tc.path, tc.token, tc.body, &ae)
		if st != tc.status || ae.Error.Code != tc.code || ae.Error.Field != tc.field || ae.Error.Message == "" {
			t.Errorf("%s: %d %+v, want %d %s field %q", tc.name, st, ae.Error, tc.status, tc.code, tc.field)
		}
	}
	got, _ := e.store.ClaimByID(t.Context(), cl.ID)
	if got.Version != cl.Version || got.RatingKey != "" || len(got.Evidence) != 0 {
		t.Fatalf("bad input changed the claim: %+v", got)
	}
	cls, _ := e.store.ArticleClaims(t.Context(), art.ID)
	if len(cls) != 1 {
		t.Fatalf("bad input created claims: %d", len(cls))
	}
}

func TestDeskFormsNeedCSRFAndShowErrors(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	e.login(c, "editor@test.example")
	// Missing CSRF token: 403, nothing written.
	before, _ := e.store.Articles(t.Context(), 100)
	st, _, _ := e.postForm(c, "/desk/articles", url.Values{"title": {"T"}, "body": {articleBody}})
	if st != http.StatusForbidden {
		t.Fatalf("no csrf: %d", st)
	}
	token := e.csrfFrom(c, "/desk/articles/new")
	st, body, _ := e.postForm(c, "/desk/articles", url.Values{"_csrf": {token}, "title": {""}, "body": {articleBody}})
	if st != 422 || !strings.Contains(body, "Title is required.") || !strings.Contains(body, "More than 160 countries") {
		t.Fatalf("empty title: %d; message shown=%v, body kept=%v", st, strings.Contains(body, "Title is required."), strings.Contains(body, "More than 160"))
	}
	if after, _ := e.store.Articles(t.Context(), 100); len(after) != len(before) {
		t.Fatal("rejected article was stored")
	}
	st, _, resp := e.postForm(c, "/desk/articles", url.Values{"_csrf": {token}, "title": {"Mines"}, "body": {articleBody}})
	if st != http.StatusSeeOther {
		t.Fatalf("create article: %d", st)
	}
	apath := resp.Header.Get("Location")
	st, body, _ = e.get(c, apath)
	if st != 200 || !strings.Contains(body, `class="sent s-strong`) || !strings.Contains(body, "a figure") {
		t.Fatalf("intake view: %d, marked=%v", st, strings.Contains(body, `class="sent s-strong`))
	}
	st, _, resp = e.postForm(c, apath+"/claims", url.Values{"_csrf": {token}, "claimant": {"Officials"}, "sel": {"19:129", "130:197"}})
	if st != http.StatusSeeOther {
		t.Fatalf("claim from sentences: %d", st)
	}
	// Two ticked sentences make two claims; the first opens, and links the next.
	loc := resp.Header.Get("Location")
	cpath, _, _ := strings.Cut(loc, "?")
	if !strings.HasSuffix(loc, "?made=2") {
		t.Fatalf("two sentences made %s", loc)
	}
	st, body, _ = e.get(c, loc)
	if st != 200 || !strings.Contains(body, "Version 1") || !strings.Contains(body, "Submit for review") || !strings.Contains(body, "Next claim: More than 160 countries") {
		t.Fatalf("claim editor: %d", st)
	}
	if made := between(body, `class="notice ok made"`, "</p>"); !strings.Contains(made, "2 claims created from your selection; this is the first.") ||
		!strings.Contains(made, "The other:") || !strings.Contains(made, ">More than 160 countries") {
		t.Errorf("no notice of the claims made: %q", made)
	}
	for _, bad := range []string{"abc", "%3Cb%3E2", "0", "1", "-3", "99999", "2.5"} {
		if _, body, _ := e.get(c, cpath+"?made="+bad); strings.Contains(body, "claims created") {
			t.Errorf("made=%s shows a notice", bad)
		}
	}
	// A stale version shows a conflict report and keeps the editor's text.
	e.postForm(c, cpath+"/verdict", url.Values{"_csrf": {token}, "version": {"1"}, "rating": {"false"}, "summary": {"First save"}})
	st, body, _ = e.postForm(c, cpath+"/verdict", url.Values{"_csrf": {token}, "version": {"1"}, "rating": {"true"}, "summary": {"My unsaved words"}})
	if st != http.StatusConflict || !strings.Contains(body, "saved this claim while you were editing") || !strings.Contains(body, "My unsaved words") || !strings.Contains(body, "First save") {
		t.Fatalf("conflict: %d", st)
	}
	// An editor cannot publish through the form either.
	st, _, _ = e.postForm(c, cpath+"/publish", url.Values{"_csrf": {token}})
	if st != http.StatusForbidden && st != http.StatusConflict {
		t.Fatalf("editor publish form: %d", st)
	}
}

func TestArticleEditReanchorsClaims(t *testing.T) {
	e := newEnv(t, "sqlite")
	tok := e.token(e.editor)
	var art struct{ ID int64 }
	e.api("POST", "/api/v1/articles", tok, map[string]string{"title": "T", "body": articleBody}, &art)
	var kept, gone web.ClaimJSON
	claims := "/api/v1/articles/" + strconv.FormatInt(art.ID, 10) + "/claims"
	e.api("POST", claims, tok, map[string]any{"quote": "More than 160 countries have joined the treaty banning the weapons.", "claimant": "A"}, &kept)
	e.api("POST", claims, tok, map[string]any{"quote": "Critics think the move is a mistake.", "claimant": "B"}, &gone)
	c := e.client()
	e.login(c, "editor@test.example")
	token := e.csrfFrom(c, "/desk")
	newBody := "Update: a new first line.\n\n" + strings.Replace(articleBody, "Critics think the move is a mistake.", "", 1)
	st, _, _ := e.postForm(c, "/desk/articles/"+strconv.FormatInt(art.ID, 10), url.Values{"_csrf": {token}, "title": {"T"}, "body": {newBody}})
	if st != http.StatusSeeOther {
		t.Fatalf("edit: %d", st)
	}
	k, _ := e.store.ClaimByID(t.Context(), kept.ID)
	g, _ := e.store.ClaimByID(t.Context(), gone.ID)
	if k.Anchor.Orphaned || newBody[k.Anchor.Start:k.Anchor.End] != kept.Quote {
		t.Fatalf("kept claim misplaced: %+v", k.Anchor)
	}
	if !g.Anchor.Orphaned || g.Quote != gone.Quote {
		t.Fatalf("removed claim not flagged orphaned: %+v", g.Anchor)
	}
	_, body, _ := e.get(c, "/desk/articles/"+strconv.FormatInt(art.ID, 10)+"?edited=1")
	if !strings.Contains(body, "Orphaned after an edit") {
		t.Fatal("orphaned claim not shown on the article page")
	}
}

func TestAdminEditsRatingScale(t *testing.T) {
	e := newEnv(t, "sqlite")
	ed, admin := e.client(), e.client()
	e.login(ed, "editor@test.example")
	e.login(admin, "admin@test.example")
	token := e.csrfFrom(ed, "/desk/ratings")
	if st, _, _ := e.postForm(ed, "/desk/ratings", url.Values{"_csrf": {token}, "key": {"false"}, "label": {"Wrong"}}); st != http.StatusForbidden {
		t.Fatalf("editor changed the scale: %d", st)
	}
	token = e.csrfFrom(admin, "/desk/ratings")
	st, body, _ := e.postForm(admin, "/desk/ratings", url.Values{"_csrf": {token}, "key": {"false"}, "label": {"Wrong"}, "value": {"1"}, "color": {"#aa0000"}, "description": {"Not accurate."}})
	if st != 200 || !strings.Contains(body, "Saved Wrong.") {
		t.Fatalf("admin edit: %d", st)
	}
	st, _, _ = e.postForm(admin, "/desk/ratings", url.Values{"_csrf": {token}, "key": {"pants-on-fire"}, "label": {"Pants on fire"}, "value": {"0"}})
	if st != 422 {
		t.Fatalf("value 0 accepted: %d", st)
	}
	st, _, _ = e.postForm(admin, "/desk/ratings", url.Values{"_csrf": {token}, "key": {"pants-on-fire"}, "label": {"Pants on fire"}, "value": {"1"}, "color": {"#ff4500"}})
	if st != 200 {
		t.Fatalf("add rating: %d", st)
	}
	// A colour on which no badge text reaches 4.5:1 is refused, with why;
	// a built-in rating saved at its own colour is not.
	st, body, _ = e.postForm(admin, "/desk/ratings", url.Values{"_csrf": {token}, "key": {"murky"}, "label": {"Murky"}, "color": {"#777777"}})
	if st != 422 || !strings.Contains(body, "Badge text on #777777 would be hard to read") {
		t.Fatalf("unreadable colour: %d", st)
	}
	if st, _, _ := e.postForm(admin, "/desk/ratings", url.Values{"_csrf": {token}, "key": {"mostly-true"}, "label": {"Mostly true"}, "value": {"4"}, "color": {"#4d9a2a"}}); st != 200 {
		t.Fatalf("the built-in colour refused: %d", st)
	}
	rs, _ := e.store.Ratings(t.Context())
	last := rs[len(rs)-1]
	if last.Key != "pants-on-fire" || rs[4].Label != "Wrong" || len(rs) != 8 {
		t.Fatalf("scale after edits: %+v", rs)
	}
}

func TestUsersAndTokensPages(t *testing.T) {
	e := newEnv(t, "sqlite")
	ed, admin := e.client(), e.client()
	e.login(ed, "editor@test.example")
	e.login(admin, "admin@test.example")
	if st, _, _ := e.get(ed, "/desk/users"); st != http.StatusForbidden {
		t.Fatalf("editor sees users: %d", st)
	}
	token := e.csrfFrom(ed, "/desk/tokens")
	if st, _, _ := e.postForm(ed, "/desk/users", url.Values{"_csrf": {token}, "email": {"x@y.example"}, "name": {"X"}, "role": {"admin"}, "password": {testPassword2}}); st != http.StatusForbidden {
		t.Fatalf("editor adds users: %d", st)
	}
	atoken := e.csrfFrom(admin, "/desk/users")
	st, body, _ := e.postForm(admin, "/desk/users", url.Values{"_csrf": {atoken}, "email": {"new@paper.example"}, "name": {"New Hire"}, "role": {"reviewer"}, "password": {"short"}})
	if st != 422 || !strings.Contains(body, "at least 12") || !strings.Contains(body, "new@paper.example") {
		t.Fatalf("short password: %d", st)
	}
	// A guessable one is refused with the reason next to the field.
	st, body, _ = e.postForm(admin, "/desk/users", url.Values{"_csrf": {atoken}, "email": {"new@paper.example"}, "name": {"New Hire"}, "role": {"reviewer"}, "password": {"password1234"}})
	if st != 422 || !strings.Contains(body, `class="field-error"`) || !strings.Contains(body, "too easy to guess: it is close to a commonly used password.") {
		i := strings.Index(body, "field-error")
		t.Fatalf("guessable password: %d %.300s", st, body[max(i, 0):])
	}
	st, _, _ = e.postForm(admin, "/desk/users", url.Values{"_csrf": {atoken}, "email": {"new@paper.example"}, "name": {"New Hire"}, "role": {"reviewer"}, "password": {testPassword2}})
	if u, err := e.store.UserByEmail(t.Context(), "new@paper.example"); st != 200 || err != nil || u.Role != "reviewer" {
		t.Fatalf("add user: %d %v", st, err)
	}
	// Promoting the editor ends their session, so the new role applies at once.
	st, _, _ = e.postForm(admin, "/desk/users/"+strconv.FormatInt(e.editor.ID, 10)+"/role", url.Values{"_csrf": {atoken}, "role": {"reviewer"}})
	if st != 200 {
		t.Fatalf("set role: %d", st)
	}
	if st, _, _ := e.get(ed, "/desk"); st != http.StatusSeeOther {
		t.Fatalf("old session survived a role change: %d", st)
	}
	e.login(ed, "editor@test.example")
	token = e.csrfFrom(ed, "/desk/tokens")
	_, body, _ = e.postForm(ed, "/desk/tokens", url.Values{"_csrf": {token}, "name": {"CMS"}})
	m := regexp.MustCompile(`value="(cd_[^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("new token not shown")
	}
	if st := e.api("GET", "/desk/claims/1", m[1], nil, nil); st != 200 {
		t.Fatalf("new token: %d", st)
	}
	ts, _ := e.store.APITokens(t.Context(), e.editor.ID)
	e.postForm(ed, "/desk/tokens/"+strconv.FormatInt(ts[0].ID, 10)+"/revoke", url.Values{"_csrf": {token}})
	if st := e.api("GET", "/desk/claims/1", m[1], nil, nil); st != 401 {
		t.Fatalf("revoked token: %d", st)
	}
	if _, body, _ := e.get(ed, "/desk/tokens"); strings.Contains(body, m[1]) {
		t.Fatal("token shown again")
	}
}
