package web_test

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

// publicClaims returns every claim readers may see, fully loaded, by id.
func (e *env) publicClaims() map[int64]*factcheck.Claim {
	e.t.Helper()
	out := map[int64]*factcheck.Claim{}
	var after int64
	for {
		cs, err := e.store.PublicClaimsAfter(e.t.Context(), after, 100)
		if err != nil {
			e.t.Fatal(err)
		}
		for i := range cs {
			c, err := e.store.PublicClaim(e.t.Context(), cs[i].ID)
			if err != nil {
				e.t.Fatal(err)
			}
			out[c.ID] = c
		}
		if len(cs) < 100 {
			return out
		}
		after = cs[len(cs)-1].ID
	}
}

// hiddenClaims returns the drafts and claims in review.
func (e *env) hiddenClaims() []store.ClaimHit {
	e.t.Helper()
	hs, _, err := e.store.ListClaims(e.t.Context(), store.ClaimFilter{Statuses: []factcheck.Status{factcheck.StatusDraft, factcheck.StatusInReview}, Limit: 100})
	if err != nil || len(hs) == 0 {
		e.t.Fatalf("hidden claims: %d %v", len(hs), err)
	}
	return hs
}

// publishQuote creates and publishes a claim through the real workflow.
func (e *env) publishQuote(quote, rating string) *factcheck.Claim {
	e.t.Helper()
	ctx := e.t.Context()
	d := time.Date(2024, 11, 19, 0, 0, 0, 0, time.UTC)
	c := &factcheck.Claim{Statement: truncateBytes(quote, factcheck.MaxStatement), Quote: quote, Claimant: "A. Tester", ClaimDate: &d, Summary: "Checked.", RatingKey: rating,
		Rationale: "The record shows it.", Evidence: []factcheck.Evidence{{URL: "https://records.example/", Title: "The record", Stance: factcheck.StanceContext}}}
	if err := e.store.CreateClaim(ctx, c, e.editor); err != nil {
		e.t.Fatal(err)
	}
	c, err := e.store.UpdateClaim(ctx, c.ID, c.Version, e.editor, "submit", func(c *factcheck.Claim) error { return c.Submit(e.editor) })
	if err != nil {
		e.t.Fatal(err)
	}
	c, err = e.store.UpdateClaim(ctx, c.ID, c.Version, e.reviewer, "publish", func(c *factcheck.Claim) error { return c.Publish(e.reviewer, time.Now(), false) })
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

var jsonLDRe = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

func ids(m map[int64]*factcheck.Claim) []int64 {
	out := make([]int64, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func sortedEqual(a, b []int64) bool {
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func fmtInts(a []int64) string {
	s := make([]string, len(a))
	for i, v := range a {
		s[i] = strconv.FormatInt(v, 10)
	}
	return "[" + strings.Join(s, " ") + "]"
}

// idFromClaimURL returns the claim id in an absolute claim URL.
func idFromClaimURL(t *testing.T, u string) int64 {
	t.Helper()
	_, rest, ok := strings.Cut(u, "/claims/")
	if !ok {
		t.Fatalf("not a claim URL: %q", u)
	}
	raw, _, _ := strings.Cut(rest, "-")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		t.Fatalf("claim URL %q: %v", u, err)
	}
	return id
}

func TestClaimPageClaimReviewJSONLD(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			c := e.client()
			offScale := false
			for _, cl := range e.publicClaims() {
				offScale = checkClaimReviewLD(t, e, c, cl) || offScale
			}
			if !offScale {
				t.Error("seeds have no published claim rated off the numeric scale")
			}
		})
	}
}

