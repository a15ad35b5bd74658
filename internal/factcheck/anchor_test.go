package factcheck_test

import (
	"strings"
	"testing"

	"claimdesk/internal/factcheck"
)

func TestReanchor(t *testing.T) {
	body := "Intro.\n\nMore than 160 countries have joined the treaty. Officials confirmed it on Tuesday."
	exact := "More than 160 countries have joined the treaty."
	i := strings.Index(body, exact)
	a, err := factcheck.NewAnchor(body, i, i+len(exact))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		body  string
		match factcheck.AnchorMatch
		text  string
	}{
		{"unchanged", body, factcheck.MatchExact, exact},
		{"text inserted before", "A new first paragraph.\n\n" + body, factcheck.MatchQuote, exact},
		{"copy edit", "Intro.\n\nMore than 160 nations have joined the treaty. Officials confirmed it on Tuesday.", factcheck.MatchFuzzy, "More than 160 nations have joined the treaty."},
		{"removed", "Intro.\n\nOfficials confirmed it on Tuesday.", factcheck.MatchOrphaned, ""},
		{"duplicate picks context", "More than 160 countries have joined the treaty. x\n\nIntro.\n\nMore than 160 countries have joined the treaty. Officials confirmed it on Tuesday.", factcheck.MatchQuote, exact},
	}
	for _, tc := range cases {
		got, m := factcheck.Reanchor(a, tc.body)
		if m != tc.match {
			t.Errorf("%s: match %s, want %s", tc.name, m, tc.match)
			continue
		}
		if m == factcheck.MatchOrphaned {
			if !got.Orphaned {
				t.Errorf("%s: not flagged orphaned", tc.name)
			}
			continue
		}
		if tc.body[got.Start:got.End] != tc.text || got.Exact != tc.text || got.Orphaned {
			t.Errorf("%s: anchored %q", tc.name, tc.body[got.Start:got.End])
		}
		if tc.name == "duplicate picks context" && got.Start < 50 {
			t.Errorf("duplicate: picked the occurrence without matching context (start %d)", got.Start)
		}
	}
}

func TestNewAnchorRejectsBadSpans(t *testing.T) {
	body := "Mines — “banned” in 164 states."
	for _, sp := range [][2]int{{-1, 3}, {3, 3}, {0, len(body) + 1}, {7, 9}, {5, 6}} {
		if _, err := factcheck.NewAnchor(body, sp[0], sp[1]); factcheck.ErrorCode(err) != factcheck.EINVALID {
			t.Errorf("span %v: err %v", sp, err)
		}
	}
}

func TestWorkflowTransitions(t *testing.T) {
	editor := &factcheck.User{ID: 1, Role: factcheck.RoleEditor}
	reviewer := &factcheck.User{ID: 2, Role: factcheck.RoleReviewer}
	c := &factcheck.Claim{Status: factcheck.StatusDraft, AuthorID: &reviewer.ID}
	if err := c.Submit(editor); factcheck.ErrorField(err) != factcheck.FieldReadiness || len(factcheck.ErrorMissing(err)) != 7 {
		t.Fatalf("submit of an empty claim: %v", err)
	}
	fillReady(c)
	if err := c.Submit(editor); err != nil || c.Status != factcheck.StatusInReview {
		t.Fatalf("submit: %v", err)
	}
	if err := c.CheckEditable(); factcheck.ErrorCode(err) != factcheck.ECONFLICT {
		t.Fatalf("claim in review editable in place: %v", err)
	}
	if err := c.Withdraw(editor); factcheck.ErrorCode(err) != factcheck.EFORBIDDEN {
		t.Fatalf("withdrawal by someone other than the author: %v", err)
	}
	if err := c.ReturnToDraft(reviewer, "  "); factcheck.ErrorField(err) != "note" {
		t.Fatalf("return without a note: %v", err)
	}
	if err := c.ReturnToDraft(reviewer, "Find the 2022 figure."); err != nil || c.Status != factcheck.StatusDraft || c.ReturnNote != "Find the 2022 figure." {
		t.Fatalf("return: %v %+v", err, c)
	}
	if err := c.Submit(editor); err != nil || c.ReturnNote != "" {
		t.Fatalf("resubmit keeps the return note: %v %q", err, c.ReturnNote)
	}
	if err := c.Withdraw(reviewer); err != nil || c.Status != factcheck.StatusDraft {
		t.Fatalf("author withdraws: %v", err)
	}
	if err := c.Submit(editor); err != nil {
		t.Fatal(err)
	}
	if err := c.Publish(editor, c.CreatedAt, false); factcheck.ErrorCode(err) != factcheck.EFORBIDDEN {
		t.Fatalf("editor publish: %v", err)
	}
	if err := c.Publish(reviewer, c.CreatedAt, true); factcheck.ErrorCode(err) != factcheck.EFORBIDDEN {
		t.Fatalf("author publishes own claim with the option on: %v", err)
	}
	if err := c.Publish(reviewer, c.CreatedAt, false); err != nil || c.Status != factcheck.StatusPublished {
		t.Fatalf("publish: %v", err)
	}
	if err := c.CheckEditable(); factcheck.ErrorCode(err) != factcheck.ECONFLICT {
		t.Fatalf("published claim editable in place: %v", err)
	}
	if err := c.Correct(reviewer, " ", c.CreatedAt); factcheck.ErrorField(err) != "note" {
		t.Fatalf("correction without note: %v", err)
	}
	if err := c.Retract(reviewer, "Source withdrawn.", c.CreatedAt); err != nil || c.Status != factcheck.StatusRetracted {
		t.Fatalf("retract: %v", err)
	}
}
