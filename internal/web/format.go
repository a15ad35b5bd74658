package web

import (
	"bytes"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"

	"claimdesk/views"
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

// The desk's date layouts: a date, a day of the year (a chart's axis) and
// a month, all written month first.
const (
	dateLayout  = "Jan 2, 2006"
	dayLayout   = "Jan 2"
	monthLayout = "Jan 2006"
)

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

// Markdown syntax that stripMarkdown removes, keeping the words.
var (
	mdImage     = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink      = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdLinkTail  = regexp.MustCompile(`\]\((?:https?://|/|#)[^)\s]*\)?`)
	mdLinkCut   = regexp.MustCompile(`!?\[([^\]]*)\]\([^)\s]*$`) // a link cut in its address
	mdStars     = regexp.MustCompile(`\*+`)
	mdAutolink  = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	mdTag       = regexp.MustCompile(`</?[A-Za-z][^>]*>`)
	mdLineStart = regexp.MustCompile(`(?m)^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-+*][ \t]+|\d{1,3}[.)][ \t]+)`)
	mdRefDef    = regexp.MustCompile(`(?m)^[ \t]{0,3}\[[^\]]+\]:[ \t]*\S+.*$`)
	mdUnderLead = regexp.MustCompile(`(^|[^\pL\pN])_+([\pL\pN])`)
	mdUnderEnd  = regexp.MustCompile(`([\pL\pN])_+([^\pL\pN]|$)`)
	mdEscape    = regexp.MustCompile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!>~|])")
)

// stripMarkdown returns the words of markdown source without its syntax:
// emphasis, code ticks, headings, quotes and list markers, links and
// images (their text kept), HTML tags. It also works on fragments (a
// search snippet cut out of a rationale), where a link or an emphasis may
// be open at one end.
func stripMarkdown(s string) string {
	if !strings.ContainsAny(s, "*_[]<`~\\") && !mdLineStart.MatchString(s) {
		return s // no syntax to strip: most snippets, at a fraction of the cost
	}
	s = mdRefDef.ReplaceAllString(s, "")
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdLinkTail.ReplaceAllString(s, "")
	s = mdLinkCut.ReplaceAllString(s, "$1")
	s = dropUnclosed(s)
	s = mdAutolink.ReplaceAllString(s, "$1")
	s = mdTag.ReplaceAllString(s, "")
	s = mdLineStart.ReplaceAllString(s, "")
	// Escaped characters stand for themselves: park them in the private
	// use area while the syntax goes, then put them back.
	s = mdEscape.ReplaceAllStringFunc(s, func(m string) string { return string(rune(0xE000 + int(m[1]))) })
	s = stripStars(s)
	s = strings.NewReplacer("~~", "", "`", "", "__", "").Replace(s)
	s = mdUnderLead.ReplaceAllString(s, "$1$2")
	s = mdUnderEnd.ReplaceAllString(s, "$1$2")
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0xE000 && r < 0xE080 {
			b.WriteByte(byte(r - 0xE000))
		} else {
			b.WriteString(s[i : i+size]) // invalid bytes pass through untouched
		}
		i += size
	}
	return b.String()
}

// publicNote is a correction or retraction note as it is shown, on every
// surface alike (the claim page, /corrections, the embed, the feed, the
// desk's history and notices): its words without markdown syntax. The
// note is a plain sentence, but editors type the rationale's markdown into
// it out of habit, and readers must not see the asterisks.
func publicNote(s string) string { return strings.TrimSpace(stripMarkdown(s)) }

// endSentence ends s with a full stop unless it already ends in one (or
// in "!", "?", "…", ":" or ";"), looking inside closing quotes and
// brackets: "He said “no.”" keeps its ending.
func endSentence(s string) string {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	if s == "" {
		return s
	}
	r, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s, `"')]»’”`))
	if strings.ContainsRune(".!?…:;", r) {
		return s
	}
	return s + "."
}

// dropUnclosed drops each "[" (or "![") that no "]" follows: a link a
// fragment cuts inside its text ("…see [the rep").
func dropUnclosed(s string) string {
	k := strings.LastIndexByte(s, ']') + 1
	return s[:k] + strings.NewReplacer("![", "", "[", "").Replace(s[k:])
}

// stripStars removes the asterisks of emphasis and keeps the others: a run
// of asterisks with a space on both sides ("3 * 4") cannot open or close
// emphasis, so it is the writer's own. A run at either end of s counts as
// emphasis, as a snippet may cut "**own**" between its asterisks and word.
func stripStars(s string) string {
	return replaceAllIndex(mdStars, s, func(i, j int) string {
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[j:])
		if i > 0 && j < len(s) && unicode.IsSpace(before) && unicode.IsSpace(after) {
			return s[i:j]
		}
		return ""
	})
}

// replaceAllIndex is ReplaceAllStringFunc with the match's place in s, so
// fn can look at what surrounds it.
func replaceAllIndex(re *regexp.Regexp, s string, fn func(i, j int) string) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		b.WriteString(s[last:m[0]])
		b.WriteString(fn(m[0], m[1]))
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

const dateTimeLayout = "Jan 2, 2006, 15:04 UTC"

// when is a date for <time>: people read "Nov 21, 2024"; nil is empty.
func when(t *time.Time) views.When {
	if t == nil || t.IsZero() {
		return views.When{}
	}
	return views.When{ISO: isoDate(t), Text: fmtDate(t)}
}

// whenTime is a moment for <time>: "Nov 21, 2024, 14:05 UTC".
func whenTime(t time.Time) views.When {
	if t.IsZero() {
		return views.When{}
	}
	return views.When{ISO: t.UTC().Format(time.RFC3339), Text: t.UTC().Format(dateTimeLayout)}
}
