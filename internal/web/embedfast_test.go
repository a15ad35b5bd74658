package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/seed"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
	"claimdesk/seeds"
)

// seededDesk is a server on a seeded database of the given dialect, with
// the ids of one published and one draft claim.
func seededDesk(t testing.TB, dialect string, cfg Config) (s *Server, st *store.Store, published, draft int64) {
	t.Helper()
	st = testutil.OpenStore(t, dialect)
	ctx := context.Background()
	if _, err := seed.Load(ctx, st, seeds.FS); err != nil {
		t.Fatal(err)
	}
	pick := func(status factcheck.Status) int64 {
		hits, _, err := st.ListClaims(ctx, store.ClaimFilter{Statuses: []factcheck.Status{status}, Limit: 1})
		if err != nil || len(hits) == 0 {
			t.Fatalf("no %s claim in the seeds: %v", status, err)
		}
		return hits[0].ID
	}
	s, err := New(st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return s, st, pick(factcheck.StatusPublished), pick(factcheck.StatusDraft)
}

// fastDesk is a seeded SQLite desk with the embed version memo at ttl.
func fastDesk(t *testing.T, ttl time.Duration) (s *Server, published, draft int64) {
	t.Helper()
	// An https base turns on HSTS, so that header is compared too.
	s, _, published, draft = seededDesk(t, "sqlite", Config{BaseURL: "https://desk.test", Newsroom: "Fast Desk", VersionTTL: ttl})
	return s, published, draft
}

// The in-memory path sends exactly what the full Echo path sends for the
// same request: status, body and every header but the request id.
func TestEmbedFastPathMatchesFullPath(t *testing.T) {
	s, id, _ := fastDesk(t, time.Hour)
	path := "/embed/claims/" + strconv.FormatInt(id, 10)

	// Prime the memo and cache and learn both ETags.
	full := httptest.NewRecorder()
	s.echo.ServeHTTP(full, httptest.NewRequest("GET", path, nil))
	plainTag := full.Header().Get("ETag")
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	full = httptest.NewRecorder()
	s.echo.ServeHTTP(full, req)
	gzTag := full.Header().Get("ETag")
	if plainTag == "" || gzTag == "" || plainTag == gzTag {
		t.Fatalf("ETags %q and %q", plainTag, gzTag)
	}

	for _, tc := range []struct {
		name, query string
		header      []string
		status      int
	}{
		{"plain", "", nil, 200},
		{"gzip", "", []string{"Accept-Encoding", "gzip, br"}, 200},
		{"dark", "?theme=dark", nil, 200},
		{"light gzip", "?theme=light", []string{"Accept-Encoding", "gzip"}, 200},
		{"revalidation", "", []string{"If-None-Match", plainTag}, 304},
		{"gzip revalidation", "", []string{"Accept-Encoding", "gzip", "If-None-Match", gzTag}, 304},
		{"stale tag", "", []string{"If-None-Match", `"old"`}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			newReq := func() *http.Request {
				r := httptest.NewRequest("GET", path+tc.query, nil)
				for i := 0; i+1 < len(tc.header); i += 2 {
					r.Header.Set(tc.header[i], tc.header[i+1])
				}
				return r
			}
			// A first view keeps the card; the second, compressed, form is
			// made when a client that takes it comes back.
			s.echo.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path+tc.query, nil))
			want := httptest.NewRecorder()
			s.echo.ServeHTTP(want, newReq())
			got := httptest.NewRecorder()
			if !s.serveFromMemory(got, newReq()) {
				t.Fatal("a card in memory took the full path")
			}
			if got.Code != tc.status || want.Code != tc.status {
				t.Fatalf("status: fast %d, full %d, want %d", got.Code, want.Code, tc.status)
			}
			if got.Body.String() != want.Body.String() {
				t.Error("bodies differ")
			}
			if got.Header().Get("X-Request-Id") == "" || got.Header().Get("X-Request-Id") == want.Header().Get("X-Request-Id") {
				t.Errorf("request ids %q and %q", got.Header().Get("X-Request-Id"), want.Header().Get("X-Request-Id"))
			}
			for _, h := range []http.Header{got.Header(), want.Header()} {
				h.Del("X-Request-Id")
			}
			if len(got.Header()) != len(want.Header()) {
				t.Errorf("headers differ:\nfast %v\nfull %v", got.Header(), want.Header())
			}
			for k, v := range want.Header() {
				if strings.Join(got.Header()[k], "|") != strings.Join(v, "|") {
					t.Errorf("%s: fast %q, full %q", k, got.Header()[k], v)
				}
			}
			h := got.Header()
			if h.Get("Strict-Transport-Security") == "" || h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasSuffix(h.Get("Content-Security-Policy"), "frame-ancestors *") ||
				h.Get("X-Frame-Options") != "" || h.Get("Cross-Origin-Opener-Policy") != "" {
				t.Errorf("security headers: %v", h)
			}
		})
	}
}

// Anything not already in memory, or not a plain GET of a card, is left
// to the full path, which answers it correctly.
func TestEmbedFastPathDeclines(t *testing.T) {
	s, id, draft := fastDesk(t, time.Hour)
	path := "/embed/claims/" + strconv.FormatInt(id, 10)
	declines := func(method, target string) bool {
		t.Helper()
		w := httptest.NewRecorder()
		taken := s.serveFromMemory(w, httptest.NewRequest(method, target, nil))
		if !taken && (w.Code != 200 || w.Body.Len() != 0 || len(w.Header()) != 0) {
			t.Errorf("%s %s: declined but wrote %d %v", method, target, w.Code, w.Header())
		}
		return !taken
	}
	if !declines("GET", path) {
		t.Error("a card never rendered was served from memory")
	}
	s.echo.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	if declines("GET", path) {
		t.Fatal("a warm card took the full path")
	}
	// A parameter no route reads is the same card: served from memory,
	// not kept again.
	if declines("GET", path+"?utm_source=x&theme=") {
		t.Error("a warm card with an unknown parameter took the full path")
	}
	for _, target := range []string{path + "?theme=dark", path + "-slug", "/embed/claims/0", "/embed/claims/x", "/embed/claims/" + strconv.FormatInt(draft, 10)} {
		if !declines("GET", target) {
			t.Errorf("GET %s served from memory", target)
		}
	}
	if !declines("HEAD", path) || !declines("POST", path) {
		t.Error("a method other than GET was served from memory")
	}
	// The full path still answers the ones it should: a draft is 404.
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "/embed/claims/"+strconv.FormatInt(draft, 10), nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("draft embed: %d", w.Code)
	}

	// Without the memo every request reads the version, so nothing is
	// served from memory.
	s0, id0, _ := fastDesk(t, 0)
	path0 := "/embed/claims/" + strconv.FormatInt(id0, 10)
	s0.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path0, nil))
	if s0.serveFromMemory(httptest.NewRecorder(), httptest.NewRequest("GET", path0, nil)) {
		t.Error("served from memory with the memo off")
	}
}

// Requests served from memory are counted in /metrics under the embed
// route, like any other.
func TestEmbedFastPathMetrics(t *testing.T) {
	s, id, _ := fastDesk(t, time.Hour)
	path := "/embed/claims/" + strconv.FormatInt(id, 10)
	for range 5 {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 200 {
			t.Fatalf("embed: %d", w.Code)
		}
	}
	w := httptest.NewRecorder()
	s.MetricsHandler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	want := `claimdesk_http_requests_total{method="GET",route="/embed/claims/:id",status="200"} 5`
	if !strings.Contains(w.Body.String(), want) {
		t.Errorf("metrics lack %s", want)
	}
}
