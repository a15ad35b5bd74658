package factcheck

import (
	"strings"
	"unicode"
)

// CleanLine returns s without control characters (C0, DEL and C1, tabs
// and line breaks included: a one-line field never holds them) and
// without surrounding space. Every one-line input field passes through it
// in its record's Normalize, so no path (form, JSON, CLI, import) stores
// a terminal escape, a NUL or a stray line break in a title or a name.
func CleanLine(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s))
}

// CleanText is CleanLine for multi-line fields (article bodies, rationales,
// excerpts, notes, report messages): it keeps newlines and tabs, turns
// CRLF and lone CR into a newline, drops every other control character,
// and leaves surrounding space alone (the caller trims where offsets do
// not point into the text).
func CleanText(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) < 0 {
		return s // the usual case: nothing to copy
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}
