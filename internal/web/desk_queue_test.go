package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
)

// htmx posts a form the way htmx does: with its headers, the token in the
// header, and the target's id.
func (e *env) htmx(c *http.Client, path, target string, form url.Values) (int, string, http.Header) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	if target != "" {
		req.Header.Set("HX-Target", target)
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// deskClient is an HTTP client logged in as email with the page's CSRF
// token.
func (e *env) deskClient(email string) (*http.Client, string) {
	e.t.Helper()
	c := e.client()
	e.login(c, email)
	return c, e.csrfFrom(c, "/desk/claims/new")
}

func version(n int) string { return strconv.Itoa(n) }

// The queue: "Assigned to me" by default, every filter, search over
// drafts and claims in review, pages past 100 with exact totals, and
// assignment from the queue (recorded in history).
func TestQueue(t *testing.T) {
	e := newEnv(t, "sqlite")
	var many []*factcheck.Claim
	for i := range 120 {
		many = append(many, &factcheck.Claim{Quote: "Budget line " + strconv.Itoa(i) + " rose by a tenth", Claimant: "Council"})
	}
	if err := e.store.CreateClaims(t.Context(), many, e.editor); err != nil {
		t.Fatal(err)
	}
	c, token := e.deskClient("editor@test.example")
	if _, body, _ := e.get(c, "/desk/claims"); !strings.Contains(body, "<h1>Assigned to me</h1>") || !strings.Contains(body, "Nothing is assigned to you.") ||
		!strings.Contains(body, `<a href="/desk/claims?author=me&amp;status=draft">120 drafts of yours →</a>`) {
		t.Fatal("the queue does not start with what is assigned to me")
	}
	// Assign one claim to the editor from the queue row.
	target := many[7]
	st, row, _ := e.htmx(c, deskPath(target.ID)+"/assign", "q-"+strconv.FormatInt(target.ID, 10),
		url.Values{"_csrf": {token}, "version": {"1"}, "assignee_id": {strconv.FormatInt(e.editor.ID, 10)}, "from": {"queue"}})
	if st != 200 || !strings.HasPrefix(strings.TrimSpace(row), `<tr id="q-`) || !strings.Contains(row, "Assigned to editor tester.") {
		t.Fatalf("assign from the queue: %d %.300s", st, row)
	}
	_, body, _ := e.get(c, "/desk/claims")
	if !strings.Contains(body, "1–1 of 1 claims") || !strings.Contains(body, "Budget line 7 rose") {
		t.Fatalf("assigned to me: %s", between(body, `class="count"`, "</p>"))
	}
	// Pages go past 100: 120 drafts by the editor, 50 a page.
	_, body, _ = e.get(c, "/desk/claims?author=me&status=draft&sort=created&page=3")
	if !strings.Contains(body, "101–120 of 120 claims") || !strings.Contains(body, "Budget line 0 rose") || strings.Contains(body, "Next page") {
		t.Fatalf("page 3: %s", between(body, `class="count"`, "</p>"))
	}
	// Search covers drafts; the in-review seeds; a rating filter.
	for q, want := range map[string]string{
		"/desk/claims?status=any&q=budget+line+42":     "1–1 of 1 claims",
		"/desk/claims?status=in_review":                "1–2 of 2 claims",
		"/desk/claims?status=any&assignee=none":        "of 140 claims",
		"/desk/claims?status=public&rating=misleading": "1–1 of 1 claims",
	} {
		if _, body, _ := e.get(c, q); !strings.Contains(body, want) {
			t.Errorf("%s: %s, want %q", q, between(body, `class="count"`, "</p>"), want)
		}
	}
	// The assignment is in the claim's history, in words.
	if _, body, _ := e.get(c, deskPath(target.ID)+"/history"); !strings.Contains(body, "Assigned to editor tester") || !strings.Contains(body, "<dt>Assigned to</dt>") {
		t.Fatal("the assignment is not in the history")
	}
}

// between returns what lies after from, up to to.
func between(s, from, to string) string {
	_, after, _ := strings.Cut(s, from)
	before, _, _ := strings.Cut(after, to)
	return before
}

func TestArticleList(t *testing.T) {
	e := newEnv(t, "sqlite")
	c, _ := e.deskClient("editor@test.example")
	_, body, _ := e.get(c, "/desk/articles")
	if !strings.Contains(body, "1–3 of 3 articles") || !strings.Contains(body, "Biden approves antipersonnel mines") {
		t.Fatalf("articles: %s", between(body, `class="count"`, "</p>"))
	}
	as, _ := e.store.Articles(t.Context(), 10)
	_, body, _ = e.get(c, "/desk/articles?q="+url.QueryEscape(as[0].Outlet+" "+strings.Fields(as[0].Title)[0])+"&sort=claims")
	if !strings.Contains(body, "1–1 of 1 articles") || !strings.Contains(body, as[0].Title) {
		t.Errorf("search by outlet and headline: %s", between(body, `class="count"`, "</p>"))
	}
}

// A claim in review is locked; its author can withdraw it, nobody else; a
// reviewer returns it only with a note.
func TestClaimInReviewIsLocked(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, complete)
	ed, etok := e.deskClient("editor@test.example")
	st, _, _ := e.htmx(ed, deskPath(cl.ID)+"/submit", "editor", url.Values{"_csrf": {etok}, "version": {"1"}})
	if st != 200 {
		t.Fatalf("submit: %d", st)
	}
	st, body, h := e.htmx(ed, deskPath(cl.ID)+"/save", "", url.Values{"_csrf": {etok}, "version": {"2"}, "summary": {"Changed in review"}})
	if st != http.StatusConflict || !strings.Contains(body, "in review and locked") || h.Get("HX-Reswap") != "none" {
		t.Fatalf("edit in review: %d %s", st, between(body, `id="save-feedback"`, "</div>"))
	}
	rev, rtok := e.deskClient("reviewer@test.example")
	if st, _, _ := e.htmx(rev, deskPath(cl.ID)+"/withdraw", "editor", url.Values{"_csrf": {rtok}, "version": {"2"}}); st != http.StatusForbidden {
		t.Fatalf("withdrawal by a reviewer who is not the author: %d", st)
	}
	if st, body, _ := e.htmx(rev, deskPath(cl.ID)+"/return", "editor", url.Values{"_csrf": {rtok}, "version": {"2"}, "note": {" "}}); st != 422 || !strings.Contains(body, `id="err-note"`) {
		t.Fatalf("return without a note: %d", st)
	}
	if st, _, _ := e.htmx(ed, deskPath(cl.ID)+"/withdraw", "editor", url.Values{"_csrf": {etok}, "version": {"2"}}); st != 200 {
		t.Fatalf("the author withdraws: %d", st)
	}
	got, _ := e.store.ClaimByID(t.Context(), cl.ID)
	if got.Status != factcheck.StatusDraft || got.Summary != "About an eighth, not a third." {
		t.Fatalf("after withdrawal: %s %q", got.Status, got.Summary)
	}
	// Changed and submitted again, the reviewer sees what changed since
	// the first submission, in words.
	if st, _, _ := e.htmx(ed, deskPath(cl.ID)+"/submit", "editor", url.Values{"_csrf": {etok}, "version": {"3"}, "summary": {"About an eighth, not a third, by the city's count."}, "rating": {"false"}}); st != 200 {
		t.Fatalf("second submission: %d", st)
	}
	_, page, _ := e.get(rev, deskPath(cl.ID))
	since := between(page, "Changes since it was last submitted", "</details>")
	if !strings.Contains(since, "<dt>Summary</dt>") || !strings.Contains(since, "by the city&#39;s count.</ins>") || !strings.Contains(since, "<del>Mostly false</del>") || !strings.Contains(since, "<ins>False</ins>") {
		t.Fatalf("changes since submitted: %s", since)
	}
}

