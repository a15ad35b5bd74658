package spot

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a half-open byte range [Start, End) of the text given to Split:
// text[Start:End] is one segment.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Split cuts text into sentences and returns their byte ranges in document
// order. It never fails: any input, including invalid UTF-8, yields spans
// that are in order, non-overlapping, non-empty, within [0, len(text)], and
// that neither start nor end with white space (Unicode spaces, line breaks,
// zero-width spaces and byte-order marks are trimmed). Text that is nothing
// but white space yields no spans (an empty, non-nil slice).
//
// A segment ends at
//   - sentence-final punctuation (. ! ? … and doubled periods) followed by
//     white space and something that can start a sentence (a capital,
//     a digit, an opening quote or bracket); closing quotes, brackets and
//     footnote markers such as [1] stay with the sentence they close;
//   - a line break, so headings, by-lines and captions on their own lines
//     are segments of their own, and a blank line always ends a segment.
//     The one exception is hard-wrapped prose: a line of 30 or more
//     characters that ends mid-phrase (a letter, digit, comma, semicolon
//     or dash) and is followed by a line starting with a lowercase letter
//     continues on that line.
//
// The markers of list items ("- ", "• ", "* ", "1. ", "2) ") are not part
// of the item's segment; a line counts as a list item when the nearest
// non-blank line before or after it has the same kind of marker, so a lone
// numbered heading ("1. Background") keeps its number. A photo or source
// credit in parentheses at the end of a line ("(Jane Doe/Reuters)",
// "(Photo: Jane Doe)") stays with the sentence before it.
//
// A period does not end a sentence after a title or other abbreviation
// (Dr., Mr., Nov. 17, No. 3, e.g., U.S. President, J. Smith), inside a
// number (2.35%, $1.5 billion), or when the next word starts in lowercase;
// an ellipsis followed by lowercase continues the sentence. Mojibake such
// as "â€™" and U+FFFD or invalid bytes inside words are treated as letters.
func Split(text string) []Span {
	spans := make([]Span, 0, len(text)/120+1)
	chunk := 0
	for i := 0; i < len(text); {
		r, n := decodeAt(text, i)
		if !isLineBreak(r) {
			i += n
			continue
		}
		next := i + n
		if r == '\r' && next < len(text) && text[next] == '\n' {
			next++
		}
		if !softBreak(text, chunk, i, next) {
			spans = splitChunk(text, listItemStart(text, chunk, i), i, spans)
			chunk = next
		}
		i = next
	}
	return splitChunk(text, listItemStart(text, chunk, len(text)), len(text), spans)
}

// Kinds of list markers at the start of a line.
const (
	markNone   = iota
	markBullet // - * • · ▪ ‣ ◦ –
	markNumber // 1. 2) 10.
)

// listMarker returns the kind of list marker that opens the line starting
// at s (after any indentation) and where the item's text begins, or
// markNone. A marker must be followed by a space and then some text.
func listMarker(text string, s, e int) (kind, start int) {
	s = skipSpaces(text, s, e)
	if s >= e {
		return markNone, s
	}
	j := s
	r, n := decodeAt(text, j)
	switch {
	case strings.ContainsRune("-*•·▪‣◦–", r):
		kind, j = markBullet, j+n
	case r >= '0' && r <= '9':
		for j < e && j-s < 3 && text[j] >= '0' && text[j] <= '9' {
			j++
		}
		if j >= e || text[j] != '.' && text[j] != ')' {
			return markNone, s
		}
		kind, j = markNumber, j+1
	default:
		return markNone, s
	}
	if j >= e {
		return markNone, s
	}
	if r, _ := decodeAt(text, j); !isSpace(r) || isLineBreak(r) {
		return markNone, s
	}
	k := skipSpaces(text, j, e)
	if k >= e {
		return markNone, s
	}
	return kind, k
}

// skipSpaces returns the first position in text[s:e] that is not white
// space other than a line break, or e.
func skipSpaces(text string, s, e int) int {
	for s < e {
		r, n := decodeAt(text, s)
		if !isSpace(r) || isLineBreak(r) {
			break
		}
		s += n
	}
	return s
}

