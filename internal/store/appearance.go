package store

import (
	"context"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"claimdesk/internal/factcheck"
)

// appearanceVersion is the migration that gives claims their appearances.
const appearanceVersion = 30

// appearanceTitleVersion is the migration that lets an appearance by URL
// name its page (title and publisher), as imported fact checks say them.
const appearanceTitleVersion = 31

// migrateAppearanceTitles adds the title and publisher of an appearance's
// page; empty for every appearance so far.
func migrateAppearanceTitles(tx *gorm.DB, d Dialect) error {
	return execAll(tx, d,
		`ALTER TABLE appearances ADD COLUMN title TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE appearances ADD COLUMN publisher TEXT NOT NULL DEFAULT ''`,
	)
}

// appearanceOmit lists what an appearance insert leaves out: the loaded
// article, and the columns a database at an older schema lacks.
func (s *Store) appearanceOmit() []string {
	if !s.hasSchema(appearanceTitleVersion) {
		return []string{"Article", "title", "publisher"}
	}
	return []string{"Article"}
}

// migrateAppearances adds the appearances table and turns every claim's
// article and anchor into its first appearance (position 0), with the
// claim's quote, claimant and author, and as its time the claim's date,
// else its article's publication, else when the claim was made. Nothing
// of the claim changes: its article and anchor columns stay.
//
// Triggers keep the first appearance equal to the claim's own article,
// anchor, quote, claimant and date from then on, however a claim is
// written (the store, a bulk load, SQL by hand): inserting a claim inserts
// its first appearance, and updating those columns updates it.
//
// An article holds a claim at most once and a page address too (two
// unique indexes; NULL articles and empty URLs do not count), so an
// article's claims and their appearances in it correspond one to one.
func migrateAppearances(tx *gorm.DB, d Dialect) error {
	err := execAll(tx, d,
		`CREATE TABLE appearances (
			id {{id}},
			claim_id {{ref}} NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
			position INTEGER NOT NULL,
			article_id {{ref}} REFERENCES articles(id) ON DELETE SET NULL,
			url TEXT NOT NULL DEFAULT '',
			quote TEXT NOT NULL DEFAULT '',
			claimant TEXT NOT NULL DEFAULT '',
			appeared_at {{time}} NOT NULL,
			anchor_start INTEGER NOT NULL DEFAULT 0,
			anchor_end INTEGER NOT NULL DEFAULT 0,
			anchor_prefix TEXT NOT NULL DEFAULT '',
			anchor_exact TEXT NOT NULL DEFAULT '',
			anchor_suffix TEXT NOT NULL DEFAULT '',
			anchor_orphaned {{bool}} NOT NULL DEFAULT FALSE,
			created_by_id {{ref}} REFERENCES users(id) ON DELETE SET NULL,
			created_at {{time}} NOT NULL,
			UNIQUE (claim_id, position))`,
		`CREATE UNIQUE INDEX appearances_claim_article ON appearances(claim_id, article_id)`,
		`CREATE UNIQUE INDEX appearances_claim_url ON appearances(claim_id, url) WHERE url <> ''`,
		`CREATE INDEX appearances_article ON appearances(article_id, claim_id)`,
		`CREATE INDEX appearances_appeared ON appearances(appeared_at)`,
		`CREATE INDEX appearances_created ON appearances(created_at)`,
		`INSERT INTO appearances (claim_id, position, article_id, url, quote, claimant, appeared_at,
			anchor_start, anchor_end, anchor_prefix, anchor_exact, anchor_suffix, anchor_orphaned, created_by_id, created_at)
		SELECT c.id, 0, c.article_id, '', c.quote, c.claimant, COALESCE(c.claim_date, a.published_at, c.created_at),
			c.anchor_start, c.anchor_end, c.anchor_prefix, c.anchor_exact, c.anchor_suffix, c.anchor_orphaned, c.author_id, c.created_at
		FROM claims c LEFT JOIN articles a ON a.id = c.article_id`,
	)
	if err != nil {
		return err
	}
	const (
		insert = `INSERT INTO appearances (claim_id, position, article_id, url, quote, claimant, appeared_at,
			anchor_start, anchor_end, anchor_prefix, anchor_exact, anchor_suffix, anchor_orphaned, created_by_id, created_at)
		VALUES (NEW.id, 0, NEW.article_id, '', NEW.quote, NEW.claimant,
			COALESCE(NEW.claim_date, (SELECT published_at FROM articles WHERE id = NEW.article_id), NEW.created_at),
			NEW.anchor_start, NEW.anchor_end, NEW.anchor_prefix, NEW.anchor_exact, NEW.anchor_suffix, NEW.anchor_orphaned,
			NEW.author_id, NEW.created_at);`
		update = `UPDATE appearances SET article_id = NEW.article_id, quote = NEW.quote, claimant = NEW.claimant,
			appeared_at = COALESCE(NEW.claim_date, appeared_at),
			anchor_start = NEW.anchor_start, anchor_end = NEW.anchor_end, anchor_prefix = NEW.anchor_prefix,
			anchor_exact = NEW.anchor_exact, anchor_suffix = NEW.anchor_suffix, anchor_orphaned = NEW.anchor_orphaned
		WHERE claim_id = NEW.id AND position = 0;`
	)
	// The update fires only when a first-appearance column changed, not
	// on every save of a claim (UpdateClaim writes every column).
	var changed []string
	for _, col := range []string{"article_id", "quote", "claimant", "claim_date", "anchor_start", "anchor_end",
		"anchor_prefix", "anchor_exact", "anchor_suffix", "anchor_orphaned"} {
		op := " IS NOT "
		if d == Postgres {
			op = " IS DISTINCT FROM "
		}
		changed = append(changed, "OLD."+col+op+"NEW."+col)
	}
	when := strings.Join(changed, " OR ")
	if d == Postgres {
		return execAll(tx, d,
			`CREATE FUNCTION claims_first_appearance_insert() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN `+insert+` RETURN NULL; END $$`,
			`CREATE FUNCTION claims_first_appearance_update() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN `+update+` RETURN NULL; END $$`,
			`CREATE TRIGGER claims_first_appearance_insert AFTER INSERT ON claims
			FOR EACH ROW EXECUTE FUNCTION claims_first_appearance_insert()`,
			`CREATE TRIGGER claims_first_appearance_update AFTER UPDATE ON claims
			FOR EACH ROW WHEN (`+when+`) EXECUTE FUNCTION claims_first_appearance_update()`,
		)
	}
	return execAll(tx, d,
		`CREATE TRIGGER claims_first_appearance_insert AFTER INSERT ON claims BEGIN `+insert+` END`,
		`CREATE TRIGGER claims_first_appearance_update AFTER UPDATE ON claims WHEN `+when+` BEGIN `+update+` END`,
	)
}

