package spot

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// Feature is one non-zero entry of a sentence's feature vector: Index is
// below the model's dimension (NumCues plus 1<<HashBits) and Value its
// weight. Features returns them sorted by Index, each Index once.
type Feature struct {
	Index uint32
	Value float32
}

// The feature vector of a sentence has two parts. The first NumCues
// entries are the linguistic cues (numbers, attribution, opinion words…),
// each with a name an editor can read; they are what Score's reasons are
// made of. The rest is a hashed bag of word unigrams, bigrams and (when
// the model's FeatureSet turns them on) trigrams and of character n-grams
// of 3 to 5 letters, each family scaled to unit length,
// which lets the model learn the wording of checkable claims from the
// labelled sentences without a vocabulary list.
const (
	cueLengthShort = int(numReasons) + iota // 4 words or fewer
	cueLengthLong                           // length beyond 8 words, up to 1
	cueYou                                  // "you", "your" outside quotes
	cueWeSubject                            // "we" or "I" as a subject
	cueQuoted                               // inside quotation marks
	cueModal                                // can, would, should…
	cueNegation                             // not, never, no
	cuePast                                 // past-tense verbs ("-ed", was, were, had)
	cuePersonal                             // I, me, my outside quotes: the speaker's own story
	cueHeadline                             // a line without final punctuation that states a claim
	cueBias                                 // always 1: the structural prior on news text
	// NumCues is the number of named cue features at the start of every
	// feature vector.
	NumCues
)

// cueName names every cue feature, for the training program's report.
var cueName = [NumCues]string{
	ReasonNumber, ReasonDate, ReasonEntity, ReasonAttribution,
	ReasonComparison, ReasonLegal, ReasonCausal, ReasonOpinion, ReasonHedge,
	ReasonQuestion, ReasonFirstPerson, ReasonPrediction, ReasonShort,
	ReasonHeading, "length_short", "length_long", "you", "we_subject",
	"quoted", "modal", "negation", "past", "personal", "headline", "bias",
}

// CueName returns the name of cue feature i (0 <= i < NumCues), or "" for
// any other index.
func CueName(i int) string {
	if i < 0 || i >= NumCues {
		return ""
	}
	return cueName[i]
}

// Feature families of the hashed part, each scaled to unit length and then
// by its weight in the model's FeatureSet.
const (
	FamilyWord    = iota // word unigrams
	FamilyBigram         // word bigrams, sentence edges included
	FamilyTrigram        // word trigrams, sentence edges included
	FamilyChar           // character 3- to 5-grams inside words
	// NumFamilies is the number of hashed feature families.
	NumFamilies
)

// charSeed seeds the hashes of character n-grams (the family's number
// before word trigrams were added, kept so that the buckets stay put).
const charSeed = 2

// FeatureSet is the shape of a model's feature vector: the size of its
// hashed part and the weight of each family (0 leaves a family out). A
// family's weight is its share of the regularization: a family scaled up
// is penalized less.
type FeatureSet struct {
	HashBits uint                 // the hashed part has 1<<HashBits entries
	Family   [NumFamilies]float32 // weight of each hashed family
}

// Dim returns the length of the feature vector: NumCues plus the hashed part.
func (fs FeatureSet) Dim() int { return NumCues + 1<<fs.HashBits }

// Features returns the feature vector of one sentence under set. The same
// sentence always yields the same vector; any string is accepted.
func Features(sentence string, set FeatureSet) []Feature {
	c := analyze(sentence)
	return featuresOf(&c, set)
}

// cues is what the cue extractor found in a sentence: the strength of
// every cue feature and the tokens it was computed from.
type cues struct {
	st   [NumCues]float64
	toks []token
}

