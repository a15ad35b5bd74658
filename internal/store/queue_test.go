package store_test

import (
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

// TestQueueFilters: every filter of the desk's queue, exact totals with
// pages past 100, search over drafts and claims in review, and the sort
// orders, on both databases.
func TestQueueFilters(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		rev := mustUser(t, s, "rev@example.org", factcheck.RoleReviewer)
		a := mustArticle(t, s, "The mayor said bike lanes cut injuries by a third. Other text.")
		var cs []*factcheck.Claim
		for i := range 130 {
			c := &factcheck.Claim{Quote: "Filler claim number " + strings.Repeat("x", i%5) + " about budgets", Claimant: "Council", Tags: []string{"budget"}}
			if i%2 == 0 {
				c.Tags = []string{"transport"}
			}
			cs = append(cs, c)
		}
		if err := s.CreateClaims(ctx, cs, ed); err != nil {
			t.Fatal(err)
		}
		bike := &factcheck.Claim{ArticleID: &a.ID, Quote: "bike lanes cut injuries by a third", Claimant: "The mayor",
			Rationale: "The **city's own** figures show a drop of a quarter."}
		if err := s.CreateClaim(ctx, bike, rev); err != nil {
			t.Fatal(err)
		}
		// Assign the bike claim to the editor and send it to review.
		bike, err := s.UpdateClaim(ctx, bike.ID, bike.Version, rev, "Assigned to ed", func(c *factcheck.Claim) error { return c.Assign(ed) })
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
		bike, err = s.UpdateClaim(ctx, bike.ID, bike.Version, rev, "Submitted", func(c *factcheck.Claim) error {
			c.RatingKey, c.Summary = "mostly-false", "A quarter, not a third."
			ready(c)
			return c.Submit(rev)
		})
		if err != nil {
			t.Fatal(err)
		}
		if bike.StatusChangedAt == nil || bike.StatusChangedAt.Before(bike.CreatedAt) {
			t.Fatalf("status time not kept: %v", bike.StatusChangedAt)
		}
		count := func(f store.QueueFilter) int64 {
			t.Helper()
			_, n, err := s.Queue(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, tc := range []struct {
			name string
			f    store.QueueFilter
			want int64
		}{
			{"everything", store.QueueFilter{}, 131},
			{"drafts", store.QueueFilter{Statuses: []factcheck.Status{factcheck.StatusDraft}}, 130},
			{"in review", store.QueueFilter{Statuses: []factcheck.Status{factcheck.StatusInReview}}, 1},
			{"assigned to ed", store.QueueFilter{AssigneeID: ed.ID}, 1},
			{"assigned to nobody", store.QueueFilter{AssigneeID: store.NoAssignee}, 130},
			{"by rev", store.QueueFilter{AuthorID: rev.ID}, 1},
			{"rated mostly false", store.QueueFilter{Rating: "mostly-false"}, 1},
			{"tag transport", store.QueueFilter{Tag: "transport"}, 65},
			{"in the article", store.QueueFilter{ArticleID: a.ID}, 1},
			{"search finds a claim in review", store.QueueFilter{Query: "injuries"}, 1},
			{"search and status", store.QueueFilter{Query: "budgets", Statuses: []factcheck.Status{factcheck.StatusDraft}}, 130},
		} {
			if got := count(tc.f); got != tc.want {
				t.Errorf("%s: %d claims, want %d", tc.name, got, tc.want)
			}
		}
		// Pages go past any cap, with exact totals.
		items, total, err := s.Queue(ctx, store.QueueFilter{Offset: 100, Limit: 50, Sort: store.SortCreated})
		if err != nil || total != 131 || len(items) != 31 {
			t.Fatalf("page 3: %d items of %d, %v", len(items), total, err)
		}
		// The assigned claim comes with its assignee, author and rating.
		items, _, err = s.Queue(ctx, store.QueueFilter{Query: "figures"})
		if err != nil || len(items) != 1 {
			t.Fatalf("search the rationale: %v %v", items, err)
		}
		it := items[0]
		if it.Assignee == nil || it.Assignee.ID != ed.ID || it.Author == nil || it.Author.ID != rev.ID || it.Rating == nil || it.Article == nil || it.Article.Title == "" {
			t.Errorf("associations not loaded: %+v", it.Claim)
		}
		if !strings.Contains(it.Snippet, store.MarkStart) {
			t.Errorf("no highlighted snippet: %q", it.Snippet)
		}
		// Longest waiting first: the 130 drafts came before the review.
		items, _, _ = s.Queue(ctx, store.QueueFilter{Sort: store.SortWaiting, Limit: 200})
		if items[len(items)-1].ID != bike.ID {
			t.Errorf("waiting: the claim that changed status last is not last")
		}
		items, _, _ = s.Queue(ctx, store.QueueFilter{Sort: store.SortUpdated, Limit: 1})
		if items[0].ID != bike.ID {
			t.Errorf("updated: the last change is not first")
		}
	})
}

// TestCreateClaimsIsAllOrNothing: several claims from one article are
// stored together, or none is when one is bad.
func TestCreateClaimsIsAllOrNothing(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		a := mustArticle(t, s, "One claim here. Another claim there.")
		good := &factcheck.Claim{ArticleID: &a.ID, Quote: "One claim here."}
		bad := &factcheck.Claim{ArticleID: &a.ID, Quote: "Not in the article at all."}
		if err := s.CreateClaims(ctx, []*factcheck.Claim{good, bad}, ed); factcheck.ErrorCode(err) != factcheck.EINVALID {
			t.Fatalf("a quote not in the article: %v", err)
		}
		if cs, _ := s.ArticleClaims(ctx, a.ID); len(cs) != 0 {
			t.Fatalf("half-written: %d claims stored", len(cs))
		}
		good = &factcheck.Claim{ArticleID: &a.ID, Quote: "One claim here."}
		other := &factcheck.Claim{ArticleID: &a.ID, Quote: "Another claim there."}
		if err := s.CreateClaims(ctx, []*factcheck.Claim{good, other}, ed); err != nil {
			t.Fatal(err)
		}
		if cs, _ := s.ArticleClaims(ctx, a.ID); len(cs) != 2 || good.Claimant != "" {
			t.Fatalf("claims: %d (a draft may lack its claimant: %q)", len(cs), good.Claimant)
		}
	})
}

