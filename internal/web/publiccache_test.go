package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/httpcache"
	"claimdesk/internal/seed"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
	"claimdesk/seeds"
)

// node is one claimdesk server of a test, on its own store connection.
type node struct {
	s   *Server
	srv *httptest.Server
}

func startNode(t *testing.T, cfg store.Config, wcfg Config) *node {
	t.Helper()
	st, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	n := &node{}
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.s.ServeHTTP(w, r) }))
	t.Cleanup(n.srv.Close)
	wcfg.BaseURL = n.srv.URL
	if n.s, err = New(st, wcfg, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	return n
}

func (n *node) get(t *testing.T, path string) (int, []byte, http.Header) {
	t.Helper()
	resp, err := http.Get(n.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

// Two nodes on one PostgreSQL database, each remembering the public version
// for a second: after a correction made through one of them, every public
// page that shows the claim changes on both within that second (plus the
// time to render), and until then both answered from memory.
func TestPagesFollowACorrectionOnEveryNode(t *testing.T) {
	followCorrection(t, testutil.Config(t, "postgres"), 2)
}

// The same on one node over SQLite: the claim page, home, the feed and the
// other pages that show the claim change within the node's VersionTTL of a
// correction made through it.
func TestPagesFollowACorrectionOnSQLite(t *testing.T) {
	followCorrection(t, testutil.Config(t, "sqlite"), 1)
}

// followCorrection seeds the database of cfg, starts nodes servers on it
// with a one-second VersionTTL, views every public page of a published
// claim on each, corrects the claim through the first, and checks that
// every page changes on every node within the TTL (plus rendering time).
func followCorrection(t *testing.T, cfg store.Config, nodes int) {
	t.Helper()
	st, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := seed.Load(ctx, st, seeds.FS); err != nil {
		t.Fatal(err)
	}
	rev := &factcheck.User{Email: "rev@test.example", Name: "Rev", Role: factcheck.RoleReviewer}
	if err := st.CreateUser(ctx, rev, "correct horse battery staple"); err != nil {
		t.Fatal(err)
	}
	tok, err := st.CreateAPIToken(ctx, rev.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	hits, _, err := st.ListClaims(ctx, store.ClaimFilter{Statuses: []factcheck.Status{factcheck.StatusPublished}, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var cl *factcheck.Claim
	for i := range hits {
		if hits[i].ArticleID != nil {
			cl = &hits[i].Claim
			break
		}
	}
	if cl == nil {
		t.Fatal("no published claim with an article in the seeds")
	}
	id := strconv.FormatInt(cl.ID, 10)
	pages := []string{"/", "/claims/" + id, "/articles/" + strconv.FormatInt(*cl.ArticleID, 10), "/corrections", "/feed.atom",
		"/api/v1/claimreview", "/api/v1/claims/" + id, "/embed/claims/" + id, "/claims/" + id + "/card.png"}

	var servers []*node
	for range nodes {
		servers = append(servers, startNode(t, cfg, Config{VersionTTL: time.Second}))
	}
	before := map[string][]byte{}
	for i, n := range servers {
		for _, p := range pages {
			status, b, _ := n.get(t, p)
			if status != 200 {
				t.Fatalf("node %d %s: %d", i, p, status)
			}
			before[strconv.Itoa(i)+p] = b
			// The second request is answered from memory. A slow first
			// render (card.png under -race) can outlast the memo's second;
			// then one more view refreshes the memo without rendering.
			fromMemory := func() bool {
				w := httptest.NewRecorder()
				return n.s.serveFromMemory(w, httptest.NewRequest("GET", p, nil)) && bytes.Equal(w.Body.Bytes(), b)
			}
			if !fromMemory() {
				n.get(t, p)
				if !fromMemory() {
					t.Errorf("node %d %s: not answered from memory after a first view", i, p)
				}
			}
		}
	}

	const note = "We corrected the count after the ministry's new figures."
	body, _ := json.Marshal(map[string]any{"note": note, "summary": "Corrected summary."})
	req, _ := http.NewRequest("POST", servers[0].srv.URL+"/api/v1/claims/"+id+"/corrections", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("correction: %v %v", err, resp.Status)
	}
	resp.Body.Close()
	corrected := time.Now()

	// Within the memo's second a node may still answer from memory; past
	// it (plus rendering time) every page has changed on both nodes.
	const window = time.Second + 750*time.Millisecond
	for i, n := range servers {
		for _, p := range pages {
			for {
				status, b, _ := n.get(t, p)
				if status == 200 && !bytes.Equal(b, before[strconv.Itoa(i)+p]) {
					if strings.HasSuffix(p, ".png") || bytes.Contains(b, []byte("Corrected summary")) || bytes.Contains(b, []byte("ministry")) {
						break
					}
				}
				if time.Since(corrected) > window {
					t.Fatalf("node %d %s: unchanged %v after the correction", i, p, time.Since(corrected).Round(time.Millisecond))
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
}

// A draft never enters the cache: its public URLs are 404 (kept as 404s),
// and no kept response anywhere carries its text.
func TestDraftsNeverEnterTheCache(t *testing.T) {
	s, st, published, draft := seededDesk(t, "sqlite", Config{BaseURL: "http://desk.test", VersionTTL: time.Hour})
	d, err := st.ClaimByID(context.Background(), draft)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"published": strconv.FormatInt(published, 10), "draft": strconv.FormatInt(draft, 10)}
	for _, p := range []string{"/", "/?q=" + strings.Fields(d.Quote)[0], "/claims/%s", "/embed/claims/%s", "/claims/%s/card.png",
		"/api/v1/claims/%s", "/api/v1/claims", "/api/v1/claimreview", "/feed.atom", "/corrections", "/oembed?url=http://desk.test/claims/%s"} {
		for which, id := range ids {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest("GET", strings.ReplaceAll(p, "%s", id), nil))
			if which == "draft" && strings.Contains(p, "%s") && w.Code != 404 {
				t.Errorf("%s of the draft: %d", p, w.Code)
			}
		}
	}
	kept := 0
	s.cache.Each(func(k pageKey, r *httpcache.Rendition) {
		kept++
		if bytes.Contains(r.Body(), []byte(d.Quote)) {
			t.Errorf("%s?%s keeps the draft's quote", k.path, k.query)
		}
	})
	if kept < 10 {
		t.Fatalf("only %d responses kept", kept)
	}
}

// A logged-in editor visiting public pages gets the bytes a reader gets:
// no desk chrome is rendered into them, and nothing is kept per visitor.
func TestEditorsGetThePublicBytes(t *testing.T) {
	s, st, published, _ := seededDesk(t, "sqlite", Config{BaseURL: "http://desk.test", VersionTTL: time.Hour})
	ctx := context.Background()
	ed := &factcheck.User{Email: "ed@test.example", Name: "Ed Itor", Role: factcheck.RoleEditor}
	if err := st.CreateUser(ctx, ed, "correct horse battery staple"); err != nil {
		t.Fatal(err)
	}
	session, err := st.CreateSession(ctx, ed.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(published, 10)
	for _, p := range []string{"/", "/claims/" + id, "/ratings", "/corrections", "/embed/claims/" + id} {
		// The editor comes first, so a page kept from their visit is what
		// the reader gets.
		edReq := httptest.NewRequest("GET", p, nil)
		edReq.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
		edW := httptest.NewRecorder()
		s.ServeHTTP(edW, edReq)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", p, nil))
		if edW.Code != 200 || !bytes.Equal(edW.Body.Bytes(), w.Body.Bytes()) {
			t.Errorf("%s: the editor's page (%d) differs from the reader's (%d)", p, edW.Code, w.Code)
		}
		for _, chrome := range []string{"Ed Itor", `href="/desk"`, "Log out"} {
			if strings.Contains(edW.Body.String(), chrome) {
				t.Errorf("%s: the public page shows desk chrome %q", p, chrome)
			}
		}
		if edW.Header().Get("Set-Cookie") != "" || edW.Header().Get("Cache-Control") == "private, no-store" {
			t.Errorf("%s: headers for the editor %v", p, edW.Header())
		}
	}
}

// The cache stays within its byte budget however many distinct pages are
// asked for, and the pages asked for most stay in it.
func TestCacheStaysWithinItsBytes(t *testing.T) {
	const budget = 256 << 10
	s, _, published, _ := seededDesk(t, "sqlite", Config{BaseURL: "http://desk.test", VersionTTL: time.Hour, CacheBytes: budget})
	hot := "/claims/" + strconv.FormatInt(published, 10)
	for i := range 300 {
		for _, p := range []string{hot, "/?q=mines&page=" + strconv.Itoa(i%7+1) + "&n=" + strconv.Itoa(i), "/?tag=t" + strconv.Itoa(i)} {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest("GET", p, nil))
			if w.Code != 200 {
				t.Fatalf("%s: %d", p, w.Code)
			}
		}
		if _, b := s.cache.Len(); b > budget {
			t.Fatalf("after %d rounds the cache holds %d bytes, over its %d", i, b, budget)
		}
	}
	n, b := s.cache.Len()
	if n < 10 || b < budget/2 {
		t.Errorf("the cache holds %d entries, %d bytes: it should be using its budget", n, b)
	}
	if !s.serveFromMemory(httptest.NewRecorder(), httptest.NewRequest("GET", hot, nil)) {
		t.Error("the hot page was evicted")
	}
}

// For every kind of public page, the in-memory path sends exactly what the
// full Echo path sends: status, body and every header but the request id.
func TestFastPathMatchesFullPathForPages(t *testing.T) {
	s, st, published, _ := seededDesk(t, "sqlite", Config{BaseURL: "https://desk.test", VersionTTL: time.Hour})
	cl, err := st.PublicClaim(context.Background(), published)
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(published, 10)
	paths := []string{"/", "/?q=mines", "/?rating=false", "/claims/" + id, "/claims/" + id + "-" + cl.Slug, "/ratings", "/ratings.css",
		"/corrections", "/feed.atom", "/api/v1/claims", "/api/v1/claims/" + id, "/api/v1/claimreview", "/claims/" + id + "/card.png",
		"/oembed?format=json&url=https://desk.test/claims/" + id, "/claims/999999"}
	if cl.ArticleID != nil {
		paths = append(paths, "/articles/"+strconv.FormatInt(*cl.ArticleID, 10))
	}
	for _, p := range paths {
		s.echo.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil)) // keep it
		for _, enc := range []string{"", "gzip, br"} {
			newReq := func() *http.Request {
				r := httptest.NewRequest("GET", p, nil)
				if enc != "" {
					r.Header.Set("Accept-Encoding", enc)
				}
				return r
			}
			want := httptest.NewRecorder()
			s.echo.ServeHTTP(want, newReq())
			got := httptest.NewRecorder()
			if !s.serveFromMemory(got, newReq()) {
				t.Fatalf("%s: a kept page took the full path", p)
			}
			if got.Code != want.Code || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
				t.Errorf("%s %q: fast %d, full %d, same body %v", p, enc, got.Code, want.Code, bytes.Equal(got.Body.Bytes(), want.Body.Bytes()))
			}
			for _, h := range []http.Header{got.Header(), want.Header()} {
				h.Del("X-Request-Id")
			}
			if len(got.Header()) != len(want.Header()) {
				t.Errorf("%s: headers differ:\nfast %v\nfull %v", p, got.Header(), want.Header())
			}
			for k, v := range want.Header() {
				if strings.Join(got.Header()[k], "|") != strings.Join(v, "|") {
					t.Errorf("%s %s: fast %q, full %q", p, k, got.Header()[k], v)
				}
			}
			if h := got.Header(); h.Get("Strict-Transport-Security") == "" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") == "" && got.Code == 200 {
				t.Errorf("%s: headers %v", p, h)
			}
		}
	}
}

// Query strings are the client's to choose: parameters no route reads make
// no new entry, and long ones keep the cache, its index of stale copies and
// the Go heap within the byte budget.
func TestCacheBoundsClientQueries(t *testing.T) {
	const budget = 256 << 10
	s, _, published, _ := seededDesk(t, "sqlite", Config{BaseURL: "http://desk.test", VersionTTL: time.Hour, CacheBytes: budget})
	claim := "/claims/" + strconv.FormatInt(published, 10)
	get := func(target string) *httptest.ResponseRecorder {
		t.Helper()
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		return w
	}
	first := get(claim)
	before, _ := s.cache.Len()
	for i := range 50 {
		if w := get(claim + "?utm_source=" + strconv.Itoa(i) + "&x=y"); w.Code != 200 || !bytes.Equal(w.Body.Bytes(), first.Body.Bytes()) {
			t.Fatalf("%s with an unknown parameter: %d, or a different page", claim, w.Code)
		}
	}
	if n, _ := s.cache.Len(); n != before {
		t.Errorf("unknown parameters made %d new entries", n-before)
	}

	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	heap := m.HeapAlloc
	pad := strings.Repeat("a", 100<<10)
	for i := range 400 {
		n := strconv.Itoa(i)
		for _, target := range []string{claim + "?x=" + pad + n, "/?q=" + pad[:300+i] + "&page=2&junk=" + pad, "/?tag=" + pad[:900] + n} {
			if w := get(target); w.Code != 200 {
				t.Fatalf("%.60s…: %d", target, w.Code)
			}
		}
		if _, b := s.cache.Len(); b > budget {
			t.Fatalf("after %d rounds the cache holds %d bytes, over its %d", i, b, budget)
		}
		if s.latestSize > budget/latestShare {
			t.Fatalf("after %d rounds the latest index holds %d bytes", i, s.latestSize)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&m)
	if grew := int64(m.HeapAlloc) - int64(heap); grew > budget+4<<20 {
		t.Errorf("the heap grew by %d bytes for a %d-byte cache", grew, budget)
	}
	// A long search is answered, just not kept.
	if w := get("/?q=" + pad[:2000]); w.Code != 200 || s.serveFromMemory(httptest.NewRecorder(), httptest.NewRequest("GET", "/?q="+pad[:2000], nil)) {
		t.Errorf("a long search: %d, or kept", w.Code)
	}
}

// An error page is JSON for a client that asks for JSON only and HTML for
// a browser, whichever came first, and says it varies by Accept; on the
// paths that always answer JSON, errors are JSON for everyone.
func TestErrorPagesKeepTheirFormat(t *testing.T) {
	s, _, _, _ := seededDesk(t, "sqlite", Config{BaseURL: "http://desk.test", VersionTTL: time.Hour})
	const (
		jsonAccept    = "application/json"
		browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	)
	get := func(target, accept string) *httptest.ResponseRecorder {
		t.Helper()
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", target, nil)
		r.Header.Set("Accept", accept)
		s.ServeHTTP(w, r)
		return w
	}
	check := func(w *httptest.ResponseRecorder, target, accept string) {
		t.Helper()
		ct := w.Header().Get("Content-Type")
		wantJSON := accept == jsonAccept || strings.HasPrefix(target, "/api/")
		if w.Code != 404 || strings.HasPrefix(ct, "application/json") != wantJSON || strings.HasPrefix(ct, "text/html") == wantJSON {
			t.Errorf("%s for %s: %d %s", target, accept, w.Code, ct)
		}
		vary := strings.Split(strings.ReplaceAll(strings.Join(w.Header().Values("Vary"), ","), " ", ""), ",")
		if !strings.HasPrefix(target, "/api/") && !slices.Contains(vary, "Accept") {
			t.Errorf("%s for %s: Vary %q", target, accept, vary)
		}
	}
	for i, order := range [][]string{{jsonAccept, browserAccept}, {browserAccept, jsonAccept}} {
		for _, target := range []string{"/claims/9999%d", "/articles/42424%d", "/embed/claims/9999%d"} {
			target = fmt.Sprintf(target, i) // a page of its own for each order
			for range 2 {                   // the second round is answered from memory
				for _, accept := range order {
					check(get(target, accept), target, accept)
				}
			}
		}
	}
	for _, accept := range []string{browserAccept, jsonAccept} {
		check(get("/api/v1/claims/99999", accept), "/api/v1/claims/99999", accept)
	}
}