func featuresOf(c *cues, set FeatureSet) []Feature {
	mask := uint32(1)<<set.HashBits - 1
	out := make([]Feature, 0, NumCues+len(c.toks)*16)
	for i, v := range c.st {
		if v != 0 {
			out = append(out, Feature{uint32(i), float32(v)})
		}
	}
	nc := len(out)
	// Each family's buckets, counted by sorting: no maps, and a fixed
	// order whatever the input.
	var fam [NumFamilies][]uint32
	add := func(f int, h uint32) {
		fam[f] = append(fam[f], uint32(NumCues)+h&mask)
	}
	word, bigram, trigram, char := set.Family[FamilyWord] != 0, set.Family[FamilyBigram] != 0,
		set.Family[FamilyTrigram] != 0, set.Family[FamilyChar] != 0
	prev2, prev := "", "<s>"
	var buf []byte
	var runes []rune
	for _, t := range c.toks {
		w := wordForm(t)
		if word {
			add(FamilyWord, hashString(FamilyWord, w))
		}
		if bigram {
			add(FamilyBigram, hashPair(prev, w))
		}
		if trigram && prev2 != "" {
			add(FamilyTrigram, hashTriple(prev2, prev, w))
		}
		prev2, prev = prev, w
		if !char {
			continue
		}
		// Character n-grams of the word padded with spaces, digits folded.
		buf = append(buf[:0], ' ')
		buf = append(buf, w...)
		buf = append(buf, ' ')
		runes = append(runes[:0], []rune(string(buf))...)
		for n := 3; n <= 5; n++ {
			for i := 0; i+n <= len(runes); i++ {
				add(FamilyChar, hashString(charSeed+n*7, string(runes[i:i+n])))
			}
		}
	}
	if bigram {
		add(FamilyBigram, hashPair(prev, "</s>"))
	}
	if trigram && prev2 != "" {
		add(FamilyTrigram, hashTriple(prev2, prev, "</s>"))
	}
	for f, hs := range fam {
		slices.Sort(hs)
		var norm float64
		for i := 0; i < len(hs); {
			j := i + 1
			for j < len(hs) && hs[j] == hs[i] {
				j++
			}
			lv := 1 + math.Log(float64(j-i))
			norm += lv * lv
			i = j
		}
		if norm == 0 {
			continue
		}
		scale := float64(set.Family[f]) / math.Sqrt(norm)
		for i := 0; i < len(hs); {
			j := i + 1
			for j < len(hs) && hs[j] == hs[i] {
				j++
			}
			out = append(out, Feature{hs[i], float32((1 + math.Log(float64(j-i))) * scale)})
			i = j
		}
	}
	// Families may collide on a bucket: merge, then sort for determinism.
	h := out[nc:]
	slices.SortStableFunc(h, func(a, b Feature) int { return int(a.Index) - int(b.Index) })
	j := 0
	for i := range h {
		if j > 0 && h[j-1].Index == h[i].Index {
			h[j-1].Value += h[i].Value
			continue
		}
		h[j] = h[i]
		j++
	}
	return out[:nc+j]
}

// wordForm is the form of a token in the hashed features: lowercase,
// with numbers folded to their shape so that "42" and "17" share weight.
func wordForm(t token) string {
	switch {
	case t.symbol:
		return t.low
	case t.num:
		if t.isYear() {
			return "<year>"
		}
		return "<num>"
	}
	return t.low
}

