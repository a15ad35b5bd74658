package store_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

// TestMigrationMakesFirstAppearances builds a database at the schema just
// before appearances, with claims in every shape (in an article, in an
// article with a claim date, orphaned by an edit, without an article,
// published and in draft), migrates it, and checks that every claim kept
// its fields and has exactly one appearance: its article and anchor, its
// quote and claimant, at its date, else its article's, else its creation.
// New claims and edits after the migration keep the first appearance
// equal to the claim.
func TestMigrationMakesFirstAppearances(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			cfg := testutil.Config(t, d)
			s, err := store.OpenAt(ctx, cfg, store.AppearanceVersionForTest-1)
			if err != nil {
				t.Fatal(err)
			}
			ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
			rev := mustUser(t, s, "rev@example.org", factcheck.RoleReviewer)
			published := time.Date(2024, 11, 20, 9, 30, 0, 0, time.UTC)
			a := &factcheck.Article{Title: "Mines for Ukraine", URL: "https://news.example/mines", Outlet: "Example News", PublishedAt: &published,
				Body: "Officials said 164 states have joined the treaty. The transfer was approved in November. A third sentence goes away."}
			if err := s.CreateArticle(ctx, a); err != nil {
				t.Fatal(err)
			}
			undated := mustArticle(t, s, "The stockpile holds 3 million mines, the report says.")
			claimDate := time.Date(2024, 11, 19, 0, 0, 0, 0, time.UTC)
			mk := func(c *factcheck.Claim) *factcheck.Claim {
				t.Helper()
				if err := s.CreateClaim(ctx, c, ed); err != nil {
					t.Fatal(err)
				}
				return c
			}
			inArticle := publish(t, s, mk(&factcheck.Claim{ArticleID: &a.ID, Quote: "164 states have joined the treaty", Claimant: "Officials"}), ed, rev, "true", "164 states are parties.")
			dated := mk(&factcheck.Claim{ArticleID: &a.ID, Quote: "The transfer was approved in November.", Claimant: "The article", ClaimDate: &claimDate})
			gone := mk(&factcheck.Claim{ArticleID: &a.ID, Quote: "A third sentence goes away.", Claimant: "The article"})
			noArticle := mk(&factcheck.Claim{Quote: "Mines kill mostly civilians.", Claimant: "A campaigner", Statement: "Most mine victims are civilians"})
			undatedClaim := mk(&factcheck.Claim{ArticleID: &undated.ID, Quote: "The stockpile holds 3 million mines", Claimant: "The report"})
			if _, _, err := s.UpdateArticle(ctx, a.ID, ed, func(a *factcheck.Article) error {
				a.Body = "Officials now say 164 states have joined the treaty. The transfer was approved in November."
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			before := map[int64]*factcheck.Claim{}
			for _, c := range []*factcheck.Claim{inArticle, dated, gone, noArticle, undatedClaim} {
				got, err := s.ClaimByID(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Appearances) != 0 {
					t.Fatalf("a store at the old schema loaded appearances: %+v", got.Appearances)
				}
				before[c.ID] = got
			}
			if !before[gone.ID].Anchor.Orphaned || before[inArticle.ID].Anchor.Start == 0 {
				t.Fatalf("fixture: anchors %+v / %+v", before[gone.ID].Anchor, before[inArticle.ID].Anchor)
			}
			s.Close()

			s2, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatalf("migrate: %v", err)
			}
			defer s2.Close()
			var claims, appearances int64
			store.WriterForTest(s2).Raw("SELECT COUNT(*) FROM claims").Scan(&claims)
			store.WriterForTest(s2).Raw("SELECT COUNT(*) FROM appearances").Scan(&appearances)
			if claims != int64(len(before)) || appearances != claims {
				t.Fatalf("%d claims and %d appearances after the migration, want %d of each", claims, appearances, len(before))
			}
			for id, old := range before {
				c, err := s2.ClaimByID(ctx, id)
				if err != nil {
					t.Fatalf("claim %d lost: %v", id, err)
				}
				if c.Quote != old.Quote || c.Claimant != old.Claimant || c.Status != old.Status || c.Version != old.Version ||
					c.Anchor != old.Anchor || !samePtr(c.ArticleID, old.ArticleID) || c.Statement != old.Statement {
					t.Errorf("claim %d changed in the migration: %+v, was %+v", id, c, old)
				}
				if len(c.Appearances) != 1 {
					t.Fatalf("claim %d has %d appearances, want its first", id, len(c.Appearances))
				}
				ap := c.Appearances[0]
				want := old.CreatedAt
				if old.ClaimDate != nil {
					want = *old.ClaimDate
				} else if old.Article != nil && old.Article.PublishedAt != nil {
					want = *old.Article.PublishedAt
				}
				if ap.Position != 0 || !ap.First() || ap.ClaimID != id || !samePtr(ap.ArticleID, old.ArticleID) || ap.Anchor != old.Anchor ||
					ap.Quote != old.Quote || ap.Claimant != old.Claimant || ap.URL != "" || !ap.AppearedAt.Equal(want) ||
					!samePtr(ap.CreatedByID, old.AuthorID) || !ap.CreatedAt.Equal(old.CreatedAt) {
					t.Errorf("claim %d: first appearance %+v; claim anchor %+v, want appeared at %v", id, ap, old.Anchor, want)
				}
			}
			if got, _ := s2.ClaimByID(ctx, dated.ID); !got.Appearances[0].AppearedAt.Equal(claimDate) {
				t.Errorf("dated claim appeared at %v", got.Appearances[0].AppearedAt)
			}
			// A published claim has a date (the readiness checklist asks for
			// it); a draft without one appeared when its article was published.
			if got, _ := s2.ClaimByID(ctx, inArticle.ID); !got.Appearances[0].AppearedAt.Equal(*before[inArticle.ID].ClaimDate) || got.Appearances[0].Article == nil ||
				got.Appearances[0].Article.Outlet != "Example News" || got.Appearances[0].Article.Body != "" {
				t.Errorf("claim in a published article: %+v (article %+v)", got.Appearances[0], got.Appearances[0].Article)
			}
			if got, _ := s2.ClaimByID(ctx, gone.ID); !got.Appearances[0].AppearedAt.Equal(published) {
				t.Errorf("undated draft in a published article appeared at %v, want %v", got.Appearances[0].AppearedAt, published)
			}
			// The orphan is listed as orphaned in its article, as before.
			listed, err := s2.ArticleClaims(ctx, a.ID)
			if err != nil || len(listed) != 3 {
				t.Fatalf("article claims after the migration: %d, %v", len(listed), err)
			}
			for _, c := range listed {
				if c.InArticle == nil || c.InArticle.Position != 0 || (c.ID == gone.ID) != c.Anchor.Orphaned {
					t.Errorf("listed claim %d: orphaned=%v in=%+v", c.ID, c.Anchor.Orphaned, c.InArticle)
				}
			}

			// From now on the first appearance follows the claim.
			fresh := &factcheck.Claim{ArticleID: &undated.ID, Quote: "the report says", Claimant: "Someone"}
			if err := s2.CreateClaim(ctx, fresh, ed); err != nil {
				t.Fatal(err)
			}
			reread, _ := s2.ClaimByID(ctx, fresh.ID)
			if len(fresh.Appearances) != 1 || fresh.Appearances[0].Anchor != fresh.Anchor || !fresh.Appearances[0].AppearedAt.Equal(reread.CreatedAt) {
				t.Fatalf("new claim's appearances: %+v", fresh.Appearances)
			}
			if _, _, err := s2.UpdateArticle(ctx, undated.ID, ed, func(a *factcheck.Article) error {
				a.Body = "Update: " + a.Body
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			moved, _ := s2.ClaimByID(ctx, undatedClaim.ID)
			if moved.Anchor.Start != len("Update: ") || moved.Appearances[0].Anchor != moved.Anchor {
				t.Fatalf("after an edit: claim anchor %+v, first appearance %+v", moved.Anchor, moved.Appearances[0].Anchor)
			}
			edited, err := s2.UpdateClaim(ctx, dated.ID, before[dated.ID].Version, ed, "edit", func(c *factcheck.Claim) error {
				c.Quote, c.Claimant = "The transfer was approved in November", "A spokesperson"
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if ap := edited.Appearances[0]; ap.Quote != edited.Quote || ap.Claimant != "A spokesperson" || !ap.AppearedAt.Equal(claimDate) {
				t.Fatalf("first appearance after a claim edit: %+v", ap)
			}
		})
	}
}

func samePtr(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// appearanceFixture is a published claim checked in one article and a
// second article, by another outlet, that repeats it.
type appearanceFixture struct {
	s              *store.Store
	ed, rev        *factcheck.User
	first, repeat  *factcheck.Article
	claim          *factcheck.Claim
	repeatSentence string
}

func newAppearanceFixture(t *testing.T, s *store.Store) *appearanceFixture {
	t.Helper()
	f := &appearanceFixture{s: s, ed: mustUser(t, s, "ed@example.org", factcheck.RoleEditor), rev: mustUser(t, s, "rev@example.org", factcheck.RoleReviewer)}
	f.first = mustArticle(t, s, "Officials said more than 160 countries have joined the Ottawa treaty.")
	f.repeatSentence = "More than 160 countries have joined the Ottawa treaty, the minister repeated."
	f.repeat = &factcheck.Article{Title: "Minister defends transfer", URL: "https://other.example/minister", Outlet: "Other Paper",
		Body: "Opening line of the second story. " + f.repeatSentence + " Closing line."}
	if err := s.CreateArticle(ctx, f.repeat); err != nil {
		t.Fatal(err)
	}
	c := &factcheck.Claim{ArticleID: &f.first.ID, Quote: "more than 160 countries have joined the Ottawa treaty", Claimant: "Officials"}
	if err := s.CreateClaim(ctx, c, f.ed); err != nil {
		t.Fatal(err)
	}
	f.claim = publish(t, s, c, f.ed, f.rev, "true", "164 states are parties.")
	return f
}

// at is an appearance in the repeating article, at its sentence.
func (f *appearanceFixture) at() *factcheck.Appearance {
	i := strings.Index(f.repeat.Body, f.repeatSentence)
	return &factcheck.Appearance{ArticleID: &f.repeat.ID, Anchor: factcheck.Anchor{Start: i, End: i + len(f.repeatSentence)}}
}

// TestAddAppearanceCarriesTheVerdict: "same claim" on a new article adds an
// appearance to the one claim (no second claim), with a revision and a new
// public version; the new article lists the claim, placed at the sentence,
// publicly too. Bad, repeated and stale appearances change nothing.
func TestAddAppearanceCarriesTheVerdict(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		f := newAppearanceFixture(t, s)
		counts0, _ := s.CountClaims(ctx)
		pv0, _ := s.PublicVersion(ctx)
		c, err := s.AddAppearance(ctx, f.claim.ID, f.at(), f.ed)
		if err != nil {
			t.Fatal(err)
		}
		if counts, _ := s.CountClaims(ctx); fmt.Sprint(counts) != fmt.Sprint(counts0) {
			t.Fatalf("claims by status %v, were %v: a second claim was made", counts, counts0)
		}
		if pv, _ := s.PublicVersion(ctx); pv <= pv0 {
			t.Errorf("public version %d, was %d", pv, pv0)
		}
		if c.Version != f.claim.Version+1 || c.RatingKey != "true" || c.Status != factcheck.StatusPublished || len(c.Appearances) != 2 {
			t.Fatalf("claim after the appearance: v%d %s %s, %d appearances", c.Version, c.RatingKey, c.Status, len(c.Appearances))
		}
		ap := c.Appearances[1]
		repeat, _ := s.ArticleByID(ctx, f.repeat.ID)
		if ap.Position != 1 || *ap.ArticleID != f.repeat.ID || ap.Anchor.Exact != f.repeatSentence || ap.Quote != f.repeatSentence ||
			ap.Claimant != "Officials" || ap.CreatedByID == nil || *ap.CreatedByID != f.ed.ID || ap.Article == nil || ap.Article.Outlet != "Other Paper" ||
			!ap.AppearedAt.Equal(repeat.CreatedAt) {
			t.Fatalf("new appearance %+v", ap)
		}
		if c.Anchor != f.claim.Anchor || *c.ArticleID != f.first.ID {
			t.Fatalf("the claim's own anchor moved: %+v", c.Anchor)
		}
		revs, _ := s.Revisions(ctx, c.ID)
		if last := revs[len(revs)-1]; last.Version != c.Version || last.Note != "Seen again in Other Paper, “Minister defends transfer”" || last.IsCorrection {
			t.Fatalf("revision %+v", last)
		}
		for name, list := range map[string]func() ([]factcheck.Claim, error){
			"desk":   func() ([]factcheck.Claim, error) { return s.ArticleClaims(ctx, f.repeat.ID) },
			"public": func() ([]factcheck.Claim, error) { return s.PublicArticleClaims(ctx, f.repeat.ID) },
		} {
			cs, err := list()
			if err != nil || len(cs) != 1 {
				t.Fatalf("%s claims of the repeating article: %d, %v", name, len(cs), err)
			}
			if got := cs[0]; got.ID != c.ID || got.Anchor.Exact != f.repeatSentence || got.InArticle == nil || got.InArticle.Position != 1 ||
				*got.ArticleID != f.repeat.ID || got.Rating == nil || got.Rating.Key != "true" {
				t.Fatalf("%s: listed %+v", name, got)
			}
		}
		if cs, _ := s.ArticleClaims(ctx, f.first.ID); len(cs) != 1 || cs[0].InArticle.Position != 0 || cs[0].Anchor != f.claim.Anchor {
			t.Fatalf("first article's claims: %+v", cs)
		}

		// On another page, by address and quote.
		c, err = s.AddAppearance(ctx, c.ID, &factcheck.Appearance{URL: "https://video.example/watch?v=1", Quote: "over 160 countries joined", Claimant: "A senator"}, f.rev)
		if err != nil || len(c.Appearances) != 3 || c.Appearances[2].Position != 2 || c.Appearances[2].Claimant != "A senator" || c.Appearances[2].Link() != "https://video.example/watch?v=1" {
			t.Fatalf("URL appearance: %v %+v", err, c.Appearances)
		}
		if revs, _ := s.Revisions(ctx, c.ID); revs[len(revs)-1].Note != "Seen again in video.example" {
			t.Fatalf("revision note %q", revs[len(revs)-1].Note)
		}

		before, _ := s.ClaimByID(ctx, c.ID)
		stale := f.at()
		stale.Anchor.Exact = "not what is there"
		for name, tc := range map[string]struct {
			ap   *factcheck.Appearance
			code string
		}{
			"same article again": {f.at(), factcheck.ECONFLICT},
			"same page again":    {&factcheck.Appearance{URL: "https://video.example/watch?v=1", Quote: "again"}, factcheck.ECONFLICT},
			"stale sentence":     {stale, factcheck.ECONFLICT},
			"nowhere":            {&factcheck.Appearance{Quote: "said somewhere"}, factcheck.EINVALID},
			"not http":           {&factcheck.Appearance{URL: "javascript:alert(1)", Quote: "x"}, factcheck.EINVALID},
			"no quote":           {&factcheck.Appearance{URL: "https://x.example/"}, factcheck.EINVALID},
			"outside the body":   {&factcheck.Appearance{ArticleID: &f.repeat.ID, Anchor: factcheck.Anchor{Start: 5, End: 100000}}, factcheck.EINVALID},
			"quote not in body":  {&factcheck.Appearance{ArticleID: &f.repeat.ID, Quote: "never said"}, factcheck.EINVALID},
			"unknown article":    {&factcheck.Appearance{ArticleID: &[]int64{99999}[0], Quote: "x"}, factcheck.ENOTFOUND},
		} {
			if _, err := s.AddAppearance(ctx, c.ID, tc.ap, f.ed); factcheck.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", name, err, tc.code)
			}
		}
		if _, err := s.AddAppearance(ctx, 99999, f.at(), f.ed); factcheck.ErrorCode(err) != factcheck.ENOTFOUND {
			t.Errorf("unknown claim: %v", err)
		}
		if _, err := s.AddAppearance(ctx, c.ID, &factcheck.Appearance{URL: "https://y.example/", Quote: "x"}, nil); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
			t.Errorf("nobody: %v", err)
		}
		if after, _ := s.ClaimByID(ctx, c.ID); after.Version != before.Version || len(after.Appearances) != 3 {
			t.Fatalf("a refused appearance changed the claim: v%d, %d appearances", after.Version, len(after.Appearances))
		}

		// A retracted verdict is not carried anywhere new.
		retracted, err := s.UpdateClaim(ctx, c.ID, c.Version, f.rev, "Retracted", func(c *factcheck.Claim) error {
			return c.Retract(f.rev, "Wrong treaty.", time.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAppearance(ctx, retracted.ID, &factcheck.Appearance{URL: "https://z.example/", Quote: "x"}, f.ed); factcheck.ErrorCode(err) != factcheck.ECONFLICT {
			t.Errorf("retracted claim: %v", err)
		}
	})
}

// TestDraftAppearanceStaysOffPublicPages: a draft seen again in another
// article is listed on the desk but never publicly, and adding it does not
// move the public version (nothing readers see changed).
func TestDraftAppearanceStaysOffPublicPages(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		f := newAppearanceFixture(t, s)
		draft := &factcheck.Claim{ArticleID: &f.first.ID, Quote: "Officials said", Claimant: "The article"}
		if err := s.CreateClaim(ctx, draft, f.ed); err != nil {
			t.Fatal(err)
		}
		pv0, _ := s.PublicVersion(ctx)
		i := strings.Index(f.repeat.Body, "Closing line.")
		if _, err := s.AddAppearance(ctx, draft.ID, &factcheck.Appearance{ArticleID: &f.repeat.ID, Anchor: factcheck.Anchor{Start: i, End: i + len("Closing line.")}}, f.ed); err != nil {
			t.Fatal(err)
		}
		if pv, _ := s.PublicVersion(ctx); pv != pv0 {
			t.Errorf("a draft's appearance moved the public version %d → %d", pv0, pv)
		}
		if cs, _ := s.ArticleClaims(ctx, f.repeat.ID); len(cs) != 1 || cs[0].ID != draft.ID {
			t.Fatalf("desk listing: %+v", cs)
		}
		if cs, err := s.PublicArticleClaims(ctx, f.repeat.ID); err != nil || len(cs) != 0 {
			t.Fatalf("public listing of an article with only a draft's appearance: %+v %v", cs, err)
		}
		if rs, _ := s.PublicReappearances(ctx, 10); len(rs) != 0 {
			t.Fatalf("public reappearances list a draft: %+v", rs)
		}
	})
}

