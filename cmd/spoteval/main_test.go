package main

import (
	"bytes"
	"strings"
	"testing"
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