// checkClaimReviewLD fetches the page of a public claim (fully loaded) and
// checks its ClaimReview JSON-LD field by field against the claim. It
// reports whether the claim's rating is off the numeric scale.
func checkClaimReviewLD(t *testing.T, e *env, c *http.Client, cl *factcheck.Claim) (offScale bool) {
	t.Helper()
	path := "/claims/" + strconv.FormatInt(cl.ID, 10) + "-" + cl.Slug
	status, body, _ := e.get(c, path)
	if status != 200 {
		t.Fatalf("%s: %d", path, status)
	}
	canonical := e.srv.URL + path
	hasAll(t, path, body, `<meta property="og:image" content="`+e.srv.URL+"/claims/"+strconv.FormatInt(cl.ID, 10)+`/card.png"`,
		`<link rel="alternate" type="application/json+oembed" href="`+htmlEscape(e.srv.URL+"/oembed?url="+url.QueryEscape(canonical)+"&format=json")+`"`,
		`hx-get="/claims/`+strconv.FormatInt(cl.ID, 10)+`/report"`)
	m := jsonLDRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s: no JSON-LD", path)
	}
	var ld struct {
		Context            string `json:"@context"`
		URL, ClaimReviewed string
		DatePublished      string
		DateModified       string
		ReviewRating       map[string]any
		ItemReviewed       struct {
			Type   string `json:"@type"`
			Author struct {
				Type string `json:"@type"`
				Name string
			}
			DatePublished string
			Appearance    []struct {
				Type string `json:"@type"`
				URL  string
			}
			FirstAppearance *struct {
				Type string `json:"@type"`
				URL  string
			}
		}
		Author struct {
			Type string `json:"@type"`
			Name string
			URL  string
		}
		Citation []struct {
			Type      string `json:"@type"`
			URL, Name string
			Publisher struct{ Name string }
		}
	}
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("%s: JSON-LD does not parse: %v", path, err)
	}
	var raw map[string]any
	json.Unmarshal([]byte(m[1]), &raw)
	if raw["@context"] != "https://schema.org" || raw["@type"] != "ClaimReview" {
		t.Errorf("%s: @context/@type = %v/%v", path, raw["@context"], raw["@type"])
	}
	if ld.ClaimReviewed != cl.Headline() || cl.Statement != "" && ld.ClaimReviewed != cl.Statement || ld.URL != canonical {
		t.Errorf("%s: claimReviewed=%q url=%q", path, ld.ClaimReviewed, ld.URL)
	}
	if ld.DatePublished != cl.PublishedAt.UTC().Format(time.RFC3339) {
		t.Errorf("%s: datePublished %q, published %v", path, ld.DatePublished, cl.PublishedAt)
	}
	wantMod := cl.PublishedAt
	if cl.CorrectedAt != nil {
		wantMod = cl.CorrectedAt
	}
	if ld.DateModified != wantMod.UTC().Format(time.RFC3339) {
		t.Errorf("%s: dateModified %q, want %v", path, ld.DateModified, wantMod)
	}
	rr := ld.ReviewRating
	if rr["@type"] != "Rating" || rr["alternateName"] != cl.Rating.Label || rr["name"] != cl.Rating.Label {
		t.Errorf("%s: reviewRating %v", path, rr)
	}
	// Every rating carries a number on the 1–5 scale: its own, or the
	// mapped one of a rating off the scale (Misleading 2, Unproven 3), as
	// /ratings documents.
	want := map[string]float64{"misleading": 2, "unproven": 3}[cl.RatingKey]
	if cl.Rating.Value != nil {
		want = float64(*cl.Rating.Value)
	} else {
		offScale = true
	}
	if rr["ratingValue"] != want || rr["bestRating"] != float64(5) || rr["worstRating"] != float64(1) {
		t.Errorf("%s: reviewRating %v, want ratingValue %v of 1–5", path, rr, want)
	}
	ir := ld.ItemReviewed
	if ir.Type != "Claim" || ir.Author.Name != cl.Claimant || (ir.Author.Type != "Person" && ir.Author.Type != "Organization") {
		t.Errorf("%s: itemReviewed %+v", path, ir)
	}
	if cl.ClaimDate != nil && ir.DatePublished != cl.ClaimDate.UTC().Format(time.DateOnly) {
		t.Errorf("%s: claim date %q, want %v", path, ir.DatePublished, cl.ClaimDate)
	}
	// Every appearance in an article or on a page, in the order recorded
	// (the first is the article the claim was checked in), by its page's
	// address or, for an article pasted without one, by the article's
	// public page, which must be there; the earliest to appear is
	// firstAppearance.
	var wantAp []string
	var first *factcheck.Appearance
	var firstURL string
	for i, a := range cl.Appearances {
		link := a.Link()
		if link == "" && a.ArticleID == nil {
			continue // said elsewhere (a speech): no page to name
		}
		if link == "" {
			link = e.srv.URL + "/articles/" + strconv.FormatInt(*a.ArticleID, 10)
			if st, _, _ := e.get(c, "/articles/"+strconv.FormatInt(*a.ArticleID, 10)); st != 200 {
				t.Errorf("%s: appearance %s: %d", path, link, st)
			}
		}
		wantAp = append(wantAp, link)
		if first == nil || a.AppearedAt.Before(first.AppearedAt) {
			first, firstURL = &cl.Appearances[i], link
		}
	}
	if len(cl.Appearances) == 0 || cl.Appearances[0].ArticleID != nil && cl.ArticleID != nil && *cl.Appearances[0].ArticleID != *cl.ArticleID {
		t.Errorf("%s: claim's appearances not loaded or first not its article: %+v", path, cl.Appearances)
	}
	var gotAp []string
	for _, a := range ir.Appearance {
		gotAp = append(gotAp, a.URL)
		if a.Type != "CreativeWork" {
			t.Errorf("%s: appearance %+v", path, a)
		}
	}
	if !slices.Equal(gotAp, wantAp) {
		t.Errorf("%s: appearances %v, want %v", path, gotAp, wantAp)
	}
	if first == nil && ir.FirstAppearance != nil || first != nil && (ir.FirstAppearance == nil || ir.FirstAppearance.URL != firstURL || ir.FirstAppearance.Type != "CreativeWork") {
		t.Errorf("%s: firstAppearance %+v, want %v", path, ir.FirstAppearance, first)
	}
	if cl.Article != nil && cl.Article.URL != "" && (len(ir.Appearance) == 0 || ir.Appearance[0].URL != cl.Article.URL) {
		t.Errorf("%s: appearance %+v, want %s first", path, ir.Appearance, cl.Article.URL)
	}
	if ld.Author.Type != "Organization" || ld.Author.Name != "Test Desk" || ld.Author.URL != e.srv.URL+"/" {
		t.Errorf("%s: author %+v", path, ld.Author)
	}
	if len(ld.Citation) != len(cl.Evidence) {
		t.Fatalf("%s: %d citations for %d sources", path, len(ld.Citation), len(cl.Evidence))
	}
	for i, ev := range cl.Evidence {
		ci := ld.Citation[i]
		if ci.Type != "CreativeWork" || ci.URL != ev.URL || ci.Name != ev.Title || ci.Publisher.Name != ev.Publisher {
			t.Errorf("%s: citation %d = %+v, evidence %+v", path, i, ci, ev)
		}
	}
	return offScale
}