// TestArticleEditReanchorsEveryAppearance: editing the article a claim was
// seen again in moves that appearance (a new claim version and revision)
// and leaves the claim's own anchor, in its first article, alone; a
// deleted sentence orphans the appearance, listed as orphaned in that
// article; editing the first article moves the claim's anchor and its
// first appearance together.
func TestArticleEditReanchorsEveryAppearance(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		f := newAppearanceFixture(t, s)
		c, err := s.AddAppearance(ctx, f.claim.ID, f.at(), f.ed)
		if err != nil {
			t.Fatal(err)
		}
		_, placed, err := s.UpdateArticle(ctx, f.repeat.ID, f.ed, func(a *factcheck.Article) error {
			a.Body = "A new first paragraph.\n\n" + a.Body
			return nil
		})
		if err != nil || len(placed) != 1 || placed[0].ClaimID != c.ID || placed[0].Match != factcheck.MatchQuote {
			t.Fatalf("edit: %+v %v", placed, err)
		}
		moved, _ := s.ClaimByID(ctx, c.ID)
		edited, _ := s.ArticleByID(ctx, f.repeat.ID)
		ap := moved.Appearances[1]
		if moved.Version != c.Version+1 || ap.Anchor.Exact != f.repeatSentence || edited.Body[ap.Anchor.Start:ap.Anchor.End] != f.repeatSentence ||
			moved.Anchor != c.Anchor || moved.Appearances[0].Anchor != c.Anchor {
			t.Fatalf("after the edit: v%d, appearance %+v, claim anchor %+v (was %+v)", moved.Version, ap.Anchor, moved.Anchor, c.Anchor)
		}
		if revs, _ := s.Revisions(ctx, c.ID); !strings.Contains(revs[len(revs)-1].Note, "Re-anchored") {
			t.Fatalf("no re-anchoring revision: %+v", revs[len(revs)-1])
		}

		if _, _, err := s.UpdateArticle(ctx, f.repeat.ID, f.ed, func(a *factcheck.Article) error {
			a.Body = "The minister's remarks were removed from this story."
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		orphaned, _ := s.ClaimByID(ctx, c.ID)
		if !orphaned.Appearances[1].Anchor.Orphaned || orphaned.Anchor.Orphaned || orphaned.Appearances[0].Anchor.Orphaned {
			t.Fatalf("orphaning: claim %+v, appearances %+v", orphaned.Anchor, orphaned.Appearances)
		}
		if cs, _ := s.ArticleClaims(ctx, f.repeat.ID); len(cs) != 1 || !cs[0].Anchor.Orphaned {
			t.Fatalf("the orphaned appearance is not listed as an orphaned claim: %+v", cs)
		}

		if _, _, err := s.UpdateArticle(ctx, f.first.ID, f.ed, func(a *factcheck.Article) error {
			a.Body = "Update. " + a.Body
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		first, _ := s.ClaimByID(ctx, c.ID)
		if first.Anchor.Start != f.claim.Anchor.Start+len("Update. ") || first.Appearances[0].Anchor != first.Anchor || !first.Appearances[1].Anchor.Orphaned {
			t.Fatalf("after editing the first article: claim %+v, appearances %+v", first.Anchor, first.Appearances)
		}
	})
}

// TestPublicReappearancesNewestFirst lists later appearances of public
// claims only, newest first, with their claims.
func TestPublicReappearancesNewestFirst(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		f := newAppearanceFixture(t, s)
		base := time.Now().UTC().Truncate(time.Second)
		for i, u := range []string{"https://a.example/1", "https://a.example/2", "https://a.example/3"} {
			s.SetClock(func() time.Time { return base.Add(time.Duration(i) * time.Hour) })
			if _, err := s.AddAppearance(ctx, f.claim.ID, &factcheck.Appearance{URL: u, Quote: "160 countries"}, f.ed); err != nil {
				t.Fatal(err)
			}
		}
		rs, err := s.PublicReappearances(ctx, 2)
		if err != nil || len(rs) != 2 || rs[0].URL != "https://a.example/3" || rs[1].URL != "https://a.example/2" ||
			rs[0].Claim.ID != f.claim.ID || rs[0].Claim.Rating == nil || !rs[0].CreatedAt.Equal(base.Add(2*time.Hour)) {
			t.Fatalf("reappearances: %+v %v", rs, err)
		}
	})
}

