package factcheck_test

import (
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
)

// fillReady gives c everything the readiness checklist asks for.
func fillReady(c *factcheck.Claim) {
	d := time.Date(2024, 11, 19, 0, 0, 0, 0, time.UTC)
	c.Statement, c.Claimant, c.ClaimDate = "The US approved mines for Ukraine", "Lloyd Austin", &d
	c.RatingKey, c.Summary, c.Rationale = "false", "Not so.", "The record shows otherwise."
	c.Evidence = []factcheck.Evidence{{URL: "https://example.org/", Title: "Record", Stance: factcheck.StanceRefutes}}
}

// TestReadinessNamesEveryMissingItem: submit and publish refuse an
// incomplete claim with one error that names each missing item, in words
// and as a list, not only the first.
func TestReadinessNamesEveryMissingItem(t *testing.T) {
	editor := &factcheck.User{ID: 1, Role: factcheck.RoleEditor}
	c := &factcheck.Claim{Status: factcheck.StatusDraft, Claimant: "Lloyd Austin", RatingKey: "true"}
	err := c.Submit(editor)
	if factcheck.ErrorCode(err) != factcheck.EINVALID || c.Status != factcheck.StatusDraft {
		t.Fatalf("submit: %v", err)
	}
	var fields []string
	for _, m := range factcheck.ErrorMissing(err) {
		fields = append(fields, m.Field)
	}
	if got := strings.Join(fields, ","); got != "statement,claim_date,summary,rationale,evidence" {
		t.Errorf("missing = %s", got)
	}
	want := "Before it can be submitted for review, this claim needs a statement, the date of the claim, a one-line summary, a rationale and at least one source."
	if msg := factcheck.ErrorMessage(err); msg != want {
		t.Errorf("message = %q", msg)
	}
	// Publishing checks the same list (a claim in review could come from
	// before the rule, or an import).
	reviewer := &factcheck.User{ID: 2, Role: factcheck.RoleReviewer}
	c.Status = factcheck.StatusInReview
	if err := c.Publish(reviewer, time.Now(), false); factcheck.ErrorField(err) != factcheck.FieldReadiness || len(factcheck.ErrorMissing(err)) != 5 {
		t.Fatalf("publish of an incomplete claim: %v", err)
	}
	fillReady(c)
	if err := c.Publish(reviewer, time.Now(), false); err != nil {
		t.Fatalf("publish of a complete claim: %v", err)
	}
}

func TestAssign(t *testing.T) {
	u := &factcheck.User{ID: 7, Name: "Ana", Role: factcheck.RoleEditor}
	c := &factcheck.Claim{Status: factcheck.StatusInReview}
	if err := c.Assign(u); err != nil || c.AssigneeID == nil || *c.AssigneeID != 7 {
		t.Fatalf("assign: %v", err)
	}
	if err := c.Assign(nil); err != nil || c.AssigneeID != nil {
		t.Fatalf("unassign: %v", err)
	}
	now := time.Now()
	if err := c.Assign(&factcheck.User{ID: 8, Name: "Gone", DeactivatedAt: &now}); factcheck.ErrorCode(err) != factcheck.EINVALID {
		t.Fatalf("assign a deactivated user: %v", err)
	}
	c.Status = factcheck.StatusPublished
	if err := c.Assign(u); factcheck.ErrorCode(err) != factcheck.ECONFLICT {
		t.Fatalf("assign a published claim: %v", err)
	}
}
