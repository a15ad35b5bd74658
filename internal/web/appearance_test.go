package web_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
)

// repeatBody is a new article, from another outlet, that repeats a claim
// the desk checked; repeatSentence is where.
const (
	repeatSentence = "The mines will only be used on Ukrainian territory, an official insisted again on Monday."
	repeatBody     = "Kyiv prepares new defences\n\nThe first shipments arrived last week. " + repeatSentence + "\n\nMore deliveries are planned."
)

// publishedInArticle returns a seeded public claim checked in an article
// that has a URL, fully loaded.
func (e *env) publishedInArticle() *factcheck.Claim {
	e.t.Helper()
	for _, id := range ids(e.publicClaims()) {
		cl, err := e.store.PublicClaim(e.t.Context(), id)
		if err != nil {
			e.t.Fatal(err)
		}
		if cl.Status == factcheck.StatusPublished && cl.Article != nil && cl.Article.URL != "" {
			return cl
		}
	}
	e.t.Fatal("seeds have no published claim in an article with a URL")
	return nil
}

// newArticle stores an article through the API and returns its id.
func (e *env) newArticle(tok, title, outlet, link, body string) int64 {
	e.t.Helper()
	var art struct{ ID int64 }
	if st := e.api("POST", "/api/v1/articles", tok, map[string]string{"title": title, "outlet": outlet, "url": link, "published_at": "2025-01-13", "body": body}, &art); st != 201 {
		e.t.Fatalf("article: %d", st)
	}
	return art.ID
}

