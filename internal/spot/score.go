package spot

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reasons, in the order Score reports them. The first seven raise a
// score, the rest lower it.
const (
	ReasonNumber      = "number"       // figures, quantities, percentages, money
	ReasonDate        = "date"         // months, weekdays, years, "last week"
	ReasonEntity      = "entity"       // named people and bodies, acronyms
	ReasonAttribution = "attribution"  // said, according to, reported, a study
	ReasonComparison  = "comparison"   // more than, highest, rose, compared with
	ReasonLegal       = "legal"        // treaty, law, banned, ratified, court
	ReasonCausal      = "causal"       // because, caused, led to, due to
	ReasonOpinion     = "opinion"      // I think, should, must, shocking
	ReasonHedge       = "hedge"        // may, might, could, perhaps
	ReasonQuestion    = "question"     // ends with a question mark
	ReasonFirstPerson = "first_person" // we should, I urge, I will
	ReasonPrediction  = "prediction"   // is expected to, forecast, will likely
	ReasonShort       = "short"        // three words or fewer
	ReasonHeading     = "heading"      // no sentence-final punctuation
)

// reason indexes the reasons in the order Score reports them.
type reason int

const (
	rNumber reason = iota
	rDate
	rEntity
	rAttribution
	rComparison
	rLegal
	rCausal
	rOpinion
	rHedge
	rQuestion
	rFirstPerson
	rPrediction
	rShort
	rHeading
	numReasons
)

var reasonName = [numReasons]string{
	ReasonNumber, ReasonDate, ReasonEntity, ReasonAttribution,
	ReasonComparison, ReasonLegal, ReasonCausal, ReasonOpinion, ReasonHedge,
	ReasonQuestion, ReasonFirstPerson, ReasonPrediction, ReasonShort,
	ReasonHeading,
}

// strengths records how strongly each reason fired, from 0 to 1.
type strengths [numReasons]float64

// fire records reason r with strength v unless it already fired stronger.
func (st *strengths) fire(r reason, v float64) {
	if v > st[r] {
		st[r] = v
	}
}

// maxReasons is how many reasons Score reports at most.
const maxReasons = 4

// minPush is the smallest change of the logit, in either direction, for
// which a cue is reported as a reason.
const minPush = 0.15

// Score rates one sentence's check-worthiness with the committed model
// (see DefaultModel): a calibrated probability in [0, 1] that the
// sentence holds a factual claim worth checking. reasons names the cues
// that moved the score most, strongest first, at most four, each from the
// Reason constants; it is never nil. Any string is accepted.
func Score(sentence string) (score float64, reasons []string) {
	return DefaultModel().Score(sentence)
}

// Score rates one sentence with m; see the package function Score.
func (m *Model) Score(sentence string) (score float64, reasons []string) {
	c := analyze(sentence)
	fs := featuresOf(&c, m.FeatureSet)
	z := m.Raw(fs)
	type push struct {
		r reason
		v float64
	}
	var pushes [numReasons]push
	n := 0
	for r := range numReasons {
		if c.st[r] == 0 || int(r) >= len(m.Weights) {
			continue
		}
		v := c.st[r] * float64(m.Weights[r])
		if math.Abs(v) >= minPush {
			pushes[n] = push{r, v}
			n++
		}
	}
	ps := pushes[:n]
	slices.SortStableFunc(ps, func(a, b push) int {
		return cmp.Compare(math.Abs(b.v), math.Abs(a.v))
	})
	reasons = make([]string, 0, maxReasons)
	for i := 0; i < len(ps) && i < maxReasons; i++ {
		reasons = append(reasons, reasonName[ps[i].r])
	}
	return m.Prob(z), reasons
}