func TestClaimReviewJSONLDIsSafeInScript(t *testing.T) {
	e := newEnv(t, "sqlite")
	quote := `He wrote </script><script>alert(1)</script> & <!-- that`
	cl := e.publishQuote(quote, "misleading")
	status, body, _ := e.get(e.client(), "/claims/"+strconv.FormatInt(cl.ID, 10))
	if status != 200 {
		t.Fatalf("claim page: %d", status)
	}
	if strings.Contains(body, "<script>alert(1)") || strings.Count(body, "</script>") != strings.Count(body, "<script") {
		t.Fatal("the quote broke out of the JSON-LD script element")
	}
	m := jsonLDRe.FindStringSubmatch(body)
	var ld struct{ ClaimReviewed string }
	if m == nil || json.Unmarshal([]byte(m[1]), &ld) != nil || ld.ClaimReviewed != quote {
		t.Fatalf("JSON-LD lost the quote: %v", m)
	}
}

type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Entries []struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Link    []struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"link"`
		Content struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

func TestFeedsListExactlyThePublishedClaims(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			c := e.client()
			public := e.publicClaims()
			hidden := e.hiddenClaims()

			status, body, resp := e.get(c, "/api/v1/claimreview")
			if status != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "json") || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Fatalf("claimreview feed: %d %s", status, resp.Header.Get("Content-Type"))
			}
			var feed struct {
				Context         string `json:"@context"`
				Type            string `json:"@type"`
				DataFeedElement []struct {
					Type string `json:"@type"`
					Item []struct {
						Type          string `json:"@type"`
						URL           string
						ClaimReviewed string
					}
				}
			}
			if err := json.Unmarshal([]byte(body), &feed); err != nil || feed.Type != "DataFeed" || feed.Context != "https://schema.org" {
				t.Fatalf("DataFeed: %v %s/%s", err, feed.Context, feed.Type)
			}
			var got []int64
			for _, el := range feed.DataFeedElement {
				if el.Type != "DataFeedItem" || len(el.Item) != 1 || el.Item[0].Type != "ClaimReview" {
					t.Fatalf("feed element %+v", el)
				}
				id := idFromClaimURL(t, el.Item[0].URL)
				if public[id] == nil || el.Item[0].ClaimReviewed != public[id].Headline() {
					t.Errorf("feed lists claim %d (%q), not a public claim", id, el.Item[0].ClaimReviewed)
				}
				got = append(got, id)
			}
			if !sortedEqual(got, ids(public)) {
				t.Errorf("DataFeed lists %v, want %v", fmtInts(got), fmtInts(ids(public)))
			}

			status, body, resp = e.get(c, "/feed.atom")
			if status != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
				t.Fatalf("atom: %d %s", status, resp.Header.Get("Content-Type"))
			}
			var doc atomDoc
			if err := xml.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatalf("atom does not parse: %v", err)
			}
			if _, err := time.Parse(time.RFC3339, doc.Updated); err != nil || doc.ID == "" || doc.Title == "" {
				t.Errorf("atom feed head: id=%q title=%q updated=%q", doc.ID, doc.Title, doc.Updated)
			}
			got = nil
			for _, en := range doc.Entries {
				if _, err := time.Parse(time.RFC3339, en.Updated); err != nil || en.Title == "" || en.Content.Type != "html" {
					t.Errorf("atom entry %q: updated=%q content=%q", en.ID, en.Updated, en.Content.Type)
				}
				got = append(got, idFromClaimURL(t, en.ID))
			}
			if len(public) > 50 {
				t.Fatalf("seeds have %d public claims; the test assumes at most 50", len(public))
			}
			if !sortedEqual(got, ids(public)) {
				t.Errorf("atom lists %v, want %v", fmtInts(got), fmtInts(ids(public)))
			}
			for _, h := range hidden {
				if strings.Contains(body, "/claims/"+strconv.FormatInt(h.ID, 10)+"<") {
					t.Errorf("atom lists hidden claim %d", h.ID)
				}
			}
		})
	}
}

func TestDraftsAreNotFoundOnEveryPublicRoute(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			c := e.client()
			for _, h := range e.hiddenClaims() {
				id := strconv.FormatInt(h.ID, 10)
				for _, path := range []string{"/claims/" + id, "/claims/" + id + "-" + h.Slug, "/api/v1/claims/" + id, "/claims/" + id + "/report"} {
					if st, _, _ := e.get(c, path); st != http.StatusNotFound {
						t.Errorf("GET %s of a %s claim: %d, want 404", path, h.Status, st)
					}
				}
				token := e.csrfFrom(c, "/login")
				st, _, _ := e.postForm(c, "/claims/"+id+"/report", url.Values{"_csrf": {token}, "message": {"This draft has an error in it."}})
				if st != http.StatusNotFound {
					t.Errorf("POST report on a %s claim: %d, want 404", h.Status, st)
				}
				if h.ArticleID != nil {
					_, body, _ := e.get(c, "/articles/"+strconv.FormatInt(*h.ArticleID, 10))
					if strings.Contains(body, `id="verdict-`+id+`"`) || strings.Contains(body, `#verdict-`+id+`"`) {
						t.Errorf("article page shows %s claim %d", h.Status, h.ID)
					}
				}
			}
			_, export, _ := e.get(c, "/api/v1/export.jsonl")
			_, feed, _ := e.get(c, "/api/v1/claimreview")
			for _, h := range e.hiddenClaims() {
				if strings.Contains(export, `"quote":`+strconv.Quote(h.Quote)) || strings.Contains(feed, strconv.Quote(h.Quote)) {
					t.Errorf("open data includes %s claim %d", h.Status, h.ID)
				}
			}
		})
	}
}

