package spot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Attribution is who made the claim of a sentence and where the claim
// itself is. Claimant is the speaker or source as written in the text
// ("Alicia Moreno", "the Pentagon", "Two U.S. officials"), found in the
// sentence or, for "she said" and a quotation continued without a tag,
// in the sentences before it; it is nil when the sentence speaks in the
// outlet's own voice. ClaimStart and ClaimEnd are byte offsets into the
// text given to Attribute: the claim without its attribution frame ("…,
// the ministry said", "According to X, …"); for a direct quotation, the
// quoted words.
type Attribution struct {
	Claimant   *string
	ClaimStart int
	ClaimEnd   int
}

// word is one word of a sentence with its byte offsets in the text.
type word struct {
	s, e  int
	w     string // as written, without surrounding punctuation
	low   string
	cap   bool
	comma bool // a comma (or colon, dash) follows it
}

func words(text string, s, e int) []word {
	var out []word
	for i := s; i < e; {
		r, n := decodeAt(text, i)
		if !isWordRune(r) {
			i += n
			continue
		}
		j := i
		for j < e {
			r2, n2 := decodeAt(text, j)
			if isWordRune(r2) {
				j += n2
				continue
			}
			if j+n2 < e && strings.ContainsRune(".,'’-&", r2) {
				prev, _ := utf8.DecodeLastRuneInString(text[i:j])
				if r3, _ := decodeAt(text, j+n2); isWordRune(r3) && (r2 != ',' || unicode.IsDigit(prev) && unicode.IsDigit(r3)) {
					j += n2
					continue
				}
			}
			break
		}
		// "U.S." and "Dr." keep their final period.
		if j < e && text[j] == '.' && (titleAbbrev[text[i:j]] || strings.Contains(text[i:j], ".")) {
			j++
		}
		first, _ := utf8.DecodeRuneInString(text[i:j])
		wd := word{s: i, e: j, w: text[i:j], low: strings.ToLower(strings.ReplaceAll(text[i:j], "’", "'")), cap: unicode.IsUpper(first)}
		k := skipSpaces(text, j, e)
		if k < e {
			c, _ := decodeAt(text, k)
			wd.comma = c == ',' || c == ':' || c == '—' || c == '–' || c == ';'
			if !wd.comma && k+len("”") <= e && (strings.HasPrefix(text[k:], ",”") || strings.HasPrefix(text[k:], ",\"")) {
				wd.comma = true
			}
		}
		out = append(out, wd)
		i = j
	}
	return out
}

// reportVerb holds the verbs that attribute a statement to its subject.
var reportVerb = set(
	"said", "says", "say", "told", "tells", "added", "adds", "noted", "notes", "wrote",
	"writes", "stated", "states", "argued", "argues", "warned", "warns", "explained",
	"announced", "announces", "reported", "reports", "claimed", "claims", "insisted",
	"insists", "tweeted", "posted", "confirmed", "confirms", "estimated", "estimates",
	"testified", "acknowledged", "admitted", "found", "finds", "showed", "shows",
	"concluded", "concludes", "contended", "maintained", "observed", "recalled",
	"replied", "responded", "declared", "countered", "cautioned",
)

// pronounSubject holds subjects that name no one by themselves.
var pronounSubject = set("he", "she", "they", "it", "we", "i", "you")

// Attribute finds, for each span of text (as returned by Split, in order),
// who made its claim and where the claim is. Pronouns and continued
// quotations are resolved from the sentences before. The result has one
// entry per span; it never fails.
func Attribute(text string, spans []Span) []Attribution {
	out := make([]Attribution, len(spans))
	var last *string    // the last named claimant
	var quoting *string // the speaker of a quotation that may go on
	for i, sp := range spans {
		a := attributeOne(text, sp.Start, sp.End)
		if a.Claimant != nil {
			if p := strings.ToLower(*a.Claimant); pronounSubject[p] {
				// "He" and "she" are people: the last claimant if it is a
				// name, else the first name in the sentence before.
				person := p == "he" || p == "she"
				a.Claimant = last
				if a.Claimant == nil || person && !isName(*a.Claimant) {
					if n := nameIn(text, spans, i); n != nil {
						a.Claimant = n
					}
				}
			}
		} else if a.quote && quoting != nil {
			a.Claimant = quoting // “It is irreversible.” after “…,” said Edel.
		}
		if a.Claimant != nil {
			last = a.Claimant
		}
		quoting = nil
		if a.quote && a.Claimant != nil {
			quoting = a.Claimant
		}
		out[i] = a.Attribution
	}
	return out
}

