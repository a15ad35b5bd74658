package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// importsVersion is the migration that lets claims carry where they were
// imported from, and finds articles by URL and text.
const importsVersion = 23

// importColumns are the claim columns migration 23 adds.
var importColumns = []string{"imported_url", "imported_publisher", "imported_publisher_url", "imported_rating",
	"imported_modified_at", "imported_appearance_url", "imported_at"}

// migrateImports adds the provenance of imported claims, with a unique
// index on the review's URL (what makes an import idempotent), and
// indexes that find an article by its URL or its text's hash.
func migrateImports(tx *gorm.DB, d Dialect) error {
	return execAll(tx, d,
		`ALTER TABLE claims ADD COLUMN imported_url TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE claims ADD COLUMN imported_publisher TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE claims ADD COLUMN imported_publisher_url TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE claims ADD COLUMN imported_rating TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE claims ADD COLUMN imported_modified_at {{time}}`,
		`ALTER TABLE claims ADD COLUMN imported_appearance_url TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE claims ADD COLUMN imported_at {{time}}`,
		`CREATE UNIQUE INDEX claims_imported_url ON claims(imported_url) WHERE imported_url <> ''`,
		`CREATE INDEX articles_url ON articles(url)`,
		`CREATE INDEX articles_body_sha256 ON articles(body_sha256)`,
	)
}

// FindArticle returns the id of an article with url (when not empty) or
// with exactly the text of a, 0 when there is none. Imports use it to add
// nothing twice.
func (s *Store) FindArticle(ctx context.Context, a *factcheck.Article) (int64, error) {
	a.Normalize()
	var ids []int64
	q := s.w.WithContext(ctx).Model(&factcheck.Article{}).Where("body_sha256 = ?", a.BodySHA256)
	if a.URL != "" {
		q = s.w.WithContext(ctx).Model(&factcheck.Article{}).Where("url = ? OR body_sha256 = ?", a.URL, a.BodySHA256)
	}
	err := q.Order("id").Limit(1).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// ImportArticle stores a unless the desk already has an article with its
// URL or its text, in one transaction. It reports whether a was added and,
// when not, the id of the one the desk has. EINVALID for bad fields.
func (s *Store) ImportArticle(ctx context.Context, a *factcheck.Article) (added bool, existing int64, err error) {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return false, 0, err
	}
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ids []int64
		q := tx.Model(&factcheck.Article{}).Where("body_sha256 = ?", a.BodySHA256)
		if a.URL != "" {
			q = tx.Model(&factcheck.Article{}).Where("url = ? OR body_sha256 = ?", a.URL, a.BodySHA256)
		}
		if err := q.Order("id").Limit(1).Pluck("id", &ids).Error; err != nil {
			return err
		} else if len(ids) > 0 {
			existing = ids[0]
			return nil
		}
		a.ID = 0
		if err := tx.Create(a).Error; err != nil {
			return err
		}
		added = true
		return nil
	})
	return added, existing, err
}

