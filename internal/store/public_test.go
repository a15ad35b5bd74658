package store_test

import (
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

// TestPublicVersionMovesWithWhatReadersSee: the public version moves with
// every change a reader could see, and only with those, so cached public
// pages are re-rendered exactly when they may have changed.
func TestPublicVersionMovesWithWhatReadersSee(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		rev := mustUser(t, s, "rev@example.org", factcheck.RoleReviewer)
		a := mustArticle(t, s, "More than 160 countries have joined the treaty. Critics disagree.")
		version := func() int64 {
			t.Helper()
			v, err := s.PublicVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		step := func(what string, moves bool, do func() error) {
			t.Helper()
			before := version()
			if err := do(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if after := version(); (after != before) != moves {
				t.Errorf("%s: public version %d → %d, want moved=%v", what, before, after, moves)
			}
		}
		c := &factcheck.Claim{ArticleID: &a.ID, Quote: "More than 160 countries have joined the treaty", Claimant: "The article"}
		step("a new draft", false, func() error { return s.CreateClaim(ctx, c, ed) })
		step("a draft's verdict", false, func() error {
			var err error
			c, err = s.UpdateClaim(ctx, c.ID, c.Version, ed, "verdict", func(c *factcheck.Claim) error {
				c.RatingKey, c.Summary = "true", "Confirmed."
				ready(c)
				return nil
			})
			return err
		})
		step("submitting for review", false, func() error {
			var err error
			c, err = s.UpdateClaim(ctx, c.ID, c.Version, ed, "submit", func(c *factcheck.Claim) error { return c.Submit(ed) })
			return err
		})
		step("publishing", true, func() error {
			var err error
			c, err = s.UpdateClaim(ctx, c.ID, c.Version, rev, "publish", func(c *factcheck.Claim) error { return c.Publish(rev, time.Now(), false) })
			return err
		})
		step("a correction", true, func() error {
			var err error
			c, err = s.UpdateClaim(ctx, c.ID, c.Version, rev, "We misread the count.", func(c *factcheck.Claim) error {
				c.Summary = "Confirmed, with the count fixed."
				return c.Correct(rev, "We misread the count.", time.Now())
			})
			return err
		})
		ratings, err := s.Ratings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		same := ratings[0]
		step("saving a rating unchanged", false, func() error { return s.SaveRating(ctx, &same) })
		renamed := ratings[0]
		renamed.Label = "Entirely true"
		step("renaming a rating", true, func() error { return s.SaveRating(ctx, &renamed) })
		step("editing an article with a public claim", true, func() error {
			_, _, err := s.UpdateArticle(ctx, a.ID, ed, func(a *factcheck.Article) error {
				a.Body = "Update: more countries joined.\n\n" + a.Body
				return nil
			})
			return err
		})
		other := mustArticle(t, s, "A draft-only article about landmines.")
		step("editing an article without public claims", false, func() error {
			_, _, err := s.UpdateArticle(ctx, other.ID, ed, func(a *factcheck.Article) error {
				a.Title = "Still unpublished"
				return nil
			})
			return err
		})
	})
}
