// Package spot is the claim spotter: it cuts an article into sentences with
// exact byte offsets (Split), scores each sentence for check-worthiness
// (Score), and says who made its claim and where the claim is
// (Attribute), so that an editor sees first the sentences that carry
// checkable facts and can turn one into a claim with its speaker.
//
// Everything here is pure computation over a string: no I/O except
// WriteJSONL, no global state but the embedded model, which is parsed once
// on first use and read-only after; safe for concurrent use. Offsets are
// byte offsets into the caller's string, whatever its encoding; invalid
// UTF-8 is carried through untouched, never repaired and never a reason to
// split.
//
// The score is a calibrated probability from a logistic regression over
// named linguistic cues and hashed word n-grams and character 3- to
// 5-grams (Features; the model file says which families and how many
// buckets), trained by cmd/spottrain on the public CheckThat! 2024
// check-worthiness sentences and our own training news labels, with
// naive-Bayes scaling of the hashed columns during training (folded back
// into the weights) and Platt scaling fitted on cross-validated scores.
// `make train` rebuilds model/checkworthy.bin and prints its figures: the
// 5-fold cross-validated figures on the train set, the honest guide, and
// the dev set's, on which the threshold was chosen. `make eval`
// (cmd/spoteval) measures the spotter on public and own data.
package spot
