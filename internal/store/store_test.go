package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

var ctx = context.Background()

func mustUser(t *testing.T, s *store.Store, email string, role factcheck.Role) *factcheck.User {
	t.Helper()
	u := &factcheck.User{Email: email, Name: strings.Split(email, "@")[0], Role: role}
	if err := s.CreateUser(ctx, u, "correct horse battery"); err != nil {
		t.Fatalf("create user: %v", err)
	}
	return u
}

func mustArticle(t *testing.T, s *store.Store, body string) *factcheck.Article {
	t.Helper()
	a := &factcheck.Article{Title: "Mines for Ukraine", URL: "https://news.example/mines", Outlet: "Example News", Body: body}
	if err := s.CreateArticle(ctx, a); err != nil {
		t.Fatalf("create article: %v", err)
	}
	return a
}

// ready gives c whatever the readiness checklist asks for that it lacks
// (statement, claimant, date, rationale, a source), keeping what it has.
func ready(c *factcheck.Claim) {
	if c.Statement == "" {
		c.Statement = "Claim " + c.Slug
	}
	if c.Claimant == "" {
		c.Claimant = "The article"
	}
	if c.ClaimDate == nil {
		d := time.Date(2024, 11, 19, 0, 0, 0, 0, time.UTC)
		c.ClaimDate = &d
	}
	if c.Rationale == "" {
		c.Rationale = "The record shows it."
	}
	if len(c.Evidence) == 0 {
		c.Evidence = []factcheck.Evidence{{URL: "https://records.example/", Title: "The record", Stance: factcheck.StanceContext}}
	}
}

// publish takes a claim from draft to published through the real workflow.
func publish(t *testing.T, s *store.Store, c *factcheck.Claim, editor, reviewer *factcheck.User, rating, summary string) *factcheck.Claim {
	t.Helper()
	c, err := s.UpdateClaim(ctx, c.ID, c.Version, editor, "verdict", func(c *factcheck.Claim) error {
		c.RatingKey, c.Summary = rating, summary
		ready(c)
		return c.Submit(editor)
	})
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	c, err = s.UpdateClaim(ctx, c.ID, c.Version, reviewer, "published", func(c *factcheck.Claim) error {
		ready(c) // a store at an old schema keeps no statement
		return c.Publish(reviewer, time.Now(), false)
	})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	return c
}

func TestMigrationUpgradeKeepsData(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			cfg := testutil.Config(t, d)
			// Build a database at schema version 1 by opening, then rolling a
			// fresh one forward only to 1 through the public API.
			s, err := store.OpenAt(ctx, cfg, 1)
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := s.SchemaVersion(ctx); v != 1 {
				t.Fatalf("schema version = %d, want 1", v)
			}
			editor := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
			reviewer := mustUser(t, s, "rev@example.org", factcheck.RoleReviewer)
			a := mustArticle(t, s, "Officials said more than 160 countries have joined the Ottawa treaty.")
			c := &factcheck.Claim{ArticleID: &a.ID, Quote: "more than 160 countries have joined the Ottawa treaty", Claimant: "Officials"}
			if err := s.CreateClaim(ctx, c, editor); err != nil {
				t.Fatal(err)
			}
			publish(t, s, c, editor, reviewer, "true", "Treaty membership is 164 states.")
			s.Close()

			s2, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatalf("upgrade: %v", err)
			}
			defer s2.Close()
			if v, _ := s2.SchemaVersion(ctx); v != store.LatestVersion() {
				t.Fatalf("schema version after upgrade = %d, want %d", v, store.LatestVersion())
			}
			got, err := s2.PublicClaim(ctx, c.ID)
			if err != nil {
				t.Fatalf("claim lost in upgrade: %v", err)
			}
			if got.Quote != c.Quote || got.RatingKey != "true" || got.Version != 3 || got.Anchor.Exact != c.Quote {
				t.Fatalf("claim changed in upgrade: %+v", got)
			}
			// The search index added by migration 2 covers rows from before it.
			hits, total, err := s2.ListClaims(ctx, store.ClaimFilter{Query: "ottawa"})
			if err != nil || total != 1 || len(hits) != 1 || hits[0].ID != c.ID {
				t.Fatalf("search after upgrade: hits=%v total=%d err=%v", hits, total, err)
			}
			if _, err := s2.Authenticate(ctx, "ed@example.org", "correct horse battery"); err != nil {
				t.Fatalf("login after upgrade: %v", err)
			}
		})
	}
}

