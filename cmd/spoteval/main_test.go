package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"claimdesk/internal/labelled"
	"claimdesk/internal/match"
)

// TestWithoutShared: with no ../shared the eval says what it skips.
func TestWithoutShared(t *testing.T) {
	var b bytes.Buffer
	printCheckworthy(&b, "")
	printMatch(&b, "")
	out := b.String()
	if strings.Count(out, "skipped: shared/data/") != 2 {
		t.Errorf("want two skip lines naming the missing data, got:\n%s", out)
	}
}

func TestOwnCorporaLoad(t *testing.T) {
	var b bytes.Buffer
	// No shared articles: the own corpora still report, the shared row says why not.
	if err := run(&b, "", false, ""); err != nil && !strings.Contains(err.Error(), "goals") {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "own-test (held out)") || !strings.Contains(b.String(), "blind, first run") {
		t.Errorf("report lacks the own corpora or the recorded blind run:\n%s", b.String())
	}
}

// TestRescorerReproduces refits the matcher's re-scorer on the public dev
// sets: the weights must be the committed ones (match.DefaultParams), and
// the cross-validated MAP@5 must beat the BM25 stage on both sets.
func TestRescorerReproduces(t *testing.T) {
	cwd, _ := os.Getwd()
	dir := matchDir(cwd)
	if dir == "" {
		t.Skip("skipped: ../shared/data/matching (the public matching dev sets) is not beside the repository")
	}
	var b bytes.Buffer
	w, err := trainRescore(&b, dir, defaultRescore)
	if err != nil {
		t.Fatal(err)
	}
	want := match.DefaultParams().Rescore
	if len(w) != len(want) {
		t.Fatalf("refit gave %d weights, committed %d", len(w), len(want))
	}
	for i := range w {
		if math.Abs(w[i]-want[i]) > 1e-9 {
			t.Errorf("weight %d: refit %v, committed %v\n%s", i, w[i], want[i], b.String())
		}
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.Contains(line, "cross-validated") && !strings.Contains(line, "(+") {
			t.Errorf("re-scorer does not beat BM25 out of fold: %s", line)
		}
	}
}

// TestClaimantLabels: claimant-labels.tsv parses and every labelled offset
// is the start of a sentence spot.Suggest returns (loadClaimants refuses
// any other), for own-test and blind always and for the shared articles when they
// are beside the repository.
func TestClaimantLabels(t *testing.T) {
	cwd, _ := os.Getwd()
	root, err := labelled.FindUp(cwd, "internal/spot/testdata/eval")
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(root, "internal/spot/testdata/eval")
	labels := filepath.Join(data, "claimant-labels.tsv")
	count := func(docs []claimantDoc, corpus string) int {
		n := 0
		for _, d := range docs {
			if d.corpus == corpus {
				n += len(d.gold)
			}
		}
		return n
	}
	docs, err := loadClaimants(labels, data, "")
	if err != nil {
		t.Fatal(err)
	}
	if n := count(docs, "own-test"); n < 20 {
		t.Errorf("own-test: %d labelled sentences, want the file's 30-odd", n)
	}
	if n := count(docs, "blind"); n < 50 {
		t.Errorf("blind: %d labelled sentences, want the file's 60-odd", n)
	}
	if count(docs, "shared") != 0 {
		t.Error("shared sentences loaded without the shared articles")
	}
	var b bytes.Buffer
	if err := printClaimant(&b, data, "", false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "shared (development)            skipped: shared/articles not found") {
		t.Errorf("without the shared articles the claimant report should say it skips them:\n%s", b.String())
	}
	dir, err := labelled.FindUp(cwd, "shared/articles")
	if err != nil {
		t.Skip("skipped the shared labels: shared/articles (the real news articles) is not beside the repository")
	}
	docs, err = loadClaimants(labels, data, filepath.Join(dir, "shared/articles"))
	if err != nil {
		t.Fatal(err)
	}
	if n := count(docs, "shared"); n < 40 {
		t.Errorf("shared: %d labelled sentences, want the file's 60-odd", n)
	}
}

// TestClaimantMatch: the scoring rule does what claimantMatch says.
func TestClaimantMatch(t *testing.T) {
	cases := []struct {
		gold, got string
		want      bool
	}{
		{"-", "", true},
		{"-", "The ministry", false},
		{"Mary Wareham", "", false},
		{"Mary Wareham", "mary wareham", true},
		{"The Pentagon", "Pentagon", true},
		{"Lloyd Austin", "Defense Secretary Lloyd Austin", true},
		{"Lloyd Austin", "Austin", true},
		{"Lloyd Austin", "Lloyd", false},
		{"Vladimir Putin", "Russian President Vladimir Putin", true},
		{"One official", "The official", true},
		{"two U.S. officials", "Two U.S. officials", true},
		{"the city’s traffic authority", "the city's traffic authority", true},
		{"Nadia Petrov", "Nadia Petrov of OpenLine", true},
		{"analysts at AgriBank", "analysts", true},
		{"Mary Wareham", "Mary Wareham, deputy director of the arms division", true},
		{"Biden", "the Biden administration", false},
		{"Helen Cho", "Dev Patel", false},
		{"the Institute for Fiscal Studies", "Fiscal Studies (IFS", false},
	}
	for _, tc := range cases {
		if got := claimantMatch(tc.gold, tc.got); got != tc.want {
			t.Errorf("claimantMatch(%q, %q) = %v, want %v", tc.gold, tc.got, got, tc.want)
		}
	}
}