// isByline reports by-lines, datelines and contact lines that happen to
// end with a period: "By Jane Doe | Updated 11:42 p.m.", "Posted Jan. 3,
// 2025.", "Contact Jane Doe at jdoe@example.com or 555-0100.".
func isByline(toks []token, s string) bool {
	if len(toks) == 0 || len(toks) > 12 {
		return false
	}
	if strings.Contains(s, " | ") {
		return true
	}
	first := toks[0].low
	if contactWord[first] && strings.Contains(s, "@") {
		return true // "Contact Jane Doe at jdoe@example.com."
	}
	return (first == "by" || first == "posted" || first == "updated" || first == "published") &&
		len(toks) > 1 && (toks[1].cap || toks[1].num)
}

// contactWord holds words that open a reporter's contact line.
var contactWord = set("contact", "email", "e-mail", "reach", "follow", "write")

// quoteMarks holds the double quotation marks that open or close a quote;
// single quotes are left out because they double as apostrophes.
const quoteMarks = "\"“”«»„"

// wholeQuote reports sentences that are one quotation or a piece of one:
// double quotation marks stand only at the start and at the end (before
// or after the final punctuation), and at least one of them is there.
// `“That ends today.”`, `"No.` and `the cars... and we argue."` are;
// `"We act," she said.` is not.
func wholeQuote(s string) bool {
	s = strings.TrimFunc(repairMojibake.Replace(s), isSpace)
	edges := 0
	if r, n := utf8.DecodeRuneInString(s); r != utf8.RuneError && strings.ContainsRune(quoteMarks, r) {
		s = s[n:]
		edges++
	}
	for s != "" {
		r, n := utf8.DecodeLastRuneInString(s)
		switch {
		case strings.ContainsRune(quoteMarks, r) && r != utf8.RuneError:
			edges++
		case strings.ContainsRune(".!?…')]’", r) || isSpace(r):
		default:
			return edges > 0 && !strings.ContainsAny(s, quoteMarks)
		}
		s = s[:len(s)-n]
	}
	return false
}

// quotedQuestion reports a quoted question followed only by a short
// speech tag: `"Is it perfect?" Raman asked.`, `“Why?” she said.`. A
// longer tail may carry facts of its own and is left alone.
func quotedQuestion(s string) bool {
	s = repairMojibake.Replace(s)
	for _, q := range []string{"?\"", "?”", "?»"} {
		i := strings.LastIndex(s, q)
		if i < 0 {
			continue
		}
		tail := strings.Fields(s[i+len(q):])
		if len(tail) == 0 || len(tail) > 4 {
			continue
		}
		for _, w := range tail {
			if speechVerb[strings.ToLower(strings.TrimRightFunc(w, unicode.IsPunct))] {
				return true
			}
		}
	}
	return false
}

// quotedOpinion returns the share of opinion strength kept when every
// opinion word is inside quotation marks: 0.5 then, 1 otherwise.
func quotedOpinion(toks []token) float64 {
	for _, t := range toks {
		if opinionWord[t.low] && !t.quoted {
			return 1
		}
	}
	return 0.5
}

// lastMark returns the last rune of s that is not white space, a closing
// quote or bracket, or a footnote marker; 0 if there is none.
func lastMark(s string) rune {
	s = repairMojibake.Replace(s)
	for s != "" {
		r, n := utf8.DecodeLastRuneInString(s)
		switch {
		case isSpace(r) || strings.ContainsRune("\"')]}”’»›", r) || r == 0x9d:
			s = s[:len(s)-n]
		case unicode.IsDigit(r) && strings.HasSuffix(strings.TrimRight(s, "0123456789"), "["):
			s = strings.TrimRight(s, "0123456789")
			s = s[:len(s)-1]
		default:
			if r == '‽' {
				return '?'
			}
			return r
		}
	}
	return 0
}