func TestClaimWorkflowAndRevisions(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		editor := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		reviewer := mustUser(t, s, "rev@example.org", factcheck.RoleReviewer)
		a := mustArticle(t, s, "Intro line.\n\nThe treaty bans antipersonnel mines in 164 states. Other text.")
		i := strings.Index(a.Body, "The treaty")
		anchor, err := factcheck.NewAnchor(a.Body, i, i+len("The treaty bans antipersonnel mines in 164 states"))
		if err != nil {
			t.Fatal(err)
		}
		c := &factcheck.Claim{ArticleID: &a.ID, Quote: anchor.Exact, Claimant: "The article", Anchor: anchor,
			Evidence: []factcheck.Evidence{{URL: "https://treaties.un.org/", Title: "Ottawa Convention", Stance: factcheck.StanceSupports}}}
		if err := s.CreateClaim(ctx, c, editor); err != nil {
			t.Fatal(err)
		}
		if c.Anchor.Exact != "The treaty bans antipersonnel mines in 164 states" || c.Slug == "" {
			t.Fatalf("anchor/slug: %+v", c)
		}
		// Drafts are not public.
		if _, err := s.PublicClaim(ctx, c.ID); factcheck.ErrorCode(err) != factcheck.ENOTFOUND {
			t.Fatalf("draft visible publicly: %v", err)
		}
		// An editor cannot publish.
		_, err = s.UpdateClaim(ctx, c.ID, c.Version, editor, "", func(c *factcheck.Claim) error {
			c.Status = factcheck.StatusInReview
			return c.Publish(editor, time.Now(), false)
		})
		if factcheck.ErrorCode(err) != factcheck.EFORBIDDEN {
			t.Fatalf("editor publish: %v", err)
		}
		c = publish(t, s, c, editor, reviewer, "mostly-true", "Close: 164 states are party.")
		if c.Status != factcheck.StatusPublished || c.Version != 3 || c.ReviewerID == nil || *c.ReviewerID != reviewer.ID {
			t.Fatalf("after publish: %+v", c)
		}
		// Published claims change only by correction.
		c, err = s.UpdateClaim(ctx, c.ID, c.Version, reviewer, "Fixed the count.", func(c *factcheck.Claim) error {
			c.Summary = "Correct: 164 states are party."
			return c.Correct(reviewer, "We gave the wrong count in the summary.", time.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		revs, err := s.Revisions(ctx, c.ID)
		if err != nil || len(revs) != 4 {
			t.Fatalf("revisions: %d %v", len(revs), err)
		}
		if !revs[3].IsCorrection || revs[3].Version != 4 || !strings.Contains(revs[3].Snapshot, "164 states are party") {
			t.Fatalf("correction revision: %+v", revs[3])
		}
		if len(c.Evidence) != 1 || c.Evidence[0].Title != "Ottawa Convention" {
			t.Fatalf("evidence lost: %+v", c.Evidence)
		}
		corr, err := s.Corrections(ctx, 10)
		if err != nil || len(corr) != 1 || corr[0].CorrectionNote != "We gave the wrong count in the summary." {
			t.Fatalf("corrections: %+v %v", corr, err)
		}
	})
}

func TestStaleWriteConflicts(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		editor := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		c := &factcheck.Claim{Quote: "Mines were sent.", Claimant: "An official"}
		if err := s.CreateClaim(ctx, c, editor); err != nil {
			t.Fatal(err)
		}
		// Two editors save from the same version at the same time.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, summary := range []string{"first", "second"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.UpdateClaim(ctx, c.ID, 1, editor, "", func(c *factcheck.Claim) error {
					c.Summary = summary
					return nil
				})
			}()
		}
		wg.Wait()
		ok, conflicts := 0, 0
		for _, err := range errs {
			switch factcheck.ErrorCode(err) {
			case "":
				ok++
			case factcheck.ECONFLICT:
				conflicts++
			default:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if ok != 1 || conflicts != 1 {
			t.Fatalf("ok=%d conflicts=%d, want 1 and 1", ok, conflicts)
		}
		got, _ := s.ClaimByID(ctx, c.ID)
		if got.Version != 2 || (got.Summary != "first" && got.Summary != "second") {
			t.Fatalf("after race: version=%d summary=%q", got.Version, got.Summary)
		}
	})
}

