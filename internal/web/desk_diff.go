package web

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// snapshotFields is the part of a revision snapshot the desk compares.
// ClaimDate and Assignee are empty in revisions older than migration 13.
type snapshotFields struct {
	Statement, Quote, Claimant, Status, Rating, Summary, Rationale string
	ClaimDate, Assignee                                            string
	Tags                                                           []string
	Evidence                                                       []snapshotSource
}

// snapshotSource is a source as a revision snapshot keeps it. ID is 0 in
// snapshots taken before the source was stored.
type snapshotSource struct {
	ID                                     int64
	Title, URL, Publisher, Excerpt, Stance string
	PublishedAt                            *time.Time `json:"published_at"`
}

func parseSnapshot(s string) snapshotFields {
	var f snapshotFields
	json.Unmarshal([]byte(s), &f)
	return f
}

// wording turns stored keys into the words people read: rating labels,
// status words, stances, dates.
type wording struct {
	ratings map[string]string
}

// rating is the label of a rating key; an unknown key is shown as is.
func (w wording) rating(key string) string {
	if l, ok := w.ratings[key]; ok {
		return l
	}
	return key
}

// stanceWords says how a source bears on the claim.
func stanceWords(st string) string {
	switch factcheck.Stance(st) {
	case factcheck.StanceSupports:
		return "supports the claim"
	case factcheck.StanceRefutes:
		return "contradicts the claim"
	case factcheck.StanceContext:
		return "context"
	}
	return st
}

// dateWords writes a YYYY-MM-DD date as people read it.
func dateWords(d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	return fmtDate(&t)
}

// changes lists the fields that differ between two snapshots, in words,
// with a word diff for prose (markdown stripped).
func changes(old, cur snapshotFields, w wording) []views.FieldChange {
	var out []views.FieldChange
	add := func(field, a, b string, words bool) {
		if a == b {
			return
		}
		fc := views.FieldChange{Field: field, Old: a, New: b}
		if words && a != "" && b != "" {
			fc.Diff = wordDiff(a, b)
		}
		out = append(out, fc)
	}
	status := func(s string) string {
		if s == "" {
			return ""
		}
		return factcheck.Status(s).Label()
	}
	add("Statement", old.Statement, cur.Statement, true)
	add("Quote", old.Quote, cur.Quote, true)
	add("Claimant", old.Claimant, cur.Claimant, false)
	if old.ClaimDate != "" || cur.ClaimDate != "" {
		add("Date of the claim", dateWords(old.ClaimDate), dateWords(cur.ClaimDate), false)
	}
	add("Status", status(old.Status), status(cur.Status), false)
	add("Assigned to", old.Assignee, cur.Assignee, false)
	add("Rating", w.rating(old.Rating), w.rating(cur.Rating), false)
	add("Summary", old.Summary, cur.Summary, true)
	add("Rationale", stripMarkdown(old.Rationale), stripMarkdown(cur.Rationale), true)
	add("Tags", strings.Join(old.Tags, ", "), strings.Join(cur.Tags, ", "), false)
	out = append(out, sourceChanges(old.Evidence, cur.Evidence)...)
	return out
}

// sourceChanges says in words how the sources changed: each one added or
// removed, by its title and address; each field that changed on one kept
// ("Source 2: address"); and a new order. A source is the same one across
// snapshots by its ID, or by its address where a snapshot has no ID.
func sourceChanges(old, cur []snapshotSource) []views.FieldChange {
	from := make([]int, len(cur)) // the index in old of each source in cur, or -1
	used := make([]bool, len(old))
	find := func(same func(o, e snapshotSource) bool) {
		for j, e := range cur {
			if from[j] >= 0 {
				continue
			}
			for i, o := range old {
				if !used[i] && same(o, e) {
					from[j], used[i] = i, true
					break
				}
			}
		}
	}
	for j := range from {
		from[j] = -1
	}
	find(func(o, e snapshotSource) bool { return e.ID != 0 && o.ID == e.ID })
	find(func(o, e snapshotSource) bool { return (e.ID == 0 || o.ID == 0) && o.URL == e.URL })
	name := func(e snapshotSource) string {
		if e.Title == "" {
			return e.URL
		}
		return e.Title + " (" + e.URL + ")"
	}
	var out, edits []views.FieldChange
	var oldOrder, curOrder []string
	moved, last := false, -1
	for j, e := range cur {
		i := from[j]
		if i < 0 {
			out = append(out, views.FieldChange{Field: "Added source", New: name(e)})
			continue
		}
		moved, last = moved || i < last, i
		curOrder = append(curOrder, e.Title)
		o := old[i]
		field := func(label, a, b string, words bool) {
			if a == b {
				return
			}
			fc := views.FieldChange{Field: "Source " + strconv.Itoa(j+1) + ": " + label, Old: a, New: b}
			if words && a != "" && b != "" {
				fc.Diff = wordDiff(a, b)
			}
			edits = append(edits, fc)
		}
		field("address", o.URL, e.URL, false)
		field("title", o.Title, e.Title, true)
		field("publisher", o.Publisher, e.Publisher, false)
		field("date", fmtDate(o.PublishedAt), fmtDate(e.PublishedAt), false)
		field("excerpt", o.Excerpt, e.Excerpt, true)
		field("how it bears on the claim", stanceWords(o.Stance), stanceWords(e.Stance), false)
	}
	for i, o := range old {
		if !used[i] {
			out = append(out, views.FieldChange{Field: "Removed source", Old: name(o)})
		} else {
			oldOrder = append(oldOrder, o.Title)
		}
	}
	out = append(out, edits...)
	if moved {
		out = append(out, views.FieldChange{Field: "Order of the sources", Old: strings.Join(oldOrder, "; "), New: strings.Join(curOrder, "; ")})
	}
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
