package importer_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/fetch"
	"claimdesk/internal/importer"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

// write creates files under dir: name → content.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func counts(t *testing.T, st *store.Store) (articles int, claims int64) {
	t.Helper()
	as, err := st.Articles(t.Context(), 10000)
	if err != nil {
		t.Fatal(err)
	}
	n, err := st.CountClaims(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range n {
		claims += c
	}
	return len(as), claims
}

const review = `{"@context":"https://schema.org","@type":"ClaimReview","url":"https://checkers.example/checks/%d",
 "claimReviewed":"Claim number %d about the harbour","datePublished":"2024-03-0%dT09:00:00Z",
 "author":{"@type":"Organization","name":"Checkers","url":"https://checkers.example/"},
 "reviewRating":{"@type":"Rating","alternateName":"%s","ratingValue":%d,"bestRating":5,"worstRating":1},
 "itemReviewed":{"@type":"Claim","author":{"@type":"Person","name":"Mayor Lee"},"datePublished":"2024-02-01",
   "firstAppearance":{"@type":"CreativeWork","url":"https://news.example/a"}},
 "description":"The harbour figures say otherwise.",
 "citation":[{"@type":"CreativeWork","url":"https://stats.example/harbour","name":"Harbour statistics","publisher":{"@type":"Organization","name":"Stats Office"}}]}`

// A folder with good and broken files: the good ones are imported, each
// broken one is named with its reason, nothing half-written is left, and
// a second run adds nothing.
func TestImportFolderWithBrokenFiles(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		dir := t.TempDir()
		write(t, dir, map[string]string{
			"a-city-budget.txt":   "City budget grows by a tenth\n\nThe council approved a budget 10% larger than last year's, the mayor said.",
			"b/schools.md":        "---\ntitle: Schools lose teachers\nurl: https://news.example/schools\noutlet: The Example\nauthor: Ann Writer\ndate: 2024-05-01\n---\n\nA **fifth** of teachers left in 2023, the union said.\n\n- one\n- two\n",
			"b/page.html":         `<!doctype html><html><head><title>Ferries win</title><link rel="canonical" href="https://news.example/ferries"></head><body><article><h1>Ferries win</h1><p>` + strings.Repeat("Ferries carried more people than the bridge last year, the port authority said. ", 8) + `</p></article></body></html>`,
			"c/reviews.json":      "[" + fmt.Sprintf(review, 1, 1, 1, "False", 1) + "," + strings.Replace(fmt.Sprintf(review, 2, 2, 2, "Pants on Fire", 0), `"worstRating":1`, `"worstRating":0`, 1) + "]",
			"c/broken.json":       `{"@type":"ClaimReview", "url": `,
			"d/binary.txt":        "\x00\x01\x02PNG",
			"d/empty.md":          "   \n",
			"d/notes.docx":        "PK…",
			".hidden/skipme.txt":  "Never read\n\nThis is hidden.",
			"e/unknown-rate.json": fmt.Sprintf(review, 3, 3, 3, "Cherry-picked", 9),
			"e/no-url.jsonld":     `{"@type":"ClaimReview","claimReviewed":"x","itemReviewed":{"author":"y"},"reviewRating":{"alternateName":"False"},"datePublished":"2024-01-01"}`,
		})
		sum, err := importer.Run(t.Context(), st, []string{dir}, importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		byOutcome := map[importer.Outcome][]string{}
		reasons := map[string]string{}
		for _, it := range sum.Items {
			byOutcome[it.Outcome] = append(byOutcome[it.Outcome], filepath.Base(strings.SplitN(it.Source, " #", 2)[0]))
			reasons[filepath.Base(it.Source)] = it.Reason
		}
		if sum.Added != 5 || sum.Articles != 3 || sum.Claims != 2 || sum.Failed != 5 || sum.Skipped != 1 {
			t.Fatalf("summary %s: %+v", sum, byOutcome)
		}
		for name, want := range map[string]string{
			"broken.json":       "not JSON",
			"binary.txt":        "not text",
			"empty.md":          "empty",
			"unknown-rate.json": `"Cherry-picked" is not on the desk's scale`,
			"no-url.jsonld":     "no url",
			"notes.docx":        "not a file the import reads",
		} {
			if !strings.Contains(reasons[name], want) {
				t.Errorf("%s: reason %q, want %q", name, reasons[name], want)
			}
		}
		arts, claims := counts(t, st)
		if arts != 3 || claims != 2 {
			t.Fatalf("stored %d articles, %d claims", arts, claims)
		}
		// The markdown's front matter, the page's canonical link.
		schools, err := st.ArticleByURL(t.Context(), "https://news.example/schools")
		if err != nil || schools.Title != "Schools lose teachers" || schools.Outlet != "The Example" || schools.PublishedAt == nil ||
			!strings.Contains(schools.Body, "A fifth of teachers left in 2023") || strings.Contains(schools.Body, "**") {
			t.Errorf("markdown article %+v %v", schools, err)
		}
		if ferries, err := st.ArticleByURL(t.Context(), "https://news.example/ferries"); err != nil || ferries.Title != "Ferries win" {
			t.Errorf("html article %+v %v", ferries, err)
		}
		// "Pants on Fire" is not on the scale, but its number is: 0 of 0–5 is the worst, False.
		hits, _, _ := st.ListClaims(t.Context(), store.ClaimFilter{Query: "harbour", Limit: 10})
		if len(hits) != 2 {
			t.Fatalf("imported claims: %d", len(hits))
		}
		for _, h := range hits {
			cl, _ := st.PublicClaim(t.Context(), h.ID)
			if cl.RatingKey != "false" || cl.Imported.Publisher != "Checkers" || cl.AuthorID != nil || cl.Status != factcheck.StatusPublished ||
				cl.Claimant != "Mayor Lee" || len(cl.Evidence) != 1 || cl.Imported.AppearanceURL != "https://news.example/a" {
				t.Errorf("imported claim %+v", cl)
			}
			if cl.Imported.URL == "https://checkers.example/checks/2" && cl.Imported.Rating != "Pants on Fire" {
				t.Errorf("their verdict is kept in their words: %q", cl.Imported.Rating)
			}
		}

		// Again: nothing is added twice.
		again, err := importer.Run(t.Context(), st, []string{dir}, importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if again.Added != 0 || again.Skipped != 6 || again.Failed != 5 {
			t.Errorf("second run: %s", again)
		}
		if a2, c2 := counts(t, st); a2 != arts || c2 != claims {
			t.Errorf("second run stored more: %d %d", a2, c2)
		}
	})
}