// An article that splits into more than 5,000 sentences is refused with a
// 422 on its body, on the desk and the API, and nothing is stored.
func TestSentenceCap(t *testing.T) {
	e := newEnv(t, "sqlite")
	body := strings.Repeat("- \n", 6000)
	c, token := e.deskClient("editor@test.example")
	before, _ := e.store.Articles(t.Context(), 1000)
	st, page, _ := e.postForm(c, "/desk/articles", url.Values{"_csrf": {token}, "title": {"Lists"}, "body": {body}})
	if st != 422 || !strings.Contains(page, "the desk takes at most 5000 per article") {
		t.Fatalf("desk: %d %s", st, between(page, `id="err-body"`, "</p>"))
	}
	var ae apiErr
	if st := e.api("POST", "/api/v1/articles", e.token(e.editor), map[string]string{"title": "Lists", "body": body}, &ae); st != 422 || ae.Error.Field != "body" {
		t.Fatalf("api: %d %+v", st, ae)
	}
	if after, _ := e.store.Articles(t.Context(), 1000); len(after) != len(before) {
		t.Fatal("an article over the cap was stored")
	}
	// 5,000 sentences are fine.
	if st := e.api("POST", "/api/v1/articles", e.token(e.editor), map[string]string{"title": "Long", "body": strings.Repeat("A short sentence. ", 5000)}, nil); st != 201 {
		t.Fatalf("5,000 sentences: %d", st)
	}
}

