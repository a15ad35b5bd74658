package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"claimdesk/internal/factcheck"
)

// The acceptance tests of the editor's desk (issue 12), in real Chromium
// against the real server. Each of them fails on the desk before it.

func css(s string) chromedp.CSS { return chromedp.CSS(s) }

// tab is a Chromium tab on e's desk.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// browse opens a tab logged in as email.
func (e *env) browse(t *testing.T, email string) *tab {
	t.Helper()
	b := &tab{t: t, ctx: newBrowser(t), base: e.srv.URL}
	b.login(email)
	return b
}

func (b *tab) login(email string) {
	b.t.Helper()
	b.do("log in as "+email,
		chromedp.Navigate(b.base+"/login"),
		chromedp.SendKeys(css("#email"), email),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css(".desk-head")),
	)
}

func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	do(b.t, b.ctx, what, steps...)
}

func (b *tab) wait(what, expr string) {
	b.t.Helper()
	if b.t.Failed() {
		return
	}
	defer func() {
		if b.t.Failed() {
			// Say what the page said, for the failure's reader.
			state, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`["#workflow-feedback", "#save-feedback", "#conflict", "#ev-add-feedback", "#toast", "#claim-state"].map(s => document.querySelector(s) ? s + ": " + document.querySelector(s).textContent.trim().replace(/\s+/g, " ") : "").filter(Boolean).join("\n")`))
			b.t.Logf("the page at %s:\n%s", b.eval(`location.href`), state)
		}
	}()
	waitFor(b.t, b.ctx, what, expr)
}

// open navigates to path and waits for htmx to be ready on it.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path))
	b.wait("the page and htmx on "+path, `document.readyState === "complete" && (window.htmx || !document.querySelector("script[src*=htmx]"))`)
}

func (b *tab) eval(expr string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// typeInto focuses a field and types text with key events.
func (b *tab) typeInto(sel, text string) {
	b.t.Helper()
	b.do("type into "+sel, chromedp.Focus(css(sel)), chromedp.KeyEvent(text))
}

// clear empties a field the way select-all and delete would.
func (b *tab) clear(sel string) {
	b.t.Helper()
	b.eval(`(() => { const el = document.querySelector(` + jsString(sel) + `); el.value = ""; el.dispatchEvent(new Event("input", {bubbles: true})); return ""; })()`)
}

// press sends keys to whatever has the focus.
func (b *tab) press(keys string) {
	b.t.Helper()
	b.do("press "+strconv.Quote(keys), chromedp.KeyEvent(keys))
}

// draftClaim stores a draft claim by the editor in a new article of e and
// returns it; fill may complete it.
func (e *env) draftClaim(t *testing.T, fill func(c *factcheck.Claim)) *factcheck.Claim {
	t.Helper()
	d := time.Date(2024, 11, 19, 0, 0, 0, 0, time.UTC)
	a := &factcheck.Article{Title: "Lanes and injuries", Outlet: "The Riverton Ledger", Body: rivertonBody, PublishedAt: &d}
	if err := e.store.CreateArticle(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	c := &factcheck.Claim{ArticleID: &a.ID, Quote: "protected bike lanes cut cycling injuries by a third since 2022"}
	if fill != nil {
		fill(c)
	}
	if err := e.store.CreateClaim(t.Context(), c, e.editor); err != nil {
		t.Fatal(err)
	}
	return c
}

// complete fills in everything the readiness checklist asks for.
func complete(c *factcheck.Claim) {
	d := time.Date(2024, 11, 19, 0, 0, 0, 0, time.UTC)
	c.Statement, c.Claimant, c.ClaimDate = "Bike lanes cut injuries by a third", "Alicia Moreno", &d
	c.RatingKey, c.Summary, c.Rationale = "mostly-false", "About an eighth, not a third.", "The city's **own** report shows 12%."
	c.Evidence = []factcheck.Evidence{{URL: "https://city.example/report", Title: "Cycling safety report", Stance: factcheck.StanceRefutes}}
}

const rivertonBody = "Lanes and injuries\n\nRiverton's mayor, Alicia Moreno, said on Tuesday that protected bike lanes cut cycling injuries by a third since 2022. " +
	"According to the city council, the transport budget grew 12% last year.\n\nCritics are unconvinced."

// Tags typed but not saved survive saving another part of the claim: a
// source added in its own panel, and the verdict saved with Save.
func TestTagsSurviveVerdictSave(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, nil)
	b := e.browse(t, "editor@test.example")
	b.open(deskPath(cl.ID))
	b.typeInto("#tags", "cycling, road safety")
	// Another panel saves while the tags wait.
	b.typeInto("#ev-url", "https://city.example/report")
	b.typeInto("#new-title", "Cycling safety report")
	b.do("add the source", chromedp.Focus(css("#ev-add-button")), chromedp.KeyEvent(kb.Enter))
	b.wait("the source in the list", `document.querySelector("#ev-list").textContent.includes("Cycling safety report")`)
	if got := b.eval(`document.querySelector("#tags").value`); got != "cycling, road safety" {
		t.Fatalf("adding a source dropped the typed tags: %q", got)
	}
	// The verdict saves with the tags, which stay on the page.
	b.do("set the verdict", chromedp.SetValue(css("#rating"), "mostly-false"))
	b.typeInto("#summary", "About an eighth, not a third.")
	b.do("save", chromedp.Click(css("#save-claim")))
	b.wait("saved", `document.querySelector("#save-feedback").textContent.includes("Saved")`)
	if got := b.eval(`document.querySelector("#tags").value`); got != "cycling, road safety" {
		t.Fatalf("saving the verdict dropped the tags: %q", got)
	}
	if got := b.eval(`document.activeElement.id`); got != "save-claim" {
		t.Errorf("focus left the Save button for %q", got)
	}
	stored, _ := e.store.ClaimByID(t.Context(), cl.ID)
	if strings.Join(stored.Tags, ",") != "cycling,road-safety" || stored.RatingKey != "mostly-false" || len(stored.Evidence) != 1 {
		t.Fatalf("stored: tags %v, rating %q, %d sources", stored.Tags, stored.RatingKey, len(stored.Evidence))
	}
}

// beforeUnload navigates the tab away with script and reports whether the
// page asked before leaving; it answers the question with stay.
func (b *tab) beforeUnload(to string) bool {
	b.t.Helper()
	asked := make(chan struct{}, 1)
	lctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	chromedp.Listen(lctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok && d.Type == page.DialogTypeBeforeunload {
			select {
			case asked <- struct{}{}:
			default:
			}
		}
	})
	b.eval(`(() => { setTimeout(() => { location.href = "` + to + `"; }, 0); return ""; })()`)
	select {
	case <-asked:
	case <-time.After(3 * time.Second):
		return false
	}
	b.do("stay on the page", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		return err
	}))
	return true
}