// A dry run reads and checks everything and writes nothing.
func TestImportDryRun(t *testing.T) {
	st := testutil.OpenStore(t, "sqlite")
	dir := t.TempDir()
	write(t, dir, map[string]string{"one.txt": "Headline\n\nBody text that says something.", "r.json": fmt.Sprintf(review, 1, 1, 1, "False", 1)})
	sum, err := importer.Run(t.Context(), st, []string{dir}, importer.Options{DryRun: true})
	if err != nil || sum.Added != 2 || sum.Items[0].Outcome != importer.WouldAdd {
		t.Fatalf("%v %v", sum, err)
	}
	if a, c := counts(t, st); a != 0 || c != 0 {
		t.Errorf("a dry run stored %d articles, %d claims", a, c)
	}
}

// A run stopped half-way leaves only whole records, and the same command
// run again adds the rest.
func TestImportResumes(t *testing.T) {
	st := testutil.OpenStore(t, "sqlite")
	dir := t.TempDir()
	files := map[string]string{}
	for i := range 20 {
		files[fmt.Sprintf("a%02d.txt", i)] = fmt.Sprintf("Headline %d\n\nArticle %d says the budget grew by %d%%.", i, i, i)
	}
	write(t, dir, files)
	ctx, cancel := context.WithCancel(t.Context())
	sum, err := importer.Run(ctx, st, []string{dir}, importer.Options{Progress: func(_ importer.Item, done, _ int) {
		if done == 7 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || sum.Added != 7 {
		t.Fatalf("stopped run: %v %v", sum, err)
	}
	if a, _ := counts(t, st); a != 7 {
		t.Fatalf("%d articles after the stop", a)
	}
	sum, err = importer.Run(t.Context(), st, []string{dir}, importer.Options{})
	if err != nil || sum.Added != 13 || sum.Skipped != 7 {
		t.Fatalf("resumed run: %v %v", sum, err)
	}
}

// A list of URLs is fetched through the guarded fetcher: pages on a
// private address are refused unless allowed; an article the desk has is
// not fetched again.
func TestImportURLList(t *testing.T) {
	st := testutil.OpenStore(t, "sqlite")
	fetched := 0
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched++
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Story %s</title></head><body><article><h1>Story %s</h1><p>%s</p></article></body></html>`,
			r.URL.Path, r.URL.Path, strings.Repeat("The port authority says ferries carried more people than the bridge on route "+r.URL.Path+". ", 6))
	}))
	defer site.Close()
	dir := t.TempDir()
	write(t, dir, map[string]string{"list.txt": "# stories to check\n" + site.URL + "/one\n\n" + site.URL + "/two\n"})

	strict := fetch.New(false)
	sum, err := importer.Run(t.Context(), st, []string{dir}, importer.Options{Fetch: strict.Article})
	if err != nil || sum.Failed != 2 || !strings.Contains(sum.Items[0].Reason, "inside its own network") || fetched != 0 {
		t.Fatalf("private addresses: %v %v %+v, %d fetched", sum, err, sum.Items, fetched)
	}
	open := fetch.New(true)
	sum, err = importer.Run(t.Context(), st, []string{dir}, importer.Options{Fetch: open.Article})
	if err != nil || sum.Added != 2 || fetched != 2 {
		t.Fatalf("allowed: %v %v %+v", sum, err, sum.Items)
	}
	a, err := st.ArticleByURL(t.Context(), site.URL+"/two")
	if err != nil || !strings.Contains(a.Title, "Story /two") {
		t.Fatalf("fetched article %+v %v", a, err)
	}
	sum, _ = importer.Run(t.Context(), st, []string{dir}, importer.Options{Fetch: open.Article})
	if sum.Skipped != 2 || fetched != 2 {
		t.Errorf("rerun fetched again: %v, %d fetches", sum, fetched)
	}
}

// ClaimReviews come in many shapes: a DataFeed, an @graph, JSON Lines,
// types as lists, authors as strings, numbers as strings.
func TestParseReviewShapes(t *testing.T) {
	one := fmt.Sprintf(review, 1, 1, 1, "False", 1)
	for name, doc := range map[string]string{
		"single":   one,
		"list":     "[" + one + "]",
		"graph":    `{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},` + one + `]}`,
		"datafeed": `{"@type":"DataFeed","dataFeedElement":[{"@type":"DataFeedItem","item":[` + one + `]}]}`,
		"jsonl":    strings.ReplaceAll(one, "\n", " ") + "\n",
		"loose":    `{"@type":["ClaimReview"],"url":"https://c.example/1","claimReviewed":"Claim number 1 about the harbour","author":"Checkers","datePublished":"2024-03-01","reviewRating":{"alternateName":"False","ratingValue":"1"},"itemReviewed":{"author":"Mayor Lee"}}`,
	} {
		rs, err := importer.ParseReviews([]byte(doc))
		if err != nil || len(rs) != 1 {
			t.Errorf("%s: %v %v", name, rs, err)
			continue
		}
		r := rs[0]
		if r.ClaimReviewed != "Claim number 1 about the harbour" || r.Publisher != "Checkers" || r.Claimant != "Mayor Lee" || r.RatingName != "False" || r.URL == "" {
			t.Errorf("%s: %+v", name, r)
		}
	}
	for _, bad := range []string{"", "{}", `{"@type":"WebPage"}`, "[1,2", "\xff\xfe"} {
		if _, err := importer.ParseReviews([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// A review's appearances become the imported claim's, in the review's
// order, with their titles, publishers and dates, written with the claim;
// firstAppearance is the claim's first even when the list puts it later,
// and one not in the list is added ahead of it.
func TestImportAppearances(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		dir := t.TempDir()
		many := strings.Replace(fmt.Sprintf(review, 4, 4, 4, "False", 1),
			`"firstAppearance":{"@type":"CreativeWork","url":"https://news.example/a"}`,
			`"appearance":[{"@type":"CreativeWork","url":"https://radio.example/show","name":"Morning show","datePublished":"2024-02-03"},
			   {"@type":"CreativeWork","url":"https://news.example/a","name":"Harbour plans","publisher":{"@type":"Organization","name":"Example News"},"datePublished":"2024-02-01"},
			   "https://radio.example/show", "not a url"],
			 "firstAppearance":{"@type":"CreativeWork","url":"https://news.example/a"}`, 1)
		write(t, dir, map[string]string{"many.json": many, "one.json": fmt.Sprintf(review, 5, 5, 5, "False", 1)})
		sum, err := importer.Run(t.Context(), st, []string{dir}, importer.Options{})
		if err != nil || sum.Claims != 2 || sum.Failed != 0 {
			t.Fatalf("%v %+v", err, sum)
		}
		type ap struct{ URL, Title, Publisher, Day string }
		want := map[string][]ap{
			"many.json": {{"https://radio.example/show", "Morning show", "", "2024-02-03"}, {"https://news.example/a", "Harbour plans", "Example News", "2024-02-01"}},
			"one.json":  {{"https://news.example/a", "", "", "2024-02-01"}},
		}
		for _, it := range sum.Items {
			c, err := st.ClaimByID(t.Context(), it.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []ap
			earliest := 0
			for i, a := range c.Appearances {
				got = append(got, ap{a.URL, a.Title, a.Publisher, a.AppearedAt.UTC().Format(time.DateOnly)})
				if a.Position != i || a.Quote != c.Quote || a.Claimant != "Mayor Lee" {
					t.Errorf("%s: appearance %d: %+v", it.Source, i, a)
				}
				if a.AppearedAt.Before(c.Appearances[earliest].AppearedAt) {
					earliest = i
				}
			}
			name := filepath.Base(it.Source)
			if fmt.Sprint(got) != fmt.Sprint(want[name]) {
				t.Errorf("%s: appearances %v, want %v", name, got, want[name])
			}
			if c.Appearances[earliest].URL != "https://news.example/a" {
				t.Errorf("%s: earliest appearance %s, want the review's firstAppearance", name, c.Appearances[earliest].URL)
			}
		}
	})
}

// factCheckPage is a saved fact-check page: prose, and the ClaimReview
// its publisher marked up in a JSON-LD script beside other markup.
const factCheckPage = `<!doctype html><html><head><title>Did the tram line really cost twice its budget?</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"BreadcrumbList","itemListElement":[]}</script>
<script type="application/ld+json">
{"@context":"https://schema.org","@type":"ClaimReview","url":"https://verify.example/checks/tram-budget",
 "claimReviewed":"The new tram line cost twice what the council budgeted","datePublished":"2024-06-10",
 "author":{"@type":"Organization","name":"Verify Example","url":"https://verify.example/"},
 "reviewRating":{"@type":"Rating","alternateName":"Mostly false","ratingValue":2,"bestRating":5,"worstRating":1},
 "itemReviewed":{"@type":"Claim","author":{"@type":"Person","name":"Councillor Reed"},"datePublished":"2024-06-01",
   "appearance":{"@type":"CreativeWork","url":"https://radio.example/council-hour","name":"Council hour"}}}
</script></head><body><article><h1>Did the tram line really cost twice its budget?</h1>
<p>` + `Councillor Reed told a radio phone-in that the tram line had cost twice its budget. The council's accounts show an overrun of about a fifth, not a doubling. ` + `</p></article></body></html>`

// A saved fact-check page, as a file or a URL of a list, is imported as
// the ClaimReview marked up in it, not as an article.
func TestImportFactCheckPage(t *testing.T) {
	st := testutil.OpenStore(t, "sqlite")
	dir := t.TempDir()
	write(t, dir, map[string]string{"saved/tram.html": factCheckPage})
	sum, err := importer.Run(t.Context(), st, []string{filepath.Join(dir, "saved")}, importer.Options{})
	if err != nil || sum.Claims != 1 || sum.Articles != 0 || sum.Failed != 0 {
		t.Fatalf("%v %+v", err, sum.Items)
	}
	c, err := st.ClaimByID(t.Context(), sum.Items[0].ID)
	if err != nil || c.Imported.URL != "https://verify.example/checks/tram-budget" || c.RatingKey != "mostly-false" ||
		c.Claimant != "Councillor Reed" || len(c.Appearances) != 1 || c.Appearances[0].URL != "https://radio.example/council-hour" {
		t.Fatalf("claim %v %+v", err, c)
	}

	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page := strings.ReplaceAll(factCheckPage, "tram-budget", "tram-budget"+r.URL.Path)
		page = strings.Replace(page, "<p>", "<p>"+strings.Repeat("The accounts were published in May and audited in June. ", 5), 1)
		fmt.Fprint(w, page)
	}))
	defer site.Close()
	write(t, dir, map[string]string{"list.urls": site.URL + "/again\n"})
	sum, err = importer.Run(t.Context(), st, []string{filepath.Join(dir, "list.urls")}, importer.Options{Fetch: fetch.New(true).Article})
	if err != nil || sum.Claims != 1 || sum.Articles != 0 || sum.Failed != 0 || sum.Items[0].What != "claim" {
		t.Fatalf("URL list: %v %+v", err, sum.Items)
	}
	if a, _ := st.Articles(t.Context(), 10); len(a) != 0 {
		t.Errorf("%d articles stored from fact-check pages", len(a))
	}
}