func TestBadInputWritesNothing(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		editor := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		c := &factcheck.Claim{Quote: "A quote.", Claimant: "Someone"}
		if err := s.CreateClaim(ctx, c, editor); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name  string
			field string
			fn    func(c *factcheck.Claim) error
		}{
			{"unknown rating", "rating", func(c *factcheck.Claim) error { c.RatingKey = "pants-on-fire"; return nil }},
			{"empty quote", "quote", func(c *factcheck.Claim) error { c.Quote = "  "; return nil }},
			{"bad evidence url", "url", func(c *factcheck.Claim) error {
				c.Summary = "changed"
				c.Evidence = append(c.Evidence, factcheck.Evidence{URL: "javascript:alert(1)", Title: "x"})
				return nil
			}},
		}
		for _, tc := range cases {
			_, err := s.UpdateClaim(ctx, c.ID, 1, editor, "", tc.fn)
			if factcheck.ErrorCode(err) != factcheck.EINVALID || factcheck.ErrorField(err) != tc.field {
				t.Errorf("%s: err=%v field=%q", tc.name, err, factcheck.ErrorField(err))
			}
		}
		got, _ := s.ClaimByID(ctx, c.ID)
		if got.Version != 1 || got.Summary != "" || len(got.Evidence) != 0 {
			t.Fatalf("bad input left a trace: %+v", got)
		}
		if revs, _ := s.Revisions(ctx, c.ID); len(revs) != 1 {
			t.Fatalf("revisions = %d, want 1", len(revs))
		}
	})
}

func TestSearchRankingAndSafety(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		editor := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		reviewer := mustUser(t, s, "rev@example.org", factcheck.RoleReviewer)
		mk := func(quote, summary string) *factcheck.Claim {
			c := &factcheck.Claim{Quote: quote, Claimant: "Someone"}
			if err := s.CreateClaim(ctx, c, editor); err != nil {
				t.Fatal(err)
			}
			return publish(t, s, c, editor, reviewer, "half-true", summary)
		}
		strong := mk("Landmines kill thousands of civilians every year.", "Landmine casualties are mostly civilians.")
		weak := mk("The budget rose by 3 percent.", "Spending on landmines clearance rose.")
		draft := &factcheck.Claim{Quote: "Secret landmines draft.", Claimant: "X"}
		s.CreateClaim(ctx, draft, editor)

		hits, total, err := s.ListClaims(ctx, store.ClaimFilter{Query: "landmines"})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(hits) != 2 || hits[0].ID != strong.ID || hits[1].ID != weak.ID {
			t.Fatalf("ranking: total=%d hits=%+v", total, hits)
		}
		if !strings.Contains(hits[0].Snippet, store.MarkStart) {
			t.Fatalf("no highlight in snippet %q", hits[0].Snippet)
		}
		// Pages of one result, and a page past the end, keep the total.
		for offset, want := range map[int]int64{0: strong.ID, 1: weak.ID, 2: 0} {
			page, total, err := s.ListClaims(ctx, store.ClaimFilter{Query: "landmines", Limit: 1, Offset: offset})
			if err != nil || total != 2 || want == 0 && len(page) != 0 || want != 0 && (len(page) != 1 || page[0].ID != want) {
				t.Errorf("offset %d: total %d, %d hits, err %v", offset, total, len(page), err)
			}
		}
		for _, q := range []string{`"`, `' OR 1=1 --`, `landmine* NEAR(x) AND`, `"; DROP TABLE claims; --`, strings.Repeat("ab ", 3500), `:*&|!()`} {
			if _, _, err := s.ListClaims(ctx, store.ClaimFilter{Query: q}); err != nil {
				t.Errorf("query %.30q: %v", q, err)
			}
		}
		if all, total, err := s.ListClaims(ctx, store.ClaimFilter{}); err != nil || total != 2 || len(all) != 2 || all[0].ID != weak.ID {
			t.Fatalf("claims table damaged or draft listed: total=%d err=%v", total, err)
		}
	})
}