// TestAppearancesUnderConcurrentEdits records a claim in eight articles
// while each article is edited and the claim itself changed, all at once:
// no deadlock or lost write (on PostgreSQL the rows are locked article
// first, as article edits lock them), every appearance recorded, and each
// placed on its sentence in its article's final text.
func TestAppearancesUnderConcurrentEdits(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		f := newAppearanceFixture(t, s)
		draft := &factcheck.Claim{ArticleID: &f.first.ID, Quote: "Officials said", Claimant: "The article"}
		if err := s.CreateClaim(ctx, draft, f.ed); err != nil {
			t.Fatal(err)
		}
		const n = 8
		articles := make([]*factcheck.Article, n)
		for i := range articles {
			articles[i] = &factcheck.Article{Title: fmt.Sprintf("Story %d", i), Body: "Lead. " + f.repeatSentence + " Tail."}
			if err := s.CreateArticle(ctx, articles[i]); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		errs := make(chan error, 4*n)
		for i, a := range articles {
			wg.Add(3)
			go func() {
				defer wg.Done()
				j := strings.Index(a.Body, f.repeatSentence)
				// As the web handler sends it: the offsets and the text seen there.
				_, err := s.AddAppearance(ctx, draft.ID, &factcheck.Appearance{ArticleID: &a.ID, Anchor: factcheck.Anchor{Start: j, End: j + len(f.repeatSentence), Exact: f.repeatSentence}}, f.ed)
				if err != nil {
					errs <- fmt.Errorf("add %d: %w", i, err)
				}
			}()
			go func() {
				defer wg.Done()
				_, _, err := s.UpdateArticle(ctx, a.ID, f.ed, func(a *factcheck.Article) error {
					a.Body = "Update " + strconv.Itoa(i) + ". " + a.Body
					return nil
				})
				if err != nil && factcheck.ErrorCode(err) != factcheck.ECONFLICT {
					errs <- fmt.Errorf("edit %d: %w", i, err)
				}
			}()
			go func() {
				defer wg.Done()
				for try := 0; try < 20; try++ {
					c, err := s.ClaimByID(ctx, draft.ID)
					if err != nil {
						errs <- err
						return
					}
					_, err = s.UpdateClaim(ctx, c.ID, c.Version, f.ed, "tag", func(c *factcheck.Claim) error {
						c.Tags = append(c.Tags, "t"+strconv.Itoa(i))
						return nil
					})
					if err == nil {
						return
					} else if factcheck.ErrorCode(err) != factcheck.ECONFLICT {
						errs <- fmt.Errorf("claim edit %d: %w", i, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		c, err := s.ClaimByID(ctx, draft.ID)
		if err != nil || len(c.Appearances) != n+1 {
			t.Fatalf("%d appearances, want %d: %v", len(c.Appearances), n+1, err)
		}
		for _, ap := range c.Appearances[1:] {
			a, _ := s.ArticleByID(ctx, *ap.ArticleID)
			if ap.Anchor.Orphaned || ap.Anchor.End > len(a.Body) || a.Body[ap.Anchor.Start:ap.Anchor.End] != f.repeatSentence {
				t.Errorf("appearance in %q badly placed: %+v in %q", a.Title, ap.Anchor, a.Body)
			}
		}
		positions := map[int]bool{}
		for _, ap := range c.Appearances {
			positions[ap.Position] = true
		}
		if len(positions) != n+1 {
			t.Errorf("positions %v", positions)
		}
	})
}

// TestAppearanceFollowsItsSentenceAfterAnEdit: offsets chosen before an
// edit of the article, with the text seen there, still land on that text.
func TestAppearanceFollowsItsSentenceAfterAnEdit(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		f := newAppearanceFixture(t, s)
		stale := f.at()
		stale.Anchor.Exact = f.repeatSentence
		edited, _, err := s.UpdateArticle(ctx, f.repeat.ID, f.ed, func(a *factcheck.Article) error {
			a.Body = "An editor's note goes first.\n\n" + a.Body
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.AddAppearance(ctx, f.claim.ID, stale, f.ed)
		if err != nil {
			t.Fatal(err)
		}
		ap := c.Appearances[1].Anchor
		if ap.Start == f.at().Anchor.Start || edited.Body[ap.Start:ap.End] != f.repeatSentence {
			t.Fatalf("placed at %+v in %q", ap, edited.Body)
		}
	})
}