// ImportedClaim returns the id of the claim imported from the review at
// url, 0 when there is none.
func (s *Store) ImportedClaim(ctx context.Context, url string) (int64, error) {
	if !s.hasSchema(importsVersion) || url == "" {
		return 0, nil
	}
	var ids []int64
	err := s.w.WithContext(ctx).Model(&factcheck.Claim{}).Where("imported_url = ?", url).Limit(1).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// importAppearances records where an imported claim c (just inserted,
// with the first appearance its insert made) was made: aps[0] fills that
// first appearance, the rest follow it in order. Appearances need a URL
// and a quote; without any, the claim keeps its empty first appearance.
// c.Appearances ends up as stored.
func (s *Store) importAppearances(tx *gorm.DB, c *factcheck.Claim, aps []factcheck.Appearance) error {
	if !s.hasSchema(appearanceVersion) {
		return nil
	}
	for i := range aps {
		ap := &aps[i]
		ap.ArticleID, ap.Article = nil, nil
		if ap.Quote == "" {
			ap.Quote = c.Quote
		}
		if ap.Claimant == "" {
			ap.Claimant = c.Claimant
		}
		ap.Normalize()
		if err := ap.Validate(); err != nil {
			return err
		}
		ap.AppearedAt = ap.AppearedAt.UTC()
		if i == 0 {
			cols := map[string]any{"url": ap.URL, "quote": ap.Quote, "claimant": ap.Claimant}
			if !ap.AppearedAt.IsZero() {
				cols["appeared_at"] = ap.AppearedAt
			}
			if s.hasSchema(appearanceTitleVersion) {
				cols["title"], cols["publisher"] = ap.Title, ap.Publisher
			}
			if err := tx.Model(&factcheck.Appearance{}).Where("claim_id = ? AND position = 0", c.ID).Updates(cols).Error; err != nil {
				return err
			}
			continue
		}
		ap.ID, ap.ClaimID, ap.Position, ap.CreatedByID, ap.CreatedAt = 0, c.ID, i, nil, c.CreatedAt
		if ap.AppearedAt.IsZero() {
			ap.AppearedAt = c.CreatedAt
		}
		if err := tx.Omit(s.appearanceOmit()...).Create(ap).Error; err != nil {
			return wrap(err, "Appearance")
		}
	}
	c.Appearances = nil
	return tx.Where("claim_id = ?", c.ID).Order("position").Find(&c.Appearances).Error
}

// ImportClaim stores a fact check published by another fact-checker as a
// public claim of the desk, marked with where it came from
// (c.Imported, required), with its sources, the places it appeared
// (c.Appearances: pages by URL, the first one first) and one revision
// that says so;
// all in one transaction, or nothing. A claim imported from the same
// review URL before is left alone: added is false and existing its id.
// c needs a rating on the desk's scale, a summary and PublishedAt; it
// gets no author or reviewer, since nobody on the desk checked it.
// Imports raise no webhook events (an archive moved in is no news).
// EINVALID for bad fields.
func (s *Store) ImportClaim(ctx context.Context, c *factcheck.Claim) (added bool, existing int64, err error) {
	if !s.hasSchema(importsVersion) {
		return false, 0, fmt.Errorf("import claims: the database's schema is too old")
	}
	c.Imported.Normalize()
	if err := c.Imported.Validate(); err != nil {
		return false, 0, err
	}
	c.ID, c.ArticleID, c.AuthorID, c.ReviewerID, c.Version = 0, nil, nil, nil, 1
	c.Status = factcheck.StatusPublished
	c.Normalize()
	if err := c.Validate(); err != nil {
		return false, 0, err
	} else if c.RatingKey == "" || c.Summary == "" || c.PublishedAt == nil {
		return false, 0, factcheck.FieldError("reviewRating", "An imported fact check needs a rating, a summary and its publication date.")
	}
	now := s.now()
	c.Imported.At, c.CreatedAt, c.UpdatedAt = &now, now, now
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ids []int64
		if err := tx.Model(&factcheck.Claim{}).Where("imported_url = ?", c.Imported.URL).Limit(1).Pluck("id", &ids).Error; err != nil {
			return err
		} else if len(ids) > 0 {
			existing = ids[0]
			return nil
		}
		if err := checkRating(tx, c.RatingKey); err != nil {
			return err
		}
		aps := c.Appearances
		c.Appearances = nil
		if err := s.insertClaim(tx, c); err != nil {
			return err
		}
		if err := s.importAppearances(tx, c, aps); err != nil {
			return err
		}
		if err := appendRevision(tx, c, nil, "Imported from "+c.Imported.Publisher+" ("+c.Imported.URL+")", false); err != nil {
			return err
		}
		added = true
		return s.bumpPublic(tx)
	})
	if err != nil {
		return false, 0, err
	}
	return added, existing, nil
}