// Leaving a page with unsaved input asks first; once it is saved, leaving
// does not.
func TestLeavingWithUnsavedInputWarns(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, nil)
	b := e.browse(t, "editor@test.example")
	b.open(deskPath(cl.ID))
	b.typeInto("#new-title", "A source not yet added")
	if !b.beforeUnload("/desk") {
		t.Fatal("leaving with a half-typed source did not warn")
	}
	if !strings.Contains(b.eval(`location.pathname`), "/desk/claims/") {
		t.Fatal("the page was left although the editor stayed")
	}
	// Typed into the claim form and saved: nothing to lose.
	b.clear("#new-title")
	b.typeInto("#summary", "Saved words.")
	b.do("save", chromedp.Focus(css("#save-claim")), chromedp.KeyEvent(kb.Enter))
	b.wait("saved", `document.querySelector("#save-feedback").textContent.includes("Saved")`)
	if b.beforeUnload("/desk") {
		t.Fatal("warned although everything was saved")
	}
	b.wait("the desk", `location.pathname === "/desk"`)
}

// A draft saves itself while the editor types; a reload shows it, with
// "Saved · … ago" and the new version.
func TestAutosavedDraftSurvivesReload(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, nil)
	b := e.browse(t, "editor@test.example")
	b.open(deskPath(cl.ID))
	b.typeInto("#statement", "Protected lanes cut cycling injuries by a third")
	b.typeInto("#rationale", "The report says **12%**.")
	b.wait("the autosave", `document.querySelector("#claim-state").dataset.version !== "1"`)
	b.wait("the saved time", `/Saved · (just now|\d+ s ago)/.test(document.querySelector("#claim-state").textContent)`)
	b.do("reload", chromedp.Reload())
	b.wait("the reloaded editor", `document.querySelector("#statement") && window.htmx`)
	if got := b.eval(`document.querySelector("#statement").value + " | " + document.querySelector("#rationale").value`); got != "Protected lanes cut cycling injuries by a third | The report says **12%**." {
		t.Fatalf("after reload: %q", got)
	}
	stored, _ := e.store.ClaimByID(t.Context(), cl.ID)
	if stored.Version < 2 || stored.Rationale != "The report says **12%**." {
		t.Fatalf("not stored: version %d, rationale %q", stored.Version, stored.Rationale)
	}
}

