// Package match answers "Already checked?": given a sentence or a claim,
// it ranks the published claims that check the same thing.
//
// The ranking is BM25 over four fields scored apart (statement, quote,
// summary, title; see Params), with a light English stemmer, numbers
// normalized and weighted above words, names (capitalized words inside a
// sentence, acronyms) weighted above other words, and links, handles and
// tweet trailers dropped. Scores are normalized to [0, 1] by the score a
// claim would get if it held every query term in its statement, and two
// thresholds turn them into levels: Maybe ("maybe the same claim") and
// Same ("the same claim"); Search shows nothing below Maybe.
//
// The constants and thresholds were chosen on the public CheckThat! 2022
// "detecting previously fact-checked claims" dev sets (English tweets,
// 2A, and debate sentences, 2B); `go run ./cmd/spoteval -match` prints
// the figures, which are development figures.
//
// An Index lives in memory: build it from the published claims at start
// (100,000 claims take about a second), keep it current with Add and
// Remove, and call Search from any number of goroutines.
package match