// hashString is 32-bit FNV-1a over a family seed and s.
func hashString(seed int, s string) uint32 {
	h := uint32(2166136261) ^ uint32(seed)*16777619
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

func hashPair(a, b string) uint32 {
	return hashMore(hashString(FamilyBigram, a), b)
}

func hashTriple(a, b, c string) uint32 {
	return hashMore(hashMore(hashString(FamilyTrigram, a), b), c)
}

// hashMore continues an FNV-1a hash with a separator and s.
func hashMore(h uint32, s string) uint32 {
	h ^= 0x1f
	h *= 16777619
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// analyze runs the cue extractor over one sentence.
func analyze(sentence string) cues {
	if kind, start := listMarker(sentence, 0, len(sentence)); kind != markNone {
		// "1. Cut rates." or "- Cut rates.": the item number is no figure.
		sentence = sentence[start:]
	}
	var c cues
	c.toks = tokenize(sentence)
	var st strengths
	scoreTokens(c.toks, &st)
	words := 0
	for _, t := range c.toks {
		if !t.symbol {
			words++
		}
	}
	if words <= 3 {
		st.fire(rShort, 1)
	}
	switch lastMark(sentence) {
	case '?':
		st.fire(rQuestion, 1)
	case '.', '!', '…':
		if isByline(c.toks, sentence) {
			st.fire(rHeading, 1)
		}
		if quotedQuestion(sentence) {
			st.fire(rQuestion, 1)
		}
	default:
		if headlineClaim(c.toks, &st, words) {
			c.st[cueHeadline] = 1
		} else {
			st.fire(rHeading, 1)
		}
	}
	if st[rAttribution] > 0 && st[rOpinion] > 0 && st[rFirstPerson] == 0 {
		st[rOpinion] *= quotedOpinion(c.toks)
	}
	if st[rAttribution] == 0 && wholeQuote(sentence) {
		st.fire(rOpinion, 0.5)
	}
	copy(c.st[:numReasons], st[:])
	if words <= 4 {
		c.st[cueLengthShort] = 1
	}
	c.st[cueLengthLong] = math.Min(1, math.Max(0, float64(words-8))/20)
	c.st[cueBias] = 1
	for i, t := range c.toks {
		switch t.low {
		case "you", "your", "yours", "yourself":
			if !t.quoted {
				c.st[cueYou] = 1
			}
		case "we", "i":
			if i+1 < len(c.toks) && !c.toks[i+1].cap {
				c.st[cueWeSubject] = 1
			}
		case "can", "could", "would", "should", "must", "might", "may", "shall":
			c.st[cueModal] = 1
		case "not", "never", "no", "n't", "don't", "didn't", "doesn't", "won't", "can't", "isn't", "wasn't":
			c.st[cueNegation] = 1
		case "was", "were", "had", "did":
			c.st[cuePast] = 1
		case "me", "my", "mine", "myself", "i'm", "i've", "i'd":
			if !t.quoted {
				c.st[cuePersonal] = 1
			}
		}
		if t.raw == "I" && !t.quoted {
			c.st[cuePersonal] = 1
		}
		if t.quoted {
			c.st[cueQuoted] = 1
		}
		if strings.HasSuffix(t.low, "ed") && utf8.RuneCountInString(t.low) > 4 && !t.cap {
			c.st[cuePast] = 1
		}
	}
	return c
}

// headlineClaim reports whether a line without final punctuation is a
// headline that states a claim ("Measles Cases Triple in Northern
// Province", "Court Strikes Down Data Law") rather than a label, a date
// line or a by-line ("Policy Background", "March 4, 2025", "By Jane
// Doe"): five words or more, a figure, a comparison, a legal or causal
// word, an attribution or a past-tense verb, and no question, hedge or
// prediction. Capitals of a title-cased headline are not names, so the
// entity cue is weakened for it.
func headlineClaim(toks []token, st *strengths, words int) bool {
	if words < 5 || words > 20 || st[rQuestion] > 0 || st[rHedge] > 0 || st[rPrediction] > 0 || st[rOpinion] > 0 {
		return false
	}
	if toks[0].low == "by" || contactWord[toks[0].low] || monthOrDay[toks[0].low] || toks[0].num {
		return false
	}
	caps := 0
	verb := false
	for _, t := range toks {
		if creditWord[t.low] || strings.Contains(t.raw, "/") {
			return false // a caption with its photo credit
		}
		if t.cap {
			caps++
		}
		if !t.num && !t.symbol && (strings.HasSuffix(t.low, "ed") || headlineVerb[t.low]) {
			verb = true
		}
	}
	if !(verb || st[rNumber] >= 1 || st[rComparison] > 0 || st[rLegal] > 0 || st[rCausal] > 0 || st[rAttribution] > 0) {
		return false
	}
	if caps*2 > words {
		st[rEntity] *= 0.5 // Title Case: most capitals are no names
	}
	return true
}

// headlineVerb holds present-tense verbs common in headlines.
var headlineVerb = set("is", "are", "has", "have", "wins", "loses", "cuts", "holds", "rises", "falls",
	"triple", "triples", "doubles", "double", "strikes", "bans", "passes", "elects", "approves",
	"rejects", "signs", "sends", "kills", "hits", "rules", "finds", "says", "tops", "drops",
	"jumps", "soars", "slumps", "grows", "shrinks", "lifts", "raises", "blocks", "backs")
