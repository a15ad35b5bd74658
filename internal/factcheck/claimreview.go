package factcheck

// How the desk's ratings are published as schema.org ClaimReview, which
// search engines and fact-check aggregators read.
//
// Every rating is published by its label (reviewRating.name and
// alternateName, what Google shows) and by a number on the 1–5 scale
// (ratingValue, with bestRating 5 and worstRating 1), because validators
// report a reviewRating without ratingValue as an error. Ratings on the
// scale publish their own value. Ratings off the scale are mapped:
//
//   - Misleading publishes 2, as Mostly false does: the facts may be right,
//     but the impression they give is false.
//   - Every other rating off the scale (Unproven, and any a desk adds)
//     publishes the scale's midpoint, 3: it places the claim neither
//     toward true nor toward false. Readers and aggregators that show the
//     label see "Unproven", never "Half true".
//
// The /ratings page shows this mapping next to the scale.

// offScaleValues maps ratings off the numeric scale, by key, to the number
// published for them; those not listed publish MidRatingValue.
var offScaleValues = map[string]int{"misleading": 2}

// MidRatingValue is the middle of the numeric scale, published for ratings
// off the scale that lean neither way.
const MidRatingValue = (WorstRatingValue + BestRatingValue) / 2

// PublishedValue returns the number published for r as ClaimReview's
// ratingValue: its own value when it has one, else the mapping above. It
// is always between WorstRatingValue and BestRatingValue.
func (r *Rating) PublishedValue() int {
	if r.Value != nil {
		return *r.Value
	}
	if v, ok := offScaleValues[r.Key]; ok {
		return v
	}
	return MidRatingValue
}