// Comments, the publish step, the correction preview and the confirmed
// retraction.
func TestReviewSteps(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, complete)
	ed, etok := e.deskClient("editor@test.example")
	if st, body, _ := e.htmx(ed, deskPath(cl.ID)+"/comments", "comments", url.Values{"_csrf": {etok}, "body": {"Is the 2022 baseline right?"}}); st != 200 || !strings.Contains(body, "Is the 2022 baseline right?") || !strings.Contains(body, "editor tester") {
		t.Fatalf("comment: %d", st)
	}
	if st, _, _ := e.htmx(ed, deskPath(cl.ID)+"/comments", "comments", url.Values{"_csrf": {etok}, "body": {"  "}}); st != 422 {
		t.Fatalf("empty comment: %d", st)
	}
	e.htmx(ed, deskPath(cl.ID)+"/submit", "editor", url.Values{"_csrf": {etok}, "version": {"1"}})
	if st, _, _ := e.get(ed, deskPath(cl.ID)+"/publish"); st != http.StatusForbidden {
		t.Fatalf("an editor sees the publish step: %d", st)
	}
	rev, rtok := e.deskClient("reviewer@test.example")
	st, body, _ := e.get(rev, deskPath(cl.ID)+"/publish")
	if st != 200 || !strings.Contains(body, "Bike lanes cut injuries by a third") || !strings.Contains(body, "Publish now") {
		t.Fatalf("publish step: %d", st)
	}
	if got, _ := e.store.ClaimByID(t.Context(), cl.ID); got.Status != factcheck.StatusInReview {
		t.Fatal("the publish step published")
	}
	if st, _, _ := e.htmx(rev, deskPath(cl.ID)+"/publish", "editor", url.Values{"_csrf": {rtok}, "version": {"2"}}); st != 200 {
		t.Fatalf("publish: %d", st)
	}
	st, prev, _ := e.htmx(rev, deskPath(cl.ID)+"/correct/preview", "correct-preview", url.Values{"_csrf": {rtok}, "rating": {"false"}, "summary": {"Not a third at all."}, "note": {"We misread the table."}})
	if st != 200 || !strings.Contains(prev, "Not a third at all.") || !strings.Contains(prev, ">False<") || !strings.Contains(prev, "We misread the table.") {
		t.Fatalf("correction preview: %d %s", st, prev)
	}
	if got, _ := e.store.ClaimByID(t.Context(), cl.ID); got.Summary != "About an eighth, not a third." {
		t.Fatal("the preview changed the claim")
	}
	if st, _, _ := e.htmx(rev, deskPath(cl.ID)+"/retract", "editor", url.Values{"_csrf": {rtok}, "version": {"3"}, "note": {"Source withdrawn."}}); st != 422 {
		t.Fatalf("retract without confirming: %d", st)
	}
	if st, _, _ := e.htmx(rev, deskPath(cl.ID)+"/retract", "editor", url.Values{"_csrf": {rtok}, "version": {"3"}, "note": {"Source withdrawn."}, "confirm": {"yes"}}); st != 200 {
		t.Fatalf("retract: %d", st)
	}
}