func TestSessionsAndTokens(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		u := mustUser(t, s, "Ed@Example.org", factcheck.RoleEditor)
		if _, err := s.Authenticate(ctx, "ed@example.org", "wrong password!"); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := s.Authenticate(ctx, "nobody@example.org", "correct horse battery"); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
			t.Fatalf("unknown user: %v", err)
		}
		tok, err := s.CreateSession(ctx, u.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.SessionUser(ctx, tok); err != nil || got.ID != u.ID {
			t.Fatalf("session user: %v %v", got, err)
		}
		// Changing the password ends every session.
		if err := s.SetPassword(ctx, u.ID, "another long password"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, tok); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
			t.Fatalf("session survived password change: %v", err)
		}
		api, err := s.CreateAPIToken(ctx, u.ID, "cms")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.TokenUser(ctx, api); err != nil || got.ID != u.ID {
			t.Fatalf("token user: %v", err)
		}
		if err := s.RevokeAPIToken(ctx, api); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, api); factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
			t.Fatalf("revoked token still works: %v", err)
		}
		if err := s.CreateUser(ctx, &factcheck.User{Email: "ED@example.org", Name: "Dup", Role: factcheck.RoleEditor}, "correct horse battery"); factcheck.ErrorCode(err) != factcheck.ECONFLICT {
			t.Fatalf("duplicate email: %v", err)
		}
		var fe *factcheck.Error
		if err := s.CreateUser(ctx, &factcheck.User{Email: "x@example.org", Name: "X", Role: "boss"}, "correct horse battery"); !errors.As(err, &fe) || fe.Field != "role" {
			t.Fatalf("bad role: %v", err)
		}
	})
}

// The tag filter matches whole tags only, combines with the rating filter,
// and lists no drafts, on both databases (PostgreSQL answers it from a GIN
// index on the tags' JSON, SQLite with a quoted LIKE).
func TestTagAndRatingFilters(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		editor := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		reviewer := mustUser(t, s, "rev@example.org", factcheck.RoleReviewer)
		mk := func(quote, rating string, publish_ bool, tags ...string) *factcheck.Claim {
			c := &factcheck.Claim{Quote: quote, Claimant: "Someone", Tags: tags}
			if err := s.CreateClaim(ctx, c, editor); err != nil {
				t.Fatal(err)
			}
			if !publish_ {
				return c
			}
			return publish(t, s, c, editor, reviewer, rating, "Summary.")
		}
		both := mk("Mines were sent to Ukraine.", "true", true, "Mines", "ukraine")
		onlyMines := mk("Mines are cheap.", "false", true, "mines")
		mk("The mine treaty has 164 parties.", "true", true, "mines-treaty")
		mk("Landmines kill civilians.", "true", true, "landmines")
		mk("A draft about mines.", "", false, "mines")

		ids := func(f store.ClaimFilter) []int64 {
			t.Helper()
			hits, total, err := s.ListClaims(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			out := []int64{}
			for _, h := range hits {
				out = append(out, h.ID)
			}
			if int(total) != len(out) {
				t.Errorf("%+v: total %d for %d hits", f, total, len(out))
			}
			return out
		}
		if got := ids(store.ClaimFilter{Tag: "mines"}); !slices.Equal(got, []int64{onlyMines.ID, both.ID}) {
			t.Errorf("tag mines: %v, want %v", got, []int64{onlyMines.ID, both.ID})
		}
		if got := ids(store.ClaimFilter{Tag: "MINES!"}); !slices.Equal(got, []int64{onlyMines.ID, both.ID}) {
			t.Errorf("tag MINES!: %v", got)
		}
		if got := ids(store.ClaimFilter{Tag: "mines", Rating: "true"}); !slices.Equal(got, []int64{both.ID}) {
			t.Errorf("tag mines, rating true: %v, want %v", got, []int64{both.ID})
		}
		if got := ids(store.ClaimFilter{Tag: "mines", Query: "ukraine"}); !slices.Equal(got, []int64{both.ID}) {
			t.Errorf("tag mines, query ukraine: %v", got)
		}
		for _, odd := range []string{`"]`, `%`, `mine`, `' OR 1=1`} {
			if got := ids(store.ClaimFilter{Tag: odd}); len(got) != 0 {
				t.Errorf("tag %q matched %v", odd, got)
			}
		}
	})
}
