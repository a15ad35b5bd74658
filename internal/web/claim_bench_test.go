package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"claimdesk/internal/seed"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
	"claimdesk/seeds"
)

var benchFilter = store.ClaimFilter{Limit: 1}

type benchEnv struct {
	store *store.Store
	url   string
}

// newBenchEnv runs the real server on a seeded SQLite database.
func newBenchEnv(b *testing.B, cfg web.Config) *benchEnv {
	st := testutil.OpenStore(b, "sqlite")
	if _, err := seed.Load(context.Background(), st, seeds.FS); err != nil {
		b.Fatal(err)
	}
	var srv *web.Server
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { srv.Handler().ServeHTTP(w, r) }))
	cfg.BaseURL, cfg.Newsroom = hs.URL, "Bench Desk"
	srv = newServer(b, st, cfg)
	b.Cleanup(hs.Close)
	return &benchEnv{store: st, url: hs.URL}
}

// BenchmarkClaimPage serves one claim page through the real server (router,
// middleware, store, render cache) and the same bytes from a bare net/http
// handler, both over loopback HTTP in the same run, and reports real/bare
// throughput on the bare line as "real_x_bare" (goal: at least 0.4).
func BenchmarkClaimPage(b *testing.B) {
	e := newBenchEnv(b, web.Config{})
	cl, _, err := e.store.ListClaims(b.Context(), benchFilter)
	if err != nil || len(cl) == 0 {
		b.Fatal(err)
	}
	path := "/claims/" + strconv.FormatInt(cl[0].ID, 10)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	fetch := func(b *testing.B, url string) []byte {
		resp, err := client.Get(url)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("GET %s: %v %v", url, err, resp)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return body
	}
	page := fetch(b, e.url+path)
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.Write(page)
	}))
	defer bare.Close()
	var real, plain time.Duration
	b.Run("real", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			fetch(b, e.url+path)
		}
		real = time.Since(start) / time.Duration(b.N)
	})
	b.Run("bare", func(b *testing.B) {
		start := time.Now()
		for b.Loop() {
			fetch(b, bare.URL+path)
		}
		plain = time.Since(start) / time.Duration(b.N)
		if real > 0 {
			b.ReportMetric(float64(plain)/float64(real), "real_x_bare")
		}
	})
}

// BenchmarkSearchMiss serves home-page searches that are never in the
// page cache (a server whose cache keeps nothing: a query string of its own
// per request no longer does it, since unknown parameters are not part of
// the key), so every one runs the search and renders: the cost a new query
// pays.
func BenchmarkSearchMiss(b *testing.B) {
	e := newBenchEnv(b, web.Config{CacheBytes: 1})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	words := []string{"mines", "ukraine", "treaty", "biden", "landmines", "countries"}
	i := 0
	for b.Loop() {
		i++
		resp, err := client.Get(e.url + "/?q=" + words[i%len(words)])
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("search: %v %v", err, resp)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
