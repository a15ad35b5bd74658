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