// The correction is a mode of the claim form, reachable without script
// (?mode=correct) by reviewers only: the verdict opens with a required
// public note, and a refused correction comes back in the mode with
// everything typed, the note named (422) or the conflict in place (409).
func TestCorrectionMode(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, complete)
	ctx := t.Context()
	cl, err := e.store.UpdateClaim(ctx, cl.ID, cl.Version, e.editor, "Submitted for review", func(c *factcheck.Claim) error { return c.Submit(e.editor) })
	if err == nil {
		cl, err = e.store.UpdateClaim(ctx, cl.ID, cl.Version, e.reviewer, "Published", func(c *factcheck.Claim) error { return c.Publish(e.reviewer, time.Now(), false) })
	}
	if err != nil {
		t.Fatal(err)
	}
	path := deskPath(cl.ID)
	ed, _ := e.deskClient("editor@test.example")
	if _, body, _ := e.get(ed, path+"?mode=correct"); strings.Contains(body, `id="correct-start"`) || strings.Contains(body, `id="correction-note"`) || strings.Contains(body, `/correct"`) {
		t.Fatal("an editor is offered the correction mode")
	}
	rev, rtok := e.deskClient("reviewer@test.example")
	_, body, _ := e.get(rev, path)
	if !strings.Contains(body, `id="correct-start" href="`+path+`?mode=correct"`) || strings.Contains(body, `id="correction-note"`) || strings.Contains(body, "Publish correction") {
		t.Fatal("the published claim does not offer the correction mode, or opens it unasked")
	}
	if strings.Count(body, `name="rating"`) != 1 {
		t.Fatal("the correction repeats the verdict fields in a form of its own")
	}
	_, body, _ = e.get(rev, path+"?mode=correct")
	hasAll(t, "correction mode", body, `<form id="claim-form" method="post"`, `action="`+path+`/correct"`, `id="correction-note" name="note"`,
		"Public correction note", `id="correct-submit">Publish correction`, `id="correct-cancel" href="`+path+`"`, `id="correct-preview"`, "(write the public note)")
	if strings.Contains(body, "data-autosave") || strings.Contains(body, "autosave,") {
		t.Fatal("the correction mode autosaves")
	}
	if !regexp.MustCompile(`<fieldset id="verdict" class="correcting">`).MatchString(body) || !strings.Contains(body, `<fieldset disabled>`) {
		t.Fatal("correction mode: the verdict should open and the claim's text stay locked")
	}
	// htmx switches the mode in place: the editor alone.
	if st, part, _ := e.get(rev, path+"?mode=correct", "HX-Request", "true", "HX-Target", "editor"); st != 200 || strings.Contains(part, "<html") || !strings.HasPrefix(strings.TrimSpace(part), `<div id="editor"`) || !strings.Contains(part, `id="correction-note"`) {
		t.Fatalf("htmx correction mode: %d", st)
	}
	// Without the note, a plain form comes back in the mode, as typed.
	typed := url.Values{"_csrf": {rtok}, "version": {version(cl.Version)}, "rating": {"false"}, "summary": {"Not a third at all."}, "rationale": {"The table, read again."}}
	st, body, _ := e.postForm(rev, path+"/correct", typed)
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("correction without a note: %d", st)
	}
	hasAll(t, "refused correction", body, `id="correction-note"`, "A correction needs a public note", `<option value="false" selected>`, `value="Not a third at all."`, "The table, read again.</textarea>")
	// htmx: the note is named in place, nothing swapped.
	st, part, hdr := e.htmx(rev, path+"/correct", "editor", typed)
	if st != http.StatusUnprocessableEntity || hdr.Get("HX-Reswap") != "none" || !strings.Contains(part, `id="err-note"`) || !strings.Contains(part, `id="correct-feedback"`) || !strings.Contains(part, "public note") {
		t.Fatalf("htmx correction without a note: %d %s", st, part)
	}
	// A stale version: 409, the form stays in the mode with the note.
	stale := url.Values{"_csrf": {rtok}, "version": {version(cl.Version - 1)}, "rating": {"false"}, "note": {"We misread the table."}}
	st, body, _ = e.postForm(rev, path+"/correct", stale)
	if st != http.StatusConflict || !strings.Contains(body, `id="correction-note"`) || !strings.Contains(body, "We misread the table.</textarea>") {
		t.Fatalf("stale correction: %d", st)
	}
	if got, _ := e.store.ClaimByID(ctx, cl.ID); got.Status != factcheck.StatusPublished || got.RatingKey != "mostly-false" {
		t.Fatalf("a refused correction was stored: %s %s", got.Status, got.RatingKey)
	}
	typed.Set("note", "We misread the table.")
	if st, _, resp := e.postForm(rev, path+"/correct", typed); st != http.StatusSeeOther || resp.Header.Get("Location") != path {
		t.Fatalf("correction: %d", st)
	}
	got, _ := e.store.ClaimByID(ctx, cl.ID)
	if got.Status != factcheck.StatusCorrected || got.RatingKey != "false" || got.CorrectionNote != "We misread the table." || got.Summary != "Not a third at all." {
		t.Fatalf("stored correction: %s %s %q %q", got.Status, got.RatingKey, got.CorrectionNote, got.Summary)
	}
	// A corrected claim can be corrected again.
	if _, body, _ := e.get(rev, path); !strings.Contains(body, `id="correct-start"`) {
		t.Fatal("a corrected claim does not offer another correction")
	}
}