// nameIn returns the first run of two or more capitalized words in the
// sentence before spans[i] (most often its subject), for a pronoun with
// no named claimant before it.
func nameIn(text string, spans []Span, i int) *string {
	if i == 0 {
		return nil
	}
	ws := words(text, spans[i-1].Start, spans[i-1].End)
	for k := 0; k+1 < len(ws); k++ {
		if !ws[k].cap || !ws[k+1].cap || notEntity[ws[k].low] && !titleAbbrev[strings.TrimSuffix(ws[k].w, ".")] {
			continue
		}
		j := k + 1
		for j+1 < len(ws) && ws[j+1].cap && !ws[j].comma {
			j++
		}
		s := text[ws[k].s:ws[j].e]
		return &s
	}
	return nil
}

type attribution struct {
	Attribution
	quote bool // the claim is a direct quotation
}

// attributeOne attributes one sentence text[s:e] on its own; a pronoun
// claimant ("she") is returned as written for Attribute to resolve.
func attributeOne(text string, s, e int) attribution {
	a := attribution{Attribution: Attribution{ClaimStart: s, ClaimEnd: e}}
	ws := words(text, s, e)
	if len(ws) == 0 {
		return a
	}
	qs, qe, ok := quoteSpan(text, s, e)
	claimant := func(c string) {
		c = strings.TrimSpace(c)
		if c != "" {
			a.Claimant = &c
		}
	}
	// "According to X, claim." and "Claim, according to X."
	for i := 0; i+1 < len(ws); i++ {
		if ws[i].low != "according" || ws[i+1].low != "to" {
			continue
		}
		j := i + 2
		k := j
		for k < len(ws) && !ws[k].comma && k-j < 10 {
			k++
		}
		if k == len(ws) {
			k--
		}
		if j <= k {
			claimant(subjectOf(text, ws[j:k+1]))
		}
		if i == 0 && k+1 < len(ws) {
			a.ClaimStart, a.ClaimEnd = ws[k+1].s, claimEnd(text, s, e)
		} else if i > 0 {
			a.ClaimStart, a.ClaimEnd = s, clauseEnd(text, ws[i-1].e)
		}
		a.setQuote(text, qs, qe, ok)
		return a
	}
	// Find the reporting verb of the sentence: the first one with a
	// subject right before it or, after a quotation or a comma, right
	// after it ("…,” said Edel.").
	for i, w := range ws {
		if !reportVerb[w.low] || !isAttribution(toTokens(ws), i) && w.low != "said" && w.low != "says" {
			continue
		}
		if i > 0 && (passiveAux[ws[i-1].low] || determiner[ws[i-1].low]) {
			continue // "have been reported", "were told", "an estimated 57 million"
		}
		if (w.low == "added" || w.low == "adds") && !(w.comma || i+1 < len(ws) && ws[i+1].low == "that" || i+1 == len(ws) || i > 0 && (ws[i-1].comma || quoteBetween(text, ws[i-1].e, w.s))) {
			continue // "the project added a study area"
		}
		// Subject before the verb: back to a comma, a quote or the start.
		j := i
		for j > 0 && !ws[j-1].comma && i-j < 9 && !clauseWord[ws[j-1].low] && !quoteBetween(text, ws[j-1].e, ws[j].s) {
			if ws[j-1].low == "of" && !(ws[j].cap || ws[j].low == "the" && j+1 < i && ws[j+1].cap) {
				break // "half of the 50,000 a year its agency": no name
			}
			j--
		}
		// "Dr. Samuel Okafor, who leads the program, said 27 children…":
		// the subject opens the sentence before an aside in commas.
		if j == i && i > 0 && ws[i-1].comma && i+1 < len(ws) && !nameFollows(ws, i) && !quoteBetween(text, s, ws[i-1].e) {
			k := 0
			for k < i && !ws[k].comma {
				k++
			}
			if k < i-1 && ws[0].cap {
				j, i = 0, k+1
				claimant(subjectOf(text, ws[:k+1]))
				a.ClaimStart, a.ClaimEnd = claimAfter(text, ws, indexOfVerb(ws, w), e), claimEnd(text, s, e)
				a.setQuote(text, qs, qe, ok)
				return a
			}
		}
		if j < i && !(j > 0 && ws[j-1].low == "that") {
			subj := subjectOf(text, ws[j:i])
			if subj == "" {
				continue
			}
			claimant(subj)
			if j == 0 || ws[j].s <= s {
				// "X said (on Tuesday) (that) claim."
				a.ClaimStart, a.ClaimEnd = claimAfter(text, ws, i, e), claimEnd(text, s, e)
			} else {
				// "Claim, X said (on Tuesday)."
				a.ClaimStart, a.ClaimEnd = s, clauseEnd(text, ws[j-1].e)
			}
			if a.ClaimStart >= a.ClaimEnd {
				a.ClaimStart, a.ClaimEnd = s, e
			}
			a.setQuote(text, qs, qe, ok)
			return a
		}
		// Subject after the verb: "…,” said Karin Edel of the institute.
		if i > 0 && (ws[i-1].comma || quoteBetween(text, ws[i-1].e, ws[i].s)) && i+1 < len(ws) && (nameFollows(ws, i) || len(ws)-i <= 9) {
			k := i + 1
			for k < len(ws) && !ws[k-1].comma && k-i <= 10 {
				k++
			}
			claimant(subjectOf(text, ws[i+1:k]))
			a.ClaimStart, a.ClaimEnd = s, clauseEnd(text, ws[i-1].e)
			a.setQuote(text, qs, qe, ok)
			return a
		}
	}
	// No attribution: the outlet's own voice, or a quotation going on.
	if ok && wholeQuote(text[s:e]) {
		a.ClaimStart, a.ClaimEnd = qs, qe
		a.quote = true
	}
	return a
}

