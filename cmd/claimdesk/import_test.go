package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/seed"
	"claimdesk/internal/store"
	"claimdesk/seeds"
)

// newDB makes a migrated database at path, loaded with the demo seeds
// when seeded, as serve would leave it.
func newDB(t *testing.T, path string, seeded bool) {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if seeded {
		if _, err := seed.Load(context.Background(), st, seeds.FS); err != nil {
			t.Fatal(err)
		}
	}
}

// reviewsOf reads a DataFeed and returns each ClaimReview as canonical
// JSON, sorted.
func reviewsOf(t *testing.T, feed string) []string {
	t.Helper()
	var f struct {
		Type            string `json:"@type"`
		DataFeedElement []struct {
			Item []map[string]any
		}
	}
	if err := json.Unmarshal([]byte(feed), &f); err != nil || f.Type != "DataFeed" {
		t.Fatalf("not a DataFeed (%v): %.300s", err, feed)
	}
	var out []string
	for _, el := range f.DataFeedElement {
		for _, it := range el.Item {
			b, _ := json.Marshal(it)
			out = append(out, string(b))
		}
	}
	sort.Strings(out)
	return out
}

// A ClaimReview round trip with the real binary: export a desk, import
// the feed into an empty desk, export that: the same claims, under the
// first desk's name and addresses. A second import adds nothing.
func TestClaimReviewRoundTrip(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	newDB(t, a, true)
	newDB(t, b, false)
	env := []string{"CLAIMDESK_BASE_URL=https://desk-a.example", "CLAIMDESK_NEWSROOM=Desk A"}
	exp := runBin(t, dir, "", env, "export", "--db", a, "claimreview")
	if exp.code != 0 {
		t.Fatalf("export: %d %s", exp.code, exp.stderr)
	}
	first := reviewsOf(t, exp.stdout)
	if len(first) < 10 || !strings.Contains(first[0], `"name":"Desk A"`) {
		t.Fatalf("export has %d reviews: %v", len(first), first)
	}
	feed := filepath.Join(dir, "a-feed.json")
	os.WriteFile(feed, []byte(exp.stdout), 0o644)

	imp := runBin(t, dir, "", nil, "import", "--db", b, feed)
	if imp.code != 0 || !strings.Contains(imp.stdout, "added 16 (0 articles, 16 claims), skipped 0, failed 0") {
		t.Fatalf("import: %d\n%s\n%s", imp.code, imp.stdout, imp.stderr)
	}
	// Not a terminal: one plain line per item.
	if n := strings.Count(imp.stderr, "] added claim "); n != len(first) {
		t.Errorf("%d progress lines for %d items:\n%s", n, len(first), imp.stderr)
	}
	again := runBin(t, dir, "", nil, "import", "--db", b, feed)
	if again.code != 0 || !strings.Contains(again.stdout, "added 0 (0 articles, 0 claims), skipped 16, failed 0") ||
		!strings.Contains(again.stdout, "skipped 16: imported already") {
		t.Fatalf("second import: %d\n%s", again.code, again.stdout)
	}
	exp2 := runBin(t, dir, "", []string{"CLAIMDESK_BASE_URL=https://desk-b.example", "CLAIMDESK_NEWSROOM=Desk B"}, "export", "--db", b, "claimreview")
	second := reviewsOf(t, exp2.stdout)
	if len(second) != len(first) {
		t.Fatalf("%d reviews after the round trip, %d before", len(second), len(first))
	}
	for i := range first {
		if first[i] != second[i] {
			t.Errorf("review changed in the round trip:\n before %s\n after  %s", first[i], second[i])
		}
	}
	if strings.Contains(exp2.stdout, "desk-b.example/claims") || strings.Contains(exp2.stdout, `"name":"Desk B"},"`) {
		t.Error("the imported reviews are passed off as desk B's")
	}

	// The JSON Lines export says where every claim came from.
	jl := runBin(t, dir, "", nil, "export", "--db", b, "jsonl")
	lines := strings.Split(strings.TrimSpace(jl.stdout), "\n")
	if jl.code != 0 || len(lines) != 16 {
		t.Fatalf("jsonl: %d, %d lines", jl.code, len(lines))
	}
	var line struct {
		ImportedFrom *struct{ URL, Publisher string } `json:"imported_from"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &line); err != nil || line.ImportedFrom == nil || line.ImportedFrom.Publisher != "Desk A" ||
		!strings.HasPrefix(line.ImportedFrom.URL, "https://desk-a.example/claims/") {
		t.Errorf("jsonl line: %v %s", err, lines[0])
	}
}

// An import of a folder with broken files: the rest is imported, each
// failure is named with its reason, the exit status says something
// failed, and a dry run beforehand writes nothing.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	newDB(t, db, false)
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	for name, body := range map[string]string{
		"one.txt":    "Bus fares fall\n\nBus fares fell by a tenth this year, the transit authority said.",
		"two.md":     "# Rents rise\n\nRents rose by **12%** in a year, the tenants' union said.",
		"broken.txt": "\xff\xfe\x00binary",
		"bad.json":   `{"@type": "ClaimReview",`,
	} {
		os.WriteFile(filepath.Join(in, name), []byte(body), 0o644)
	}
	dry := runBin(t, dir, "", nil, "import", "--db", db, "--dry-run", in)
	if dry.code != 1 || !strings.Contains(dry.stdout, "would add 2 (2 articles, 0 claims), skipped 0, failed 2") {
		t.Fatalf("dry run: %d\n%s%s", dry.code, dry.stdout, dry.stderr)
	}
	st := openAt(t, db)
	if as, _ := st.Articles(t.Context(), 10); len(as) != 0 {
		t.Fatalf("the dry run stored %d articles", len(as))
	}
	st.Close()
	r := runBin(t, dir, "", nil, "import", "--db", db, in)
	if r.code != 1 || !strings.Contains(r.stdout, "added 2 (2 articles, 0 claims), skipped 0, failed 2") ||
		!strings.Contains(r.stdout, "failed  "+filepath.Join(in, "broken.txt")+": not text") ||
		!strings.Contains(r.stdout, "failed  "+filepath.Join(in, "bad.json")+": not JSON") ||
		!strings.Contains(r.stderr, "2 of 4 items failed") {
		t.Fatalf("import: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	st = openAt(t, db)
	as, _ := st.Articles(t.Context(), 10)
	if len(as) != 2 {
		t.Fatalf("%d articles stored", len(as))
	}
	st.Close()
	if r := runBin(t, dir, "", nil, "import", "--db", filepath.Join(dir, "missing.db"), in); r.code != 1 || !strings.Contains(r.stderr, "no database") {
		t.Errorf("missing database: %d %s", r.code, r.stderr)
	}
	if r := runBin(t, dir, "", nil, "export", "--db", db, "csv"); r.code != 2 {
		t.Errorf("export csv: %d", r.code)
	}
}

// openAt opens an existing SQLite database for a look; close it before
// running the binary on it again.
func openAt(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Importing a desk's own export into the same desk adds nothing: every
// review is the desk's already, whether the import knows the base URL the
// export was made under or finds each review's claim by its address.
func TestImportOwnExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	newDB(t, db, true)
	env := []string{"CLAIMDESK_BASE_URL=https://desk-a.example"}
	exp := runBin(t, dir, "", env, "export", "--db", db, "claimreview")
	n := len(reviewsOf(t, exp.stdout))
	feed := filepath.Join(dir, "own.json")
	os.WriteFile(feed, []byte(exp.stdout), 0o644)
	want := fmt.Sprintf("added 0 (0 articles, 0 claims), skipped %d, failed 0", n)
	for _, env := range [][]string{env, {"CLAIMDESK_BASE_URL=https://elsewhere.example"}} {
		r := runBin(t, dir, "", env, "import", "--db", db, feed)
		if r.code != 0 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, fmt.Sprintf("skipped %d: already this desk's", n)) {
			t.Fatalf("import of the desk's own export with %v: %d\n%s%s", env, r.code, r.stdout, r.stderr)
		}
	}
	st := openAt(t, db)
	defer st.Close()
	counts, err := st.CountClaims(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var public int64
	for _, s := range factcheck.PublicStatuses() {
		public += counts[s]
	}
	if public != int64(n) {
		t.Errorf("%d public claims after re-importing %d of the desk's own", public, n)
	}
}
