package spot

import (
	"bufio"
	"encoding/json"
	"io"
	"math"
)

// Sentence is one segment of an article with its check-worthiness.
// Start and End are byte offsets into the text given to Suggest and
// Text == text[Start:End]. Claimant is who made the claim, as written,
// or nil for the outlet's own voice; ClaimStart and ClaimEnd are the
// byte span of the claim without its attribution frame (for a direct
// quotation, the quoted words), within [Start, End]. See Attribute.
type Sentence struct {
	Start       int      `json:"start"`
	End         int      `json:"end"`
	Text        string   `json:"text"`
	Score       float64  `json:"score"`
	Checkworthy bool     `json:"checkworthy"`
	Reasons     []string `json:"reasons"` // never nil: [] when empty
	Claimant    *string  `json:"claimant"`
	ClaimStart  int      `json:"claim_start"`
	ClaimEnd    int      `json:"claim_end"`
}

// Suggest splits text into sentences (see Split) and scores each one (see
// Score), in document order. Checkworthy is Score >= DefaultThreshold().
// It never fails; text without any sentence yields an empty, non-nil
// slice.
func Suggest(text string) []Sentence {
	return SuggestAt(text, DefaultThreshold())
}

// SuggestAt is Suggest with another cut-off: Checkworthy is
// Score >= threshold. Scores and reasons do not depend on it.
func SuggestAt(text string, threshold float64) []Sentence {
	m := DefaultModel()
	spans := Split(text)
	attrs := Attribute(text, spans)
	out := make([]Sentence, len(spans))
	for i, sp := range spans {
		s := text[sp.Start:sp.End]
		score, reasons := m.Score(s)
		out[i] = Sentence{
			Start:       sp.Start,
			End:         sp.End,
			Text:        s,
			Score:       score,
			Checkworthy: score >= threshold,
			Reasons:     reasons,
			Claimant:    attrs[i].Claimant,
			ClaimStart:  attrs[i].ClaimStart,
			ClaimEnd:    attrs[i].ClaimEnd,
		}
	}
	return out
}

// WriteJSONL writes sents to w as JSON Lines: exactly one object per line,
// with the fields in the order start, end, text, score, checkworthy,
// reasons, claimant (null when nil), claim_start, claim_end, the score rounded to two decimals and reasons written as []
// when nil. HTML characters are not escaped. JSON cannot carry invalid
// UTF-8, so such bytes in Text come out as the escape \ufffd; start
// and end stay exact. It returns the first write error; lines written before it stay
// written.
func WriteJSONL(w io.Writer, sents []Sentence) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, s := range sents {
		if s.Reasons == nil {
			s.Reasons = []string{}
		}
		s.Score = math.Round(s.Score*100) / 100
		if err := enc.Encode(s); err != nil {
			return err
		}
	}
	return bw.Flush()
}