// Removing a source offers an undo that puts it back where it was.
func TestRemovedSourceCanBeUndone(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, func(c *factcheck.Claim) {
		c.Evidence = []factcheck.Evidence{{URL: "https://a.example/", Title: "First", Stance: factcheck.StanceSupports},
			{URL: "https://b.example/", Title: "Second", Excerpt: "The passage.", Stance: factcheck.StanceRefutes},
			{URL: "https://c.example/", Title: "Third", Stance: factcheck.StanceContext}}
	})
	c, token := e.deskClient("editor@test.example")
	second := cl.Evidence[1].ID
	st, body, _ := e.htmx(c, deskPath(cl.ID)+"/evidence/"+strconv.FormatInt(second, 10)+"/delete", "ev-list", url.Values{"_csrf": {token}, "version": {"1"}})
	if st != 200 || !strings.Contains(body, "Removed “Second”") || !strings.Contains(body, `name="undo"`) {
		t.Fatalf("remove: %d", st)
	}
	undo := url.Values{"_csrf": {token}, "version": {"2"}, "url": {"https://b.example/"}, "title": {"Second"}, "excerpt": {"The passage."}, "stance": {"refutes"}, "position": {"1"}, "undo": {"1"}}
	if st, _, _ := e.htmx(c, deskPath(cl.ID)+"/evidence", "ev-list", undo); st != 201 && st != 200 {
		t.Fatalf("undo: %d", st)
	}
	got, _ := e.store.ClaimByID(t.Context(), cl.ID)
	var titles []string
	for _, ev := range got.Evidence {
		titles = append(titles, ev.Title+"/"+string(ev.Stance))
	}
	if strings.Join(titles, ",") != "First/supports,Second/refutes,Third/context" || got.Evidence[1].Excerpt != "The passage." {
		t.Fatalf("after undo: %v", titles)
	}
}

