package spot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word, number or money/percent sign of a sentence, as the
// scorer and Terms see it.
type token struct {
	raw     string // as written, without surrounding punctuation
	low     string // lowercase, curly apostrophes straightened, "'s" dropped
	cap     bool   // starts with a capital letter
	acronym bool   // two or more capitals and no lowercase: NATO, U.S, ICBL
	num     bool   // contains a digit
	symbol  bool   // %, $, £, € and other currency signs
	opening bool   // first word of the sentence or of a quotation
	quoted  bool   // inside quotation marks
}

// repairMojibake undoes the most common damage done by reading UTF-8 as
// Windows-1252 so that "Ukraineâ€™s" scores like "Ukraine’s". It is only
// used for scoring; offsets are never computed on its output.
var repairMojibake = strings.NewReplacer(
	"â€™", "’", "â€˜", "‘", "â€œ", "“", "â€\u009d", "”", "â€”", "—",
	"â€“", "–", "â€¦", "…", "â€", "”", "Â£", "£", "Â€", "€", "Â\u00a0", " ",
	"Â ", " ", "Ã©", "é", "Ã¨", "è", "Ã¶", "ö", "Ã¼", "ü", "Ã¤", "ä",
)

// isWordRune reports runes that make up words. U+FFFD and invalid bytes
// count, so damaged words stay whole.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == utf8.RuneError
}

// tokenize splits s into tokens. Periods, commas, apostrophes and hyphens
// stay inside a token when a word rune follows them ("2.35", "1,000",
// "U.S", "don't", "self-destruct"); commas only between digits.
func tokenize(s string) []token {
	s = repairMojibake.Replace(s)
	toks := make([]token, 0, len(s)/5)
	quoted := false
	opening := true
	for i := 0; i < len(s); {
		r, n := decodeAt(s, i)
		switch {
		case isWordRune(r):
			j := i + n
			for j < len(s) {
				r2, n2 := decodeAt(s, j)
				if isWordRune(r2) {
					j += n2
					continue
				}
				if j+n2 < len(s) && strings.ContainsRune(".,'’-‐&", r2) {
					r3, _ := decodeAt(s, j+n2)
					prev, _ := utf8.DecodeLastRuneInString(s[i:j])
					if isWordRune(r3) && (r2 != ',' || unicode.IsDigit(prev) && unicode.IsDigit(r3)) {
						j += n2
						continue
					}
				}
				break
			}
			toks = append(toks, newToken(s[i:j], opening, quoted))
			opening = false
			i = j
			continue
		case r == '%' || unicode.Is(unicode.Sc, r):
			toks = append(toks, token{raw: s[i : i+n], low: s[i : i+n], symbol: true, quoted: quoted})
		case r == '“' || r == '«' || r == '„':
			quoted, opening = true, true
		case r == '”' || r == '»':
			quoted = false
		case r == '"':
			quoted = !quoted
			opening = opening || quoted
		case r == ':' || r == '—' || r == '(':
			opening = true
		}
		i += n
	}
	return toks
}

func newToken(raw string, opening, quoted bool) token {
	t := token{raw: raw, opening: opening, quoted: quoted}
	first, _ := utf8.DecodeRuneInString(raw)
	t.cap = unicode.IsUpper(first)
	upper, lower := 0, 0
	for _, r := range raw {
		switch {
		case unicode.IsDigit(r):
			t.num = true
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		}
	}
	t.acronym = upper >= 2 && lower == 0 && !isRoman(raw)
	low := strings.ToLower(raw)
	if strings.ContainsRune(low, '’') {
		low = strings.ReplaceAll(low, "’", "'")
	}
	if strings.HasSuffix(low, "'s") {
		low = low[:len(low)-2]
	}
	t.low = low
	return t
}

// isRoman reports short Roman numerals such as the "II" of a section title.
func isRoman(s string) bool {
	return len(s) <= 4 && strings.Trim(s, "IVXLC") == ""
}

// isYear reports four-digit numbers from 1800 to 2099 written bare.
func (t token) isYear() bool {
	if len(t.raw) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		if t.raw[i] < '0' || t.raw[i] > '9' {
			return false
		}
	}
	return t.raw[:2] == "18" || t.raw[:2] == "19" || t.raw[:2] == "20"
}