// setQuote narrows the claim to the quoted words when a quotation fills
// it.
func (a *attribution) setQuote(text string, qs, qe int, ok bool) {
	if !ok || qs < a.ClaimStart-4 || qe > a.ClaimEnd+4 {
		return
	}
	// The quotation must be most of the claim: "“We act,” she said."
	if 2*(qe-qs) < a.ClaimEnd-a.ClaimStart {
		return
	}
	a.ClaimStart, a.ClaimEnd = qs, qe
	a.quote = true
}

// subjectTail holds words between a subject and its reporting verb.
var subjectTail = set("also", "later", "has", "have", "had", "previously", "repeatedly", "already",
	"herself", "himself", "itself", "themselves", "again", "once", "publicly", "privately")

// passiveAux holds words before a participle that make it passive or
// perfect, not a report: "have been reported", "were told".
var passiveAux = set("been", "be", "being", "was", "were", "is", "are", "get", "got")

// determiner holds words before which a participle is an adjective: "an
// estimated 57 million".
var determiner = set("a", "an", "the", "its", "their", "this", "that")

// nameFollows reports a capitalized name within the three words after
// the verb at i: "said lead author Dr. Ingrid Solberg", "said Ana".
func nameFollows(ws []word, i int) bool {
	if ws[i].comma {
		return false // "stated, Landmines create…": a sentence starts
	}
	for k := i + 1; k < len(ws) && k <= i+3; k++ {
		if ws[k].cap && !monthOrDay[ws[k].low] {
			return true
		}
		if ws[k].comma {
			return false
		}
	}
	return false
}

// indexOfVerb returns the index of w in ws.
func indexOfVerb(ws []word, w word) int {
	for i := range ws {
		if ws[i].s == w.s {
			return i
		}
	}
	return len(ws) - 1
}

// clauseWord holds words that start a new clause before a subject.
var clauseWord = set("and", "but", "while", "as", "because", "although", "after", "when", "where", "which", "who")