// scoreTokens fires the lexical reasons found in toks.
func scoreTokens(toks []token, st *strengths) {
	entities := 0
	conditional := false
	numbers := 0
	superlative := 0.0
	rhetorical := false
	for i, t := range toks {
		prev, next, next2 := "", "", ""
		if i > 0 {
			prev = toks[i-1].low
		}
		if i+1 < len(toks) {
			next = toks[i+1].low
		}
		if i+2 < len(toks) {
			next2 = toks[i+2].low
		}
		switch {
		case t.symbol:
			st.fire(rNumber, 1)
			numbers++
			continue
		case t.num:
			if t.isYear() {
				st.fire(rDate, 1)
			} else {
				st.fire(rNumber, 1)
				numbers++
			}
			continue
		}
		w := t.low
		if w == "if" || w == "unless" {
			conditional = true
		}
		if v := spelledNumber(w); v > 0 && !idiomAt(toks, i) {
			// "forty-two vetoes" is as much a figure as "42 vetoes"; a
			// lone "two" or "half" is a weaker one.
			st.fire(rNumber, v)
			if v >= 1 {
				numbers++
			}
		}
		if monthOrDay[w] && (t.cap || w == "yesterday") && !(w == "may" && !t.opening && !nextIsDateNumber(toks, i)) {
			st.fire(rDate, 1)
		} else if (w == "last" || w == "this" || w == "next" || w == "earlier") && periodWord[next] {
			st.fire(rDate, 0.7)
		} else if w == "ago" {
			st.fire(rDate, 0.7)
		} else if isEntity(toks, i) {
			entities++
		}
		if isAttribution(toks, i) {
			st.fire(rAttribution, 1)
		}
		if comparisonWord[w] || (w == "compared" || w == "up" || w == "down") && (next == "with" || next == "to" || next == "from") {
			st.fire(rComparison, 1)
		} else if isSuperlative(w) || w == "most" || w == "best" || w == "worst" || w == "least" {
			superlative = 1
		}
		if rhetoricalTail[w+" "+next] || w == "ever" || w == "all" && next == "time" {
			rhetorical = true
		}
		if legalWord[w] {
			st.fire(rLegal, 1)
		}
		if second, ok := causalPair[w]; causalWord[w] || ok && second == next || w == "as" && next == "a" && next2 == "result" {
			st.fire(rCausal, 1)
		}
		if opinionWord[w] || w == "raises" && next == "questions" {
			st.fire(rOpinion, 1)
		}
		if (w == "i" || w == "we") && opinionVerb[next] {
			st.fire(rOpinion, 1)
		}
		if hedgeWord[w] && !(w == "likely" && (prev == "will" || next == "to")) && !(w == "may" && t.cap && !t.opening) ||
			(w == "remains" || w == "remain") && next == "to" && next2 == "be" && i+3 < len(toks) && toks[i+3].low == "seen" {
			st.fire(rHedge, 1)
		}
		// Recommendations and intentions of the writer or speaker. "You"
		// and "your" are not first person: "Your family got three and a
		// half million dollars" states a fact about the one addressed.
		if (w == "i" || w == "we") && firstPersonVerb[next] || w == "i'll" || w == "we'll" || w == "let's" || w == "let" && next == "us" ||
			w == "please" && !t.quoted {
			st.fire(rFirstPerson, 1)
		}
		switch {
		case predictionWord[w], w == "will" && next == "likely", w == "likely" && next == "to",
			(w == "expected" || w == "projected" || w == "poised") && next == "to",
			w == "set" && next == "to" && prev != "was" && prev != "were",
			w == "going" && next == "to" && !t.quoted && prev != "was" && prev != "were" && prev != "wasn't" && prev != "weren't":
			// "was going to" tells what someone intended in the past.
			st.fire(rPrediction, 1)
		case w == "will" || w == "won't" || w == "shall":
			st.fire(rPrediction, 0.4)
		}
	}
	// A superlative compares when there is something to compare: a figure,
	// a date or a named thing ("the largest since 1976"). "The greatest
	// country in the world" or "the best ever" is rhetoric.
	if superlative > 0 {
		switch {
		case numbers > 0 || st[rDate] > 0:
			st.fire(rComparison, 1)
		case rhetorical:
			st.fire(rOpinion, 0.5)
		case entities > 0:
			st.fire(rComparison, 0.5)
		}
	}
	// A condition with a modal is a projection: "If emissions keep rising,
	// glaciers could disappear."
	if conditional && (st[rHedge] > 0 || st[rPrediction] > 0) {
		st.fire(rPrediction, 1)
	}
	switch {
	case entities >= 2:
		st.fire(rEntity, 1)
	case entities == 1:
		st.fire(rEntity, 0.6)
	}
}