// listItemStart returns where the segment text of the line chunk
// text[a:b] begins: after its list marker ("- ", "• ", "1. ", "2) ") when
// the line is an item of a list, else a. A line is a list item when the
// nearest non-blank line before or after it opens with the same kind of
// marker, so a run of bullets loses its bullets while a lone numbered
// heading such as "1. Background" keeps its number.
func listItemStart(text string, a, b int) int {
	kind, start := listMarker(text, a, b)
	if kind == markNone {
		return a
	}
	if prevLineMarker(text, a) == kind || nextLineMarker(text, b) == kind {
		return start
	}
	return a
}

// prevLineMarker returns the list marker kind of the nearest non-blank
// line ending before a, which starts a line.
func prevLineMarker(text string, a int) int {
	e := a
	for e > 0 {
		// Step back over the line break, then find the line's start.
		r, n := utf8.DecodeLastRuneInString(text[:e])
		if !isLineBreak(r) {
			break
		}
		e -= n
		s := e
		for s > 0 {
			r, n := utf8.DecodeLastRuneInString(text[:s])
			if isLineBreak(r) {
				break
			}
			s -= n
		}
		if skipSpaces(text, s, e) < e {
			kind, _ := listMarker(text, s, e)
			return kind
		}
		e = s
	}
	return markNone
}

// nextLineMarker returns the list marker kind of the nearest non-blank
// line starting after the line break at b.
func nextLineMarker(text string, b int) int {
	s := b
	for s < len(text) {
		r, n := decodeAt(text, s)
		if !isLineBreak(r) {
			break
		}
		s += n
		e := s
		for e < len(text) {
			r, n := decodeAt(text, e)
			if isLineBreak(r) {
				break
			}
			e += n
		}
		if skipSpaces(text, s, e) < e {
			kind, _ := listMarker(text, s, e)
			return kind
		}
		s = e
	}
	return markNone
}

// decodeAt decodes the rune at byte i, taking the ASCII fast path.
// Invalid bytes decode as (utf8.RuneError, 1).
func decodeAt(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// isSpace reports white space for trimming and word breaking; zero-width
// spaces and byte-order marks count because they are invisible in an editor.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || (r >= '\t' && r <= '\r')
	}
	switch r {
	case 0xFEFF, 0x200B, 0x2060, 0x180E:
		return true
	}
	return unicode.IsSpace(r)
}

// softBreak reports whether the line break text[lb:next] merely wraps prose
// (see Split) instead of ending a segment.
func softBreak(text string, chunk, lb, next int) bool {
	j := next
	for j < len(text) {
		r, n := decodeAt(text, j)
		if isLineBreak(r) || !isSpace(r) {
			break
		}
		j += n
	}
	if j >= len(text) {
		return false
	}
	if r, _ := decodeAt(text, j); !unicode.IsLower(r) {
		return false
	}
	ls := lb
	for ls > chunk {
		r, n := utf8.DecodeLastRuneInString(text[chunk:ls])
		if isLineBreak(r) {
			break
		}
		ls -= n
	}
	e := lb
	var last rune
	for e > ls {
		r, n := utf8.DecodeLastRuneInString(text[ls:e])
		if !isSpace(r) {
			last = r
			break
		}
		e -= n
	}
	if e == ls || utf8.RuneCountInString(text[ls:e]) < 30 {
		return false
	}
	return unicode.IsLetter(last) || unicode.IsDigit(last) || strings.ContainsRune(",;-–—", last)
}

// appendTrimmed appends text[s:e] without surrounding white space, if any
// remains.
func appendTrimmed(spans []Span, text string, s, e int) []Span {
	for s < e {
		r, n := decodeAt(text, s)
		if !isSpace(r) {
			break
		}
		s += n
	}
	for e > s {
		r, n := utf8.DecodeLastRuneInString(text[s:e])
		if !isSpace(r) {
			break
		}
		e -= n
	}
	if s < e {
		spans = append(spans, Span{Start: s, End: e})
	}
	return spans
}

// Kinds of sentence-final punctuation.
const (
	termNone = iota
	termDot
	termBang     // ? ! ‽
	termEllipsis // … and its mojibake
	termCJK      // 。！？ end a sentence without a following space
)

// mojibakeEllipsis is "…" encoded as UTF-8, read as Windows-1252 and
// encoded again.
const mojibakeEllipsis = "â€¦"

// mojibakeQuote is the common prefix of curly quotes and apostrophes that
// went through the same damage ("â€™", "â€œ", "â€\u009d").
const mojibakeQuote = "â€"