func TestComments(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		rev := mustUser(t, s, "rev@example.org", factcheck.RoleReviewer)
		c := &factcheck.Claim{Quote: "A claim."}
		if err := s.CreateClaim(ctx, c, ed); err != nil {
			t.Fatal(err)
		}
		if err := s.AddComment(ctx, &factcheck.Comment{ClaimID: c.ID, Body: "  "}, ed); factcheck.ErrorField(err) != "body" {
			t.Fatalf("empty comment: %v", err)
		}
		if err := s.AddComment(ctx, &factcheck.Comment{ClaimID: c.ID + 100, Body: "Hello"}, ed); factcheck.ErrorCode(err) != factcheck.ENOTFOUND {
			t.Fatalf("comment on no claim: %v", err)
		}
		for _, m := range []struct {
			by   *factcheck.User
			body string
		}{{ed, "Is the 2022 figure right?"}, {rev, "Use the council's table."}} {
			if err := s.AddComment(ctx, &factcheck.Comment{ClaimID: c.ID, Body: m.body}, m.by); err != nil {
				t.Fatal(err)
			}
		}
		cs, err := s.Comments(ctx, c.ID)
		if err != nil || len(cs) != 2 || cs[0].Author.ID != ed.ID || cs[1].Body != "Use the council's table." {
			t.Fatalf("comments: %+v %v", cs, err)
		}
		// Comments do not touch the claim.
		got, _ := s.ClaimByID(ctx, c.ID)
		if got.Version != 1 {
			t.Fatalf("a comment changed the claim's version to %d", got.Version)
		}
	})
}