func TestPublicResponsesHaveETagsAnd304(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	var cl *factcheck.Claim
	for _, p := range e.publicClaims() {
		if p.ArticleID != nil {
			cl = p
			break
		}
	}
	id := strconv.FormatInt(cl.ID, 10)
	for _, path := range []string{"/", "/?q=mines", "/claims/" + id, "/claims/" + id + "-" + cl.Slug, "/articles/" + strconv.FormatInt(*cl.ArticleID, 10),
		"/ratings", "/corrections", "/feed.atom", "/api/v1/claimreview", "/api/v1/claims", "/api/v1/claims/" + id} {
		status, body, resp := e.get(c, path)
		etag := resp.Header.Get("ETag")
		if status != 200 || !strings.HasPrefix(etag, `"`) || !strings.Contains(resp.Header.Get("Cache-Control"), "stale-while-revalidate") {
			t.Errorf("%s: %d etag=%q cache=%q", path, status, etag, resp.Header.Get("Cache-Control"))
			continue
		}
		if resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s sets a cookie", path)
		}
		status, body2, resp2 := e.get(c, path, "If-None-Match", etag)
		if status != http.StatusNotModified || body2 != "" || resp2.Header.Get("ETag") != etag {
			t.Errorf("%s with If-None-Match: %d, %d bytes", path, status, len(body2))
		}
		if _, again, _ := e.get(c, path); again != body {
			t.Errorf("%s: body changed between identical requests", path)
		}
	}
	// A correction changes the claim page and its ETag at once.
	_, _, resp := e.get(c, "/claims/"+id)
	before := resp.Header.Get("ETag")
	if _, err := e.store.UpdateClaim(t.Context(), cl.ID, cl.Version, e.reviewer, "fix", func(c *factcheck.Claim) error {
		c.Summary = "A corrected summary for the ETag test."
		return c.Correct(e.reviewer, "We fixed the summary.", time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	status, body, resp := e.get(c, "/claims/"+id, "If-None-Match", before)
	if status != 200 || resp.Header.Get("ETag") == before || !strings.Contains(body, "A corrected summary for the ETag test.") {
		t.Errorf("after a correction: %d, etag unchanged=%v", status, resp.Header.Get("ETag") == before)
	}
}

var resolveRe = regexp.MustCompile(`action="/desk/reports/(\d+)/resolve"`)

func TestReaderReportFlow(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			var cl *factcheck.Claim
			for _, p := range e.publicClaims() {
				cl = p
				break
			}
			id := strconv.FormatInt(cl.ID, 10)
			reader := e.client()

			// The claim page itself sets no cookie; the form it loads does.
			_, page, resp := e.get(reader, "/claims/"+id)
			if resp.Header.Get("Set-Cookie") != "" || !strings.Contains(page, `href="/claims/`+id+`/report"`) {
				t.Fatalf("claim page: cookie=%q", resp.Header.Get("Set-Cookie"))
			}
			status, partial, resp := e.get(reader, "/claims/"+id+"/report", "HX-Request", "true")
			if status != 200 || strings.Contains(partial, "<html") || !strings.Contains(partial, `<textarea id="report-message"`) ||
				resp.Header.Get("Cache-Control") != "private, no-store" || resp.Header.Get("Set-Cookie") == "" {
				t.Fatalf("htmx report form: %d cache=%q cookie=%q", status, resp.Header.Get("Cache-Control"), resp.Header.Get("Set-Cookie"))
			}
			token := e.csrfFrom(reader, "/claims/"+id+"/report")
			path := "/claims/" + id + "/report"

			// No or forged CSRF token: 403, nothing stored.
			for _, form := range []url.Values{{"message": {"The date is wrong here."}}, {"_csrf": {strings.Repeat("x", 43)}, "message": {"The date is wrong here."}}} {
				if st, _, _ := e.postForm(reader, path, form); st != http.StatusForbidden {
					t.Errorf("report without a valid CSRF token: %d, want 403", st)
				}
				if st, _, _ := e.postForm(e.client(), path, form); st != http.StatusForbidden {
					t.Errorf("report from a fresh client without CSRF: %d, want 403", st)
				}
			}
			// Bad input: the message by its field, 422.
			st, body, _ := e.postForm(reader, path, url.Values{"_csrf": {token}, "message": {"short"}, "email": {"nope"}})
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, `class="field-error"`) || !strings.Contains(body, `aria-invalid`) {
				t.Errorf("short report: %d", st)
			}
			msg := "The second source is dated 2023, not 2024. <b>bold</b>"
			st, body, _ = e.postForm(reader, path, url.Values{"_csrf": {token}, "message": {msg}, "email": {"reader@example.org"}})
			if st != http.StatusCreated || !strings.Contains(body, "Thank you") {
				t.Fatalf("report: %d", st)
			}
			// htmx submission gets the partial back.
			req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(url.Values{"message": {"Another problem with the summary."}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("HX-Request", "true")
			req.Header.Set("X-CSRF-Token", token)
			hr, err := reader.Do(req)
			if err != nil || hr.StatusCode != 200 {
				t.Fatalf("htmx report: %v %v", err, hr)
			}
			hr.Body.Close()

			// The queue: editors read it but may not resolve.
			editor := e.client()
			e.login(editor, "editor@test.example")
			status, queue, _ := e.get(editor, "/desk/reports")
			if status != 200 || !strings.Contains(queue, htmlEscape(msg)) || !strings.Contains(queue, `href="/claims/`+id) || strings.Contains(queue, "<b>bold</b>") {
				t.Fatalf("desk reports for editor: %d", status)
			}
			if resolveRe.MatchString(queue) {
				t.Error("editors see resolve buttons")
			}
			reports, _ := e.store.OpenReports(t.Context(), 10)
			if len(reports) != 2 || reports[0].Email != "reader@example.org" || reports[0].ClaimID != cl.ID {
				t.Fatalf("stored reports: %+v", reports)
			}
			rid := strconv.FormatInt(reports[0].ID, 10)
			st, _, _ = e.postForm(editor, "/desk/reports/"+rid+"/resolve", url.Values{"_csrf": {e.csrfFrom(editor, "/desk/reports")}})
			if st != http.StatusForbidden {
				t.Errorf("editor resolves: %d, want 403", st)
			}
			if anon, _, _ := e.get(e.client(), "/desk/reports"); anon != http.StatusSeeOther {
				t.Errorf("anonymous desk reports: %d, want redirect to login", anon)
			}

			// A reviewer resolves it; missing CSRF is refused first.
			reviewer := e.client()
			e.login(reviewer, "reviewer@test.example")
			_, queue, _ = e.get(reviewer, "/desk/reports")
			if !strings.Contains(queue, `action="/desk/reports/`+rid+`/resolve"`) {
				t.Fatal("reviewer sees no resolve button")
			}
			if st, _, _ := e.postForm(reviewer, "/desk/reports/"+rid+"/resolve", url.Values{}); st != http.StatusForbidden {
				t.Errorf("resolve without CSRF: %d", st)
			}
			st, _, resp = e.postForm(reviewer, "/desk/reports/"+rid+"/resolve", url.Values{"_csrf": {e.csrfFrom(reviewer, "/desk/reports")}})
			if st != http.StatusSeeOther || resp.Header.Get("Location") != "/desk/reports" {
				t.Fatalf("reviewer resolves: %d", st)
			}
			if st, _, _ := e.postForm(reviewer, "/desk/reports/"+rid+"/resolve", url.Values{"_csrf": {e.csrfFrom(reviewer, "/desk/reports")}}); st != http.StatusConflict {
				t.Errorf("resolve twice: %d, want 409", st)
			}
			if open, _ := e.store.OpenReports(t.Context(), 10); len(open) != 1 {
				t.Errorf("open reports after resolve: %d", len(open))
			}

			// Five reports per hour from one IP, then 429.
			for i := 3; i <= 5; i++ {
				if st, _, _ := e.postForm(reader, path, url.Values{"_csrf": {token}, "message": {"Report number " + strconv.Itoa(i) + " about this."}}); st != http.StatusCreated {
					t.Fatalf("report %d: %d", i, st)
				}
			}
			st, body, resp = e.postForm(reader, path, url.Values{"_csrf": {token}, "message": {"One report too many about this."}})
			if st != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
				t.Errorf("sixth report: %d, want 429", st)
			}
			if n, _ := e.store.OpenReports(t.Context(), 100); len(n) != 4 {
				t.Errorf("open reports: %d, want 4", len(n))
			}
		})
	}
}

