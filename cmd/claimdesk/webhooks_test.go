package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/webhook"
)

// A webhook delivery outlives the server that queued it: the real binary
// publishes a claim, its endpoint answers 500, the server is stopped
// (SIGTERM) before the retry, and the restarted server delivers it,
// signed, with the same event id.
func TestWebhookSurvivesServeRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a retry across a restart; make test runs it")
	}
	db := filepath.Join(t.TempDir(), "hooks.db")
	env := []string{"CLAIMDESK_ADMIN_EMAIL=chief@paper.example", "CLAIMDESK_ADMIN_PASSWORD=a long enough secret", "CLAIMDESK_FETCH_ALLOW_PRIVATE=true"}
	srv := startServer(t, db, env...)

	type hit struct {
		header http.Header
		body   []byte
	}
	hits := make(chan hit, 10)
	var mu sync.Mutex
	n := 0
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		n++
		status := 200
		if n == 1 {
			status = 500
		}
		mu.Unlock()
		w.WriteHeader(status)
		hits <- hit{r.Header.Clone(), b}
	}))
	defer rcv.Close()

	tok, _, err := runCLI(t, "", "token", "create", "--db", db, "--email", "chief@paper.example")
	if err != nil {
		t.Fatal(err)
	}
	tok = strings.TrimSpace(tok)
	call := func(method, path string, body any, out any) int {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, srv.url+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if out != nil {
			json.NewDecoder(resp.Body).Decode(out)
		}
		return resp.StatusCode
	}
	var created struct {
		ID     int64
		Secret string
	}
	if st := call("POST", "/api/v1/webhooks", map[string]any{"url": rcv.URL, "events": []string{"claim.published"}}, &created); st != 201 {
		t.Fatalf("register: %d", st)
	}
	st, err := store.Open(context.Background(), store.Config{Path: db})
	if err != nil {
		t.Fatal(err)
	}
	inReview, _, err := st.ListClaims(context.Background(), store.ClaimFilter{Statuses: []factcheck.Status{factcheck.StatusInReview}, Limit: 1})
	st.Close()
	if err != nil || len(inReview) == 0 {
		t.Fatalf("no claim in review in the demo data: %v", err)
	}
	id := inReview[0].ID
	if st := call("POST", "/api/v1/claims/"+strconv.FormatInt(id, 10)+"/publish", nil, nil); st != 200 {
		t.Fatalf("publish: %d", st)
	}
	var first hit
	select {
	case first = <-hits:
	case <-time.After(20 * time.Second):
		t.Fatal("no delivery attempt")
	}
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if err := srv.cmd.Wait(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	startServer(t, db, env...)
	var retry hit
	select {
	case retry = <-hits:
	case <-time.After(60 * time.Second):
		t.Fatal("the delivery was not retried after the restart")
	}
	if err := webhook.Verify(created.Secret, retry.header.Get("X-Claimdesk-Signature"), retry.body, time.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	if retry.header.Get("X-Claimdesk-Delivery") == "" || retry.header.Get("X-Claimdesk-Delivery") != first.header.Get("X-Claimdesk-Delivery") {
		t.Errorf("event ids %q and %q", first.header.Get("X-Claimdesk-Delivery"), retry.header.Get("X-Claimdesk-Delivery"))
	}
	var p struct {
		Type string
		Data struct{ ID int64 }
	}
	if json.Unmarshal(retry.body, &p); p.Type != "claim.published" || p.Data.ID != id {
		t.Errorf("payload %s", retry.body)
	}
}