// A colleague saves while the editor types: the editor's save gets 409,
// the conflict opens in place beside the field, the colleague's change to
// a field the editor did not touch comes into the form, and "keep mine"
// saves the editor's words on top, without losing the colleague's.
func TestConflictResolvedInPlaceKeepMine(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, func(c *factcheck.Claim) { c.RatingKey = "false" })
	b := e.browse(t, "editor@test.example")
	b.open(deskPath(cl.ID))
	// The colleague (through the API) changes the summary and the rationale.
	var cur struct{ Version int }
	if st := e.api("PUT", "/api/v1/claims/"+strconv.FormatInt(cl.ID, 10)+"/verdict", e.token(e.reviewer),
		map[string]any{"summary": "Their summary.", "rationale": "Their rationale.", "version": cl.Version}, &cur); st != 200 {
		t.Fatalf("colleague's save: %d", st)
	}
	b.typeInto("#summary", "My summary.")
	b.do("save", chromedp.Focus(css("#save-claim")), chromedp.KeyEvent(kb.Enter))
	b.wait("the conflict", `document.querySelector("#conflict .conflict-field[data-field=summary]")`)
	box := b.eval(`document.querySelector("#conflict").textContent`)
	for _, want := range []string{"reviewer tester saved this claim while you were editing", "Summary", "My summary.", "Their summary.", "Keep mine", "Take theirs"} {
		if !strings.Contains(box, want) {
			t.Errorf("the conflict lacks %q: %s", want, box)
		}
	}
	// Nothing changed behind the editor's back: their summary is as typed,
	// the rating stayed, the untouched rationale took the colleague's text.
	if got := b.eval(`[document.querySelector("#summary").value, document.querySelector("#rating").value, document.querySelector("#rationale").value].join(" | ")`); got != "My summary. | false | Their rationale." {
		t.Fatalf("form after the conflict: %q", got)
	}
	if stored, _ := e.store.ClaimByID(t.Context(), cl.ID); stored.Summary != "Their summary." {
		t.Fatalf("a stale write was stored: %q", stored.Summary)
	}
	b.do("keep mine", chromedp.Focus(css(".conflict-field[data-field=summary] .keep-mine")), chromedp.KeyEvent(kb.Enter))
	b.wait("the resolved save", `!document.querySelector("#conflict .conflict") && document.querySelector("#save-feedback").textContent.includes("Saved")`)
	stored, _ := e.store.ClaimByID(t.Context(), cl.ID)
	if stored.Summary != "My summary." || stored.Rationale != "Their rationale." || stored.RatingKey != "false" {
		t.Fatalf("after keep mine: summary %q, rationale %q, rating %q", stored.Summary, stored.Rationale, stored.RatingKey)
	}
}

