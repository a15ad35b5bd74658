package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSuggestThreshold(t *testing.T) {
	input := "Exports fell 8.2% in October, the agency said. It was a quiet day."
	count := func(args ...string) int {
		t.Helper()
		out, _, err := runCLI(t, input, append([]string{"suggest"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var s struct{ Checkworthy bool }
			if err := json.Unmarshal([]byte(l), &s); err != nil {
				t.Fatal(err)
			}
			if s.Checkworthy {
				n++
			}
		}
		return n
	}
	if got := count("--threshold", "0", "-"); got != 2 {
		t.Errorf("--threshold 0 flagged %d of 2", got)
	}
	if got := count("--threshold", "1", "-"); got != 0 {
		t.Errorf("--threshold 1 flagged %d of 2", got)
	}
	if got := count("-"); got != 1 {
		t.Errorf("default threshold flagged %d of 2, want the claim only", got)
	}
	if _, _, err := runCLI(t, input, "suggest", "--threshold", "1.5", "-"); err == nil {
		t.Error("--threshold 1.5 accepted")
	}
}
