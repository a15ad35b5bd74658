// Package spot is the claim spotter: it cuts an article into sentences with
// exact byte offsets and scores each sentence for check-worthiness, so that
// an editor sees first the sentences that carry checkable facts (numbers,
// dates, named people and bodies, attributions, comparisons, legal and
// causal statements) and last the ones that do not (opinions, hedges,
// questions, recommendations, predictions, headings).
//
// Everything here is pure computation over a string: no I/O except
// WriteJSONL, no global state, safe for concurrent use. Offsets are byte
// offsets into the caller's string, whatever its encoding; invalid UTF-8 is
// carried through untouched, never repaired and never a reason to split.
//
// The scorer is a hand-weighted logistic model whose weights and Threshold
// were chosen on the labelled data under testdata/eval; run
// `go run ./cmd/spoteval` from the repository root to reproduce the
// figures quoted in the comments.
package spot