// sourceSite serves a page to cite, with the metadata the fetcher reads.
func sourceSite(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html><head><title>Cycling safety report 2024 | City of Riverton</title>
<meta property="og:title" content="Cycling safety report 2024"><meta property="og:site_name" content="City of Riverton">
<meta property="article:published_time" content="2024-10-01T09:00:00Z"></head>
<body><article><h1>Cycling safety report 2024</h1><p>Serious cycling injuries on streets with protected lanes fell by 12 percent between 2022 and 2024, against 9 percent on other streets.</p>
<p>The report covers every street the city rebuilt with protected lanes since the programme began, and compares them with streets of the same traffic.</p></article></body></html>`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// The whole job with the keyboard alone: paste an article, make two
// claims from suggestions in one step, add a source by its address, give a
// verdict and submit, for both claims. No pointer event reaches the page.
func TestWholeJobWithTheKeyboard(t *testing.T) {
	e := newEnv(t, "sqlite")
	site := sourceSite(t)
	b := e.browse(t, "editor@test.example")
	b.open("/desk/articles/new")
	b.eval(`(() => { window.__pointer = 0; for (const t of ["pointerdown", "mousedown"]) document.addEventListener(t, () => window.__pointer++, true); return ""; })()`)
	b.typeInto("#title", "Lanes and injuries")
	b.typeInto("#outlet", "The Riverton Ledger")
	b.typeInto("#published_at", "11202024")
	b.typeInto("#body", rivertonBody)
	b.do("save the article", chromedp.Focus(css("#save-article")), chromedp.KeyEvent(kb.Enter))
	b.wait("the suggestions", `document.querySelector("#sugg-list") && window.htmx`)
	b.eval(`(() => { window.__pointer = 0; for (const t of ["pointerdown", "mousedown"]) document.addEventListener(t, () => window.__pointer++, true); return ""; })()`)
	// j to the first suggestion, x, j, x, c: two claims in one step.
	b.press("j")
	b.press("x")
	b.press("j")
	b.press("x")
	if n := b.eval(`String(document.querySelectorAll("#sugg-list input[name=sel]:checked").length) + " " + document.querySelector("#selbar-count").textContent`); n != "2 2 selected" {
		t.Fatalf("selected: %s", n)
	}
	b.press("c")
	b.wait("the first claim's editor", `document.querySelector("#claim-form") && window.htmx && location.search.includes("made=2")`)
	for i := range 2 {
		b.eval(`(() => { window.__pointer = 0; for (const t of ["pointerdown", "mousedown"]) document.addEventListener(t, () => window.__pointer++, true); return ""; })()`)
		b.typeInto("#ev-url", site.URL+"/report-"+strconv.Itoa(i))
		b.press(kb.Tab) // leaving the address looks it up; the focus is on "Look up"
		b.wait("the looked-up title", `document.querySelector("#new-title").value === "Cycling safety report 2024" && document.activeElement.id === "ev-lookup"`)
		b.press(kb.Tab)
		b.do("retitle", chromedp.KeyEvent(kb.End), chromedp.KeyEvent(" ("+strconv.Itoa(i+1)+")"))
		if got := b.eval(`document.querySelector("#new-publisher").value + " | " + document.querySelector("#new-date").value`); got != "City of Riverton | 2024-10-01" {
			t.Fatalf("looked up: %q", got)
		}
		b.do("contradicts", chromedp.Focus(css("input[name=stance][value=refutes]")), chromedp.KeyEvent(" "))
		b.do("add the source", chromedp.Focus(css("#ev-add-button")), chromedp.KeyEvent(kb.Enter))
		b.wait("the source", `document.querySelector("#ev-list").textContent.includes("(`+strconv.Itoa(i+1)+`)") && document.activeElement.id === "ev-url"`)
		b.do("rating", chromedp.Focus(css("#rating")), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
		b.typeInto("#summary", "Close, but the figures say otherwise.")
		b.typeInto("#rationale", "The city's report shows a 12% fall.")
		b.do("submit", chromedp.Focus(css("#submit-claim")), chromedp.KeyEvent(kb.Enter))
		b.wait("in review", `document.querySelector(".status-pill").textContent.includes("In review")`)
		if n := b.eval(`String(window.__pointer)`); n != "0" {
			t.Fatalf("claim %d: %s pointer events reached the page", i+1, n)
		}
		if i == 0 {
			// After htmx settles (it moves the focus to the notice), as a person would.
			b.do("the next claim", chromedp.Sleep(300*time.Millisecond), chromedp.Focus(css(".next-claim")), chromedp.KeyEvent(kb.Enter))
			b.wait("the second claim's editor", `document.querySelector("#claim-form") && window.htmx && !location.search`)
		}
	}
	as, _ := e.store.Articles(t.Context(), 1)
	cls, _ := e.store.ArticleClaims(t.Context(), as[0].ID)
	if len(cls) != 2 {
		t.Fatalf("%d claims", len(cls))
	}
	for _, cl := range cls {
		if cl.Status != factcheck.StatusInReview || cl.RatingKey == "" || cl.ClaimDate == nil || cl.ClaimDate.Format("2006-01-02") != "2024-11-20" {
			t.Errorf("claim %q: %s, rating %q, date %v", cl.Quote, cl.Status, cl.RatingKey, cl.ClaimDate)
		}
	}
	// Each claim is the claim without its frame, by the speaker the
	// spotter named: never the article's author.
	if cls[0].Quote != "protected bike lanes cut cycling injuries by a third since 2022" || cls[0].Claimant != "Riverton's mayor" {
		t.Errorf("first claim: %q by %q", cls[0].Quote, cls[0].Claimant)
	}
	if cls[1].Quote != "the transport budget grew 12% last year" || cls[1].Claimant != "The city council" {
		t.Errorf("second claim: %q by %q", cls[1].Quote, cls[1].Claimant)
	}
}

// confirmAfter clicks the element sel from script and answers the confirm
// dialog it opens with accept; it returns the question, or "" when no
// dialog opened.
func (b *tab) confirmAfter(sel string, accept bool) string {
	b.t.Helper()
	asked := make(chan string, 1)
	lctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	chromedp.Listen(lctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok && d.Type == page.DialogTypeConfirm {
			select {
			case asked <- d.Message:
			default:
			}
		}
	})
	b.eval(`(() => { setTimeout(() => document.querySelector(` + jsString(sel) + `).click(), 0); return ""; })()`)
	var q string
	select {
	case q = <-asked:
	case <-time.After(3 * time.Second):
		return ""
	}
	b.do("answer the question", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept})
		return err
	}))
	return q
}

// A workflow step swaps the whole editor, and never loses what was typed
// elsewhere on the page: a comment being written is carried across; text
// in a form the step may drop (a half-added source) is asked about first,
// and staying keeps it.
func TestWorkflowStepKeepsTypedInput(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, complete)
	b := e.browse(t, "editor@test.example")
	b.open(deskPath(cl.ID))

	b.typeInto("#new-title", "A source not yet added")
	if q := b.confirmAfter("#submit-claim", false); !strings.Contains(q, "Add a source") {
		t.Fatalf("submitting with a half-added source did not ask first (question %q)", q)
	}
	time.Sleep(300 * time.Millisecond)
	if got := b.eval(`document.querySelector("#new-title").value`); got != "A source not yet added" {
		t.Fatalf("staying lost the typed source: %q", got)
	}
	if stored, _ := e.store.ClaimByID(t.Context(), cl.ID); stored.Status != factcheck.StatusDraft {
		t.Fatalf("submitted although the editor chose to stay: %s", stored.Status)
	}

	b.clear("#new-title")
	b.typeInto("#comment-body", "Half a thought about the baseline")
	if q := b.confirmAfter("#submit-claim", true); q != "" {
		t.Fatalf("asked although the comment is carried across: %q", q)
	}
	b.wait("in review", `document.querySelector(".status-pill").textContent.includes("In review")`)
	if got := b.eval(`document.querySelector("#comment-body").value`); got != "Half a thought about the baseline" {
		t.Fatalf("submitting wiped the comment being typed: %q", got)
	}
	if !b.beforeUnload("/desk") {
		t.Fatal("the carried comment no longer counts as unsaved")
	}
}

// A reviewer returns a claim with a note; its author sees the note in the
// editor and in the history.
func TestReturnedClaimShowsTheNote(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, complete)
	if _, err := e.store.UpdateClaim(t.Context(), cl.ID, cl.Version, e.editor, "Submitted for review", func(c *factcheck.Claim) error { return c.Submit(e.editor) }); err != nil {
		t.Fatal(err)
	}
	rev := e.browse(t, "reviewer@test.example")
	rev.open(deskPath(cl.ID))
	rev.do("return without a note", chromedp.Focus(css("#return-claim")), chromedp.KeyEvent(kb.Enter))
	rev.wait("the note is required", `document.querySelector("#err-note").textContent.includes("note")`)
	if fb := rev.eval(`document.querySelector("#workflow-feedback").textContent.trim()`); fb != "" {
		t.Errorf("the note's message is said twice: %q", fb)
	}
	rev.typeInto("#return-note", "Cite the council's 2022 baseline, not the press release.")
	rev.do("return", chromedp.Focus(css("#return-claim")), chromedp.KeyEvent(kb.Enter))
	rev.wait("back in draft", `document.querySelector(".status-pill").textContent.includes("Draft")`)

	ed := e.browse(t, "editor@test.example")
	ed.open(deskPath(cl.ID))
	note := ed.eval(`document.querySelector(".return-note") ? document.querySelector(".return-note").textContent : ""`)
	if !strings.Contains(note, "Cite the council's 2022 baseline, not the press release.") || !strings.Contains(note, "reviewer tester") {
		t.Fatalf("the author does not see the note: %q", note)
	}
	ed.open(deskPath(cl.ID) + "/history")
	if h := ed.eval(`document.querySelector(".history-list").textContent`); !strings.Contains(h, "Returned to draft: Cite the council's 2022 baseline") || !strings.Contains(h, "In review") {
		t.Fatalf("history: %s", h)
	}
}

// Submitting an incomplete claim names every missing item next to the
// button, which keeps the focus.
func TestIncompleteSubmitListsEveryMissingItem(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, nil)
	b := e.browse(t, "editor@test.example")
	b.open(deskPath(cl.ID))
	b.do("submit", chromedp.Focus(css("#submit-claim")), chromedp.KeyEvent(kb.Enter))
	b.wait("the refusal", `document.querySelector("#workflow-feedback ul.missing")`)
	items := b.eval(`[...document.querySelectorAll("#workflow-feedback ul.missing li")].map(li => li.textContent).join(", ")`)
	if items != "Statement, Claimant, Date of the claim, Rating, One-line summary, Rationale, At least one source" {
		t.Fatalf("missing items: %q", items)
	}
	if msg := b.eval(`document.querySelector("#workflow-feedback p").textContent`); msg != "Before it can be submitted for review, this claim needs:" {
		t.Errorf("message: %q", msg)
	}
	if got := b.eval(`document.activeElement.id`); got != "submit-claim" {
		t.Errorf("focus moved to %q", got)
	}
	if stored, _ := e.store.ClaimByID(t.Context(), cl.ID); stored.Status != factcheck.StatusDraft {
		t.Fatalf("submitted: %s", stored.Status)
	}
}

var claimReviewed = regexp.MustCompile(`"claimReviewed":"([^"]*)"`)