// termAt returns the kind and byte length of the sentence-final punctuation
// starting at i, or termNone.
func termAt(text string, i, b int) (int, int) {
	switch c := text[i]; {
	case c == '.':
		return termDot, 1
	case c == '!' || c == '?':
		return termBang, 1
	case c < utf8.RuneSelf:
		return termNone, 0
	case c == 0x85: // a stray Windows-1252 ellipsis byte
		if r, n := decodeAt(text, i); r == utf8.RuneError && n == 1 {
			return termEllipsis, 1
		}
		return termNone, 0
	}
	r, n := decodeAt(text, i)
	switch r {
	case '…':
		return termEllipsis, n
	case '‽', '⁇', '⁈', '⁉':
		return termBang, n
	case '。', '！', '？', '｡':
		return termCJK, n
	case 'â':
		if strings.HasPrefix(text[i:b], mojibakeEllipsis) {
			return termEllipsis, len(mojibakeEllipsis)
		}
	}
	return termNone, 0
}

// splitChunk splits text[a:b], which holds no hard line break, at sentence
// boundaries and appends the trimmed segments.
func splitChunk(text string, a, b int, spans []Span) []Span {
	seg := a
	cuts := inlineList(text, a, b)
	for i := a; i < b; {
		if len(cuts) > 0 && i >= cuts[0].start {
			// An item of an inline list starts here: "… 2.) the fee".
			if cuts[0].start > seg {
				spans = appendTrimmed(spans, text, seg, cuts[0].start)
				seg = cuts[0].start
			}
			i = max(i, cuts[0].end) // its marker ends nothing
			cuts = cuts[1:]
			continue
		}
		c := text[i]
		if c == '-' || c == 0xe2 {
			if end, ok := cutOff(text, i, b); ok {
				spans = appendTrimmed(spans, text, seg, end)
				seg, i = end, end
				continue
			}
		}
		if c < utf8.RuneSelf && c != '.' && c != '!' && c != '?' {
			i++
			continue
		}
		if kind, _ := termAt(text, i, b); kind != termNone {
			end, cut := boundary(text, a, b, seg, i)
			if cut {
				spans = appendTrimmed(spans, text, seg, end)
				seg = end
			}
			i = end
			continue
		}
		_, n := decodeAt(text, i)
		i += n
	}
	return appendTrimmed(spans, text, seg, b)
}

// listMark is an inline list marker: text[start:end] is "2.)" or "b.".
type listMark struct{ start, end, ordinal, kind int }

// inlineList finds the markers of a list written inside a line, "1.) a
// permit 2.) a photo" or "a. one b. two": a number, a lowercase letter or
// a lowercase Roman numeral followed by ".", ")" or ".)" and a space,
// after a space or at the start. Only a run counting up from the first
// marker of its kind, two or more long, is a list; lone look-alikes ("No.
// 1 in the race") are not. It returns the markers after the first one,
// where items begin.
func inlineList(text string, a, b int) []listMark {
	var marks []listMark
	for i := a; i < b; i++ {
		if i > a && text[i-1] != ' ' && text[i-1] != '\t' && text[i-1] != ':' {
			continue
		}
		j := i
		for j < b && j-i < 4 && (text[j] >= '0' && text[j] <= '9' || text[j] >= 'a' && text[j] <= 'z') {
			j++
		}
		if j == i || j >= b || text[j] != '.' && text[j] != ')' {
			continue
		}
		tok := text[i:j]
		e := j + 1
		if text[j] == '.' && e < b && text[e] == ')' {
			e++
		}
		if e >= b || text[e] != ' ' {
			continue
		}
		for _, k := range markerKinds(tok) {
			marks = append(marks, listMark{i, e, k.ordinal, k.kind})
		}
	}
	// Keep the longest run 1, 2, 3… of one kind.
	var best []listMark
	for kind := 0; kind < 3; kind++ {
		var run []listMark
		for _, m := range marks {
			if m.kind != kind {
				continue
			}
			switch {
			case m.ordinal == 1 && len(run) < 2:
				run = []listMark{m}
			case len(run) > 0 && m.ordinal == run[len(run)-1].ordinal+1:
				run = append(run, m)
			}
		}
		if len(run) >= 2 && len(run) > len(best) {
			best = run
		}
	}
	if len(best) < 2 {
		return nil
	}
	if best[0].start == a {
		return best[1:]
	}
	return best
}