func countClaims(t *testing.T, e *env) int64 {
	t.Helper()
	counts, err := e.store.CountClaims(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, c := range counts {
		n += c
	}
	return n
}

// TestSameClaimOnANewArticle is the desk's "same claim": a sentence of a
// new article recorded as an appearance of a published claim, by the desk
// form (plain and htmx) and the API. No claim is made, the desk article
// lists the one claim, and every public surface shows the appearance: the
// new article's public page highlights it with the existing verdict, the
// claim page lists it, ClaimReview lists both appearances (and passes
// every field check), the embed card says seen twice, and the feed has a
// claim.reappeared entry. Pages cached before the change are not served
// after it.
func TestSameClaimOnANewArticle(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			ctx := t.Context()
			cl := e.publishedInArticle()
			claimID := strconv.FormatInt(cl.ID, 10)
			tok := e.token(e.editor)
			articleID := e.newArticle(tok, "Kyiv prepares new defences", "Kyiv Daily", "https://kyiv-daily.example/defences", repeatBody)
			aid := strconv.FormatInt(articleID, 10)
			reader := e.client()
			_, before, _ := e.get(reader, "/claims/"+claimID) // now cached
			if strings.Contains(before, "Kyiv Daily") {
				t.Fatal("fixture: the claim page already names the new outlet")
			}
			if st, _, _ := e.get(reader, "/articles/"+aid); st != 404 {
				t.Fatalf("an article with no public claim: %d", st)
			}
			claims0 := countClaims(t, e)

			// The desk form, as the intake's "Same claim" button posts it.
			browser := e.client()
			e.login(browser, "editor@test.example")
			csrf := e.csrfFrom(browser, "/desk/articles/"+aid)
			start := strings.Index(repeatBody, repeatSentence)
			form := url.Values{"_csrf": {csrf}, "article_id": {aid}, "start": {strconv.Itoa(start)}, "end": {strconv.Itoa(start + len(repeatSentence))}}
			st, body, resp := e.postForm(browser, "/desk/claims/"+claimID+"/appearances", form)
			if st != http.StatusSeeOther || resp.Header.Get("Location") != "/desk/articles/"+aid+"?appeared="+claimID {
				t.Fatalf("same claim: %d %q %.300s", st, resp.Header.Get("Location"), body)
			}
			if n := countClaims(t, e); n != claims0 {
				t.Fatalf("%d claims after same claim, were %d", n, claims0)
			}
			got, err := e.store.ClaimByID(ctx, cl.ID)
			if err != nil || len(got.Appearances) != 2 || *got.Appearances[1].ArticleID != articleID || got.Appearances[1].Anchor.Exact != repeatSentence ||
				got.Version != cl.Version+1 || got.RatingKey != cl.RatingKey || got.Status != cl.Status {
				t.Fatalf("claim after same claim: %v %+v", err, got.Appearances)
			}
			if got.Appearances[1].Claimant != "an official" { // "…, an official insisted again": the speaker, as written
				t.Errorf("claimant of the appearance: %q", got.Appearances[1].Claimant)
			}
			listed, err := e.store.ArticleClaims(ctx, articleID)
			if err != nil || len(listed) != 1 || listed[0].ID != cl.ID {
				t.Fatalf("the new article lists %d claims (%v), want the one", len(listed), err)
			}
			_, desk, _ := e.get(browser, "/desk/articles/"+aid)
			hasAll(t, "desk article", desk, `href="/desk/claims/`+claimID+`"`)

			// The public article page: highlighted with the existing verdict.
			st, page, _ := e.get(reader, "/articles/"+aid)
			if st != 200 {
				t.Fatalf("public article page: %d", st)
			}
			hasAll(t, "public article", page,
				`<a class="hl hl-`+cl.RatingKey+` hl-repeat" href="#verdict-`+claimID+`"`,
				htmlEscape(repeatSentence), `id="verdict-`+claimID+`"`, "Seen again.", htmlEscape(cl.Rating.Label), htmlEscape(cl.Summary),
				`title="Claim 1, already checked: `+htmlEscape(cl.Rating.Label)+`"`)
			// The first article still shows it as checked there, not as a repeat.
			_, first, _ := e.get(reader, "/articles/"+strconv.FormatInt(*cl.ArticleID, 10))
			if !strings.Contains(first, `href="#verdict-`+claimID+`"`) || strings.Contains(first, `hl-repeat" href="#verdict-`+claimID+`"`) {
				t.Error("the first article's page lost the claim or marks it as a repeat")
			}

			// The claim page (fresh, not the cached copy) says where else.
			_, after, _ := e.get(reader, "/claims/"+claimID)
			hasAll(t, "claim page", after, "Where else this claim appeared", "Seen twice", "Kyiv Daily: Kyiv prepares new defences",
				`href="https://kyiv-daily.example/defences"`, `href="/articles/`+aid+`"`, htmlEscape(repeatSentence))
			full, _ := e.store.PublicClaim(ctx, cl.ID)
			checkClaimReviewLD(t, e, reader, full)
			_, embed, _ := e.get(reader, "/embed/claims/"+claimID)
			hasAll(t, "embed", embed, "Seen twice")

			// htmx gets a partial; the API a 201 claim. Another article each.
			second := e.newArticle(tok, "Border towns", "Lviv Courier", "https://lviv.example/border", repeatBody)
			req, _ := http.NewRequest("POST", e.srv.URL+"/desk/claims/"+claimID+"/appearances", strings.NewReader(url.Values{"_csrf": {csrf}, "article_id": {strconv.FormatInt(second, 10)},
				"start": {strconv.Itoa(start)}, "end": {strconv.Itoa(start + len(repeatSentence))}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("HX-Request", "true")
			hx, err := browser.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			hxBody := readAll(t, hx)
			if hx.StatusCode != 200 || !strings.Contains(hxBody, "Added as another appearance of") || !strings.Contains(hxBody, "Seen 3 times") || strings.Contains(hxBody, "<html") {
				t.Fatalf("htmx same claim: %d %s", hx.StatusCode, hxBody)
			}
			third := e.newArticle(tok, "Weekly wrap", "Odesa Times", "https://odesa.example/wrap", repeatBody)
			var cj web.ClaimJSON
			if st := e.api("POST", "/api/v1/claims/"+claimID+"/appearances", tok, map[string]any{"article_id": third, "start": start, "end": start + len(repeatSentence)}, &cj); st != 201 {
				t.Fatalf("API appearance: %d", st)
			}
			if len(cj.Appearances) != 4 || cj.Appearances[3].ArticleID == nil || *cj.Appearances[3].ArticleID != third || cj.Appearances[3].Anchor == nil ||
				cj.Appearances[3].Anchor.Exact != repeatSentence || cj.Appearances[0].Anchor == nil || cj.Appearances[0].Anchor.Exact != cl.Anchor.Exact {
				t.Fatalf("API answer: %+v", cj.Appearances)
			}
			if st := e.api("POST", "/api/v1/claims/"+claimID+"/appearances", tok, map[string]any{"url": "https://video.example/v/9", "quote": "only on Ukrainian territory", "claimant": "A spokesman"}, &cj); st != 201 ||
				len(cj.Appearances) != 5 || cj.Appearances[4].URL != "https://video.example/v/9" || cj.Appearances[4].Claimant != "A spokesman" {
				t.Fatalf("API appearance by URL: %d %+v", st, cj.Appearances)
			}
			// Refused: the same article again, no place, a bad address; a
			// stale sentence over the desk form (htmx: the message, 409).
			for _, bad := range []struct {
				body   map[string]any
				status int
			}{
				{map[string]any{"article_id": third, "start": start, "end": start + len(repeatSentence)}, 409},
				{map[string]any{"quote": "somewhere"}, 422},
				{map[string]any{"url": "ftp://x.example/", "quote": "x"}, 422},
				{map[string]any{"article_id": third}, 422},
				{map[string]any{"article_id": 999999, "start": 0, "end": 4}, 404},
			} {
				var ae apiErr
				if st := e.api("POST", "/api/v1/claims/"+claimID+"/appearances", tok, bad.body, &ae); st != bad.status || ae.Error.Code == "" {
					t.Errorf("%v: %d %+v, want %d", bad.body, st, ae, bad.status)
				}
			}
			fourth := e.newArticle(tok, "Fourth", "Fourth Paper", "", repeatBody)
			req, _ = http.NewRequest("POST", e.srv.URL+"/desk/claims/"+claimID+"/appearances", strings.NewReader(url.Values{"_csrf": {csrf}, "article_id": {strconv.FormatInt(fourth, 10)},
				"start": {strconv.Itoa(start)}, "end": {strconv.Itoa(start + len(repeatSentence))}, "exact": {"what the editor saw before an edit"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("HX-Request", "true")
			hx, err = browser.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if hxBody := readAll(t, hx); hx.StatusCode != 409 || !strings.Contains(hxBody, "edited since") {
				t.Errorf("stale same claim: %d %s", hx.StatusCode, hxBody)
			}
			if n := countClaims(t, e); n != claims0 {
				t.Fatalf("%d claims at the end, were %d", n, claims0)
			}
			if got, _ := e.store.ClaimByID(ctx, cl.ID); len(got.Appearances) != 5 {
				t.Fatalf("%d appearances at the end, want 5", len(got.Appearances))
			}

			// The feed: one claim.reappeared entry per reappearance.
			_, feed, _ := e.get(reader, "/feed.atom")
			var doc struct {
				Entries []struct {
					ID         string `xml:"id"`
					Title      string `xml:"title"`
					Categories []struct {
						Term string `xml:"term,attr"`
					} `xml:"category"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal([]byte(feed), &doc); err != nil {
				t.Fatal(err)
			}
			again := 0
			for _, en := range doc.Entries {
				if len(en.Categories) > 0 && en.Categories[0].Term == "claim.reappeared" {
					again++
					if !strings.HasPrefix(en.Title, "Seen again: ") || !strings.Contains(en.ID, "/claims/"+claimID+"-") {
						t.Errorf("reappearance entry %+v", en)
					}
				}
			}
			if again != 4 {
				t.Errorf("the feed has %d reappearance entries, want 4", again)
			}
		})
	}
}

// TestDraftNeverAppearsInAnotherArticlesPublicPage: a draft recorded as
// seen in a new article leaves that article's public page 404; once a
// published claim appears there too, the page shows that one only.
func TestDraftNeverAppearsInAnotherArticlesPublicPage(t *testing.T) {
	e := newEnv(t, "sqlite")
	tok := e.token(e.editor)
	draft := e.hiddenClaims()[0]
	articleID := e.newArticle(tok, "Kyiv prepares new defences", "Kyiv Daily", "https://kyiv-daily.example/defences", repeatBody)
	aid := strconv.FormatInt(articleID, 10)
	start := strings.Index(repeatBody, repeatSentence)
	if st := e.api("POST", "/api/v1/claims/"+strconv.FormatInt(draft.ID, 10)+"/appearances", tok, map[string]any{"article_id": articleID, "start": start, "end": start + len(repeatSentence)}, nil); st != 201 {
		t.Fatalf("draft appearance: %d", st)
	}
	reader := e.client()
	if st, body, _ := e.get(reader, "/articles/"+aid); st != 404 || strings.Contains(body, "Kyiv prepares") {
		t.Fatalf("article with only a draft's appearance: %d", st)
	}
	pub := e.publishedInArticle()
	closing := "More deliveries are planned."
	i := strings.Index(repeatBody, closing)
	if st := e.api("POST", "/api/v1/claims/"+strconv.FormatInt(pub.ID, 10)+"/appearances", tok, map[string]any{"article_id": articleID, "start": i, "end": i + len(closing)}, nil); st != 201 {
		t.Fatalf("published appearance: %d", st)
	}
	if got, _ := e.store.ClaimByID(t.Context(), pub.ID); got.Appearances[len(got.Appearances)-1].Claimant != "Kyiv Daily" {
		t.Errorf("a sentence in the outlet's own voice: claimant %q, want the outlet", got.Appearances[len(got.Appearances)-1].Claimant)
	}
	st, body, _ := e.get(reader, "/articles/"+aid)
	if st != 200 {
		t.Fatalf("article page: %d", st)
	}
	hasAll(t, "article", body, `id="verdict-`+strconv.FormatInt(pub.ID, 10)+`"`)
	for _, leak := range []string{`verdict-` + strconv.FormatInt(draft.ID, 10) + `"`, htmlEscape(draft.Headline()), `/claims/` + strconv.FormatInt(draft.ID, 10)} {
		if strings.Contains(body, leak) {
			t.Errorf("the public article page shows the draft: %q", leak)
		}
	}
	if strings.Count(body, `class="hl `) != 1 {
		t.Errorf("%d highlights, want only the published claim's", strings.Count(body, `class="hl `))
	}
	// Nor does the draft's appearance reach the feed.
	_, feed, _ := e.get(reader, "/feed.atom")
	if strings.Contains(feed, "/claims/"+strconv.FormatInt(draft.ID, 10)) || strings.Count(feed, "claim.reappeared") != 1 {
		t.Errorf("feed: draft listed or reappearances miscounted (%d)", strings.Count(feed, "claim.reappeared"))
	}
	if hs, _, _ := e.store.ListClaims(t.Context(), store.ClaimFilter{Statuses: []factcheck.Status{draft.Status}}); len(hs) == 0 {
		t.Fatal("fixture: the draft is gone")
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

// TestAppearanceTextIsEscapedEverywhere puts script into every field of
// an appearance a user can fill and looks for it, unescaped, on every page
// that shows appearances; a javascript: address is refused outright.
func TestAppearanceTextIsEscapedEverywhere(t *testing.T) {
	e := newEnv(t, "sqlite")
	tok := e.token(e.editor)
	cl := e.publishedInArticle()
	id := strconv.FormatInt(cl.ID, 10)
	p := xssScript + xssAttr
	body := "Opening. " + p + " said it. End."
	aid := e.newArticle(tok, p, p, "https://x.example/"+url.PathEscape(p), body)
	i := strings.Index(body, p)
	if st := e.api("POST", "/api/v1/claims/"+id+"/appearances", tok, map[string]any{"article_id": aid, "start": i, "end": i + len(p), "claimant": p}, nil); st != 201 {
		t.Fatalf("article appearance: %d", st)
	}
	if st := e.api("POST", "/api/v1/claims/"+id+"/appearances", tok, map[string]any{"url": "https://y.example/?q=" + url.QueryEscape(p), "quote": p, "claimant": p}, nil); st != 201 {
		t.Fatalf("URL appearance: %d", st)
	}
	if st := e.api("POST", "/api/v1/claims/"+id+"/appearances", tok, map[string]any{"url": "javascript:alert(1)", "quote": p}, nil); st != 422 {
		t.Fatalf("javascript: URL: %d", st)
	}
	reader, desk := e.client(), e.client()
	e.login(desk, "editor@test.example")
	for _, page := range []struct {
		c    *http.Client
		path string
	}{
		{reader, "/claims/" + id}, {reader, "/articles/" + strconv.FormatInt(aid, 10)}, {reader, "/embed/claims/" + id},
		{reader, "/feed.atom"}, {reader, "/api/v1/claimreview"}, {desk, "/desk/dashboard"},
	} {
		st, b, _ := e.get(page.c, page.path)
		if st != 200 {
			t.Errorf("%s: %d", page.path, st)
		}
		if m := rawXSS.FindString(b); m != "" {
			t.Errorf("%s: unescaped %q", page.path, m)
		}
	}
}

// maybeSentence repeats the seeded claim 1 ("Biden approved sending
// antipersonnel mines to Ukraine") in other words: the matcher puts it
// between its two thresholds, "maybe the same claim".
const maybeSentence = "Joe Biden agreed to give Ukraine land mines."

// A sentence the matcher is only unsure about offers "Same claim" too:
// shown with the button, it adds no appearance until the editor presses it.
func TestMaybeSameClaimCanBeAccepted(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := t.Context()
	cl, err := e.store.ClaimByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	tok := e.token(e.editor)
	body := "Mines for Kyiv\n\n" + maybeSentence + "\n\nMore deliveries are planned."
	articleID := e.newArticle(tok, "Mines for Kyiv", "Kyiv Daily", "https://kyiv-daily.example/mines", body)
	aid := strconv.FormatInt(articleID, 10)
	browser := e.client()
	e.login(browser, "editor@test.example")

	_, desk, _ := e.get(browser, "/desk/articles/"+aid)
	i := strings.Index(desk, "Maybe the same claim:")
	if i < 0 {
		t.Fatalf("no maybe match shown for %q", maybeSentence)
	}
	maybe := desk[i:]
	maybe = maybe[:strings.Index(maybe, "</div>")]
	hasAll(t, "maybe match", maybe, `action="/desk/claims/1/appearances"`, `<button type="submit" class="secondary small same-claim">Same claim<span class="sr-only">: add this sentence as another appearance of `)
	if strings.Contains(desk, "Already checked:") {
		t.Fatal("fixture: the sentence is a sure match, not a maybe")
	}
	if got, _ := e.store.ClaimByID(ctx, 1); len(got.Appearances) != len(cl.Appearances) {
		t.Fatalf("an appearance was added before the button was pressed: %d, were %d", len(got.Appearances), len(cl.Appearances))
	}

	start := strings.Index(body, maybeSentence)
	form := url.Values{"_csrf": {e.csrfFrom(browser, "/desk/articles/"+aid)}, "article_id": {aid}, "start": {strconv.Itoa(start)}, "end": {strconv.Itoa(start + len(maybeSentence))}}
	if st, resp, _ := e.postForm(browser, "/desk/claims/1/appearances", form); st != http.StatusSeeOther {
		t.Fatalf("same claim on a maybe: %d %.300s", st, resp)
	}
	got, _ := e.store.ClaimByID(ctx, 1)
	if n := len(got.Appearances); n != len(cl.Appearances)+1 || *got.Appearances[n-1].ArticleID != articleID || got.Appearances[n-1].Anchor.Exact != maybeSentence {
		t.Fatalf("appearances after pressing it: %+v", got.Appearances)
	}
}

// After "same claim", the intake says so: a notice names the claim, and
// the sentence shows whose appearance it now is, with no further match
// to press (not even a maybe to another claim).
func TestSameClaimSettlesTheSentence(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.publishQuote("The mines will only be used on Ukrainian territory", "half-true")
	// A claim close to it, which the matcher may offer once the sentence
	// no longer matches the first.
	e.publishQuote("Antipersonnel mines will only be used on Ukrainian territory, not elsewhere", "mostly-false")
	claimID := strconv.FormatInt(cl.ID, 10)
	aid := strconv.FormatInt(e.newArticle(e.token(e.editor), "Kyiv prepares new defences", "Kyiv Daily", "https://kyiv-daily.example/defences", repeatBody), 10)
	browser, csrf := e.deskClient("editor@test.example")
	sentence := func() string {
		t.Helper()
		_, page, _ := e.get(browser, "/desk/articles/"+aid)
		for _, li := range strings.Split(page, `<li class="sugg`)[1:] {
			if li, _, _ = strings.Cut(li, "</ol>"); strings.Contains(li, "only be used on Ukrainian territory") {
				return li
			}
		}
		t.Fatal("the sentence is not among the suggestions")
		return ""
	}
	if li := sentence(); !strings.Contains(li, "same-claim") {
		t.Fatal("fixture: the sentence offers no match: " + li)
	}
	start := strings.Index(repeatBody, repeatSentence)
	st, _, resp := e.postForm(browser, "/desk/claims/"+claimID+"/appearances", url.Values{"_csrf": {csrf}, "article_id": {aid}, "start": {strconv.Itoa(start)}, "end": {strconv.Itoa(start + len(repeatSentence))}})
	if st != http.StatusSeeOther {
		t.Fatalf("same claim: %d", st)
	}
	_, page, _ := e.get(browser, resp.Header.Get("Location"))
	hasAll(t, "confirmation", page, `<p class="notice" role="status">Added as another appearance of “`+htmlEscape(cl.Headline())+`”.</p>`)
	li := sentence()
	hasAll(t, "the linked sentence", li, "Another appearance of:", `href="/claims/`+claimID+"-"+cl.Slug+`"`, htmlEscape(cl.Headline()))
	if strings.Contains(li, "same-claim") || strings.Contains(li, "Maybe the same claim") || strings.Contains(li, "Already checked:") {
		t.Errorf("the linked sentence still offers a match: %s", li)
	}
	if _, plain, _ := e.get(browser, "/desk/articles/"+aid); strings.Contains(plain, "Added as another appearance") {
		t.Error("the confirmation shows on every visit")
	}
}
