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
		if _, m := mojibakeAt(text, i, e); m > 0 {
			i += m // "â€œ": a quotation mark read in the wrong encoding
			continue
		}
		if !isWordRune(r) {
			i += n
			continue
		}
		j := i
		for j < e {
			r2, n2 := decodeAt(text, j)
			if p, m := mojibakeAt(text, j, e); m > 0 {
				// "NetGridâ€™s" is "NetGrid’s"; any other damaged mark ends
				// the word.
				if j+m < e && (p == '’' || p == '‘') {
					if r3, _ := decodeAt(text, j+m); isWordRune(r3) {
						j += m
						continue
					}
				}
				break
			}
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
		wd := word{s: i, e: j, w: text[i:j], low: strings.ToLower(strings.ReplaceAll(repairMojibake.Replace(text[i:j]), "’", "'")), cap: unicode.IsUpper(first)}
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

// mojibake holds punctuation as it reads when UTF-8 was decoded as
// Windows-1252 and encoded again (see repairMojibake), longest first.
var mojibake = []struct {
	bad string
	r   rune
}{
	{"â€œ", '“'}, {"â€\u009d", '”'}, {"â€™", '’'}, {"â€˜", '‘'}, {"â€”", '—'}, {"â€“", '–'},
	{"â€¦", '…'}, {"â€", '”'},
}

// mojibakeAt returns the punctuation mark a damaged sequence at text[i]
// (within text[:e]) stands for and its length in bytes, or 0 when there is none.
func mojibakeAt(text string, i, e int) (rune, int) {
	if !strings.HasPrefix(text[i:e], "â€") {
		return 0, 0
	}
	for _, m := range mojibake {
		if strings.HasPrefix(text[i:e], m.bad) {
			return m.r, len(m.bad)
		}
	}
	return 0, 0
}

// reportLemmas lists the verbs that attribute a statement, a finding,
// a stance or a promise to their subject: verbs of saying, arguing,
// warning, promising, believing, predicting and ruling, and of reporting
// a finding. Each entry is "base" or "base:past" for an irregular past;
// reportForm holds their finite forms and "-ing" forms. Some take extra
// conditions (see reports).
var reportLemmas = []string{
	"say:said", "tell:told", "write:wrote", "add", "note", "argue", "emphasize", "emphasise",
	"stress", "call", "criticize", "criticise", "condemn", "describe", "reveal", "disclose",
	"promise", "pledge", "vow", "cite", "reference", "mention", "urge", "believe", "expect",
	"forecast:forecast", "predict", "rule", "warn", "caution", "insist", "claim", "estimate",
	"report", "announce", "conclude", "find:found", "show:showed", "testify", "acknowledge",
	"admit:admitted", "concede", "deny", "confirm", "explain", "stated", "declare", "assert",
	"contend", "allege", "accuse", "question", "express", "defend", "welcome", "dismiss",
	"reject", "observe", "recall", "reply", "respond", "counter", "tweet", "suggest", "view",
	"raise", "complain",
}

// reportForm maps each form of reportLemmas to its base and whether it
// is the "-ing" form.
var reportForm = func() map[string]reportVerb {
	m := map[string]reportVerb{}
	for _, l := range reportLemmas {
		base, past, irregular := strings.Cut(l, ":")
		if base == "stated" {
			// Only the past: "states" and "state" are most often nouns.
			m["stated"] = reportVerb{base: "state"}
			continue
		}
		if !irregular {
			past = pastOf(base)
		}
		m[base] = reportVerb{base: base}
		m[thirdPerson(base)] = reportVerb{base: base}
		m[past] = reportVerb{base: base}
		if base == "forecast" {
			m["forecasted"] = reportVerb{base: base}
		}
		m[ingOf(base)] = reportVerb{base: base, ing: true}
	}
	return m
}()

// reportVerb is one form of a reporting verb.
type reportVerb struct {
	base string
	ing  bool
}

func thirdPerson(b string) string {
	switch {
	case strings.HasSuffix(b, "y") && !strings.ContainsRune("aeiou", rune(b[len(b)-2])):
		return b[:len(b)-1] + "ies"
	case strings.HasSuffix(b, "s") || strings.HasSuffix(b, "sh") || strings.HasSuffix(b, "ch") || strings.HasSuffix(b, "x"):
		return b + "es"
	}
	return b + "s"
}

func pastOf(b string) string {
	switch {
	case strings.HasSuffix(b, "e"):
		return b + "d"
	case strings.HasSuffix(b, "y") && !strings.ContainsRune("aeiou", rune(b[len(b)-2])):
		return b[:len(b)-1] + "ied"
	}
	return b + "ed"
}

func ingOf(b string) string {
	switch {
	case b == "admit":
		return "admitting"
	case strings.HasSuffix(b, "ee"):
		return b + "ing"
	case strings.HasSuffix(b, "e"):
		return b[:len(b)-1] + "ing"
	}
	return b + "ing"
}

// modalBefore holds words after which a verb is hypothetical, future or
// an infinitive, and so reports nothing yet: "They might say", "is
// expected to announce".
var modalBefore = set("might", "may", "could", "would", "should", "can", "must", "will", "shall",
	"to", "might've", "could've", "would've", "should've")

// progressiveAux holds the auxiliaries of "are raising concerns".
var progressiveAux = set("is", "are", "was", "were", "been", "be")

// adverbBefore holds adverbs that may stand between a subject or
// auxiliary and its verb ("have strongly criticized", "might also say").
var adverbBefore = set("also", "not", "never", "now", "still", "again", "already", "previously",
	"repeatedly", "strongly", "sharply", "firmly", "publicly", "privately", "openly", "recently",
	"initially", "quickly", "immediately", "swiftly", "flatly", "widely", "long", "often",
	"frequently", "consistently", "explicitly", "reportedly", "later", "earlier", "once",
	"further", "even", "generally", "largely", "increasingly", "loudly", "angrily", "separately",
	"jointly", "only", "just", "first", "then", "too", "likewise", "similarly", "however",
	"herself", "himself", "itself", "themselves", "has", "have", "had")

// findingSubject holds nouns that report a finding ("the study found",
// "a city inspection found"); "found" and "showed" after any other
// subject are finding things, not reporting.
var findingSubject = set("study", "studies", "report", "reports", "survey", "surveys", "poll", "polls",
	"researchers", "scientists", "data", "analysis", "review", "audit", "audits", "investigation",
	"inquiry", "investigators", "census", "figures", "statistics", "records", "research",
	"experts", "trial", "trials", "tests", "test", "inspectors", "inspection", "auditors", "paper",
	"authors", "agency", "office", "ministry", "department", "bureau", "regulator", "commission",
	"assessment", "evaluation", "analysts", "economists", "court", "panel", "watchdog", "committee",
	"team", "numbers", "estimates", "results", "findings", "evidence", "model", "modelling")

// nounAfterVerb holds words that, after a "-s" form, show it was a noun:
// "Media reports said", "the claims were".
var nounAfterVerb = set("is", "are", "was", "were", "have", "had", "has", "say", "said", "show",
	"showed", "suggest", "suggested", "of", "from", "by", "about", "that", "to")

// preposition holds words after which a verb form is a noun: "in
// reports", "of claims".
var preposition = set("in", "of", "on", "at", "by", "for", "with", "from", "about", "into",
	"over", "under", "after", "before", "amid", "despite", "against", "among", "between")

// concernWord holds what "raise" raises when it reports a stance.
var concernWord = set("concern", "concerns", "questions", "doubts", "alarm", "objections", "fears", "the")

// reports reports whether ws[i] is a reporting verb used as one: a
// verb of reportLemmas, not a noun ("a say", "media reports said"), not
// hypothetical or an infinitive ("might say", "to announce"), not
// passive ("were told"), an "-ing" form only after "is/are/was/were"
// ("are raising concerns": "…, citing …" adds the outlet's own context),
// and with the complements some verbs need ("found" after a study,
// "called the move", "ruled that", "views X as", "raised concerns").
func reports(text string, ws []word, i int) bool {
	v, ok := reportForm[ws[i].low]
	if !ok {
		return false
	}
	if ws[i].cap && i > 0 && !quoteBetween(text, ws[i-1].e, ws[i].s) {
		return false // "Omar Said", "Raymond Carver": a name
	}
	w := ws[i].low
	prev, next := "", ""
	if i > 0 {
		prev = ws[i-1].low
	}
	if i+1 < len(ws) {
		next = ws[i+1].low
	}
	// The word before, past adverbs: "might also say", "are now raising".
	k := i - 1
	for k >= 0 && (adverbBefore[ws[k].low] || !ws[k].cap && len(ws[k].low) > 4 && strings.HasSuffix(ws[k].low, "ly")) && !(k > 0 && ws[k-1].comma) {
		k--
	}
	before := ""
	if k >= 0 {
		before = ws[k].low
	}
	if modalBefore[before] || modalBefore[prev] || strings.HasSuffix(before, "n't") && w == v.base {
		return false
	}
	if v.ing {
		return progressiveAux[before]
	}
	if passiveAux[prev] || determiner[prev] || preposition[prev] || passiveAux[before] {
		return false // "have been reported", "an estimated 57 million", "in reports"
	}
	if w != v.base && w == thirdPerson(v.base) && nounAfterVerb[next] && v.base != "say" {
		return false // "media reports said", "the claims were"
	}
	switch v.base {
	case "say":
		return !(w == "say" && notReporting[prev]) && !sayNounBefore[prev]
	case "find", "show":
		for j := i - 1; j >= 0 && j >= i-5; j-- {
			if findingSubject[strings.TrimSuffix(ws[j].low, "'s")] {
				return true
			}
		}
		return false
	case "call":
		return next != "off" && next != "up" && next != "in" && next != "back" && next != "out" &&
			(determiner[next] || pronounSubject[next] || next == "him" || next == "her" || next == "them" ||
				next == "for" || next == "on" || i+1 < len(ws) && quoteBetween(text, ws[i].e, ws[i+1].s))
	case "rule":
		return w == "ruled" || next == "that"
	case "view":
		for j := i + 1; j < len(ws); j++ {
			if ws[j].low == "as" {
				return true
			}
		}
		return false
	case "raise":
		return concernWord[next]
	case "add":
		return ws[i].comma || next == "that" || i+1 == len(ws) || i > 0 && (ws[i-1].comma || quoteBetween(text, ws[i-1].e, ws[i].s))
	}
	return true
}

// relativeIn reports a relative pronoun after the first word of a subject
// phrase ("a move that rights groups", "a figure which officials").
func relativeIn(ws []word) bool {
	for _, w := range ws[min(1, len(ws)):] {
		if w.low == "that" || w.low == "which" || w.low == "whom" {
			return true
		}
	}
	return false
}

// listTail reports a subject that ends a list of names: capitalized words
// joined by "and" or "or" ("Latvia and Poland").
func listTail(ws []word) bool {
	joined := false
	for _, w := range ws {
		switch {
		case w.low == "and" || w.low == "or":
			joined = true
		case !w.cap:
			return false
		}
	}
	return joined
}

// allCap reports words that are all capitalized.
func allCap(ws []word) bool {
	for _, w := range ws {
		if !w.cap {
			return false
		}
	}
	return len(ws) > 0
}

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
		if !reports(text, ws, i) {
			continue
		}
		// Subject before the verb: back to a comma, a quote or the start.
		j := i
		for j > 0 && !ws[j-1].comma && i-j < 9 && !(clauseWord[ws[j-1].low] && !nounAnd(ws, j-1)) && !quoteBetween(text, ws[j-1].e, ws[j].s) {
			if ws[j-1].low == "of" && !(ws[j].cap || ws[j].low == "the" && j+1 < i && ws[j+1].cap) {
				break // "half of the 50,000 a year its agency": no name
			}
			j--
		}
		// "Dr. Samuel Okafor, who leads the program, said 27 children…":
		// the subject opens the sentence before an aside in commas.
		if j == i && i > 0 && ws[i-1].comma && i+1 < len(ws) && !(inverts(w) && nameFollows(ws, i)) && !quoteBetween(text, s, ws[i-1].e) {
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
		if j < i && firstPerson(ws[j:i]) {
			continue // "As I wrote", "we found": the author's own voice
		}
		if j > 0 && (ws[j-1].low == "who" || ws[j-1].low == "which") {
			continue // "Trump, who has promised …": a description, not a source
		}
		if j > 0 && j < i && i+1 < len(ws) && ws[i+1].low == "to" {
			continue // "…, a move Moscow has vowed to answer.": an intention after the claim, not its source
		}
		if j > 0 && ws[j-1].comma && relativeIn(ws[j:i]) {
			continue // "…, a move that rights groups called a setback.": a description of the claim, not its source
		}
		// "Estonia, Latvia and Poland announced …": a subject that is a list
		// of names takes in the names before its commas.
		for j > 0 && ws[j-1].comma && listTail(ws[j:i]) {
			k := j - 1
			for k > 0 && !ws[k-1].comma && j-k < 3 {
				k--
			}
			if !(k == 0 || ws[k-1].comma) || !allCap(ws[k:j]) {
				break
			}
			j = k
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
		if inverts(w) && i > 0 && (ws[i-1].comma || quoteBetween(text, ws[i-1].e, ws[i].s)) && i+1 < len(ws) && (nameFollows(ws, i) || len(ws)-i <= 9) {
			k := i + 1
			for k < len(ws) && !ws[k-1].comma && k-i <= 10 {
				k++
			}
			if n := trailingName(ws, k); n > 0 {
				// "…,” said the firm's head of operations, Colin Marsh.
				claimant(text[ws[k].s:ws[k+n-1].e])
			} else {
				claimant(subjectOf(text, ws[i+1:k]))
			}
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

// trailingName returns the length of a name of two to four capitalized
// words that ends the sentence at ws[k:] after a description in commas
// ("said the firm's head of operations, Colin Marsh"), else 0.
func trailingName(ws []word, k int) int {
	n := len(ws) - k
	if k == 0 || k >= len(ws) || !ws[k-1].comma || n < 2 || n > 4 {
		return 0
	}
	for _, w := range ws[k:] {
		if !w.cap {
			return 0
		}
	}
	for _, w := range ws[:k] {
		if w.cap && titleAbbrev[strings.TrimSuffix(w.w, ".")] {
			return 0 // the name came first: "said Dr. Ana Ruiz, Lead Author"
		}
	}
	return n
}

// invertingVerb holds the reporting verbs that follow the claim with
// their subject after them: "…,” said Karin Edel. Others keep the
// subject first ("Biden, then a candidate, condemned Trump's decision").
var invertingVerb = set("say", "add", "write", "note", "explain", "warn", "argue", "insist", "declare",
	"observe", "caution", "counter", "respond", "reply", "recall", "conclude", "state", "tell")

// inverts reports whether the verb w may come before its subject.
func inverts(w word) bool {
	return invertingVerb[reportForm[w.low].base]
}

// nounAnd reports whether ws[k], an "and", joins two nouns of one
// subject ("Critics and human rights advocates argue") rather than two
// clauses ("Prices rose and analysts said"): the word before it is a
// name or a plural noun, with no comma.
func nounAnd(ws []word, k int) bool {
	if ws[k].low != "and" || k == 0 || ws[k-1].comma {
		return false
	}
	p := ws[k-1]
	if _, verb := reportForm[p.low]; verb {
		return false
	}
	return p.cap || len(p.low) > 3 && strings.HasSuffix(p.low, "s") && !strings.HasSuffix(p.low, "ss")
}

// firstPerson reports a subject in the first or second person ("I",
// "we", "our analysis", "you"): the author speaking, not a claimant.
func firstPerson(subj []word) bool {
	switch subj[0].low {
	case "i", "we", "my", "our", "you", "your", "i've", "we've", "i'd", "we'd":
		return true
	}
	return false
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
	for len(ws) > 1 && (monthOrDay[ws[len(ws)-1].low] || subjectTail[ws[len(ws)-1].low] || adverbBefore[ws[len(ws)-1].low] || progressiveAux[ws[len(ws)-1].low]) {
		ws = ws[:len(ws)-1]
		if n := len(ws); n > 1 && (ws[n-1].low == "on" || ws[n-1].low == "last") {
			ws = ws[:n-1]
		}
	}
	// A parenthesis ends the phrase: "the Institute for Fiscal Studies
	// (IFS)".
	for k := 1; k < len(ws); k++ {
		if strings.Contains(text[ws[k-1].e:ws[k].s], "(") {
			ws = ws[:k]
			break
		}
	}
	// Data from a source is the source's: "data from the Department of
	// Education", "figures compiled by the regulator".
	for k := 0; k < len(ws) && k < 4; k++ {
		if !dataNoun[ws[k].low] {
			continue
		}
		p := k + 1
		if p < len(ws) && dataParticiple[ws[p].low] {
			p++
		}
		if p+1 < len(ws) && (ws[p].low == "from" || ws[p].low == "by") {
			return subjectOf(text, ws[p+1:])
		}
		break
	}
	for i := 0; i < len(ws); i++ {
		if !ws[i].cap {
			continue
		}
		// "analysts at AgriBank", "economists at Harbor Bank": the
		// people at a place are the source, not the place.
		if i > 1 && ws[i-1].low == "at" && !ws[0].cap && !determiner[ws[0].low] {
			return text[ws[0].s:ws[len(ws)-1].e]
		}
		j := i
		for j+1 < len(ws) && !ws[j].comma {
			if ws[j+1].cap {
				j++
				continue
			}
			// An organization's name runs on over "of" and "for": "the
			// Department of Education", "the Institute for Fiscal
			// Studies"; a person's stops ("Karin Edel of the institute").
			c := j + 1
			if (ws[c].low == "of" || ws[c].low == "for") && (j == i || orgWord[ws[j].low]) {
				if c+1 < len(ws) && ws[c+1].low == "the" {
					c++
				}
				if c+1 < len(ws) && ws[c+1].cap && !ws[j].comma {
					j = c + 1
					continue
				}
			}
			break
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

// dataNoun holds nouns whose source follows them: "data from X",
// "a report by X".
var dataNoun = set("data", "figures", "statistics", "numbers", "estimates", "records", "calculations",
	"analysis", "research", "report", "study", "survey", "poll", "projections", "count")

// dataParticiple holds the participles between a dataNoun and its
// source: "figures compiled by".
var dataParticiple = set("compiled", "published", "released", "collected", "gathered", "provided", "produced", "issued")

// orgWord holds the heads of organizations' names, which run on over
// "of" and "for": "Bank of England", "Institute for Fiscal Studies".
var orgWord = set("institute", "department", "ministry", "bank", "chamber", "university", "office",
	"bureau", "commission", "court", "council", "board", "agency", "association", "federation",
	"union", "society", "school", "college", "centre", "center", "foundation", "league", "organization",
	"organisation", "authority", "service", "corporation", "fund", "academy", "committee")

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
		if q, m := mojibakeAt(text, i, e); m > 0 {
			r, n = q, m
		}
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
	if a >= b {
		return false
	}
	if strings.ContainsAny(text[a:b], "\"”“") {
		return true
	}
	for i := strings.Index(text[a:b], "â€"); i >= 0 && a+i < b; {
		if q, _ := mojibakeAt(text, a+i, b); q == '“' || q == '”' {
			return true
		}
		a += i + len("â€")
		i = strings.Index(text[a:b], "â€")
	}
	return false
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