// rhetoricalTail holds two-word phrases that make a superlative rhetoric.
var rhetoricalTail = set("in history", "in the", "of all", "on earth", "in america", "in memory")

// isEntity reports whether toks[i] names someone or something: an
// acronym, or a capitalized word that is not the first of its sentence or
// quotation (where every word is capitalized) and not a pronoun, title or
// other word that is capitalized for grammar. A capital at the opening
// counts only as the first of two capitalized words ("Anna Berg said").
func isEntity(toks []token, i int) bool {
	t := toks[i]
	w := t.low
	if notEntity[w] || commonCaps[w] || strings.HasPrefix(w, "i'") {
		return false
	}
	if t.acronym {
		return len(t.raw) > 1 && !commonCaps[w]
	}
	if !t.cap {
		return false
	}
	if !t.opening {
		return true
	}
	return i+1 < len(toks) && toks[i+1].cap && !notEntity[toks[i+1].low] && !commonCaps[toks[i+1].low]
}

// commonCaps holds words written with a capital or in capitals that name
// no one: interjections, shouting, the "OK" of speech.
var commonCaps = set("ok", "okay", "yes", "no", "oh", "well", "now", "so", "thank", "thanks",
	"god", "please", "sir", "madam", "folks", "hey", "wow", "look", "laughter", "applause",
	"crosstalk", "inaudible", "tv", "am", "pm", "a.m", "p.m")

// nextIsDateNumber reports a day number after the word at i: "May 3".
func nextIsDateNumber(toks []token, i int) bool {
	return i+1 < len(toks) && toks[i+1].num
}

// isAttribution reports whether toks[i] attributes a statement to a
// source: a reporting verb ("said", "told", "reported"), "according to",
// or "found"/"showed" with a finding ("the study found that…",
// "researchers found 40 cases"). "Say" the noun ("a say in it", "the
// final say") and "say" after a modal or "to" ("can't say", "to say")
// report nothing, nor does "found" the verb of finding things ("police
// found the car", "I found a job").
func isAttribution(toks []token, i int) bool {
	w := toks[i].low
	prev, next := "", ""
	if i > 0 {
		prev = toks[i-1].low
	}
	if i+1 < len(toks) {
		next = toks[i+1].low
	}
	switch w {
	case "according":
		return next == "to"
	case "called":
		return next != "for" && next != "on" && next != "off" && next != "up"
	case "say", "says":
		if w == "say" && notReporting[prev] || sayNounBefore[prev] {
			return false
		}
		return true
	case "found", "finds", "showed", "shows", "show", "find":
		// A finding is reported by a source and says "that" or carries
		// a figure; finding an object is no attribution.
		if next == "that" || next == "no" {
			return sourceBefore(toks, i) || next == "that"
		}
		return sourceBefore(toks, i) && (next == "a" || next == "an" || i+1 < len(toks) && toks[i+1].num)
	}
	return attributionWord[w]
}

// sayNounBefore holds words after which "say" is a noun: "a say", "the
// final say", "no say", "their say".
var sayNounBefore = set("a", "the", "final", "no", "any", "more", "their", "our", "his", "her",
	"its", "my", "your", "equal", "last", "real", "little", "much")

// sourceBefore reports whether a source noun (study, report, survey,
// researchers, data…) stands in the few words before toks[i].
func sourceBefore(toks []token, i int) bool {
	for j := i - 1; j >= 0 && j >= i-4; j-- {
		if sourceNoun[toks[j].low] {
			return true
		}
	}
	return false
}

var sourceNoun = set("study", "studies", "report", "reports", "survey", "surveys", "poll", "polls",
	"researchers", "scientists", "data", "analysis", "review", "audit", "investigation",
	"inquiry", "investigators", "census", "figures", "statistics", "records", "research",
	"experts", "trial", "tests", "test", "inspectors", "auditors", "paper", "authors")

