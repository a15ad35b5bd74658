package store_test

import (
	"fmt"
	"strings"
	"testing"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

// TestSlugsOfTheSameQuote: claims with the same quote get distinct slugs
// (the first the plain slug, the others the slug with their id), each
// found by ClaimBySlug, and the lookup uses the slug index.
func TestSlugsOfTheSameQuote(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		seen := map[string]int64{}
		for i := range 5 {
			c := &factcheck.Claim{Quote: "Mines were sent to Ukraine", Claimant: "Officials"}
			if err := s.CreateClaim(ctx, c, ed); err != nil {
				t.Fatal(err)
			}
			want := "mines-were-sent-to-ukraine"
			if i > 0 {
				want = fmt.Sprintf("%s-%d", want, c.ID)
			}
			if c.Slug != want {
				t.Fatalf("claim %d: slug %q, want %q", i, c.Slug, want)
			}
			seen[c.Slug] = c.ID
		}
		for slug, id := range seen {
			got, err := s.ClaimBySlug(ctx, slug)
			if err != nil || got.ID != id || got.Slug != slug {
				t.Fatalf("ClaimBySlug(%s): %v %v", slug, got, err)
			}
		}
		// A claim whose own slug looks like "slug-ID" does not collide.
		first := seen["mines-were-sent-to-ukraine"]
		next := first + 100
		c := &factcheck.Claim{Quote: fmt.Sprintf("Mines were sent to Ukraine %d", next), Claimant: "Officials"}
		if err := s.CreateClaim(ctx, c, ed); err != nil || seen[c.Slug] != 0 {
			t.Fatalf("slug %q: %v", c.Slug, err)
		}
		if s.Dialect() == store.SQLite {
			var plan []struct {
				ID, Parent, Notused int
				Detail              string
			}
			store.WriterForTest(s).Raw("EXPLAIN QUERY PLAN SELECT id FROM claims WHERE slug = ? AND id <> ? LIMIT 1", "x", 0).Scan(&plan)
			if len(plan) == 0 || !strings.Contains(plan[0].Detail, "claims_slug") {
				t.Fatalf("slug lookup does not use the index: %+v", plan)
			}
		}
	})
}

// TestClaimsPerArticleCap: an article takes claims up to
// factcheck.MaxClaimsPerArticle and then refuses with a 422-style error
// naming the field.
func TestClaimsPerArticleCap(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		a := mustArticle(t, s, "The treaty bans antipersonnel mines. It has 164 members.")
		err := store.WriterForTest(s).Exec(`INSERT INTO claims (article_id, quote, claimant, status, slug, created_at, updated_at)
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			SELECT ?, 'The treaty bans antipersonnel mines.', 'Filler', 'draft', 'filler-' || i, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n`,
			factcheck.MaxClaimsPerArticle-1, a.ID).Error
		if err != nil {
			t.Fatal(err)
		}
		last := &factcheck.Claim{ArticleID: &a.ID, Quote: "It has 164 members.", Claimant: "The article"}
		if err := s.CreateClaim(ctx, last, ed); err != nil {
			t.Fatalf("claim number %d: %v", factcheck.MaxClaimsPerArticle, err)
		}
		over := &factcheck.Claim{ArticleID: &a.ID, Quote: "It has 164 members.", Claimant: "The article"}
		err = s.CreateClaim(ctx, over, ed)
		if factcheck.ErrorCode(err) != factcheck.EINVALID || factcheck.ErrorField(err) != "article_id" || !strings.Contains(factcheck.ErrorMessage(err), "2000 claims") {
			t.Fatalf("claim over the cap: %v", err)
		}
		// Claims without an article are not capped by it.
		if err := s.CreateClaim(ctx, &factcheck.Claim{Quote: "It has 164 members.", Claimant: "Someone"}, ed); err != nil {
			t.Fatal(err)
		}
	})
}
