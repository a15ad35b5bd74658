package web_test

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/testutil"
)

type sitemapDoc struct {
	URLs []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

// sitemap fetches /sitemap.xml and returns lastmod by location.
func (e *env) sitemap() map[string]string {
	e.t.Helper()
	status, body, resp := e.get(e.client(), "/sitemap.xml")
	if status != 200 || resp.Header.Get("Content-Type") != "application/xml; charset=utf-8" {
		e.t.Fatalf("sitemap: %d %q", status, resp.Header.Get("Content-Type"))
	}
	var doc sitemapDoc
	if err := xml.Unmarshal([]byte(body), &doc); err != nil {
		e.t.Fatalf("sitemap does not parse: %v\n%s", err, body)
	}
	out := map[string]string{}
	for _, u := range doc.URLs {
		if _, dup := out[u.Loc]; dup {
			e.t.Errorf("sitemap lists %s twice", u.Loc)
		}
		out[u.Loc] = u.LastMod
	}
	return out
}

// The sitemap lists every public claim, every article with a public
// claim, /ratings and /corrections, never a draft, with lastmod from the
// latest public revision; a correction moves its claim's lastmod (and
// its article's and /corrections') on.
func TestSitemap(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			sm := e.sitemap()
			public := e.publicClaims()
			articles := map[int64]bool{}
			for _, cl := range public {
				loc := e.srv.URL + "/claims/" + strconv.FormatInt(cl.ID, 10) + "-" + cl.Slug
				lm, ok := sm[loc]
				if !ok {
					t.Errorf("sitemap misses %s", loc)
					continue
				}
				if _, err := time.Parse(time.RFC3339, lm); err != nil {
					t.Errorf("%s: lastmod %q: %v", loc, lm, err)
				}
				if cl.ArticleID != nil {
					articles[*cl.ArticleID] = true
				}
			}
			for _, h := range e.hiddenClaims() {
				for loc := range sm {
					if strings.HasPrefix(loc, e.srv.URL+"/claims/"+strconv.FormatInt(h.ID, 10)+"-") {
						t.Errorf("sitemap lists unpublished claim %d", h.ID)
					}
				}
			}
			for id := range articles {
				if _, ok := sm[e.srv.URL+"/articles/"+strconv.FormatInt(id, 10)]; !ok {
					t.Errorf("sitemap misses article %d", id)
				}
			}
			for _, p := range []string{"/", "/ratings", "/corrections"} {
				if lm, ok := sm[e.srv.URL+p]; !ok || lm == "" {
					t.Errorf("sitemap: %s lastmod %q (listed %v)", p, lm, ok)
				}
			}
			if n := len(public) + len(articles) + 3; len(sm) != n {
				t.Errorf("sitemap has %d URLs, want %d", len(sm), n)
			}

			// A correction a second later moves its lastmod on.
			cl, _ := e.publishedAndDraft()
			loc := e.srv.URL + "/claims/" + strconv.FormatInt(cl.ID, 10) + "-" + cl.Slug
			before := sm[loc]
			time.Sleep(1100 * time.Millisecond)
			fixed := e.correct(cl.ID, "misleading", "We had the year wrong.")
			after := e.sitemap()
			want := fixed.CorrectedAt.UTC().Format(time.RFC3339)
			if after[loc] == before || after[loc] != want {
				t.Errorf("after the correction %s lastmod %q (before %q), want %q", loc, after[loc], before, want)
			}
			if after[e.srv.URL+"/corrections"] != want {
				t.Errorf("/corrections lastmod %q, want %q", after[e.srv.URL+"/corrections"], want)
			}
			if fixed.ArticleID != nil && after[e.srv.URL+"/articles/"+strconv.FormatInt(*fixed.ArticleID, 10)] < want {
				t.Errorf("article lastmod did not move with its claim's correction")
			}
		})
	}
}

