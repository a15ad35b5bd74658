package factcheck

import (
	"strings"
	"unicode/utf8"
)

// Anchor places a claim in its article's body: byte offsets plus a
// text-quote selector (prefix, exact, suffix) that survives edits to the body.
type Anchor struct {
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Prefix   string `json:"prefix"`
	Exact    string `json:"exact"`
	Suffix   string `json:"suffix"`
	Orphaned bool   `json:"orphaned"`
}

// anchorContext is how many bytes of context the selector keeps on each side.
const anchorContext = 32

// NewAnchor builds the anchor for body[start:end]. It returns an EINVALID
// error (field "start") when the span is empty, outside the body or splits a
// UTF-8 character.
func NewAnchor(body string, start, end int) (Anchor, error) {
	if start < 0 || end > len(body) || start >= end {
		return Anchor{}, FieldError("start", "The selected span (%d–%d) is outside the article body (0–%d).", start, end, len(body))
	} else if !runeStart(body, start) || !runeStart(body, end) {
		return Anchor{}, FieldError("start", "The selected span splits a character; select whole words.")
	} else if strings.TrimSpace(body[start:end]) == "" {
		return Anchor{}, FieldError("start", "The selected span is only whitespace.")
	}
	ps := start - anchorContext
	for ps > 0 && !runeStart(body, ps) {
		ps--
	}
	ps = max(ps, 0)
	se := end + anchorContext
	for se < len(body) && !runeStart(body, se) {
		se++
	}
	se = min(se, len(body))
	return Anchor{Start: start, End: end, Prefix: body[ps:start], Exact: body[start:end], Suffix: body[end:se]}, nil
}

// FindQuote anchors quote in body: it returns the anchor of its first
// occurrence, or an EINVALID error (field "quote") if body does not contain it.
func FindQuote(body, quote string) (Anchor, error) {
	quote = strings.TrimSpace(quote)
	i := strings.Index(body, quote)
	if quote == "" || i < 0 {
		return Anchor{}, FieldError("quote", "The quote does not appear in the article body.")
	}
	return NewAnchor(body, i, i+len(quote))
}

func runeStart(s string, i int) bool {
	return i == len(s) || i == 0 || utf8.RuneStart(s[i])
}

// AnchorMatch says how Reanchor placed a claim in an edited body.
type AnchorMatch string

// Ways Reanchor can place an anchor.
const (
	MatchExact    AnchorMatch = "position" // same text at the same offsets
	MatchQuote    AnchorMatch = "quote"    // same text elsewhere, chosen by its context
	MatchFuzzy    AnchorMatch = "fuzzy"    // similar wording, e.g. after a copy edit
	MatchOrphaned AnchorMatch = "orphaned" // nowhere to be found; the claim is kept and flagged
)

// minFuzzyScore is the word overlap a passage needs to count as the same claim.
const minFuzzyScore = 0.6

// Reanchor places a in a new version of the article body: at the same
// position if the text there is unchanged, else at the occurrence of the
// exact text whose surrounding context matches best, else at the passage
// with the most similar wording. When none fits, it returns the old anchor
// marked Orphaned, so the claim is never silently dropped.
func Reanchor(a Anchor, body string) (Anchor, AnchorMatch) {
	if a.Exact == "" {
		a.Orphaned = true
		return a, MatchOrphaned
	}
	if a.Start >= 0 && a.End <= len(body) && a.Start < a.End && body[a.Start:a.End] == a.Exact {
		if n, err := NewAnchor(body, a.Start, a.End); err == nil {
			return n, MatchExact
		}
	}
	best, bestScore := -1, -1
	for i := 0; ; {
		j := strings.Index(body[i:], a.Exact)
		if j < 0 {
			break
		}
		pos := i + j
		score := commonSuffix(body[:pos], a.Prefix) + commonPrefix(body[pos+len(a.Exact):], a.Suffix)
		if score > bestScore {
			best, bestScore = pos, score
		}
		i = pos + 1
		for i < len(body) && !utf8.RuneStart(body[i]) {
			i++
		}
		if i >= len(body) {
			break
		}
	}
	if best >= 0 {
		n, err := NewAnchor(body, best, best+len(a.Exact))
		if err == nil {
			return n, MatchQuote
		}
	}
	if start, end, ok := fuzzyFind(body, a.Exact); ok {
		if n, err := NewAnchor(body, start, end); err == nil {
			return n, MatchFuzzy
		}
	}
	a.Orphaned = true
	return a, MatchOrphaned
}

func commonSuffix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// fuzzyFind returns the passage of body (a run of whole sentences as long as
// the quote's sentence count) whose words overlap most with quote.
func fuzzyFind(body, quote string) (start, end int, ok bool) {
	want := wordSet(quote)
	if len(want) == 0 {
		return 0, 0, false
	}
	spans := roughSentences(body)
	n := max(1, strings.Count(strings.TrimRight(quote, ".!? "), ". ")+1)
	best := 0.0
	for i := range spans {
		j := min(i+n, len(spans)) - 1
		s, e := spans[i][0], spans[j][1]
		got := wordSet(body[s:e])
		common := 0
		for w := range want {
			if got[w] {
				common++
			}
		}
		score := float64(common) / float64(max(len(want), len(got)))
		if score > best {
			best, start, end = score, s, e
		}
	}
	return start, end, best >= minFuzzyScore
}

// roughSentences splits body at sentence punctuation and line breaks; it is
// only a candidate generator for fuzzy matching.
func roughSentences(body string) [][2]int {
	var out [][2]int
	start := 0
	flush := func(end int) {
		s, e := start, end
		for s < e && (body[s] == ' ' || body[s] == '\n' || body[s] == '\t') {
			s++
		}
		for e > s && (body[e-1] == ' ' || body[e-1] == '\n' || body[e-1] == '\t') {
			e--
		}
		if s < e {
			out = append(out, [2]int{s, e})
		}
	}
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '\n':
			flush(i)
			start = i + 1
		case '.', '!', '?':
			if i+1 == len(body) || body[i+1] == ' ' || body[i+1] == '\n' {
				flush(i + 1)
				start = i + 1
			}
		}
	}
	flush(len(body))
	return out
}

func wordSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}) {
		set[w] = true
	}
	return set
}
