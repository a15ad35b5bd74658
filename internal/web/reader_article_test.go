package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
)

// unpublishedMarks are strings that only an article the desk has not
// published anything about contains: its title, outlet, author, URL, body
// and the claimant and summary of its draft claims.
var unpublishedMarks = []string{"Embargoedtitlemark", "Embargoedoutletmark", "Embargoedauthormark", "embargoedurlmark",
	"Embargoedbodymark", "Embargoedclaimantmark", "Embargoedsummarymark"}

// TestUnpublishedArticlesAreNotFoundOnEveryPublicRoute walks every public
// GET route the server registers (so a new one is covered the day it is
// added) with the ids of an article that has only a draft and a claim in
// review: none may show anything of it, and /articles/:id is 404 and not
// cacheable. An article with a published claim shows that claim only.
func TestUnpublishedArticlesAreNotFoundOnEveryPublicRoute(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			editor, reviewer := e.token(e.editor), e.token(e.reviewer)
			body := "Embargoedbodymark: the ministry will announce 40 new schools on Monday.\n\nOfficials said the plan costs 12 million euros."
			var art struct{ ID int64 }
			if st := e.api("POST", "/api/v1/articles", editor, map[string]string{"title": "Embargoedtitlemark", "outlet": "Embargoedoutletmark",
				"author": "Embargoedauthormark", "url": "https://news.example/embargoedurlmark", "body": body}, &art); st != 201 {
				t.Fatalf("article: %d", st)
			}
			aid := strconv.FormatInt(art.ID, 10)
			var draft, review web.ClaimJSON
			if st := e.api("POST", "/api/v1/articles/"+aid+"/claims", editor, map[string]any{"quote": "the ministry will announce 40 new schools on Monday", "claimant": "Embargoedclaimantmark", "claim_date": "2024-11-19"}, &draft); st != 201 {
				t.Fatalf("draft: %d", st)
			}
			if st := e.api("POST", "/api/v1/articles/"+aid+"/claims", editor, map[string]any{"quote": "Officials said the plan costs 12 million euros.", "claimant": "Officials", "claim_date": "2024-11-19"}, &review); st != 201 {
				t.Fatalf("claim: %d", st)
			}
			rp := "/api/v1/claims/" + strconv.FormatInt(review.ID, 10)
			if st := e.api("POST", rp+"/evidence", editor, map[string]string{"url": "https://budget.example/", "title": "Budget", "stance": "refutes"}, &review); st != 201 {
				t.Fatalf("evidence: %d", st)
			}
			if st := e.api("PUT", rp+"/verdict", editor, map[string]any{"rating": "false", "summary": "Embargoedsummarymark", "rationale": "The budget says otherwise.", "version": review.Version}, &review); st != 200 {
				t.Fatalf("verdict: %d", st)
			}
			if st := e.api("POST", rp+"/submit", editor, nil, &review); st != 200 {
				t.Fatalf("submit: %d", st)
			}

			c := e.client()
			srvURL, _ := url.Parse(e.srv.URL)
			checked := 0
			for _, r := range newServer(t, e.store, web.Config{}).Routes() {
				if r.Method != "GET" || routeRules[r.Method+" "+r.Path].access != accessPublic {
					continue
				}
				var paths []string
				switch {
				case r.Path == "/static/*":
					continue // files compiled into the binary
				case strings.Contains(r.Path, "/articles/:id"):
					paths = []string{strings.Replace(r.Path, ":id", aid, 1)}
				case strings.Contains(r.Path, ":id"):
					for _, id := range []int64{draft.ID, review.ID} {
						paths = append(paths, strings.Replace(r.Path, ":id", strconv.FormatInt(id, 10), 1))
					}
				case r.Path == "/oembed":
					for _, u := range []string{"/articles/" + aid, "/claims/" + strconv.FormatInt(draft.ID, 10)} {
						paths = append(paths, "/oembed?format=json&url="+url.QueryEscape(srvURL.String()+u))
					}
				case r.Path == "/" || r.Path == "/api/v1/claims":
					for _, q := range []string{"Embargoedtitlemark", "Embargoedbodymark", "Embargoedclaimantmark", "Embargoedsummarymark", "ministry schools"} {
						paths = append(paths, r.Path+"?q="+url.QueryEscape(q))
					}
				default:
					paths = []string{r.Path}
				}
				for _, p := range paths {
					checked++
					st, got, resp := e.get(c, p)
					if st >= 500 {
						t.Errorf("GET %s: %d", p, st)
					}
					echo := 0 // a search page repeats its query: count what a query that matches nothing shows
					if q := (&url.URL{RawQuery: strings.TrimPrefix(p, r.Path+"?")}).Query().Get("q"); q != "" {
						_, none, _ := e.get(c, r.Path+"?q=Nothingmatchesthismark")
						echo = strings.Count(strings.ToLower(none), "nothingmatchesthismark")
					}
					for _, m := range unpublishedMarks {
						if n := strings.Count(strings.ToLower(got), strings.ToLower(m)); n > 0 && !strings.Contains(p, m) || n > echo {
							t.Errorf("GET %s (%d) shows %q of an unpublished article", p, st, m)
						}
					}
					if strings.HasPrefix(r.Path, "/articles/") {
						if st != http.StatusNotFound {
							t.Errorf("GET %s: %d, want 404 for an article with no published claim", p, st)
						}
						if cc := resp.Header.Get("Cache-Control"); strings.Contains(cc, "public") {
							t.Errorf("GET %s: the 404 is cacheable: %q", p, cc)
						}
					}
				}
			}
			if checked < 20 {
				t.Fatalf("only %d public requests checked", checked)
			}

			// Publishing one claim makes the article public with that claim
			// alone: the claim in review stays out of it.
			var pub web.ClaimJSON
			dp := "/api/v1/claims/" + strconv.FormatInt(draft.ID, 10)
			if st := e.api("POST", dp+"/evidence", editor, map[string]string{"url": "https://schools.example/", "title": "School plan", "stance": "refutes"}, &draft); st != 201 {
				t.Fatalf("evidence: %d", st)
			}
			if st := e.api("PUT", dp+"/verdict", editor, map[string]any{"rating": "mostly-false", "summary": "Only 30 schools are planned.", "rationale": "The plan lists 30.", "version": draft.Version}, &pub); st != 200 {
				t.Fatalf("verdict: %d", st)
			}
			e.api("POST", dp+"/submit", editor, nil, &pub)
			if st := e.api("POST", dp+"/publish", reviewer, nil, &pub); st != 200 {
				t.Fatalf("publish: %d", st)
			}
			st, got, _ := e.get(c, "/articles/"+aid)
			if st != 200 {
				t.Fatalf("article with a published claim: %d", st)
			}
			hasAll(t, "article", got, "Embargoedtitlemark", "Only 30 schools are planned.", `id="verdict-`+strconv.FormatInt(draft.ID, 10)+`"`)
			rid := strconv.FormatInt(review.ID, 10)
			if strings.Contains(got, "Embargoedsummarymark") || strings.Contains(got, "verdict-"+rid) {
				t.Error("the article page shows the claim still in review")
			}
		})
	}
}
