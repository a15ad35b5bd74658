package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

// TestArticleEditKeepsWritesFlowing edits an article with 1,000 claims so
// that every claim needs a fuzzy match (seconds of CPU), while another
// editor keeps adding claims to the same article. The matching must not
// happen under the write lock: the other editor never waits more than
// about a second. Afterwards every claim, including those added during
// the edit, is anchored on its text in the new body, and each moved claim
// has a new version and a revision.
func TestArticleEditKeepsWritesFlowing(t *testing.T) {
	if testing.Short() {
		t.Skip("seconds of matching")
	}
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		const n = 1000
		var b strings.Builder
		b.WriteString("Unchanged opening line stays put.\n\n")
		for i := range n {
			fmt.Fprintf(&b, "Report %d says that %d schools reopened in district %d last year. ", i, i*7, i%13)
		}
		a := mustArticle(t, s, b.String())
		claims := make([]factcheck.Claim, 0, n)
		for i := range n {
			q := fmt.Sprintf("Report %d says that %d schools reopened in district %d last year.", i, i*7, i%13)
			j := strings.Index(a.Body, q)
			anchor, err := factcheck.NewAnchor(a.Body, j, j+len(q))
			if err != nil {
				t.Fatal(err)
			}
			claims = append(claims, factcheck.Claim{ArticleID: &a.ID, Quote: q, Claimant: "Report", Anchor: anchor, Status: factcheck.StatusDraft,
				Slug: fmt.Sprintf("report-%d", i), Version: 1, AuthorID: &ed.ID, Tags: []string{}})
		}
		if err := store.WriterForTest(s).Omit("Rating", "Article", "Author", "Reviewer", "Evidence").CreateInBatches(&claims, 200).Error; err != nil {
			t.Fatal(err)
		}

		// The other editor: a claim on the unchanged first line every few ms.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		var worst time.Duration
		var added []int64
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
				c := &factcheck.Claim{ArticleID: &a.ID, Quote: "Unchanged opening line stays put.", Claimant: "Other editor"}
				t0 := time.Now()
				err := s.CreateClaim(ctx, c, ed)
				d := time.Since(t0)
				mu.Lock()
				worst = max(worst, d)
				if err == nil {
					added = append(added, c.ID)
				} else {
					t.Errorf("concurrent claim: %v", err)
				}
				mu.Unlock()
			}
		}()

		t0 := time.Now()
		edited, placed, err := s.UpdateArticle(ctx, a.ID, ed, func(a *factcheck.Article) error {
			// A copy edit in every sentence: no quote is found verbatim.
			a.Body = strings.ReplaceAll(a.Body, "schools reopened", "schools opened again")
			return nil
		})
		took := time.Since(t0)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("edit with %d claims took %v; the other editor's slowest write took %v (%d claims added meanwhile)", n, took, worst, len(added))
		if worst > time.Second || worst > took/2 {
			t.Errorf("a write waited %v behind an article edit that took %v", worst, took)
		}

		all, err := s.ArticleClaims(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != n+len(added) || len(placed) < n {
			t.Fatalf("%d claims in the article, %d placed; want %d", len(all), len(placed), n+len(added))
		}
		fuzzy := 0
		for _, c := range all {
			if c.Anchor.Orphaned || edited.Body[c.Anchor.Start:c.Anchor.End] != c.Anchor.Exact {
				t.Fatalf("claim %d badly anchored: %+v", c.ID, c.Anchor)
			}
			if strings.HasPrefix(c.Quote, "Report ") {
				if !strings.Contains(c.Anchor.Exact, "schools opened again") || c.Version != 2 {
					t.Fatalf("claim %d not re-anchored on the new text: v%d %q", c.ID, c.Version, c.Anchor.Exact)
				}
				fuzzy++
			}
		}
		revs, _ := s.Revisions(ctx, all[len(all)-1].ID)
		if fuzzy != n || len(revs) == 0 || !strings.Contains(revs[len(revs)-1].Note, "Re-anchored") {
			t.Fatalf("%d fuzzy re-anchors, revisions of a moved claim: %+v", fuzzy, revs)
		}
	})
}

// TestArticleEditReanchorsCorrectly covers the everyday cases: an edit
// that leaves the body alone moves no claim; a body edit keeps a claim on
// its text (new version, as its context changed) and orphans the claim of
// a deleted passage without losing it; an invalid edit changes nothing.
func TestArticleEditReanchorsCorrectly(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		a := mustArticle(t, s, "First claim: 164 states joined. Second claim: mines were sent in 2024.")
		mk := func(q string) *factcheck.Claim {
			c := &factcheck.Claim{ArticleID: &a.ID, Quote: q, Claimant: "X"}
			if err := s.CreateClaim(ctx, c, ed); err != nil {
				t.Fatal(err)
			}
			return c
		}
		first, second := mk("164 states joined"), mk("mines were sent in 2024")
		if _, _, err := s.UpdateArticle(ctx, a.ID, ed, func(a *factcheck.Article) error { a.Title = "Retitled"; return nil }); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.ClaimByID(ctx, first.ID); c.Version != 1 {
			t.Fatalf("a title edit moved a claim: v%d", c.Version)
		}
		_, placed, err := s.UpdateArticle(ctx, a.ID, ed, func(a *factcheck.Article) error {
			a.Body = "First claim: 164 states joined. Added sentence. "
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]factcheck.AnchorMatch{}
		for _, p := range placed {
			got[p.ClaimID] = p.Match
		}
		if got[first.ID] != factcheck.MatchExact || got[second.ID] != factcheck.MatchOrphaned {
			t.Fatalf("matches: %v", got)
		}
		c1, _ := s.ClaimByID(ctx, first.ID)
		c2, _ := s.ClaimByID(ctx, second.ID)
		if c1.Version != 2 || c1.Anchor.Start != 13 || c1.Anchor.Orphaned || c2.Version != 2 || !c2.Anchor.Orphaned || c2.Quote != "mines were sent in 2024" {
			t.Fatalf("after edit: %+v / %+v", c1.Anchor, c2.Anchor)
		}
		if revs, _ := s.Revisions(ctx, second.ID); len(revs) != 2 || !strings.Contains(revs[1].Note, "orphaned") {
			t.Fatalf("revisions of the orphaned claim: %+v", revs)
		}
		if art, _ := s.ArticleByID(ctx, a.ID); art.Title != "Retitled" {
			t.Fatalf("title %q", art.Title)
		}
		if _, _, err := s.UpdateArticle(ctx, a.ID, ed, func(a *factcheck.Article) error { a.Title = ""; return nil }); factcheck.ErrorCode(err) != factcheck.EINVALID {
			t.Fatalf("invalid edit: %v", err)
		}
		if art, _ := s.ArticleByID(ctx, a.ID); art.Title != "Retitled" {
			t.Fatalf("an invalid edit changed the title to %q", art.Title)
		}
	})
}
