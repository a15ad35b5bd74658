package factcheck_test

import (
	"strings"
	"testing"

	"claimdesk/internal/factcheck"
)

// checkAnchor fails unless a is in bounds of body and its selector agrees
// with the text around it.
func checkAnchor(t *testing.T, what string, a factcheck.Anchor, body string) {
	t.Helper()
	if a.Start < 0 || a.End > len(body) || a.Start >= a.End {
		t.Fatalf("%s: anchor %d–%d out of bounds of a %d-byte body", what, a.Start, a.End, len(body))
	}
	if body[a.Start:a.End] != a.Exact || !strings.HasSuffix(body[:a.Start], a.Prefix) || !strings.HasPrefix(body[a.End:], a.Suffix) {
		t.Fatalf("%s: selector %q|%q|%q does not match the body at %d–%d", what, a.Prefix, a.Exact, a.Suffix, a.Start, a.End)
	}
}

// FuzzNewAnchor feeds arbitrary bodies and spans (from the API's start/end)
// to NewAnchor and FindQuote: they return an anchor that is in bounds and
// matches the body, or an error; never a panic.
func FuzzNewAnchor(f *testing.F) {
	f.Add("President Biden approved mines. More than 160 countries joined.", 0, 30, "160 countries")
	f.Add("héllo wörld, ünïcode “quotes” — dashes", 1, 3, "wörld")
	f.Add("", 0, 0, "")
	f.Add("abc", -5, 99, "abc")
	f.Add("   \n\t  ", 0, 5, " ")
	f.Add("\xff\xfe invalid utf8 \xc3", 0, 2, "\xc3")
	f.Fuzz(func(t *testing.T, body string, start, end int, quote string) {
		if a, err := factcheck.NewAnchor(body, start, end); err == nil {
			checkAnchor(t, "NewAnchor", a, body)
			if a.Start != start || a.End != end {
				t.Fatalf("NewAnchor moved the span: %d–%d → %d–%d", start, end, a.Start, a.End)
			}
		} else if factcheck.ErrorCode(err) != factcheck.EINVALID {
			t.Fatalf("NewAnchor error code %q: %v", factcheck.ErrorCode(err), err)
		}
		if a, err := factcheck.FindQuote(body, quote); err == nil {
			checkAnchor(t, "FindQuote", a, body)
		}
	})
}

// FuzzReanchor edits an article body arbitrarily and re-places a claim in
// it, also from a stored anchor with arbitrary fields: the result is either
// orphaned or in bounds and matching the new body; never a panic.
func FuzzReanchor(f *testing.F) {
	f.Add("Mines for Ukraine. More than 160 countries joined the treaty. Critics object.", 19, 61,
		"Update first.\n\nMines for Ukraine. More than 160 countries have joined the treaty. Critics object.", "", "", 0, 0)
	f.Add("one two three four", 4, 7, "four three two one two", "x", "zz", -3, 1000)
	f.Add("a", 0, 1, "", "", "a", 0, 1)
	f.Add("same same same", 5, 9, "same same same same", "same ", "same", 10, 4)
	f.Add("Ünïcode “claim” here.", 0, 8, "Here: Ünïcode “claim” here, edited.", "", "\xe2\x80", 1, 2)
	f.Fuzz(func(t *testing.T, oldBody string, start, end int, newBody, prefix, exact string, rawStart, rawEnd int) {
		if a, err := factcheck.NewAnchor(oldBody, start, end); err == nil {
			n, how := factcheck.Reanchor(a, newBody)
			if how != factcheck.MatchOrphaned {
				checkAnchor(t, "Reanchor("+string(how)+")", n, newBody)
			} else if !n.Orphaned || n.Exact != a.Exact {
				t.Fatalf("orphaned anchor lost its quote: %+v", n)
			}
		}
		// A stored anchor may hold anything after a bad migration or import.
		raw := factcheck.Anchor{Start: rawStart, End: rawEnd, Prefix: prefix, Exact: exact}
		n, how := factcheck.Reanchor(raw, newBody)
		if how != factcheck.MatchOrphaned {
			checkAnchor(t, "Reanchor(raw, "+string(how)+")", n, newBody)
		}
	})
}
