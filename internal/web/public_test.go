package web_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

func TestPublicPagesShowOnlyPublishedClaims(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			c := e.client()
			ctx := t.Context()
			published, total, err := e.store.ListClaims(ctx, store.ClaimFilter{Limit: 100})
			if err != nil || total < 10 {
				t.Fatalf("seeded published claims: %d %v", total, err)
			}
			drafts, _, _ := e.store.ListClaims(ctx, store.ClaimFilter{Statuses: []factcheck.Status{factcheck.StatusDraft, factcheck.StatusInReview}, Limit: 100})
			if len(drafts) == 0 {
				t.Fatal("seeds have no drafts")
			}

			status, body, resp := e.get(c, "/")
			if status != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("home: %d", status)
			}
			hasAll(t, "home", body, `<html lang="en">`, "Showing 1–", published[0].Claim.Claimant)
			for _, dr := range drafts {
				if strings.Contains(body, dr.Quote) {
					t.Errorf("home shows unpublished claim %d", dr.ID)
				}
				for _, path := range []string{"/claims/" + strconv.FormatInt(dr.ID, 10), "/api/v1/claims/" + strconv.FormatInt(dr.ID, 10)} {
					if st, _, _ := e.get(c, path); st != http.StatusNotFound {
						t.Errorf("%s of a %s claim: %d, want 404", path, dr.Status, st)
					}
				}
			}

			// The claim page shows the verdict, the sources and the rationale as HTML.
			cl, _ := e.store.PublicClaim(ctx, published[0].ID)
			status, body, resp = e.get(c, "/claims/"+strconv.FormatInt(cl.ID, 10)+"-"+cl.Slug)
			if status != 200 {
				t.Fatalf("claim page: %d", status)
			}
			hasAll(t, "claim page", body, cl.Rating.Label, htmlEscape(cl.Summary), htmlEscape(cl.Evidence[0].Title), "<p>")
			if resp.Header.Get("Set-Cookie") != "" {
				t.Errorf("public claim page sets a cookie: %s", resp.Header.Get("Set-Cookie"))
			}
			if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'self'") {
				t.Errorf("claim page CSP: %q", resp.Header.Get("Content-Security-Policy"))
			}

			// The API lists exactly the published claims, with CORS open.
			status, body, resp = e.get(c, "/api/v1/claims?page=1")
			var list struct {
				Claims []struct {
					ID     int64  `json:"id"`
					Status string `json:"status"`
					Rating struct{ Key string }
				} `json:"claims"`
				Total int64 `json:"total"`
			}
			if err := json.Unmarshal([]byte(body), &list); err != nil || status != 200 {
				t.Fatalf("api list: %d %v", status, err)
			}
			if list.Total != total || len(list.Claims) != min(int(total), 20) || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Fatalf("api list: total=%d len=%d cors=%q", list.Total, len(list.Claims), resp.Header.Get("Access-Control-Allow-Origin"))
			}
			for _, lc := range list.Claims {
				if !factcheck.Status(lc.Status).Public() || lc.Rating.Key == "" {
					t.Errorf("api lists claim %d with status %s", lc.ID, lc.Status)
				}
			}

			// Unknown ids and garbage are 404 with the JSON error shape.
			status, body, _ = e.get(c, "/api/v1/claims/999999")
			if status != 404 || !strings.Contains(body, `"code":"not_found"`) {
				t.Errorf("unknown api claim: %d %s", status, body)
			}
			if status, _, _ := e.get(c, "/claims/abc"); status != 404 {
				t.Errorf("garbage id: %d", status)
			}
		})
	}
}

func TestSearchFromHomePage(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			c := e.client()
			status, body, _ := e.get(c, "/?q=ATACMS")
			if status != 200 || !strings.Contains(body, "<mark>") {
				t.Fatalf("search: %d, highlighted=%v", status, strings.Contains(body, "<mark>"))
			}
			for _, q := range []string{`%22`, `'%20OR%201=1--`, `NEAR(a%20b)`, strings.Repeat("x", 10000), `%3Cscript%3Ealert(1)%3C/script%3E`} {
				status, body, _ := e.get(c, "/?q="+q)
				if status != 200 {
					t.Errorf("q=%.20s: %d", q, status)
				}
				if strings.Contains(body, "<script>alert(1)") {
					t.Errorf("q is not escaped")
				}
			}
		})
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	if st, body, _ := e.get(c, "/healthz"); st != 200 || !strings.Contains(body, "ok") {
		t.Errorf("healthz: %d %s", st, body)
	}
	if st, body, _ := e.get(c, "/readyz"); st != 200 || !strings.Contains(body, "ready") {
		t.Errorf("readyz: %d %s", st, body)
	}
	e.get(c, "/claims/999999")
	// Metrics are served apart from the site (cmd/claimdesk puts them on
	// --metrics-addr): the public listener answers 404 and counts it.
	if st, body, _ := e.get(c, "/metrics"); st != http.StatusNotFound || strings.Contains(body, "claimdesk_http_requests_total") {
		t.Errorf("public /metrics: %d", st)
	}
	body := e.metrics()
	hasAll(t, "metrics", body, `claimdesk_http_requests_total{method="GET",route="unmatched",status="404"} 1`, `claimdesk_http_requests_total{method="GET",route="/claims/:id",status="404"} 1`,
		`claimdesk_http_request_duration_seconds_bucket{method="GET",route="/readyz",status="200"`)
	e.store.Close()
	if st, _, _ := e.get(c, "/readyz"); st != http.StatusServiceUnavailable {
		t.Errorf("readyz with closed database: %d, want 503", st)
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
