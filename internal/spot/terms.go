package spot

import "strings"

// Terms returns the salient terms of a claim for finding similar,
// already checked claims by full-text search: numbers as written
// ("160", "2.35", "1,000"), and lowercased names and content words with
// stopwords, reporting verbs and one-letter words removed. A possessive
// "'s" is dropped ("ukraine"), acronyms keep their inner periods without
// the final one ("u.s"), hyphenated words stay whole ("anti-personnel").
// Terms appear once each, in order of first appearance; text without any
// yields an empty, non-nil slice. Callers feeding a tokenizer that splits
// on punctuation should quote terms as phrases.
func Terms(text string) []string {
	toks := tokenize(text)
	out := make([]string, 0, len(toks)/2)
	seen := make(map[string]bool, len(toks))
	for _, t := range toks {
		var term string
		switch {
		case t.symbol:
			continue
		case t.num:
			term = t.raw
		default:
			term = strings.Trim(t.low, "'-.")
			if len([]rune(term)) < 2 || stopword[term] {
				continue
			}
		}
		if !seen[term] {
			seen[term] = true
			out = append(out, term)
		}
	}
	return out
}

// stopword holds function words and reporting verbs, which say nothing
// about what a claim is about.
var stopword = set(
	"a", "about", "above", "after", "again", "against", "all", "also", "am",
	"an", "and", "any", "are", "aren't", "as", "at", "be", "because", "been",
	"before", "being", "below", "between", "both", "but", "by", "can",
	"cannot", "could", "did", "do", "does", "doing", "don't", "down",
	"during", "each", "even", "ever", "every", "few", "for", "from",
	"further", "had", "has", "have", "having", "he", "her", "here", "hers",
	"herself", "him", "himself", "his", "how", "however", "i", "i'm", "i've",
	"if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "just",
	"me", "more", "most", "much", "my", "myself", "no", "nor", "not", "now",
	"of", "off", "on", "once", "one", "only", "or", "other", "our", "ours",
	"ourselves", "out", "over", "own", "same", "she", "should", "so",
	"some", "such", "than", "that", "the", "their", "theirs", "them",
	"themselves", "then", "there", "these", "they", "this", "those",
	"through", "to", "too", "under", "until", "up", "upon", "us", "very",
	"was", "wasn't", "we", "were", "what", "when", "where", "which", "while",
	"who", "whom", "why", "will", "with", "would", "you", "your", "yours",
	"yourself", "may", "might", "must", "shall", "said", "says", "say",
	"told", "tells", "according", "added", "stated", "noted", "reported",
	"announced", "explained", "claimed", "claims", "also", "still", "yet",
	"many", "several", "since", "though", "although", "within", "without",
	"per", "via", "among", "across", "around", "'s", "s", "mr", "mrs", "ms",
	"dr", "like", "well", "get", "got", "make", "made",
)
