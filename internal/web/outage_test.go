package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/seed"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
	"claimdesk/seeds"
)

// logBuffer collects a server's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.buf.String(), s)
}

// faultDesk serves a seeded store on a real HTTP server, logging into logs,
// with an editor's API token.
type faultDesk struct {
	t     *testing.T
	srv   *httptest.Server
	logs  *logBuffer
	token string
	claim int64
}

func newFaultDesk(t *testing.T, st *store.Store, cfg web.Config) *faultDesk {
	t.Helper()
	ctx := context.Background()
	if _, err := seed.Load(ctx, st, seeds.FS); err != nil {
		t.Fatal(err)
	}
	ed := &factcheck.User{Email: "ed@test.example", Name: "Ed", Role: factcheck.RoleEditor}
	if err := st.CreateUser(ctx, ed, testPassword); err != nil {
		t.Fatal(err)
	}
	tok, err := st.CreateAPIToken(ctx, ed.ID, "t")
	if err != nil {
		t.Fatal(err)
	}
	hits, _, err := st.ListClaims(ctx, store.ClaimFilter{Limit: 1})
	if err != nil || len(hits) == 0 {
		t.Fatalf("no published claim: %v", err)
	}
	d := &faultDesk{t: t, logs: &logBuffer{}, token: tok, claim: hits[0].ID}
	srv, err := web.New(st, cfg, slog.New(slog.NewJSONHandler(d.logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	d.srv = httptest.NewServer(srv)
	t.Cleanup(d.srv.Close)
	return d
}

func (d *faultDesk) do(method, path, body string, header ...string) (int, string, http.Header) {
	d.t.Helper()
	req, _ := http.NewRequest(method, d.srv.URL+path, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (d *faultDesk) write() (int, string, http.Header) {
	return d.writeBody("More than 160 countries have joined the treaty.")
}

func (d *faultDesk) writeBody(text string) (int, string, http.Header) {
	b, _ := json.Marshal(map[string]string{"title": "During the fault", "body": text})
	return d.do("POST", "/api/v1/articles", string(b), "Authorization", "Bearer "+d.token, "Content-Type", "application/json")
}

// wantUnavailable checks a 503 with Retry-After and the unavailable code.
func wantUnavailable(t *testing.T, what string, status int, body string, h http.Header) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal([]byte(body), &e)
	if status != 503 || h.Get("Retry-After") == "" || e.Error.Code != "unavailable" || e.Error.Message == "" {
		t.Errorf("%s: %d Retry-After %q %s, want 503 unavailable", what, status, h.Get("Retry-After"), body)
	}
}

// A stopped PostgreSQL server: writes and uncached pages get 503 with
// Retry-After (JSON for the API, a page for people), /readyz says why,
// cached public pages and embeds are still served, the error log gets a
// line per interval rather than per request; after the restart everything
// works again.
func TestStoppedPostgresThenRecovery(t *testing.T) {
	pg := testutil.StartPostgres(t)
	st, err := store.Open(context.Background(), store.Config{DatabaseURL: pg.URL, PasswordCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := newFaultDesk(t, st, web.Config{})
	id := strconv.FormatInt(d.claim, 10)
	pages := []string{"/claims/" + id, "/embed/claims/" + id, "/"}
	kept := map[string]string{}
	for _, p := range pages {
		status, body, _ := d.do("GET", p, "")
		if status != 200 {
			t.Fatalf("%s: %d", p, status)
		}
		kept[p] = body
	}

	pg.Stop(t)
	for _, p := range pages {
		status, body, h := d.do("GET", p, "")
		if status != 200 || body != kept[p] || !strings.Contains(h.Get("Cache-Control"), "stale-if-error") {
			t.Errorf("%s while the database is down: %d, same page %v, Cache-Control %q", p, status, body == kept[p], h.Get("Cache-Control"))
		}
	}
	status, body, h := d.write()
	wantUnavailable(t, "API write", status, body, h)
	// A search nobody made before is not in memory (unknown query
	// parameters are no longer part of the key, so it takes a known one).
	status, body, h = d.do("GET", "/?q=neverseen", "")
	if status != 503 || h.Get("Retry-After") == "" || !strings.Contains(h.Get("Content-Type"), "text/html") || !strings.Contains(body, "unavailable") {
		t.Errorf("an uncached page: %d %q %.200s", status, h.Get("Content-Type"), body)
	}
	status, body, h = d.do("GET", "/readyz", "")
	if status != 503 || h.Get("Retry-After") == "" || !strings.Contains(body, `"reason"`) {
		t.Errorf("readyz: %d %s", status, body)
	}
	for i := range 200 {
		d.do("GET", "/?q=outage"+strconv.Itoa(i), "")
	}
	if n := d.logs.count(`"msg":"request failed"`); n > 3 {
		t.Errorf("%d error lines for 200 failures of one kind", n)
	}
	if !strings.Contains(d.logs.buf.String(), `"similar_since_last"`) {
		t.Error("the error lines do not count the ones left out")
	}

	pg.Resume(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if status, _, _ := d.do("GET", "/readyz", ""); status == 200 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("not ready 30 s after the database came back: %d", status)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if status, body, _ := d.write(); status != 201 {
		t.Fatalf("write after recovery: %d %s", status, body)
	}
}

// A full disk under SQLite: readiness writes, so it says not ready with
// the reason; a write that needs room gets 503; freeing the disk brings it
// back. (A read-only database is refused at start-up: see cmd/claimdesk.)
func TestFullDiskSQLite(t *testing.T) {
	dir := testutil.MountTmpfs(t, "16m")
	st, err := store.Open(context.Background(), store.Config{Path: dir + "/claimdesk.db", PasswordCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := newFaultDesk(t, st, web.Config{})
	if status, _, _ := d.do("GET", "/readyz", ""); status != 200 {
		t.Fatalf("readyz before the fault: %d", status)
	}
	filler := testutil.FillDisk(t, dir)
	status, body, h := d.do("GET", "/readyz", "")
	if status != 503 || !strings.Contains(body, "full") || h.Get("Retry-After") == "" {
		t.Errorf("readyz on a full disk: %d %s", status, body)
	}
	// Small writes may still fit in the WAL's old pages; big ones run out.
	for i := 0; ; i++ {
		// About 800 kB in 2,000 sentences (an article may hold at most 5,000).
		status, body, h = d.writeBody(strings.Repeat("A sentence that needs room on the disk"+strings.Repeat(", and then more room", 18)+". ", 2000))
		if status == 201 && i < 20 {
			continue
		}
		wantUnavailable(t, "a big write on a full disk", status, body[:min(len(body), 300)], h)
		break
	}
	os.Remove(filler)
	if status, body, _ := d.do("GET", "/readyz", ""); status != 200 {
		t.Errorf("readyz after freeing the disk: %d %s", status, body)
	}
	if status, body, _ := d.write(); status != 201 {
		t.Errorf("write after freeing the disk: %d %s", status, body)
	}

}

// A request whose client went away is recorded as 499, never as a 500,
// and writes no error line.
func TestClientGoneIs499(t *testing.T) {
	st := testutil.OpenStore(t, "sqlite")
	d := newFaultDesk(t, st, web.Config{})
	srv := d.srv.Config.Handler
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, p := range []string{"/?q=mines", "/claims/" + strconv.FormatInt(d.claim, 10), "/api/v1/claims"} {
		srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil).WithContext(ctx))
	}
	rec := httptest.NewRecorder()
	srv.(*web.Server).MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	metrics := rec.Body.String()
	if strings.Contains(metrics, `status="500"`) || !strings.Contains(metrics, `status="499"`) {
		t.Errorf("metrics after clients went away:\n%s", grepLines(metrics, "claimdesk_http_requests_total"))
	}
	if n := d.logs.count(`"level":"ERROR"`); n > 0 {
		t.Errorf("%d error lines for clients that went away", n)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// A client that writes its whole oversized body before reading (as
// Python's urllib does) reads a 413 with the JSON error, not a reset.
func TestOversizedBodyGetsA413(t *testing.T) {
	st := testutil.OpenStore(t, "sqlite")
	d := newFaultDesk(t, st, web.Config{})
	conn, err := net.Dial("tcp", d.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := bytes.Repeat([]byte("x"), 12<<20)
	fmt.Fprintf(conn, "POST /api/v1/articles HTTP/1.1\r\nHost: desk\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", d.token, len(body))
	if _, err := conn.Write(body); err != nil {
		t.Fatalf("writing the body: %v (the server hung up before reading it)", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || !strings.Contains(string(b), `"too_large"`) {
		t.Errorf("oversized body: %d %s", resp.StatusCode, b)
	}
}
