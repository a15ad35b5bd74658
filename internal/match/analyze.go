package match

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// term is one indexed or searched unit of text: a stemmed word, a number
// or a pair of neighbouring words.
type term struct {
	s    string
	kind termKind
}

type termKind uint8

const (
	kindWord   termKind = iota
	kindNumber          // "1000", "3.5", "2020"
	kindName            // a capitalized word inside a sentence, an acronym
	kindPair            // two neighbouring content words, "a b"
)

// analyze turns text into terms: words lowercased and stemmed with
// stopwords dropped, numbers normalized ("1,000" → "1000", "3.50" →
// "3.5", "10%" → "10"), capitalized words inside a sentence and acronyms
// marked as names, and one pair term for each two neighbouring content
// words. Links, @handles and the "— Name (@handle) date" trailer of a
// pasted tweet are dropped; the words of #hashtags are kept.
func analyze(text string, out []term, pairs bool) []term {
	out = out[:0]
	prev := ""
	sentenceStart := true
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == 'h' && (strings.HasPrefix(text[i:], "http://") || strings.HasPrefix(text[i:], "https://")),
			r == 'p' && strings.HasPrefix(text[i:], "pic.twitter.com/"),
			r == '@':
			// A link or a handle: skip to the next space.
			j := i
			for j < len(text) && text[j] != ' ' && text[j] != '\n' && text[j] != '\t' {
				j++
			}
			i = j
			prev = ""
			continue
		case r == '—' && strings.Contains(text[i:], "(@"):
			// "— Jane Doe (@jdoe) February 25, 2016": the tweet's trailer.
			return out
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i
			digits := false
			hyphen := -1
			for j < len(text) {
				r2, n2 := utf8.DecodeRuneInString(text[j:])
				if unicode.IsLetter(r2) || unicode.IsDigit(r2) {
					digits = digits || unicode.IsDigit(r2)
					j += n2
					continue
				}
				// Keep 1,000 and 3.5 and U.S and don't together, and
				// MS-13 and F-35 (which become ms13 and f35).
				if r2 == '-' && !digits && j+n2 < len(text) {
					if r3, _ := utf8.DecodeRuneInString(text[j+n2:]); unicode.IsDigit(r3) {
						hyphen = j
						j += n2
						continue
					}
				}
				if (r2 == ',' || r2 == '.' || r2 == '\'' || r2 == '’') && j+n2 < len(text) {
					r3, _ := utf8.DecodeRuneInString(text[j+n2:])
					if (r2 == '\'' || r2 == '’') && unicode.IsLetter(r3) ||
						r2 == '.' && (unicode.IsDigit(r3) && digits || unicode.IsUpper(r3) && j-i == 1) ||
						r2 == ',' && digits && unicode.IsDigit(r3) {
						j += n2
						continue
					}
				}
				break
			}
			raw := text[i:j]
			if hyphen >= 0 {
				raw = text[i:hyphen] + text[hyphen+1:j]
			}
			t, ok := normalize(raw, sentenceStart)
			sentenceStart = false
			i = j
			if !ok {
				prev = ""
				continue
			}
			out = append(out, t)
			if pairs && prev != "" {
				out = append(out, term{prev + " " + t.s, kindPair})
			}
			prev = t.s
			continue
		case r == '.' || r == '!' || r == '?' || r == ':' || r == '"' || r == '“':
			sentenceStart = true
		}
		i += n
	}
	return out
}

