// Package match answers "Already checked?": given a sentence or a claim,
// it ranks the published claims that check the same thing.
//
// Ranking has two stages. The first is BM25 over four fields scored apart
// (statement, quote, summary, title; see Params), with a light English
// stemmer, numbers normalized and weighted above words, names
// (capitalized words inside a sentence, acronyms) weighted above other
// words, hyphenated codes kept whole ("MS-13" is ms13), and links,
// handles and tweet trailers dropped. The second re-scores the 20 best
// candidates with a logistic regression over a few features of each pair
// (field scores, the share of the claim's and of the query's terms they
// share, shared numbers and names, the rarest shared term, lengths, BM25
// rank; see the Feat constants), so a score is a probability that the
// claim is the same. Two thresholds turn scores into levels: Maybe
// ("maybe the same claim") and Same ("the same claim"); Search shows
// nothing below Maybe.
//
// The BM25 constants, the re-scorer's weights and the thresholds were
// chosen on the public CheckThat! 2022 "detecting previously fact-checked
// claims" dev sets (English tweets, 2A, and debate sentences, 2B).
// `go run ./cmd/spoteval -match-train` refits the re-scorer and prints its
// 5-fold cross-validated MAP@5 over the dev queries, the honest figure;
// `go run ./cmd/spoteval -match` prints the figures of the committed
// matcher, which are development figures.
//
// An Index lives in memory: build it from the published claims at start
// (100,000 claims take about a second), keep it current with Add and
// Remove, and call Search from any number of goroutines.
package match