// subjectOf returns the claimant named by the words of a subject phrase:
// its run of two or more capitalized words if it has one ("Dr. Ana
// Brook" out of "Political scientist Dr. Ana Brook of St. Clement's
// University"), else the whole phrase ("the Pentagon", "Two U.S.
// officials"). It returns "" when the phrase is no subject at all (a
// time phrase, a bare "it").
func subjectOf(text string, ws []word) string {
	if len(ws) == 0 {
		return ""
	}
	// Trailing auxiliaries and time phrases: "Putin has warned", "the
	// ministry on Tuesday said".
	for len(ws) > 1 && (monthOrDay[ws[len(ws)-1].low] || subjectTail[ws[len(ws)-1].low]) {
		ws = ws[:len(ws)-1]
		if n := len(ws); n > 1 && (ws[n-1].low == "on" || ws[n-1].low == "last") {
			ws = ws[:n-1]
		}
	}
	for i := 0; i < len(ws); i++ {
		if !ws[i].cap {
			continue
		}
		j := i
		for j+1 < len(ws) && ws[j+1].cap && !ws[j].comma {
			j++
		}
		// A run of two or more capitals names someone, unless a common
		// noun follows it as its head ("Two U.S. officials").
		if j > i && (j+1 == len(ws) || ws[j].comma || ws[j+1].low == "of" || ws[j+1].low == "and") {
			if i > 0 && ws[i-1].low == "the" {
				i-- // "the Interior Ministry"
			}
			return text[ws[i].s:ws[j].e]
		}
		i = j
	}
	return text[ws[0].s:ws[len(ws)-1].e]
}

// claimAfter returns where the claim starts after the reporting verb at
// ws[i]: after "that" when it comes within a few words ("said on
// Tuesday that"), after the recipient of "told" ("told Reuters"), else
// right after the verb.
func claimAfter(text string, ws []word, i, e int) int {
	for k := i + 1; k < len(ws) && k <= i+8; k++ {
		if ws[k].low == "that" && k+1 < len(ws) {
			return ws[k+1].s
		}
		if ws[k].comma && k+1 < len(ws) {
			return ws[k+1].s
		}
	}
	k := i + 1
	if ws[i].low == "told" || ws[i].low == "tells" {
		// The recipient: capitalized words, or "the"/"reporters"…
		for k < len(ws) && k <= i+4 && (ws[k].cap || ws[k].low == "the" && k+1 < len(ws) && ws[k+1].cap || ws[k].low == "reporters" || ws[k].low == "journalists") {
			k++
		}
	}
	if k < len(ws) {
		return ws[k].s
	}
	return e
}

// claimEnd returns the end of the sentence text[s:e] without its final
// punctuation.
func claimEnd(text string, s, e int) int {
	for e > s {
		r, n := utf8.DecodeLastRuneInString(text[s:e])
		if !strings.ContainsRune(".!…", r) && !isSpace(r) {
			break
		}
		e -= n
	}
	return e
}

// clauseEnd returns p moved back over trailing commas, quotes and space.
func clauseEnd(text string, p int) int {
	for p > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:p])
		if !strings.ContainsRune(",;:—– ", r) {
			break
		}
		p -= n
	}
	return p
}

// quoteSpan returns the words inside the first double quotation of
// text[s:e], without the comma or period that closes them inside the
// marks.
func quoteSpan(text string, s, e int) (int, int, bool) {
	open := -1
	for i := s; i < e; {
		r, n := decodeAt(text, i)
		switch {
		case open < 0 && (r == '“' || r == '"' || r == '«'):
			open = i + n
		case open >= 0 && (r == '”' || r == '"' || r == '»'):
			end := i
			for end > open {
				r2, n2 := utf8.DecodeLastRuneInString(text[open:end])
				if !strings.ContainsRune(",.;: ", r2) {
					break
				}
				end -= n2
			}
			if end > open {
				return open, end, true
			}
			return 0, 0, false
		}
		i += n
	}
	if open >= 0 && open < e {
		// A quotation that goes on past the sentence: “It is over.
		return open, claimEnd(text, open, e), true
	}
	return 0, 0, false
}

// quoteBetween reports a quotation mark between two words.
func quoteBetween(text string, a, b int) bool {
	return a < b && strings.ContainsAny(text[a:b], "\"”“")
}

// toTokens adapts words to the scorer's token for isAttribution.
func toTokens(ws []word) []token {
	t := make([]token, len(ws))
	for i, w := range ws {
		t[i] = token{raw: w.w, low: strings.TrimSuffix(w.low, "'s"), cap: w.cap}
	}
	return t
}

// isName reports a claimant that names a person or body with capitals
// ("Ana Ruiz", "the Pentagon"), not a description ("officials").
func isName(c string) bool {
	caps := 0
	for _, f := range strings.Fields(c) {
		if r, _ := utf8.DecodeRuneInString(f); unicode.IsUpper(r) {
			caps++
		}
	}
	return caps >= 2 || caps == 1 && !strings.HasPrefix(c, strings.Fields(c)[0]+" ") && len(strings.Fields(c)) == 1
}