// normalize returns the term for one raw token, or false for a stopword.
func normalize(raw string, sentenceStart bool) (term, bool) {
	first, _ := utf8.DecodeRuneInString(raw)
	if unicode.IsDigit(first) || strings.IndexFunc(raw, unicode.IsDigit) >= 0 && !strings.ContainsFunc(raw, unicode.IsLetter) {
		n := strings.ReplaceAll(raw, ",", "")
		if strings.Contains(n, ".") {
			n = strings.TrimRight(strings.TrimRight(n, "0"), ".")
		}
		return term{n, kindNumber}, true
	}
	low := raw
	if hasUpperOrCurly(raw) {
		low = strings.ReplaceAll(strings.ToLower(raw), "’", "'")
	}
	if i := strings.IndexByte(low, '\''); i >= 0 {
		switch low[i:] {
		case "'s", "'":
			low = low[:i]
		case "'t":
			return term{}, false // don't, can't: stopwords
		default:
			low = strings.ReplaceAll(low, "'", "")
		}
	}
	if strings.IndexByte(low, '.') >= 0 {
		low = strings.ReplaceAll(low, ".", "")
	}
	upper := 0
	for _, r := range raw {
		if unicode.IsUpper(r) {
			upper++
		}
	}
	if upper >= 2 && aliases[low] != "" {
		return term{aliases[low], kindName}, true // "US", "U.S": not the pronoun
	}
	if len(low) < 2 && low != "x" || stopword[low] {
		return term{}, false
	}
	kind := kindWord
	if upper >= 2 && upper*2 >= utf8.RuneCountInString(raw) || unicode.IsUpper(first) && !sentenceStart {
		kind = kindName
	}
	if alias, ok := aliases[low]; ok {
		low = alias
	}
	return term{stem(low), kind}, true
}

// aliases maps common spellings of the same name onto one.
var aliases = map[string]string{
	"us": "usa", "usa": "usa", "america": "usa", "american": "usa", "americans": "usa",
	"uk": "britain", "british": "britain", "covid19": "covid", "coronavirus": "covid",
	"covid-19": "covid", "obamacare": "obamacare", "potus": "president",
}

// stem strips common English inflections: plurals, -ing, -ed, -ly and a
// few derivational endings. It is deliberately light: "studies" and
// "study" meet, "university" and "universe" do not.
func stem(w string) string {
	n := len(w)
	if n <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && n > 4:
		w = w[:n-3] + "y"
	case strings.HasSuffix(w, "sses"):
		w = w[:n-2]
	case strings.HasSuffix(w, "es") && n > 4 && strings.ContainsAny(w[n-3:n-2], "sxz") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes"):
		w = w[:n-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:n-1]
	}
	n = len(w)
	switch {
	case strings.HasSuffix(w, "ing") && n > 5:
		w = undouble(w[:n-3])
	case strings.HasSuffix(w, "ied") && n > 4:
		w = w[:n-3] + "y"
	case strings.HasSuffix(w, "ed") && n > 4:
		w = undouble(w[:n-2])
	case strings.HasSuffix(w, "ly") && n > 5:
		w = w[:n-2]
	}
	n = len(w)
	switch {
	case strings.HasSuffix(w, "ation") && n > 7:
		w = w[:n-5] + "e"
	case strings.HasSuffix(w, "ment") && n > 7:
		w = w[:n-4]
	case strings.HasSuffix(w, "e") && n > 4:
		w = w[:n-1]
	}
	return w
}

// undouble turns "stopp" into "stop" after -ing or -ed was cut.
func undouble(w string) string {
	n := len(w)
	if n >= 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiouls", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

// stopword holds English function words and the words of fact-checking
// and social media that say nothing about what a claim is about.
var stopword = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all also am an and any are
		as at be because been before being below between both but by can could did do does
		doing down during each few for from further had has have having he her here hers
		herself him himself his how i if in into is it its itself just me more most my
		myself no nor not now of off on once only or other our ours ourselves out over own
		same she should so some such than that the their theirs them themselves then there
		these they this those through to too under until up very was we were what when where
		which while who whom why will with would you your yours yourself yourselves
		rt via amp im ive dont thats theres lets get got go going gonna say says said
		one like just know think really well yes yeah oh let us may might must shall also
		still even much many would ll re ve`) {
		m[w] = true
	}
	return m
}()

// hasUpperOrCurly reports whether s needs lowercasing or has a curly
// apostrophe; most words need neither, and skipping them saves a copy.
func hasUpperOrCurly(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return true
		}
	}
	return false
}