// The card and ClaimReview's claimReviewed carry the statement (drafted
// from the claim span, reworded by the editor), never the reporter's
// sentence with its attribution.
func TestCardAndClaimReviewCarryTheStatement(t *testing.T) {
	e := newEnv(t, "sqlite")
	b := e.browse(t, "admin@test.example")
	d := time.Date(2024, 11, 20, 0, 0, 0, 0, time.UTC)
	a := &factcheck.Article{Title: "Lanes and injuries", Outlet: "The Riverton Ledger", Author: "Sam Reporter", Body: rivertonBody, PublishedAt: &d}
	if err := e.store.CreateArticle(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	b.open("/desk/articles/" + strconv.FormatInt(a.ID, 10))
	b.do("+ claim", chromedp.Click(css("#sugg-list li.sugg:first-child button.mk")))
	b.wait("the editor", `document.querySelector("#statement") && window.htmx`)
	if got := b.eval(`[document.querySelector("#statement").value, document.querySelector("#quote").value, document.querySelector("#claimant").value, document.querySelector("#claim_date").value].join(" | ")`); got != "Protected bike lanes cut cycling injuries by a third since 2022 | protected bike lanes cut cycling injuries by a third since 2022 | Riverton's mayor | 2024-11-20" {
		t.Fatalf("prefilled: %q", got)
	}
	b.clear("#statement")
	b.typeInto("#statement", "Riverton's protected lanes cut cycling injuries by a third")
	b.clear("#claimant")
	b.typeInto("#claimant", "Alicia Moreno")
	b.typeInto("#ev-url", "https://city.example/report")
	b.typeInto("#new-title", "Cycling safety report 2024")
	b.do("add the source", chromedp.Click(css("#ev-add-button")))
	b.wait("the source", `document.querySelector("#ev-list").textContent.includes("Cycling safety report 2024")`)
	b.do("rating", chromedp.SetValue(css("#rating"), "mostly-false"))
	b.typeInto("#summary", "About an eighth, not a third.")
	b.typeInto("#rationale", "The city's report shows a 12% fall.")
	// A person does not click within htmx's settle delay; neither do we.
	b.do("submit", chromedp.Sleep(300*time.Millisecond), chromedp.Click(css("#submit-claim")))
	b.wait("in review", `document.querySelector(".status-pill").textContent.includes("In review")`)
	// Publishing shows the card as readers will see it first.
	b.do("review", chromedp.Sleep(300*time.Millisecond), chromedp.Click(css("#review-publish")))
	b.wait("the preview", `document.querySelector("#publish-step .card") && document.activeElement.id === "publish-claim"`)
	if card := b.eval(`document.querySelector("#publish-step .card").textContent`); !strings.Contains(card, "Riverton's protected lanes cut cycling injuries by a third") || strings.Contains(card, "said on Tuesday") {
		t.Fatalf("preview card: %s", card)
	}
	b.do("publish", chromedp.Click(css("#publish-claim")))
	b.wait("published", `document.querySelector(".status-pill").textContent.includes("Published")`)

	cls, _ := e.store.ArticleClaims(t.Context(), a.ID)
	st, body, _ := e.get(e.client(), "/claims/"+strconv.FormatInt(cls[0].ID, 10))
	if st != 200 {
		t.Fatalf("claim page: %d", st)
	}
	m := claimReviewed.FindStringSubmatch(body)
	var reviewed string
	if m != nil {
		json.Unmarshal([]byte(`"`+m[1]+`"`), &reviewed)
	}
	if reviewed != "Riverton's protected lanes cut cycling injuries by a third" {
		t.Errorf("claimReviewed = %q", reviewed)
	}
	if !strings.Contains(body, "<h1 class=\"statement\">Riverton&#39;s protected lanes cut cycling injuries by a third</h1>") || strings.Contains(body, "said on Tuesday that") {
		t.Errorf("the card page does not lead with the statement")
	}
	_, home, _ := e.get(e.client(), "/?page=1")
	if !strings.Contains(home, "Riverton&#39;s protected lanes cut cycling injuries by a third") || strings.Contains(home, "said on Tuesday that") {
		t.Errorf("the home page card does not carry the statement")
	}
}

func deskPath(id int64) string { return "/desk/claims/" + strconv.FormatInt(id, 10) }

func articleIDFrom(t *testing.T, e *env) string {
	t.Helper()
	as, err := e.store.Articles(t.Context(), 1)
	if err != nil || len(as) == 0 {
		t.Fatalf("no article: %v", err)
	}
	return strconv.FormatInt(as[0].ID, 10)
}

func jsString(s string) string { return "`" + strings.ReplaceAll(s, "`", "") + "`" }

// publishedClaim stores a complete claim, submitted by the editor and
// published by the reviewer.
func (e *env) publishedClaim(t *testing.T) *factcheck.Claim {
	t.Helper()
	cl := e.draftClaim(t, complete)
	cl, err := e.store.UpdateClaim(t.Context(), cl.ID, cl.Version, e.editor, "Submitted for review", func(c *factcheck.Claim) error { return c.Submit(e.editor) })
	if err == nil {
		cl, err = e.store.UpdateClaim(t.Context(), cl.ID, cl.Version, e.reviewer, "Published", func(c *factcheck.Claim) error { return c.Publish(e.reviewer, time.Now(), false) })
	}
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// A correction is a mode of the claim form: "Correct this fact check"
// opens the verdict with a required public note and the card as readers
// will see it; Cancel puts everything back; publishing without the note
// names it and loses nothing; with the note, readers see the new rating
// and the note. Nothing is saved along the way.
func TestCorrectionModeOnTheVerdictForm(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.publishedClaim(t)
	b := e.browse(t, "reviewer@test.example")
	b.open(deskPath(cl.ID))
	if b.eval(`String(document.querySelector("#rating").matches(":disabled")) + " " + String(!!document.querySelector("#correction-note, #correct-form"))`) != "true false" {
		t.Fatal("a published claim's verdict is open, or a correction form is on the page unasked")
	}
	// A swapped editor answers clicks once htmx has settled it.
	const settled = ` && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling")`
	setRating := `(() => { const s = document.querySelector("#rating"); s.value = "false"; s.dispatchEvent(new Event("change", {bubbles: true})); return ""; })()`

	// Open the mode, change the rating, cancel: the published verdict is back.
	b.do("correct", chromedp.Focus(css("#correct-start")), chromedp.KeyEvent(kb.Enter))
	b.wait("the correction mode", `document.querySelector("#correction-note") && !document.querySelector("#rating").matches(":disabled")`+settled)
	if got := b.eval(`document.activeElement.id`); got != "rating" {
		t.Errorf("the correction mode put the focus on %q, not the rating", got)
	}
	b.eval(setRating)
	b.do("cancel", chromedp.Focus(css("#correct-cancel")), chromedp.KeyEvent(kb.Enter))
	b.wait("the read-only verdict", `document.querySelector("#correct-start") && !document.querySelector("#correction-note")`+settled)
	if got := b.eval(`document.querySelector("#rating").value + " " + document.querySelector("#rating").matches(":disabled")`); got != "mostly-false true" {
		t.Fatalf("after Cancel the rating is %q", got)
	}

	// Again: change the rating, publish without a note.
	b.do("correct again", chromedp.Focus(css("#correct-start")), chromedp.KeyEvent(kb.Enter))
	b.wait("the correction mode", `document.querySelector("#correction-note")`+settled)
	if b.eval(`document.querySelector("#claim-form").hasAttribute("data-autosave") || !document.querySelector("#statement").matches(":disabled") ? "bad" : ""`) != "" {
		t.Fatal("the correction mode autosaves, or opened the claim's text")
	}
	b.eval(setRating)
	b.wait("the preview of the new rating", `document.querySelector("#correct-preview .card").textContent.includes("False") && document.querySelector("#correct-preview").textContent.includes("(write the public note)")`)
	time.Sleep(2 * time.Second) // longer than the autosave delay
	b.do("publish without a note", chromedp.Focus(css("#correct-submit")), chromedp.KeyEvent(kb.Enter))
	b.wait("the note is named", `document.querySelector("#err-note").textContent.includes("public note") && document.querySelector("#correct-feedback").textContent.includes("public note")`)
	if got := b.eval(`[document.querySelector("#rating").value, document.querySelector("#summary").value, String(!!document.querySelector("#correct-submit")), document.activeElement.id].join(" | ")`); got != "false | About an eighth, not a third. | true | correct-submit" {
		t.Fatalf("after the refusal: %q", got)
	}
	if stored, _ := e.store.ClaimByID(t.Context(), cl.ID); stored.Version != cl.Version || stored.RatingKey != "mostly-false" {
		t.Fatalf("something was saved: version %d, rating %q", stored.Version, stored.RatingKey)
	}
	if !b.beforeUnload("/desk") {
		t.Fatal("leaving the correction mode with a changed rating did not warn")
	}

	// With the note, readers see the new rating and the note.
	const note = "We misread the city's table: injuries fell by 12%, not a third."
	b.typeInto("#correction-note", note)
	b.wait("the note in the preview", `document.querySelector("#correct-preview").textContent.includes("injuries fell by 12%")`)
	b.do("publish the correction", chromedp.Focus(css("#correct-submit")), chromedp.KeyEvent(kb.Enter))
	b.wait("corrected", `document.querySelector(".status-pill").textContent.includes("Corrected") && document.querySelector("#correct-start")`)
	if b.beforeUnload("/desk") {
		t.Fatal("warned after the correction was published")
	}
	b.open("/claims/" + strconv.FormatInt(cl.ID, 10))
	page := b.eval(`document.querySelector("main").textContent`)
	for _, want := range []string{"False", "Corrected", note} {
		if !strings.Contains(page, want) {
			t.Errorf("the public page lacks %q", want)
		}
	}
	if strings.Contains(b.eval(`document.querySelector(".badge, .rating-badge") ? document.querySelector(".badge, .rating-badge").textContent : ""`), "Mostly false") {
		t.Error("the public page still shows the old rating")
	}
}

// Enter on a suggestion picks its phrase and its speaker into the form,
// without overwriting a speaker the editor typed.
func TestPickPhraseBringsItsSpeaker(t *testing.T) {
	e := newEnv(t, "sqlite")
	id := e.newArticle(e.token(e.editor), "Lanes and injuries", "The Riverton Ledger", "", rivertonBody)
	b := e.browse(t, "editor@test.example")
	b.open("/desk/articles/" + strconv.FormatInt(id, 10))
	b.wait("the suggestions", `document.querySelector("#sugg-list li.sugg") && window.htmx`)
	b.press("j")
	b.eval(enterOnFocused)
	if got := b.eval(`document.querySelector("#phrase").value + " | " + document.querySelector("#claimant").value`); got != "protected bike lanes cut cycling injuries by a third since 2022 | Riverton's mayor" {
		t.Fatalf("after Enter: %q", got)
	}
	b.clear("#claimant")
	b.typeInto("#claimant", "The mayor's office")
	b.eval(`(() => { document.querySelector("#sugg-list li.sugg").focus(); return ""; })()`)
	b.press("j")
	b.eval(enterOnFocused)
	if got := b.eval(`document.querySelector("#phrase").value + " | " + document.querySelector("#claimant").value`); got != "the transport budget grew 12% last year | The mayor's office" {
		t.Fatalf("a typed speaker was replaced: %q", got)
	}
}

// enterOnFocused sends a keydown of Enter alone to the focused element (a
// typed Enter would also put its newline into the field the pick focuses).
const enterOnFocused = `(() => { document.activeElement.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true, cancelable: true})); return ""; })()`
