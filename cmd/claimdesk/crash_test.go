package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
)

// crashLedger is what the server acknowledged before it was killed.
type crashLedger struct {
	mu       sync.Mutex
	articles []int64
	claims   map[int64]string         // id → quote
	verdicts map[int64]map[int]string // id → version → summary
	evidence map[int64]map[int]string // id → version → evidence URL
	acked    atomic.Int64
	maybe    atomic.Int64 // writes in flight at the kill: either outcome is fine
}

// crashWriter hammers the API with one editor's writes until the server
// dies: it creates an article, claims in it, evidence and verdicts, each
// write carrying the version its previous write returned.
func crashWriter(ctx context.Context, client *http.Client, base, token string, id int, led *crashLedger) {
	call := func(method, path string, body, out any) (int, bool) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			led.maybe.Add(1)
			return 0, false
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			led.maybe.Add(1)
			return 0, false
		}
		if resp.StatusCode/100 == 2 {
			if err := json.Unmarshal(data, out); err != nil {
				return resp.StatusCode, false
			}
			led.acked.Add(1)
		}
		return resp.StatusCode, true
	}
	body := ""
	for i := range 12 {
		body += fmt.Sprintf("Writer %d reported that %d schools reopened in %d. ", id, 10+i, 2010+i)
	}
	var art struct {
		ID        int64 `json:"id"`
		Sentences []struct{ Start, End int }
	}
	if st, ok := call("POST", "/api/v1/articles", map[string]string{"title": "Crash " + strconv.Itoa(id), "body": body}, &art); !ok || st != 201 {
		return
	}
	led.mu.Lock()
	led.articles = append(led.articles, art.ID)
	led.mu.Unlock()
	versions := map[int64]int{}
	var claims []int64
	for n := 0; n < 10000 && ctx.Err() == nil; n++ {
		if len(claims) < 4 && n%5 == 0 {
			s := art.Sentences[n%len(art.Sentences)]
			var cl web.ClaimJSON
			st, ok := call("POST", "/api/v1/articles/"+strconv.FormatInt(art.ID, 10)+"/claims", map[string]any{"start": s.Start, "end": s.End, "claimant": "Writer"}, &cl)
			if !ok {
				return
			} else if st == 201 {
				led.mu.Lock()
				led.claims[cl.ID] = cl.Quote
				led.ensure(cl.ID)
				led.mu.Unlock()
				claims = append(claims, cl.ID)
				versions[cl.ID] = cl.Version
			}
			continue
		}
		if len(claims) == 0 {
			continue
		}
		cid := claims[n%len(claims)]
		path := "/api/v1/claims/" + strconv.FormatInt(cid, 10)
		var cl web.ClaimJSON
		if n%2 == 0 {
			url := fmt.Sprintf("https://evidence.example/w%d/%d", id, n)
			st, ok := call("POST", path+"/evidence", map[string]any{"url": url, "title": "Source", "stance": "supports", "version": versions[cid]}, &cl)
			if !ok {
				return
			} else if st == 201 {
				led.mu.Lock()
				led.evidence[cid][cl.Version] = url
				led.mu.Unlock()
				versions[cid] = cl.Version
			}
		} else {
			summary := fmt.Sprintf("Writer %d, write %d", id, n)
			st, ok := call("PUT", path+"/verdict", map[string]any{"rating": "half-true", "summary": summary, "version": versions[cid]}, &cl)
			if !ok {
				return
			} else if st == 200 {
				led.mu.Lock()
				led.verdicts[cid][cl.Version] = summary
				led.mu.Unlock()
				versions[cid] = cl.Version
			}
		}
	}
}

// ensure makes room in the ledger for a new claim's writes; l.mu is held.
func (l *crashLedger) ensure(id int64) {
	if l.verdicts[id] == nil {
		l.verdicts[id] = map[int]string{}
		l.evidence[id] = map[int]string{}
	}
}