// spelledNumber returns the strength of a number written in words: 1 for
// a cardinal of two or more or a fraction word with a unit ("forty-two",
// "three", "million", "dozens"), 0.6 for the weaker ones ("half",
// "twice", "double"), 0 for none. Hyphenated compounds count when every
// part is a number word.
func spelledNumber(w string) float64 {
	if v, ok := numberWord[w]; ok {
		return v
	}
	if !strings.Contains(w, "-") {
		return 0
	}
	for part := range strings.SplitSeq(w, "-") {
		if _, ok := numberWord[part]; !ok {
			return 0
		}
	}
	return 1
}

// idiomAt reports numbers in figures of speech: "on their own two feet",
// "my two cents", "a million times", "one or two", "a hundred percent
// sure", "second to none", "in two minds".
func idiomAt(toks []token, i int) bool {
	next := ""
	if i+1 < len(toks) {
		next = toks[i+1].low
	}
	prev := ""
	if i > 0 {
		prev = toks[i-1].low
	}
	switch toks[i].low {
	case "two":
		return next == "feet" || next == "cents" || next == "minds" || next == "ways" && prev == "both" || prev == "or" || next == "or"
	case "million", "thousand", "hundred", "billion", "zillion":
		return prev == "a" && (next == "times" || next == "percent" || next == "ways" || next == "reasons" || next == "things" || next == "miles")
	case "half":
		return next == "the" && i+2 < len(toks) && toks[i+2].low == "time"
	case "twice":
		return next == "as" || prev == "think"
	case "double":
		return next == "standard" || next == "standards" || next == "down"
	}
	return false
}

// isSuperlative reports -est superlatives such as "largest" and "fastest".
func isSuperlative(w string) bool {
	return len(w) >= 6 && strings.HasSuffix(w, "est") && !notSuperlative[w]
}

// numberWord maps number words to their strength as a figure.
var numberWord = func() map[string]float64 {
	m := map[string]float64{}
	for _, w := range strings.Fields(`two three four five six seven eight nine ten eleven twelve
		thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty
		fifty sixty seventy eighty ninety hundred hundreds thousand thousands million
		millions billion billions trillion trillions dozen dozens percent tonnes tons
		kilometres kilometers miles metres meters hectares acres`) {
		m[w] = 1
	}
	for _, w := range strings.Fields("one half third quarter fifth twice double triple tripled") {
		m[w] = 0.6
	}
	m["one"] = 0 // counts only inside a compound: "one hundred", "twenty-one"
	return m
}()

var monthOrDay = set(
	"january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december", "jan", "feb", "mar",
	"apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "monday",
	"tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"yesterday",
)

var periodWord = set(
	"week", "weekend", "month", "year", "quarter", "decade", "century",
	"spring", "summer", "autumn", "fall", "winter", "night", "morning",
)

// notEntity holds capitalized words that name no one: pronouns, sentence
// openers after a colon or quote, dates, titles on their own.
var notEntity = set(
	"i", "the", "a", "an", "this", "that", "these", "those", "it", "he",
	"she", "we", "they", "but", "and", "in", "on", "at", "for", "of", "to",
	"if", "as", "when", "while", "after", "before", "with", "by", "from",
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december", "monday",
	"tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"mr", "mrs", "ms", "dr", "there", "here", "what", "why", "how", "who",
	"our", "my", "his", "her", "their", "its", "one", "some", "many",
)

var attributionWord = set(
	"said", "says", "say", "told", "tells", "reported", "reports",
	"announced", "announces", "confirmed", "confirms", "stated", "noted",
	"added", "wrote", "testified", "disclosed", "revealed", "estimated",
	"estimates", "showed", "shows", "found", "finds", "published", "released",
	"claimed", "claims", "declared", "acknowledged", "admitted", "explained",
	"cited", "citing", "condemned", "criticized",
	"criticised", "argued", "warned", "pledged", "promised", "vowed",
	"insisted", "described", "dismissed", "denied", "accused",
)