// robots.txt keeps crawlers out of the desk and points them at the sitemap.
func TestRobotsTxt(t *testing.T) {
	e := newEnv(t, "sqlite")
	status, body, resp := e.get(e.client(), "/robots.txt")
	if status != 200 || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" || resp.Header.Get("ETag") == "" {
		t.Fatalf("robots.txt: %d %v", status, resp.Header)
	}
	hasAll(t, "robots.txt", body, "User-agent: *\n", "Disallow: /desk\n", "Sitemap: "+e.srv.URL+"/sitemap.xml\n")
}

// Feeds say when they last changed and answer If-Modified-Since with 304
// until something public changes; the export has an ETag without
// buffering; the public API answers CORS preflights.
func TestFeedsRevalidate(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	for _, path := range []string{"/feed.atom", "/api/v1/claimreview", "/sitemap.xml", "/api/v1/export.jsonl"} {
		status, _, resp := e.get(c, path)
		lm := resp.Header.Get("Last-Modified")
		if status != 200 || lm == "" {
			t.Fatalf("%s: %d, Last-Modified %q", path, status, lm)
		}
		if _, err := http.ParseTime(lm); err != nil {
			t.Errorf("%s: Last-Modified %q: %v", path, lm, err)
		}
		if status, body, _ := e.get(c, path, "If-Modified-Since", lm); status != 304 || body != "" {
			t.Errorf("%s: If-Modified-Since its own Last-Modified: %d", path, status)
		}
		old := time.Now().Add(-48 * time.Hour).UTC().Format(http.TimeFormat)
		if status, _, _ := e.get(c, path, "If-Modified-Since", old); status != 200 {
			t.Errorf("%s: If-Modified-Since two days ago: %d", path, status)
		}
	}
	// The export's ETag names the public version: 304 for it, 200 with a
	// new tag once something public changed.
	_, body, resp := e.get(c, "/api/v1/export.jsonl")
	etag := resp.Header.Get("ETag")
	if !strings.HasPrefix(etag, `W/"`) || strings.Count(body, "\n") == 0 {
		t.Fatalf("export ETag %q", etag)
	}
	if status, _, resp := e.get(c, "/api/v1/export.jsonl", "If-None-Match", etag); status != 304 || resp.Header.Get("ETag") != etag {
		t.Errorf("export If-None-Match: %d %q", status, resp.Header.Get("ETag"))
	}
	lm := resp.Header.Get("Last-Modified")
	time.Sleep(1100 * time.Millisecond)
	cl, _ := e.publishedAndDraft()
	e.correct(cl.ID, "false", "Corrected for the revalidation test.")
	for _, path := range []string{"/feed.atom", "/api/v1/claimreview", "/api/v1/export.jsonl"} {
		if status, _, resp := e.get(c, path, "If-Modified-Since", lm); status != 200 || resp.Header.Get("Last-Modified") == lm {
			t.Errorf("%s after a correction: %d, Last-Modified %q (was %q)", path, status, resp.Header.Get("Last-Modified"), lm)
		}
	}
	if status, _, resp := e.get(c, "/api/v1/export.jsonl", "If-None-Match", etag); status != 200 || resp.Header.Get("ETag") == etag {
		t.Errorf("export after a correction: %d, ETag %q", status, resp.Header.Get("ETag"))
	}

	// CORS preflight.
	for _, path := range []string{"/api/v1/claims", "/api/v1/claims/" + strconv.FormatInt(cl.ID, 10), "/api/v1/claimreview", "/api/v1/export.jsonl", "/oembed"} {
		req, _ := http.NewRequest(http.MethodOptions, e.srv.URL+path, nil)
		req.Header.Set("Origin", "https://partner.example")
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "if-none-match")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if resp.StatusCode != 204 || h.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "GET") ||
			!strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "if-none-match") || h.Get("Access-Control-Max-Age") == "" {
			t.Errorf("preflight %s: %d %v", path, resp.StatusCode, h)
		}
	}
	_, _, resp = e.get(c, "/api/v1/claims")
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "ETag") {
		t.Errorf("GET /api/v1/claims CORS headers: %v", resp.Header)
	}
}