// "Already checked?" on every node: a claim published through one server
// is marked on another server's intake view once the public version moves
// on, without a rebuild, and leaves it when it is retracted.
func TestAlreadyCheckedFollowsPublishing(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			other := newServer(t, e.store, web.Config{BaseURL: e.srv.URL})
			tok := e.token(e.admin)
			view := func(srv http.Handler, id int64) string {
				req, _ := http.NewRequest("GET", "/desk/articles/"+strconv.FormatInt(id, 10), nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				rec := newRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != 200 {
					t.Fatalf("intake view: %d", rec.Code)
				}
				return rec.Body.String()
			}
			sentence := "The harbour authority said container traffic through Port Aldwin tripled to 4.2 million boxes in 2023."
			var art struct{ ID int64 }
			if st := e.api("POST", "/api/v1/articles", tok, map[string]string{"title": "Harbour", "body": sentence}, &art); st != 201 {
				t.Fatalf("article: %d", st)
			}
			// Both nodes have built their index before the claim exists.
			if strings.Contains(view(other.Handler(), art.ID), "Already checked:") || strings.Contains(view(e.web.Handler(), art.ID), "Already checked:") {
				t.Fatal("checked before anything was published")
			}
			pub := e.publishQuote("Container traffic through Port Aldwin tripled to 4.2 million boxes in 2023", "half-true")
			var second struct{ ID int64 }
			e.api("POST", "/api/v1/articles", tok, map[string]string{"title": "Harbour again", "body": sentence}, &second)
			for name, srv := range map[string]http.Handler{"this node": e.web.Handler(), "the other node": other.Handler()} {
				page := view(srv, second.ID)
				if !strings.Contains(page, "Already checked:") || !strings.Contains(page, "/claims/"+strconv.FormatInt(pub.ID, 10)) || !strings.Contains(page, "Half true") {
					t.Errorf("%s does not mark the published claim", name)
				}
				// The sentence's state class and the row's class differ, so the
				// row's rule cannot restyle the sentence.
				if !strings.Contains(page, `<div class="already-checked">`) || !regexp.MustCompile(`class="sent [^"]*\bchecked\b`).MatchString(page) {
					t.Errorf("%s: the row or the sentence lost its class", name)
				}
			}
			if _, css, _ := e.get(e.client(), "/static/app.css"); regexp.MustCompile(`(^|[\s,}])\.checked([^\w-]|$)`).MatchString(css) {
				t.Error("app.css styles .checked, which the intake view's sentences carry")
			}
			if _, err := e.store.UpdateClaim(t.Context(), pub.ID, pub.Version, e.reviewer, "Retracted", func(c *factcheck.Claim) error {
				return c.Retract(e.reviewer, "The port's figure was revised.", time.Now())
			}); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(view(other.Handler(), second.ID), "/claims/"+strconv.FormatInt(pub.ID, 10)) {
				t.Error("a retracted claim is still offered")
			}
		})
	}
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// Saving what is already stored (an autosave after a change event that
// changed nothing) writes no version and no revision.
func TestUnchangedSaveWritesNothing(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, complete)
	c, token := e.deskClient("editor@test.example")
	same := url.Values{"_csrf": {token}, "version": {"1"}, "statement": {cl.Statement}, "quote": {cl.Quote}, "claimant": {cl.Claimant},
		"claim_date": {"2024-11-19"}, "tags": {""}, "rating": {cl.RatingKey}, "summary": {cl.Summary + " "}, "rationale": {cl.Rationale}}
	if st, body, _ := e.htmx(c, deskPath(cl.ID)+"/save", "", same); st != 200 || !strings.Contains(body, `data-version="1"`) {
		t.Fatalf("unchanged save: %d", st)
	}
	if revs, _ := e.store.Revisions(t.Context(), cl.ID); len(revs) != 1 {
		t.Fatalf("%d revisions after an unchanged save", len(revs))
	}
	same.Set("summary", "A real change.")
	if st, body, _ := e.htmx(c, deskPath(cl.ID)+"/save", "", same); st != 200 || !strings.Contains(body, `data-version="2"`) {
		t.Fatalf("a real change: %d", st)
	}
}