// TestClaimsChangedSince: a node that saw the public version v finds every
// claim readers saw change after it, and nothing else.
func TestClaimsChangedSince(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		rev := mustUser(t, s, "rev@example.org", factcheck.RoleReviewer)
		a := mustArticle(t, s, "The treaty has 164 states. Mines were sent.")
		c1 := &factcheck.Claim{ArticleID: &a.ID, Quote: "The treaty has 164 states."}
		c2 := &factcheck.Claim{ArticleID: &a.ID, Quote: "Mines were sent."}
		if err := s.CreateClaims(ctx, []*factcheck.Claim{c1, c2}, ed); err != nil {
			t.Fatal(err)
		}
		v0, _ := s.PublicVersion(ctx)
		c1 = publish(t, s, c1, ed, rev, "true", "Yes.")
		got, err := s.ClaimsChangedSince(ctx, v0)
		if err != nil || len(got) != 1 || got[0].ID != c1.ID || got[0].Title != "Mines for Ukraine" || got[0].RatingKey != "true" {
			t.Fatalf("after publishing one: %+v %v", got, err)
		}
		v1, _ := s.PublicVersion(ctx)
		if got[0].PublicSeq != v1 {
			t.Errorf("public_seq %d, public version %d", got[0].PublicSeq, v1)
		}
		// A draft changing is nothing readers see.
		if _, err := s.UpdateClaim(ctx, c2.ID, c2.Version, ed, "", func(c *factcheck.Claim) error { c.Summary = "x"; return nil }); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ClaimsChangedSince(ctx, v1); len(got) != 0 {
			t.Fatalf("a draft edit shows as a public change: %+v", got)
		}
		// Retitling the article changes what its public claims match on.
		if _, _, err := s.UpdateArticle(ctx, a.ID, ed, func(a *factcheck.Article) error { a.Title = "Mines, retitled"; return nil }); err != nil {
			t.Fatal(err)
		}
		got, _ = s.ClaimsChangedSince(ctx, v1)
		if len(got) != 1 || got[0].Title != "Mines, retitled" {
			t.Fatalf("after the article edit: %+v", got)
		}
		all, err := s.PublicMatchClaims(ctx, 0, 10)
		if err != nil || len(all) != 1 || all[0].Statement == "" {
			t.Fatalf("public match claims: %+v %v", all, err)
		}
	})
}

func TestListArticles(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		for _, title := range []string{"Bike lanes in Riverton", "Budget vote", "Zoo funding"} {
			a := &factcheck.Article{Title: title, Outlet: "Riverton Post", Body: "A sentence. Another one."}
			if err := s.CreateArticle(ctx, a); err != nil {
				t.Fatal(err)
			}
			if title == "Budget vote" {
				if err := s.CreateClaims(ctx, []*factcheck.Claim{{ArticleID: &a.ID, Quote: "A sentence."}, {ArticleID: &a.ID, Quote: "Another one."}}, ed); err != nil {
					t.Fatal(err)
				}
			}
		}
		rows, total, err := s.ListArticles(ctx, store.ArticleFilter{Query: "BUDGET"})
		if err != nil || total != 1 || rows[0].Title != "Budget vote" || rows[0].Claims != 2 || rows[0].Open != 2 || rows[0].Body != "" {
			t.Fatalf("search: %+v %d %v", rows, total, err)
		}
		rows, total, _ = s.ListArticles(ctx, store.ArticleFilter{Query: "riverton", Sort: store.SortTitle})
		if total != 3 || rows[0].Title != "Bike lanes in Riverton" || rows[2].Title != "Zoo funding" {
			t.Fatalf("by title: %+v", rows)
		}
		rows, _, _ = s.ListArticles(ctx, store.ArticleFilter{Sort: store.SortClaims, Limit: 1})
		if len(rows) != 1 || rows[0].Title != "Budget vote" {
			t.Fatalf("most claims: %+v", rows)
		}
	})
}
