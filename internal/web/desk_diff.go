package web

import (
	"encoding/json"
	"strings"

	"claimdesk/views"
)

// snapshotFields is the part of a revision snapshot the desk compares.
type snapshotFields struct {
	Statement, Quote, Claimant, Status, Rating, Summary, Rationale string
	Tags                                                           []string
	Evidence                                                       []struct{ Title, URL, Stance string }
}

func parseSnapshot(s string) snapshotFields {
	var f snapshotFields
	json.Unmarshal([]byte(s), &f)
	return f
}

// changes lists the fields that differ between two snapshots, with a word
// diff for prose.
func changes(old, cur snapshotFields) []views.FieldChange {
	var out []views.FieldChange
	add := func(field, a, b string, words bool) {
		if a == b {
			return
		}
		fc := views.FieldChange{Field: field, Old: a, New: b}
		if words {
			fc.Diff = wordDiff(a, b)
		}
		out = append(out, fc)
	}
	add("Statement", old.Statement, cur.Statement, true)
	add("Quote", old.Quote, cur.Quote, true)
	add("Claimant", old.Claimant, cur.Claimant, false)
	add("Status", old.Status, cur.Status, false)
	add("Rating", old.Rating, cur.Rating, false)
	add("Summary", old.Summary, cur.Summary, true)
	add("Rationale", old.Rationale, cur.Rationale, true)
	add("Tags", strings.Join(old.Tags, ", "), strings.Join(cur.Tags, ", "), false)
	ev := func(f snapshotFields) string {
		var lines []string
		for _, e := range f.Evidence {
			lines = append(lines, e.Stance+": "+e.Title)
		}
		return strings.Join(lines, "; ")
	}
	add("Evidence", ev(old), ev(cur), true)
	return out
}

// wordDiff returns a word-level diff of a and b (longest common
// subsequence), merging runs of the same operation. Very long texts fall
// back to a whole replacement to keep the work bounded.
func wordDiff(a, b string) []views.DiffPart {
	aw, bw := strings.Fields(a), strings.Fields(b)
	if len(aw)*len(bw) > 4_000_000 {
		return []views.DiffPart{{Op: "-", Text: a}, {Op: "+", Text: b}}
	}
	n, m := len(aw), len(bw)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if aw[i] == bw[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []views.DiffPart
	push := func(op, w string) {
		if k := len(out) - 1; k >= 0 && out[k].Op == op {
			out[k].Text += " " + w
			return
		}
		if len(out) > 0 {
			w = " " + w
		}
		out = append(out, views.DiffPart{Op: op, Text: w})
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && aw[i] == bw[j]:
			push("=", aw[i])
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			push("+", bw[j])
			j++
		default:
			push("-", aw[i])
			i++
		}
	}
	return out
}