// markerKinds returns the ordinals tok can have as a list marker, one
// per kind: 0 numbers, 1 letters, 2 Roman numerals ("i" is both).
func markerKinds(tok string) []struct{ ordinal, kind int } {
	var out []struct{ ordinal, kind int }
	if n, err := strconv.Atoi(tok); err == nil && len(tok) <= 2 {
		out = append(out, struct{ ordinal, kind int }{n, 0})
	}
	if len(tok) == 1 && tok[0] >= 'a' && tok[0] <= 'z' {
		out = append(out, struct{ ordinal, kind int }{int(tok[0]-'a') + 1, 1})
	}
	if r := romanValue(tok); r > 0 {
		out = append(out, struct{ ordinal, kind int }{r, 2})
	}
	return out
}

// romanValue returns the value of a lowercase Roman numeral up to xii.
func romanValue(s string) int {
	for i, r := range []string{"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"} {
		if s == r {
			return i + 1
		}
	}
	return 0
}

// cutOff reports an utterance broken off with a dash at i ("—", "–" or
// "--") right after a word, closed by optional quotes and followed by a
// space and the start of a new sentence: "I was about to say— The line
// went dead." It returns where the cut-off sentence ends. Dashes set off
// by spaces or joining words ("cities—Kyiv") are not cut-offs.
func cutOff(text string, i, b int) (int, bool) {
	n := 0
	switch {
	case strings.HasPrefix(text[i:b], "—"), strings.HasPrefix(text[i:b], "–"):
		n = len("—")
	case strings.HasPrefix(text[i:b], "--") && !strings.HasPrefix(text[i:b], "---"):
		n = 2
	default:
		return 0, false
	}
	if i == 0 {
		return 0, false
	}
	if r, _ := utf8.DecodeLastRuneInString(text[:i]); !unicode.IsLetter(r) {
		return 0, false
	}
	j, quoted := skipClosers(text, i+n, b)
	if j >= b {
		return 0, false
	}
	if r, _ := decodeAt(text, j); !isSpace(r) {
		return 0, false
	}
	k := firstVisible(text, j, b)
	if k >= b || !startsSentence(text, k, b) || text[k] >= '0' && text[k] <= '9' {
		return 0, false
	}
	if !quoted && !openerAt(text, k) {
		// Without a closing quote, only a capitalized word that
		// commonly opens a sentence: "say— The line", not "from— Boston".
		if next, _ := wordAt(text, k, b); !starter[next] {
			return 0, false
		}
	}
	return j, true
}