// An empty "Assigned to me" says so and links what waits elsewhere; a
// returned draft is marked with its note on the desk and in the queue,
// and the note is headed in each viewer's words.
func TestEmptyQueueAndReturnedDraft(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, complete)
	ed, etok := e.deskClient("editor@test.example")
	if st, _, _ := e.htmx(ed, deskPath(cl.ID)+"/submit", "editor", url.Values{"_csrf": {etok}, "version": {"1"}}); st != 200 {
		t.Fatalf("submit: %d", st)
	}
	rev, rtok := e.deskClient("reviewer@test.example")
	_, waiting, _ := e.store.Queue(t.Context(), store.QueueFilter{Statuses: []factcheck.Status{factcheck.StatusInReview}})
	_, body, _ := e.get(rev, "/desk/claims")
	if !strings.Contains(body, "Nothing is assigned to you.") || waiting < 2 ||
		!strings.Contains(body, `<a href="/desk/claims?status=in_review&amp;sort=waiting">`+strconv.FormatInt(waiting, 10)+` claims are waiting for review →</a>`) ||
		strings.Contains(body, "drafts of yours") || strings.Contains(body, "No claims match.") {
		t.Fatalf("empty queue: %s", between(body, `class="count"`, "</ul>"))
	}
	if _, body, _ = e.get(rev, "/desk/claims?status=draft&assignee=me"); !strings.Contains(body, "No claims match.") || strings.Contains(body, "waiting for review →") {
		t.Fatalf("a filtered empty view offers the default's links: %s", between(body, `class="count"`, "</p>"))
	}
	note := "Needs a second source for the 2022 baseline; the city report alone is not enough to carry the rating."
	if st, _, _ := e.htmx(rev, deskPath(cl.ID)+"/return", "editor", url.Values{"_csrf": {rtok}, "version": {"2"}, "note": {note}}); st != 200 {
		t.Fatalf("return: %d", st)
	}
	for _, path := range []string{"/desk", "/desk/claims?author=me&status=draft"} {
		_, body, _ = e.get(ed, path)
		if !strings.Contains(body, `<span class="returned" title="`+strings.ReplaceAll(note, "'", "&#39;")+`"><strong>Returned:</strong> Needs a second source for the 2022 baseline; the city…</span>`) {
			t.Errorf("%s: the returned draft is not marked", path)
		}
	}
	if _, body, _ = e.get(ed, deskPath(cl.ID)); !strings.Contains(body, `<h2 id="return-note-h">Returned to you</h2>`) {
		t.Error("the author does not read 'Returned to you'")
	}
	if _, body, _ = e.get(rev, deskPath(cl.ID)); !strings.Contains(body, `<h2 id="return-note-h">Returned to editor tester</h2>`) {
		t.Errorf("the reviewer reads: %s", between(body, `id="return-note-h">`, "</h2>"))
	}
}

