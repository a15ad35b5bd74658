package web

import (
	"bytes"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
)

// markdown renders rationales: goldmark for CommonMark, bluemonday's UGC
// policy so no script, style or event handler survives.
var (
	md       = goldmark.New()
	sanitize = bluemonday.UGCPolicy().RequireNoFollowOnLinks(true).AddTargetBlankToFullyQualifiedLinks(false)
)

// renderMarkdown returns sanitized HTML for markdown source.
func renderMarkdown(src string) string {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return sanitize.Sanitize(src)
	}
	return sanitize.Sanitize(buf.String())
}

const dateLayout = "Jan 2, 2006"

// fmtDate writes a date for people ("Nov 21, 2024"); "" for none.
func fmtDate(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(dateLayout)
}

// isoDate writes a time for machines (RFC 3339); "" for none.
func isoDate(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// dateInput writes a date for an <input type="date">.
func dateInput(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// truncate cuts s to at most n bytes at a word (or rune) boundary, adding "…".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := lastSpace(s[:n])
	if cut < n/2 {
		cut = n
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
	}
	return s[:cut] + "…"
}

func lastSpace(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ' ' {
			return i
		}
	}
	return -1
}
