package factcheck

import "strings"

// Rating is one step of the newsroom's rating scale. Value places it on the
// numeric scale (1 = worst, 5 = best); ratings off the scale, such as
// Misleading or Unproven, have a nil Value.
type Rating struct {
	ID          int64  `json:"-"`
	Key         string `json:"key"`
	Label       string `json:"label"`
	Value       *int   `json:"value"`
	Description string `json:"description"`
	Color       string `json:"color"`
	Position    int    `json:"-"`
}

// Scale bounds of the numeric rating values, as published in ClaimReview.
const (
	WorstRatingValue = 1
	BestRatingValue  = 5
)

func intp(v int) *int { return &v }

// DefaultRatings returns the scale a new desk starts with, in display order.
func DefaultRatings() []Rating {
	return []Rating{
		{Key: "true", Label: "True", Value: intp(5), Color: "#1a7f37", Description: "The claim is accurate and nothing significant is missing."},
		{Key: "mostly-true", Label: "Mostly true", Value: intp(4), Color: "#4d9a2a", Description: "The claim is accurate but needs clarification or extra context."},
		{Key: "half-true", Label: "Half true", Value: intp(3), Color: "#b58a00", Description: "The claim is partly accurate but leaves out important details or takes things out of context."},
		{Key: "mostly-false", Label: "Mostly false", Value: intp(2), Color: "#c9510c", Description: "The claim contains an element of truth but ignores facts that would give a different impression."},
		{Key: "false", Label: "False", Value: intp(1), Color: "#cf222e", Description: "The claim is inaccurate."},
		{Key: "misleading", Label: "Misleading", Color: "#8250df", Description: "The facts may be right but they are presented in a way that gives a false impression."},
		{Key: "unproven", Label: "Unproven", Color: "#57606a", Description: "There is not enough evidence to prove or disprove the claim."},
	}
}

// Normalize trims the rating's text and drops control characters from it.
func (r *Rating) Normalize() {
	r.Key = CleanLine(r.Key)
	r.Label = CleanLine(r.Label)
	r.Description = strings.TrimSpace(CleanText(r.Description))
	r.Color = CleanLine(r.Color)
}

// Validate returns an EINVALID error naming the first bad field.
func (r *Rating) Validate() error {
	if !ValidKey(r.Key) {
		return FieldError("key", "Rating key must be lowercase letters, digits and hyphens.")
	} else if r.Label == "" {
		return FieldError("label", "Rating label is required.")
	} else if r.Value != nil && (*r.Value < WorstRatingValue || *r.Value > BestRatingValue) {
		return FieldError("value", "Rating value must be between %d and %d.", WorstRatingValue, BestRatingValue)
	} else if r.Color != "" && !ValidColor(r.Color) {
		return FieldError("color", "Color must look like #1a7f37.")
	}
	return nil
}

// ValidKey reports whether key is a well-formed rating key (a slug).
func ValidKey(key string) bool { return isSlug(key) }

// ValidColor reports whether c is a colour in #rrggbb form.
func ValidColor(c string) bool {
	if len(c) != 7 || c[0] != '#' {
		return false
	}
	for _, ch := range c[1:] {
		if !('0' <= ch && ch <= '9' || 'a' <= ch && ch <= 'f' || 'A' <= ch && ch <= 'F') {
			return false
		}
	}
	return true
}