func TestExportJSONL(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			public := e.publicClaims()
			req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/export.jsonl", nil)
			resp, err := e.client().Do(req)
			if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
				t.Fatalf("export: %v %v", err, resp)
			}
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 1<<20), 16<<20)
			var got []int64
			corrections := 0
			for sc.Scan() {
				var line struct {
					ID        int64
					Quote     string
					Status    string
					Evidence  []struct{ URL, Title string }
					Rating    struct{ Key string }
					Revisions []struct {
						Version      int
						Note         string
						IsCorrection bool `json:"is_correction"`
						Snapshot     map[string]any
					}
				}
				if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
					t.Fatalf("line %d does not parse: %v", len(got)+1, err)
				}
				cl := public[line.ID]
				if cl == nil {
					t.Fatalf("export has non-public claim %d", line.ID)
				}
				if line.Quote != cl.Quote || line.Rating.Key != cl.RatingKey || len(line.Evidence) != len(cl.Evidence) {
					t.Errorf("claim %d: quote/rating/evidence differ (%d vs %d sources)", line.ID, len(line.Evidence), len(cl.Evidence))
				}
				for i, ev := range line.Evidence {
					if ev.URL != cl.Evidence[i].URL {
						t.Errorf("claim %d source %d: %s", line.ID, i, ev.URL)
					}
				}
				if len(line.Revisions) == 0 || line.Revisions[len(line.Revisions)-1].Version != cl.Version {
					t.Errorf("claim %d: revisions %+v, version %d", line.ID, line.Revisions, cl.Version)
				}
				for _, r := range line.Revisions {
					if r.Snapshot == nil || !factcheck.Status(r.Snapshot["Status"].(string)).Public() {
						t.Errorf("claim %d: revision %d is not public: %v", line.ID, r.Version, r.Snapshot["Status"])
					}
					if r.IsCorrection {
						corrections++
					}
				}
				got = append(got, line.ID)
			}
			if !sortedEqual(got, ids(public)) {
				t.Errorf("export lists %v, want %v", fmtInts(got), fmtInts(ids(public)))
			}
			if corrections == 0 {
				t.Error("export has no correction revisions; seeds have corrected claims")
			}
		})
	}
}