// notReporting holds words after which "say" reports nothing: "can't
// say", "to say", "would not say".
var notReporting = set(
	"can", "can't", "cannot", "could", "couldn't", "would", "wouldn't",
	"not", "don't", "didn't", "won't", "never", "to", "hard", "fair",
	"needless",
)

var comparisonWord = set(
	"than", "fewer", "compared", "versus", "vs", "record", "doubled",
	"tripled", "halved", "twice", "rose", "risen", "rise", "rises", "fell",
	"fallen", "falls", "dropped", "drops", "increased", "increases",
	"decreased", "decreases", "grew", "grown", "declined", "declines",
	"climbed", "jumped", "surged", "slumped", "plunged", "soared", "edged",
	"majority", "doubling", "outnumber",
	"outnumbered", "exceeded", "exceeds", "overtook",
)

// notSuperlative holds words ending in -est that compare nothing.
var notSuperlative = set(
	"interest", "protest", "request", "suggest", "forest", "honest",
	"modest", "harvest", "contest", "manifest", "arrest", "invest",
	"digest", "conquest", "attest", "detest", "inquest", "behest", "unrest",
	"earnest", "midwest", "southwest", "northwest", "priest", "requested",
	"interests", "protests", "requests", "suggests", "arrests", "invests",
	"bequest", "divest", "infest", "molest", "tempest", "rearrest",
)

var legalWord = set(
	"treaty", "treaties", "law", "laws", "lawful", "lawfully", "unlawful",
	"illegal", "illegally", "legal", "legally", "convention", "conventions",
	"ban", "bans", "banned", "banning", "prohibit", "prohibits",
	"prohibited", "prohibition", "prohibitions", "violate", "violates",
	"violated", "violating", "violation", "violations", "signed",
	"signatory", "signatories", "ratify", "ratified", "ratification",
	"legislation", "statute", "constitution", "constitutional",
	"unconstitutional", "court", "courts", "ruled", "ruling", "judge",
	"judges", "justices", "sued", "lawsuit", "indicted", "convicted",
	"sentenced", "charged", "sanctions", "regulation", "regulations",
	"obligations", "compliance", "comply", "verdict", "prosecutors",
)

var causalWord = set(
	"because", "caused", "causes", "causing", "resulted", "triggered",
	"therefore", "consequently", "hence", "attributed", "contributed",
	"blamed",
)

// causalPair maps the first word of two-word causal phrases to the second.
var causalPair = map[string]string{
	"led": "to", "leads": "to", "lead": "to", "due": "to", "owing": "to",
	"thanks": "to", "driven": "by", "linked": "to", "result": "of",
	"resulting": "in",
}

var opinionWord = set(
	"should", "must", "ought", "shocking", "outrageous", "disgraceful",
	"absurd", "ridiculous", "terrible", "awful", "horrible", "appalling",
	"wonderful", "amazing", "fantastic", "disastrous", "shameful",
	"unacceptable", "irresponsible", "reckless", "dispiriting", "truly",
	"sadly", "unfortunately", "fortunately", "obviously", "surely",
	"deserve", "deserves", "believe", "believes", "think", "thinks",
	"urge", "urges", "hopefully", "incorrect", "disgrace", "scandalous",
	"welcome", "unfair", "wrong", "needless", "pointless", "frankly",
	"underscores", "underscore", "arguably", "undoubtedly",
)

var opinionVerb = set("think", "believe", "feel", "suggest", "hope", "fear")

var firstPersonVerb = set(
	"should", "must", "urge", "suggest", "recommend", "propose", "need",
	"call", "ask", "will", "want", "demand", "intend", "plan",
)

var hedgeWord = set(
	"may", "might", "could", "perhaps", "possibly", "probably",
	"potentially", "likely", "unlikely", "seems", "seem", "seemingly",
	"maybe", "allegedly", "reportedly", "apparently",
)

var predictionWord = set(
	"expect", "expects", "forecast", "forecasts", "predicted", "predict",
	"predicts", "projects", "projection", "projections", "outlook",
)
