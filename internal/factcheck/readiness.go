package factcheck

import "strings"

// ReadinessItem is one item of the checklist a claim must meet before it
// is submitted for review or published. Field is the input that supplies
// it (as forms and the JSON API name it); Label says it in words ("a
// one-line summary").
type ReadinessItem struct {
	Field string
	Label string
	Done  bool
}

// FieldReadiness is the Field of the error Submit and Publish return for
// an incomplete claim; the error's Missing lists every missing item.
const FieldReadiness = "readiness"

// Readiness returns the whole checklist in a fixed order: statement,
// claimant, claim date, rating, summary, rationale and at least one
// source, each marked Done when the claim has it.
func (c *Claim) Readiness() []ReadinessItem {
	return []ReadinessItem{
		{"statement", "a statement", strings.TrimSpace(c.Statement) != ""},
		{"claimant", "the claimant", strings.TrimSpace(c.Claimant) != ""},
		{"claim_date", "the date of the claim", c.ClaimDate != nil && !c.ClaimDate.IsZero()},
		{"rating", "a rating", c.RatingKey != ""},
		{"summary", "a one-line summary", strings.TrimSpace(c.Summary) != ""},
		{"rationale", "a rationale", strings.TrimSpace(c.Rationale) != ""},
		{"evidence", "at least one source", len(c.Evidence) > 0},
	}
}

// Missing returns the checklist items the claim lacks, in checklist order;
// empty when it is ready.
func (c *Claim) Missing() []ReadinessItem {
	var out []ReadinessItem
	for _, it := range c.Readiness() {
		if !it.Done {
			out = append(out, it)
		}
	}
	return out
}

// checkReady returns nil for a complete claim, else an EINVALID error on
// the field FieldReadiness whose message names every missing item and
// whose Missing lists them. doing is what was refused ("submitted for
// review").
func (c *Claim) checkReady(doing string) error {
	missing := c.Missing()
	if len(missing) == 0 {
		return nil
	}
	labels := make([]string, len(missing))
	for i, m := range missing {
		labels[i] = m.Label
	}
	return &Error{Code: EINVALID, Field: FieldReadiness, Missing: missing,
		Message: "Before it can be " + doing + ", this claim needs " + JoinWords(labels) + "."}
}

// JoinWords joins words as a sentence lists them: "a", "a and b",
// "a, b and c".
func JoinWords(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// Withdraw takes a claim in review back to draft at its author's request,
// so they can change it; nobody else may withdraw it (a reviewer returns
// it with a note instead).
func (c *Claim) Withdraw(by *User) error {
	if by == nil {
		return Errorf(EUNAUTHORIZED, "Log in to withdraw claims.")
	} else if c.Status != StatusInReview {
		return Errorf(ECONFLICT, "Only claims in review can be withdrawn; this claim is %s.", c.Status.Label())
	} else if c.AuthorID == nil || *c.AuthorID != by.ID {
		return Errorf(EFORBIDDEN, "Only the claim's author can withdraw it from review; a reviewer returns it with a note.")
	}
	c.Status = StatusDraft
	return nil
}

// Assign makes u the claim's assignee (nil: nobody). Any desk user may be
// assigned; a deactivated one may not. Only claims still being worked on
// (drafts and claims in review) take assignments.
func (c *Claim) Assign(u *User) error {
	if c.Status != StatusDraft && c.Status != StatusInReview {
		return Errorf(ECONFLICT, "This claim is %s; only drafts and claims in review are assigned.", c.Status.Label())
	}
	if u == nil {
		c.AssigneeID, c.Assignee = nil, nil
		return nil
	}
	if !u.Active() {
		return FieldError("assignee_id", "%s is deactivated and cannot be assigned.", u.Name)
	}
	c.AssigneeID, c.Assignee = &u.ID, u
	return nil
}
