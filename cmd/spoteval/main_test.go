package main

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"

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
