package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// The JSON of a claim (desk and public API: one shape), an article and an
// error, byte for byte. Timestamps vary per run, so each "…_at" value is
// checked to be RFC 3339 and then written as "TIME".
func TestJSONShapesGolden(t *testing.T) {
	st := testutil.OpenStore(t, "sqlite")
	ctx := context.Background()
	u := &factcheck.User{Email: "golden@test.example", Name: "Gold Editor", Role: factcheck.RoleAdmin}
	if err := st.CreateUser(ctx, u, testPassword); err != nil {
		t.Fatal(err)
	}
	tok, err := st.CreateAPIToken(ctx, u.ID, "golden")
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(newServer(t, st, web.Config{BaseURL: "https://desk.example", Newsroom: "Golden Desk"}).Handler())
	t.Cleanup(hs.Close)
	call := func(method, path string, body any) (int, []byte) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, hs.URL+path, rd)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}

	status, article := call("POST", "/api/v1/articles", map[string]string{"title": "Lanes and injuries", "outlet": "The Riverton Ledger",
		"author": "Sam Reporter", "url": "https://ledger.example/lanes", "published_at": "2024-11-20",
		"body": "Riverton's mayor said protected bike lanes cut cycling injuries by a third since 2022. Critics are unconvinced."})
	if status != 201 {
		t.Fatalf("article: %d %s", status, article)
	}
	golden(t, "article.json", article)

	var cl web.ClaimJSON
	status, b := call("POST", "/api/v1/articles/1/claims", map[string]any{"start": 0, "end": 85, "claimant": "Alicia Moreno",
		"statement": "Protected bike lanes cut cycling injuries by a third since 2022"})
	if status != 201 || json.Unmarshal(b, &cl) != nil {
		t.Fatalf("claim: %d %s", status, b)
	}
	call("POST", "/api/v1/claims/1/evidence", map[string]string{"url": "https://city.example/safety-report", "title": "Cycling safety report 2024",
		"publisher": "City of Riverton", "published_at": "2024-10-01", "excerpt": "Injuries fell 12 percent.", "stance": "refutes"})
	status, b = call("PUT", "/api/v1/claims/1/verdict", map[string]any{"rating": "mostly-false", "summary": "Injuries fell by about an eighth, not a third.",
		"rationale": "The city's own report shows a **12%** fall.", "version": 2})
	if status != 200 {
		t.Fatalf("verdict: %d %s", status, b)
	}
	_, desk := call("GET", "/desk/claims/1", nil)
	golden(t, "claim-draft.json", desk)
	// A claim the readiness checklist finds incomplete is refused with
	// every missing item, in words and as a list.
	status, b = call("POST", "/api/v1/articles/1/claims", map[string]any{"quote": "Critics are unconvinced."})
	if status != 201 {
		t.Fatalf("second claim: %d %s", status, b)
	}
	if status, b = call("POST", "/api/v1/claims/2/submit", nil); status != 422 {
		t.Fatalf("incomplete submit: %d %s", status, b)
	}
	golden(t, "error-readiness.json", b)
	call("POST", "/api/v1/claims/1/submit", nil)
	if status, b = call("POST", "/api/v1/claims/1/publish", nil); status != 200 {
		t.Fatalf("publish: %d %s", status, b)
	}
	_, public := call("GET", "/api/v1/claims/1", nil)
	golden(t, "claim.json", public)
	// The desk and the public API show a published claim the same way.
	if _, desk = call("GET", "/desk/claims/1", nil); !bytes.Equal(normalizeTimes(t, desk), normalizeTimes(t, public)) {
		t.Errorf("desk and public JSON differ:\n%s\n%s", desk, public)
	}

	status, stale := call("PUT", "/api/v1/claims/1/verdict", map[string]any{"rating": "true", "version": 1})
	if status != 409 {
		t.Fatalf("stale verdict: %d", status)
	}
	golden(t, "error.json", stale)

	// The same claim, seen again in another article and on a video page.
	status, b = call("POST", "/api/v1/articles", map[string]string{"title": "Council votes on lanes", "outlet": "Riverton Post",
		"url": "https://post.example/council", "published_at": "2025-02-03",
		"body": "At the council, the mayor repeated that bike lanes cut injuries by a third. The vote is next week."})
	if status != 201 {
		t.Fatalf("second article: %d %s", status, b)
	}
	if status, b = call("POST", "/api/v1/claims/1/appearances", map[string]any{"article_id": 2, "start": 16, "end": 75}); status != 201 {
		t.Fatalf("appearance in an article: %d %s", status, b)
	}
	status, seen := call("POST", "/api/v1/claims/1/appearances", map[string]any{"url": "https://video.example/watch?v=42",
		"quote": "Our lanes cut injuries by a third", "claimant": "Alicia Moreno", "appeared_at": "2025-03-01"})
	if status != 201 {
		t.Fatalf("appearance on a page: %d %s", status, seen)
	}
	golden(t, "claim-appearances.json", seen)
}

// golden compares got, with its timestamps normalized and indented, to
// testdata/golden/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	got = normalizeTimes(t, got)
	path := filepath.Join("testdata", "golden", name)
	if *updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestJSONShapesGolden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s changed:\n got: %s\nwant: %s", name, got, want)
	}
}

// timeField matches a "…_at" key with a string value in compact JSON.
var timeField = regexp.MustCompile(`"(\w+_at)":"([^"]*)"`)

// normalizeTimes indents a JSON document, keeping its key order, after
// replacing the value of every "…_at" key (checked to be RFC 3339) by "TIME".
func normalizeTimes(t *testing.T, doc []byte) []byte {
	t.Helper()
	var compact bytes.Buffer
	if err := json.Compact(&compact, doc); err != nil {
		t.Fatalf("bad JSON %s: %v", doc, err)
	}
	out := timeField.ReplaceAllFunc(compact.Bytes(), func(m []byte) []byte {
		sub := timeField.FindSubmatch(m)
		if _, err := time.Parse(time.RFC3339, string(sub[2])); err != nil {
			t.Errorf("%s is not RFC 3339: %q", sub[1], sub[2])
		}
		return []byte(`"` + string(sub[1]) + `":"TIME"`)
	})
	var pretty bytes.Buffer
	json.Indent(&pretty, out, "", "  ")
	return append(pretty.Bytes(), '\n')
}