// citationAt reports a parenthetical citation starting at k, "(Monitor,
// 2023)", "(p. 14)", "(Lee and Park 2021, pp. 3–5)", and returns where it
// ends, with a period that may follow it. A citation holds a year or
// opens with a page reference, is short and does not end with its own
// sentence punctuation.
func citationAt(text string, k, b int) (int, bool) {
	if text[k] != '(' {
		return 0, false
	}
	e := strings.IndexByte(text[k:b], ')')
	if e < 0 || e > 80 {
		return 0, false
	}
	inner := text[k+1 : k+e]
	if inner == "" || strings.ContainsAny(inner, "()") || strings.ContainsAny(inner[len(inner)-1:], "!?") {
		return 0, false
	}
	ok := strings.HasPrefix(inner, "p. ") || strings.HasPrefix(inner, "pp. ") || strings.HasPrefix(inner, "ibid")
	for i := 0; i+4 <= len(inner) && !ok; i++ {
		if (i == 0 || inner[i-1] < '0' || inner[i-1] > '9') && (inner[i] == '1' || inner[i] == '2') &&
			isDigits(inner[i:i+4]) && (i+4 == len(inner) || inner[i+4] < '0' || inner[i+4] > '9') {
			ok = true
		}
	}
	if !ok {
		return 0, false
	}
	end := k + e + 1
	if end < b && text[end] == '.' {
		end++
	}
	return end, true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// boundary examines the run of sentence-final punctuation starting at i and
// returns where a sentence would end (after the punctuation and any closing
// quotes or brackets; always > i) and whether it does end there.
func boundary(text string, a, b, seg, i int) (end int, cut bool) {
	j := i
	dots := 0
	bang, ellipsis, cjk := false, false, false
	for j < b {
		kind, n := termAt(text, j, b)
		if kind == termNone {
			break
		}
		switch kind {
		case termDot:
			dots++
		case termBang:
			bang = true
		case termEllipsis:
			ellipsis = true
		case termCJK:
			cjk = true
		}
		j += n
	}
	j, quoted := skipClosers(text, j, b)
	if j >= b || cjk {
		return j, true
	}
	if r, _ := decodeAt(text, j); !isSpace(r) {
		return j, false
	}
	k := j
	for k < b {
		r, n := decodeAt(text, k)
		if !isSpace(r) {
			break
		}
		k += n
	}
	if k >= b {
		return j, true
	}
	if creditAt(text, k, b) {
		return j, false
	}
	if ce, ok := citationAt(text, k, b); ok {
		// "“…end.” (Monitor, 2023) The report…": the citation stays.
		if ce >= b {
			return ce, true
		}
		if r, _ := decodeAt(text, ce); isSpace(r) {
			if n := firstVisible(text, ce, b); n >= b || startsSentence(text, n, b) {
				return ce, true
			}
		}
	}
	switch {
	case bang:
		return j, startsSentence(text, k, b) && !(quoted && speechTagFollows(text, k, b))
	case ellipsis || dots > 1:
		return j, startsSentence(text, k, b)
	}
	return j, periodEnds(text, a, seg, i, k, b)
}

// creditAt reports whether text[k:b] is nothing but a parenthetical
// credit that closes a caption or a quoted line: "(Dev Patel/The Courier)",
// "(AP Photo/Jane Doe)", "(Photo: Jane Doe)", "(Courtesy of the family)".
// It is not a sentence and stays with the one before it. A credit holds a
// slash or opens with a credit word, and does not end with sentence-final
// punctuation of its own; a parenthetical tag like "(Policy)" is neither.
func creditAt(text string, k, b int) bool {
	if text[k] != '(' {
		return false
	}
	e := b
	for e > k {
		r, n := utf8.DecodeLastRuneInString(text[k:e])
		if !isSpace(r) {
			break
		}
		e -= n
	}
	if e-k < 3 || text[e-1] != ')' || e-k > 200 {
		return false
	}
	inner := text[k+1 : e-1]
	if strings.ContainsAny(inner, "()") {
		return false
	}
	if last, _ := utf8.DecodeLastRuneInString(inner); strings.ContainsRune(".!?…", last) {
		return false
	}
	if strings.Contains(inner, "/") {
		return true
	}
	first, _ := wordAt(inner, 0, len(inner))
	return creditWord[first]
}

// creditWord holds words that open a photo or source credit.
var creditWord = set(
	"photo", "photos", "photograph", "photographs", "image", "images",
	"picture", "pictured", "illustration", "graphic", "video", "credit",
	"courtesy", "file", "source",
)

// skipClosers skips closing quotes, brackets, footnote markers and
// superscript digits that follow sentence-final punctuation, and reports
// whether a quotation mark was among them.
func skipClosers(text string, j, b int) (int, bool) {
	quoted := false
	for j < b {
		c := text[j]
		switch c {
		case ')', ']', '}':
			j++
			continue
		case '"', '\'':
			// A straight quote closes only when nothing but space or
			// another closer follows it; otherwise it opens the next
			// quotation.
			if j+1 >= b || closerAt(text, j+1, b) {
				j++
				quoted = true
				continue
			}
			if r, _ := decodeAt(text, j+1); isSpace(r) {
				j++
				quoted = true
				continue
			}
			return j, quoted
		case '[':
			if n := footnoteLen(text, j, b); n > 0 {
				j += n
				continue
			}
			return j, quoted
		}
		if c < utf8.RuneSelf {
			return j, quoted
		}
		r, n := decodeAt(text, j)
		switch {
		case r == '”' || r == '’' || r == '»' || r == '›' || r == '」' || r == '』':
			quoted = true
			j += n
			continue
		case r == '）' || r == '¹' || r == '²' || r == '³' || (r >= '⁰' && r <= '⁹'):
			j += n
			continue
		case r == utf8.RuneError && n == 1 && (c == 0x92 || c == 0x94 || c == 0x9d):
			// Stray Windows-1252 closing quote bytes.
			quoted = true
			j++
			continue
		case r == 'â' && strings.HasPrefix(text[j:b], mojibakeQuote):
			j += len(mojibakeQuote)
			if j < b {
				r2, n2 := decodeAt(text, j)
				if r2 == '™' || r2 == 'œ' || r2 == '˜' || r2 == 0x9d || r2 == utf8.RuneError {
					j += n2
				}
			}
			quoted = true
			continue
		}
		return j, quoted
	}
	return j, quoted
}

// closerAt reports whether a closing quote or bracket starts at j.
func closerAt(text string, j, b int) bool {
	switch c := text[j]; c {
	case ')', ']', '}', '"', '\'':
		return true
	}
	r, _ := decodeAt(text, j)
	switch r {
	case '”', '’', '»', '›', '」', '』', '）':
		return true
	}
	return strings.HasPrefix(text[j:b], mojibakeQuote)
}

// footnoteLen returns the length of a footnote marker like "[1]" or "[a]"
// starting at j, or 0.
func footnoteLen(text string, j, b int) int {
	k := j + 1
	for k < b && k-j <= 4 && isASCIIAlnum(text[k]) {
		k++
	}
	if k > j+1 && k < b && text[k] == ']' {
		return k + 1 - j
	}
	return 0
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// startsSentence reports whether the text at k can begin a sentence: a
// capital or uncased letter, a digit, a currency sign, a bullet, or an
// opening quote or bracket. Lowercase letters and other punctuation cannot.
func startsSentence(text string, k, b int) bool {
	c := text[k]
	switch c {
	case '"', '\'', '(', '[', '$', '#', '*', '@':
		return true
	}
	if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' {
		return true
	}
	if c < utf8.RuneSelf {
		return false
	}
	r, n := decodeAt(text, k)
	switch {
	case r == utf8.RuneError && n == 1:
		return c == 0x91 || c == 0x93 // stray Windows-1252 opening quotes
	case r == 'â' && strings.HasPrefix(text[k:b], mojibakeQuote):
		return true
	case unicode.IsUpper(r) || unicode.IsTitle(r) || unicode.IsDigit(r):
		return true
	case unicode.IsLetter(r):
		return !unicode.IsLower(r) // scripts without case
	case unicode.Is(unicode.Sc, r):
		return true
	}
	switch r {
	case '“', '‘', '«', '„', '‹', '「', '『', '¿', '¡', '•', '（':
		return true
	}
	return false
}

// openerAt reports whether an opening quote or bracket starts at k.
func openerAt(text string, k int) bool {
	switch text[k] {
	case '"', '\'', '(', '[':
		return true
	}
	r, _ := decodeAt(text, k)
	switch r {
	case '“', '‘', '«', '„', '‹', '「', '『':
		return true
	}
	return false
}

// periodEnds decides whether the single period at i, followed by white space
// and then text at k, ends the sentence that began at seg.
func periodEnds(text string, a, seg, i, k, b int) bool {
	ts := i
	for ts > a {
		r, n := utf8.DecodeLastRuneInString(text[a:ts])
		if isSpace(r) {
			break
		}
		ts -= n
	}
	first := ts == firstVisible(text, seg, i)
	tok := text[ts:i]
	// Keep only the last word of compounds like "territory—U.S" or
	// "AFP/Getty", then drop opening quotes and brackets.
	if p := strings.LastIndexAny(tok, "—–/"); p >= 0 {
		_, n := utf8.DecodeRuneInString(tok[p:])
		tok = tok[p+n:]
	}
	tok = strings.TrimLeftFunc(tok, isOpenPunct)
	if tok == "" {
		// A lone period: the last dot of a spaced ellipsis ". . .". Three
		// dots mark words left out; before "I" the sentence goes on.
		if spacedDots(text, a, i) == 3 {
			if next, _ := wordAt(text, k, b); next == "i" {
				return false
			}
		}
		return startsSentence(text, k, b)
	}
	if tok == "N°" || tok == "Nº" || tok == "N°s" {
		c := text[k]
		return !(c >= '0' && c <= '9')
	}
	if last, _ := utf8.DecodeLastRuneInString(tok); !unicode.IsLetter(last) && !unicode.IsDigit(last) {
		// "(ATACMS)." or "said “no”." — a word, not an abbreviation.
		return startsSentence(text, k, b)
	}
	if first && isListMarker(tok) {
		return false // "1. Background", "II. The law", "A. Violations"
	}
	if !startsSentence(text, k, b) {
		return false
	}
	next, initial := wordAt(text, k, b)
	opener := openerAt(text, k)
	lower := strings.ToLower(tok)
	switch {
	case titleAbbrev[tok] || neverEndAbbrev[lower]:
		return false
	case numberAbbrev[lower] && !((lower == "no" || lower == "nos") && tok[0] == 'n'):
		// "No. 3", "p. 12"; but "was no. 12 people" ends a sentence.
		c := text[k]
		return !(c >= '0' && c <= '9' || c == '#')
	case dateAbbrev[tok]:
		c := text[k]
		if c >= '0' && c <= '9' {
			return false
		}
		return opener || starter[next]
	case endAbbrev[tok]:
		return opener || starter[next]
	case strings.IndexByte(tok, '.') > 0 && isDottedAbbrev(tok):
		switch lower {
		case "e.g", "i.e":
			return false
		case "a.m", "p.m":
			// "At 9 a.m. Mr. Lee opened…": a time that opens the
			// sentence goes on; after it, a new sentence starts unless a
			// day, month or time zone follows ("8 p.m. Friday").
			if len(strings.Fields(text[seg:i])) <= 3 {
				return false
			}
			return !dateAbbrev[capitalized(next)] && !weekdayOrMonth[next] && !timeZone[next] && !isUpperWord(text, k, b)
		}
		return opener || starter[next]
	case utf8.RuneCountInString(tok) == 1:
		r, _ := utf8.DecodeRuneInString(tok)
		if unicode.IsUpper(r) {
			// An initial, unless a function word follows: "Plan B. The".
			return !initial && (opener || starter[next])
		}
		if unicode.IsLetter(r) {
			return false // "p. 5", "c. 1850"
		}
	}
	return true
}

// spacedDots counts the dots of a spaced ellipsis ending with the one at
// i: 3 for ". . .", 4 for ". . . ." or "word. . . .".
func spacedDots(text string, a, i int) int {
	n := 1
	for i-2 >= a && text[i-1] == ' ' && text[i-2] == '.' {
		n++
		i -= 2
	}
	return n
}

// firstVisible returns the position of the first non-space rune in
// text[s:e], or e.
func firstVisible(text string, s, e int) int {
	for s < e {
		r, n := decodeAt(text, s)
		if !isSpace(r) {
			return s
		}
		s += n
	}
	return e
}

func isOpenPunct(r rune) bool {
	switch r {
	case '"', '\'', '(', '[', '{', '“', '‘', '«', '„', '‹', '¿', '¡', '-', '*', '•':
		return true
	}
	return false
}

// isListMarker reports tokens that number list items and section headings:
// up to three digits, a Roman numeral, or a single letter.
func isListMarker(tok string) bool {
	if len(tok) <= 3 && strings.Trim(tok, "0123456789") == "" {
		return true
	}
	if len(tok) <= 6 && (strings.Trim(tok, "IVXLC") == "" || strings.Trim(tok, "ivxlc") == "") {
		return true
	}
	return utf8.RuneCountInString(tok) == 1
}

// isDottedAbbrev reports abbreviations written with inner periods such as
// "U.S", "Ph.D", "a.m" (the final period is not part of tok).
func isDottedAbbrev(tok string) bool {
	for part := range strings.SplitSeq(tok, ".") {
		if part == "" || len(part) > 3 {
			return false
		}
		for _, r := range part {
			if !unicode.IsLetter(r) {
				return false
			}
		}
	}
	return true
}

// wordAt returns the lowercased word starting at k without surrounding
// punctuation, and whether it is an initial (one capital and a period).
func wordAt(text string, k, b int) (string, bool) {
	e := k
	for e < b && e-k < 40 {
		r, n := decodeAt(text, e)
		if isSpace(r) {
			break
		}
		e += n
	}
	w := strings.TrimLeftFunc(text[k:e], isOpenPunct)
	initial := len(w) == 2 && w[1] == '.' && w[0] >= 'A' && w[0] <= 'Z'
	w = strings.TrimRightFunc(w, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.ToLower(w), initial
}

// isUpperWord reports whether the word at k is written in capitals only,
// like the time zone in "5 p.m. ET".
func isUpperWord(text string, k, b int) bool {
	letters := 0
	for e := k; e < b; {
		r, n := decodeAt(text, e)
		if isSpace(r) {
			break
		}
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
		e += n
	}
	return letters >= 2
}

func capitalized(w string) string {
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

// speechTagFollows reports whether the text at k reads like the speech tag
// of a quotation that ended in ? or !, as in `"Why now?" Smith asked.`:
// up to three capitalized words and then a speech verb with punctuation.
func speechTagFollows(text string, k, b int) bool {
	for words := 0; words < 4 && k < b; words++ {
		e := k
		for e < b {
			r, n := decodeAt(text, e)
			if isSpace(r) {
				break
			}
			e += n
		}
		w := text[k:e]
		bare := strings.TrimRightFunc(w, unicode.IsPunct)
		if speechVerb[strings.ToLower(bare)] {
			return words > 0 && len(bare) < len(w)
		}
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) || len(bare) < len(w) {
			return false
		}
		k = firstVisible(text, e, b)
	}
	return false
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// titleAbbrev holds abbreviations that stand before a name and so never
// end a sentence; matched as written.
var titleAbbrev = set(
	"Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Sen", "Sens", "Rep", "Reps",
	"Gov", "Gen", "Lt", "Col", "Maj", "Capt", "Cpt", "Cmdr", "Cdr", "Adm",
	"Sgt", "Cpl", "Pvt", "Rev", "Hon", "Pres", "Supt", "Det", "Insp", "Fr",
	"Msgr", "Messrs", "Mme", "Mlle", "Atty", "Amb", "Brig", "Lieut", "Gens",
	"MR", "MRS", "MS", "DR", "PROF", "SEN", "REP", "GOV", "GEN",
)

// neverEndAbbrev holds lowercase abbreviations that introduce what follows.
var neverEndAbbrev = set(
	"vs", "cf", "viz", "approx", "appx", "incl", "esp", "ca", "resp", "eg", "ie",
)

// numberAbbrev holds abbreviations that do not end a sentence when a number
// follows ("No. 3", "p. 12", "Art. 20"); matched in lowercase.
var numberAbbrev = set(
	"no", "nos", "nr", "vol", "vols", "fig", "figs", "p", "pp", "art", "arts",
	"sec", "secs", "ch", "chap", "para", "pt", "pts", "ed", "eds", "op",
	"tel", "ext", "ref", "ex", "sect", "cl", "reg", "rs", "ps",
)

// dateAbbrev holds month and weekday abbreviations; matched as written.
var dateAbbrev = set(
	"Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct",
	"Nov", "Dec", "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri",
	"Sat", "Sun",
)

// endAbbrev holds abbreviations that often sit in mid-sentence but may also
// end one; they end it only before a typical sentence opener.
var endAbbrev = set(
	"Inc", "Corp", "Ltd", "Co", "Cos", "Jr", "Sr", "Bros", "LLC", "PLC",
	"LLP", "Plc", "Pty", "Ave", "Blvd", "Rd", "St", "Mt", "Ft", "Dept",
	"Univ", "Assn", "Govt", "Intl", "Natl", "Est", "al", "Ala", "Ariz",
	"Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan",
	"Kans", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont",
	"Neb", "Nebr", "Nev", "Okla", "Ore", "Pa", "Penn", "Tenn", "Tex", "Va",
	"Vt", "Wash", "Wis", "Wisc", "Wyo",
)

// timeZone holds words that name a time zone after "a.m." or "p.m.".
var timeZone = set("eastern", "central", "pacific", "mountain", "atlantic", "et", "ct", "pt", "mt",
	"est", "edt", "cst", "cdt", "pst", "pdt", "gmt", "utc", "bst", "cet", "cest", "local")

var weekdayOrMonth = set(
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday", "january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december",
)

// starter holds words that commonly open a sentence; after an ambiguous
// abbreviation (U.S., Inc., an initial) only these make a new sentence.
var starter = set(
	"a", "an", "the", "he", "she", "it", "its", "it's", "they", "we", "i",
	"you", "this", "that", "these", "those", "there", "here", "his", "her",
	"their", "our", "my", "your", "but", "and", "or", "so", "yet", "nor",
	"in", "on", "at", "for", "from", "by", "with", "to", "of", "after",
	"before", "when", "while", "if", "as", "since", "although", "though",
	"however", "meanwhile", "also", "still", "then", "thus", "now", "what",
	"who", "why", "how", "where", "which", "no", "not", "some", "many",
	"most", "all", "both", "each", "every", "other", "such", "one", "more",
	"only", "even", "despite", "during", "until", "about", "among", "under",
	"over", "according", "last", "earlier", "later", "today", "yesterday",
	"instead", "indeed", "neither", "nobody", "none", "nothing", "several",
	"few", "two", "three", "four", "five", "six", "seven", "eight", "nine",
	"ten",
)

var speechVerb = set(
	"said", "says", "asked", "asks", "added", "adds", "told", "wrote",
	"writes", "replied", "replies", "shouted", "cried", "exclaimed",
	"recalled", "insisted", "argued", "warned", "explained", "noted",
	"continued", "wondered", "demanded", "laughed", "joked", "tweeted",
	"posted", "admitted", "answered",
)