// A refused write says each thing once: the note's message under the
// note only, and an incomplete submit's missing items in the list only.
func TestRefusalsSayItOnce(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, nil)
	ed, etok := e.deskClient("editor@test.example")
	st, body, _ := e.htmx(ed, deskPath(cl.ID)+"/submit", "editor", url.Values{"_csrf": {etok}, "version": {"1"}})
	fb := between(body, `id="workflow-feedback"`, "</div>")
	if st != 422 || !strings.Contains(fb, "<p role=\"alert\">Before it can be submitted for review, this claim needs:</p>") ||
		strings.Count(fb, "<li>") != 7 || strings.Contains(fb, "a one-line summary") {
		t.Fatalf("incomplete submit: %d %s", st, fb)
	}
	full := e.draftClaim(t, complete)
	e.htmx(ed, deskPath(full.ID)+"/submit", "editor", url.Values{"_csrf": {etok}, "version": {"1"}})
	rev, rtok := e.deskClient("reviewer@test.example")
	st, body, _ = e.htmx(rev, deskPath(full.ID)+"/return", "editor", url.Values{"_csrf": {rtok}, "version": {"2"}, "note": {" "}})
	if st != 422 || strings.Count(body, "Say what the author should change") != 1 || !strings.Contains(between(body, `id="err-note"`, "</p>"), "Say what the author should change") {
		t.Fatalf("return without a note: %d %s", st, body)
	}
	// A whole page (no script) says it once too.
	st, body, _ = e.postForm(rev, deskPath(full.ID)+"/return", url.Values{"_csrf": {rtok}, "version": {"2"}, "note": {" "}})
	if st != 422 || strings.Count(body, "Say what the author should change") != 1 {
		t.Fatalf("return without a note, whole page: %d, said %d times", st, strings.Count(body, "Say what the author should change"))
	}
}

// On a published claim the Review panel offers the correction mode too,
// to reviewers and admins only.
func TestReviewPanelOffersCorrection(t *testing.T) {
	e := newEnv(t, "sqlite")
	pub := e.publishQuote("Container traffic through Port Aldwin tripled to 4.2 million boxes in 2023", "half-true")
	link := `<a class="button secondary" id="review-correct" href="` + deskPath(pub.ID) + `?mode=correct"`
	for email, want := range map[string]bool{"reviewer@test.example": true, "admin@test.example": true, "editor@test.example": false} {
		c, _ := e.deskClient(email)
		_, body, _ := e.get(c, deskPath(pub.ID))
		if got := strings.Contains(between(body, `id="workflow"`, "</section>"), link); got != want {
			t.Errorf("%s: the Review panel offers the correction: %v", email, got)
		}
		if _, body, _ = e.get(c, deskPath(pub.ID)+"?mode=correct"); strings.Contains(body, `id="review-correct"`) {
			t.Errorf("%s: the offer stays in the correction mode", email)
		}
	}
}

// Small words: the statement hint, spaces around the history's dots, the
// quote's context from a whole word, and no key hint on touch screens.
func TestEditorSmallWords(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, nil)
	ed, etok := e.deskClient("editor@test.example")
	_, body, _ := e.get(ed, deskPath(cl.ID))
	if !strings.Contains(body, "Aim for 75 characters or fewer: search engines cut longer ones.") {
		t.Error("statement hint")
	}
	if ctx := between(body, `<p class="context">`, "</p>"); !strings.HasPrefix(ctx, "…Moreno, said on Tuesday that <mark>") || !strings.HasSuffix(ctx, ". According to the city council,…") {
		t.Errorf("context: %q", ctx)
	}
	e.htmx(ed, deskPath(cl.ID)+"/save", "", url.Values{"_csrf": {etok}, "version": {"1"}, "summary": {"A summary."}})
	_, body, _ = e.get(ed, deskPath(cl.ID)+"/history")
	if head := between(body, `<p class="rev-head">`, "</p>"); !regexp.MustCompile(`^<strong>Version 2</strong> · <time [^>]*>[^<]*</time> · editor tester$`).MatchString(strings.TrimSpace(head)) {
		t.Errorf("history row: %q", head)
	}
	if _, css, _ := e.get(ed, "/static/app.css"); !regexp.MustCompile(`@media \(max-width: 640px\), \(hover: none\) and \(pointer: coarse\) \{ \.keys \{ display: none; \} \}`).MatchString(css) {
		t.Error("the key hint shows on touch screens")
	}
}