// articleMeta are the article columns an appearance shows: never the body.
var articleMeta = []string{"id", "title", "url", "outlet", "author", "published_at", "created_at", "updated_at"}

// preloadAppearanceArticles loads appearances' articles' metadata.
func (s *Store) preloadAppearanceArticles(db *gorm.DB) *gorm.DB {
	return db.Preload("Article", func(db *gorm.DB) *gorm.DB { return db.Select(articleMeta) })
}

// preloadAppearances loads claims' appearances in order, with their
// articles' metadata, on stores whose schema has them.
func (s *Store) preloadAppearances(db *gorm.DB) *gorm.DB {
	if !s.hasSchema(appearanceVersion) {
		return db
	}
	return db.Preload("Appearances", func(db *gorm.DB) *gorm.DB { return db.Order("position") }).
		Preload("Appearances.Article", func(db *gorm.DB) *gorm.DB { return db.Select(articleMeta) })
}

// AddAppearance records that the claim with id was made again, at ap:
//
//   - in an article of the desk: ap.ArticleID with ap.Anchor.Start and
//     End, byte offsets into the article's body as it is in this
//     transaction, and (so an edit in between cannot misplace it) the
//     text the sender saw there in ap.Anchor.Exact: when the body no
//     longer has that text there, the same text elsewhere in it is taken,
//     and without it the write is refused (ECONFLICT); or with ap.Quote
//     alone, found in the body;
//   - or on another page: ap.URL with ap.Quote.
//
// The claim keeps its verdict and gets a new version and a revision
// ("Seen again in …"); when it is public, the public version moves on in
// the same transaction. It returns the claim with its appearances (the
// new one last), ENOTFOUND for an unknown claim or article, EINVALID for
// a bad appearance or an article already holding
// factcheck.MaxClaimsPerArticle claims, and ECONFLICT for a retracted
// claim, an article or URL it already has, or an article edited since the
// sentence was chosen. Only stores at the latest schema take appearances.
func (s *Store) AddAppearance(ctx context.Context, claimID int64, ap *factcheck.Appearance, by *factcheck.User) (*factcheck.Claim, error) {
	if !s.hasSchema(appearanceVersion) {
		return nil, factcheck.Errorf(factcheck.ECONFLICT, "This database's schema predates claim appearances; migrate it first.")
	}
	var out *factcheck.Claim
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		lock := tx
		if s.dialect == Postgres {
			// The article row, then the claim row: the order of
			// UpdateArticle (article, then its claims) and CreateClaim, so
			// concurrent additions and edits queue up instead of
			// deadlocking.
			lock = tx.Clauses(clause.Locking{Strength: "UPDATE"}).Session(&gorm.Session{})
		}
		if ap.ArticleID != nil {
			if err := s.anchorAppearance(lock, tx, ap); err != nil {
				return err
			}
		}
		var cur factcheck.Claim
		if err := lock.Select("id").First(&cur, claimID).Error; err != nil {
			return wrap(err, "Claim")
		}
		c, err := s.claimByID(tx, claimID)
		if err != nil {
			return err
		}
		if err := c.AddAppearance(ap, by, s.now()); err != nil {
			return err
		}
		if err := tx.Omit(s.appearanceOmit()...).Create(ap).Error; err != nil {
			return wrap(err, "Appearance")
		}
		ap.Article = nil
		version := c.Version
		c.Version++
		c.UpdatedAt = s.now()
		res := tx.Model(&factcheck.Claim{}).Where("id = ? AND version = ?", c.ID, version).
			Updates(map[string]any{"version": c.Version, "updated_at": c.UpdatedAt})
		if res.Error != nil {
			return res.Error
		} else if res.RowsAffected == 0 {
			return factcheck.Errorf(factcheck.ECONFLICT, "This claim was changed by someone else while you were saving. Reload and try again.")
		}
		if out, err = s.claimByID(tx, claimID); err != nil {
			return err
		}
		return s.reappeared(tx, out, &out.Appearances[len(out.Appearances)-1], by)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// anchorAppearance places ap in its article's body as the transaction sees
// it, checking that the article exists (locked on PostgreSQL through lock,
// so an article edit waits for the new anchor and re-anchors it) and has
// room for one more claim.
func (s *Store) anchorAppearance(lock, tx *gorm.DB, ap *factcheck.Appearance) error {
	var a factcheck.Article
	if err := lock.First(&a, *ap.ArticleID).Error; err != nil {
		return wrap(err, "Article")
	}
	var n int64
	if err := tx.Model(&factcheck.Appearance{}).Where("article_id = ?", a.ID).Count(&n).Error; err != nil {
		return err
	} else if n >= factcheck.MaxClaimsPerArticle {
		return factcheck.FieldError("article_id", "This article already has %d claims, the most one article can hold.", n)
	}
	var (
		anchor factcheck.Anchor
		err    error
	)
	switch want := ap.Anchor.Exact; {
	case ap.Anchor.End > 0 && (want == "" || ap.Anchor.End <= len(a.Body) && ap.Anchor.Start >= 0 && a.Body[ap.Anchor.Start:ap.Anchor.End] == want):
		anchor, err = factcheck.NewAnchor(a.Body, ap.Anchor.Start, ap.Anchor.End)
	case ap.Anchor.End > 0:
		// The article was edited since the sentence was chosen: find the
		// sentence in the new text, verbatim, or refuse.
		if moved, how := factcheck.Reanchor(factcheck.Anchor{Start: ap.Anchor.Start, End: ap.Anchor.End, Exact: want}, a.Body); how == factcheck.MatchQuote {
			anchor = moved
		} else {
			return factcheck.Errorf(factcheck.ECONFLICT, "The article was edited since the sentence was chosen. Reload it and choose again.")
		}
	default:
		anchor, err = factcheck.FindQuote(a.Body, ap.Quote)
	}
	if err != nil {
		return err
	}
	ap.Anchor = anchor
	if ap.AppearedAt.IsZero() {
		ap.AppearedAt = a.CreatedAt
		if a.PublishedAt != nil {
			ap.AppearedAt = *a.PublishedAt
		}
	}
	return nil
}

// reappeared is where a claim is seen again: the one place the event
// claim.reappeared happens, inside the transaction that records the
// appearance ap of claim c (already at its new version, with every
// appearance loaded). It appends the revision "Seen again in …" and, for
// a public claim, moves the public version on, so every cached page,
// card and feed shows the new appearance. Webhook deliveries for the
// event belong here too, queued in this same transaction when c is public.
func (s *Store) reappeared(tx *gorm.DB, c *factcheck.Claim, ap *factcheck.Appearance, by *factcheck.User) error {
	note := "Seen again"
	if place := ap.Place(); place != "" {
		note += " in " + place
	}
	if err := appendRevision(tx, c, by, note, false); err != nil {
		return err
	}
	if !c.Status.Public() {
		return nil
	}
	if err := s.bumpPublic(tx); err != nil {
		return err
	}
	// The claim is read again inside tx, at its new version, for the
	// webhook payload.
	return s.Emit(tx.Statement.Context, tx, Event{Type: factcheck.EventClaimReappeared, ClaimID: c.ID})
}

// Reappearance is a later appearance of a public claim, for the feed.
type Reappearance struct {
	factcheck.Appearance
	Claim factcheck.Claim
}

// PublicReappearances returns the latest limit appearances after the
// first of public claims, newest recorded first, each with its claim (and
// the claim's rating) and its article's metadata. Drafts and claims in
// review never appear.
func (s *Store) PublicReappearances(ctx context.Context, limit int) ([]Reappearance, error) {
	if !s.hasSchema(appearanceVersion) {
		return nil, nil
	}
	var aps []factcheck.Appearance
	err := s.r.WithContext(ctx).Select("appearances.*").Joins("JOIN claims ON claims.id = appearances.claim_id").
		Where("appearances.position > 0 AND claims.status IN ?", factcheck.PublicStatuses()).
		Preload("Article", func(db *gorm.DB) *gorm.DB { return db.Select(articleMeta) }).
		Order("appearances.created_at DESC, appearances.id DESC").Limit(limit).Find(&aps).Error
	if err != nil || len(aps) == 0 {
		return nil, err
	}
	ids := make([]int64, 0, len(aps))
	for _, a := range aps {
		ids = append(ids, a.ClaimID)
	}
	var cs []factcheck.Claim
	if err := s.r.WithContext(ctx).Preload("Rating").Where("id IN ?", ids).Find(&cs).Error; err != nil {
		return nil, err
	}
	byID := make(map[int64]factcheck.Claim, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
	}
	out := make([]Reappearance, 0, len(aps))
	for _, a := range aps {
		if c, ok := byID[a.ClaimID]; ok {
			out = append(out, Reappearance{Appearance: a, Claim: c})
		}
	}
	return out, nil
}