func TestArticlePageHighlightsPublishedClaims(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	byArticle := map[int64][]*factcheck.Claim{}
	for _, cl := range e.publicClaims() {
		if cl.ArticleID != nil {
			byArticle[*cl.ArticleID] = append(byArticle[*cl.ArticleID], cl)
		}
	}
	if len(byArticle) == 0 {
		t.Fatal("no published claim belongs to an article")
	}
	for aid, cls := range byArticle {
		status, body, _ := e.get(c, "/articles/"+strconv.FormatInt(aid, 10))
		if status != 200 {
			t.Fatalf("article %d: %d", aid, status)
		}
		for _, cl := range cls {
			id := strconv.FormatInt(cl.ID, 10)
			hasAll(t, "article", body, `id="verdict-`+id+`"`, `<a class="hl hl-`+cl.RatingKey+`" href="#verdict-`+id+`"`, htmlEscape(cl.Anchor.Exact))
		}
	}
	if st, _, _ := e.get(c, "/articles/999999"); st != 404 {
		t.Errorf("unknown article: %d", st)
	}
	if st, _, _ := e.get(c, "/ratings"); st != 200 {
		t.Errorf("ratings: %d", st)
	}
	_, body, _ := e.get(c, "/ratings")
	hasAll(t, "ratings", body, `<td class="scale-num">`, "Mostly false", `class="badge r-misleading"`, "off the numeric scale")
	_, body, _ = e.get(c, "/corrections")
	cs, _ := e.store.Corrections(t.Context(), -1)
	if len(cs) == 0 {
		t.Fatal("seeds have no corrections")
	}
	last := -1
	for _, cl := range cs {
		i := strings.Index(body, htmlEscape(cl.CorrectionNote))
		if i < 0 || i < last {
			t.Errorf("corrections page: note of claim %d missing or out of order", cl.ID)
		}
		last = i
	}
}

// truncateBytes cuts s to at most n bytes at a rune boundary.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