// check verifies every acknowledged write against the database.
func (l *crashLedger) check(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range l.articles {
		if _, err := st.ArticleByID(ctx, id); err != nil {
			t.Errorf("lost article %d: %v", id, err)
		}
	}
	for id, quote := range l.claims {
		cl, err := st.ClaimByID(ctx, id)
		if err != nil {
			t.Errorf("lost claim %d: %v", id, err)
			continue
		} else if cl.Quote != quote {
			t.Errorf("claim %d quote %q, acked %q", id, cl.Quote, quote)
		}
		revs, err := st.Revisions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		snaps := map[int]string{}
		for _, r := range revs {
			snaps[r.Version] = r.Snapshot
		}
		for v, summary := range l.verdicts[id] {
			var s struct{ Summary string }
			json.Unmarshal([]byte(snaps[v]), &s)
			if s.Summary != summary || cl.Version < v {
				t.Errorf("lost verdict: claim %d v%d: stored %q (claim at v%d), acked %q", id, v, s.Summary, cl.Version, summary)
			}
		}
		for v, url := range l.evidence[id] {
			found := false
			for _, e := range cl.Evidence {
				found = found || e.URL == url
			}
			if !found || snaps[v] == "" || cl.Version < v {
				t.Errorf("lost evidence: claim %d v%d %s", id, v, url)
			}
		}
	}
}

// TestCrashKeepsAcknowledgedWrites kills `claimdesk serve` with SIGKILL in
// the middle of heavy concurrent writes, three times over the same
// database, and requires after each restart that every write the server
// acknowledged is there and that the SQLite file passes integrity_check.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			cfg := testutil.Config(t, d)
			db := cfg.Path
			var env []string
			if d == "postgres" {
				db = filepath.Join(t.TempDir(), "unused.db")
				env = append(env, "CLAIMDESK_DATABASE_URL="+cfg.DatabaseURL)
			}
			ctx := context.Background()
			st, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			u := &factcheck.User{Email: "crash@test.example", Name: "Crash", Role: factcheck.RoleEditor}
			if err := st.CreateUser(ctx, u, "crash test password"); err != nil {
				t.Fatal(err)
			}
			tokens := make([]string, 8)
			for i := range tokens {
				if tokens[i], err = st.CreateAPIToken(ctx, u.ID, "crash"); err != nil {
					t.Fatal(err)
				}
			}
			st.Close()

			led := &crashLedger{claims: map[int64]string{}, verdicts: map[int64]map[int]string{}, evidence: map[int64]map[int]string{}}
			for round := 1; round <= 3; round++ {
				srv := startServer(t, db, env...)
				client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
				wctx, cancel := context.WithCancel(ctx)
				var wg sync.WaitGroup
				for i, tok := range tokens {
					wg.Add(1)
					go func() {
						defer wg.Done()
						crashWriter(wctx, client, srv.url, tok, round*100+i, led)
					}()
				}
				// Kill once the writers are in full swing, at a different
				// moment each round.
				start, before := time.Now(), led.acked.Load()
				for time.Since(start) < 10*time.Second && (led.acked.Load()-before < int64(100*round) || time.Since(start) < time.Duration(300*round)*time.Millisecond) {
					time.Sleep(10 * time.Millisecond)
				}
				srv.cmd.Process.Kill()
				srv.cmd.Wait()
				wg.Wait()
				cancel()
				client.CloseIdleConnections()
				t.Logf("round %d: killed after %s with %d writes acked so far (cumulative), %d in flight at the kills", round, time.Since(start).Round(time.Millisecond), led.acked.Load(), led.maybe.Load())

				// The restarted server serves, and the database holds every acked write.
				srv = startServer(t, db, env...)
				if resp, err := http.Get(srv.url + "/readyz"); err != nil || resp.StatusCode != 200 {
					t.Fatalf("round %d: not ready after restart: %v", round, err)
				} else {
					resp.Body.Close()
				}
				st, err := store.Open(ctx, cfg)
				if err != nil {
					t.Fatalf("round %d: reopen: %v", round, err)
				}
				if err := st.IntegrityCheck(ctx); err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				led.check(t, st)
				st.Close()
				srv.cmd.Process.Kill()
				srv.cmd.Wait()
				if t.Failed() {
					return
				}
			}
		})
	}
}
