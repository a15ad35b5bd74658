package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// changeTimesVersion is the migration that records when public things
// changed: the public version's time and each rating's last edit.
const changeTimesVersion = 20

// migrateChangeTimes adds the times behind Last-Modified and the
// sitemap's lastmod: when the public version last moved (any change a
// reader could see) and when each rating was last edited.
func migrateChangeTimes(tx *gorm.DB, d Dialect) error {
	return execAll(tx, d,
		`ALTER TABLE public_state ADD COLUMN changed_at {{time}}`,
		`UPDATE public_state SET changed_at = CURRENT_TIMESTAMP`,
		`ALTER TABLE ratings ADD COLUMN updated_at {{time}}`,
	)
}

// touchRating records that the rating with id changed now, for the
// sitemap's lastmod of /ratings.
func (s *Store) touchRating(tx *gorm.DB, id int64) error {
	if !s.hasSchema(changeTimesVersion) {
		return nil
	}
	return tx.Exec(`UPDATE ratings SET updated_at = ? WHERE id = ?`, s.now(), id).Error
}

// PublicChangedAt returns when the public version last moved: the time of
// the latest change a reader could see anywhere on the site (see
// PublicVersion). Feeds send it as Last-Modified, so a feed reader asking
// If-Modified-Since never misses a renamed rating or an edited article.
// It returns EUNAVAILABLE when the database cannot be reached.
func (s *Store) PublicChangedAt(ctx context.Context) (time.Time, error) {
	var t dbTime
	err := s.r.WithContext(ctx).Raw(`SELECT changed_at FROM public_state WHERE id = 1`).Row().Scan(&t)
	return t.Time, markUnavailable(err)
}

// SitemapClaim is a public claim as the sitemap lists it.
type SitemapClaim struct {
	ID        int64
	Slug      string
	ArticleID *int64
	// LastMod is the time of its latest public revision.
	LastMod time.Time
}

// Sitemap is what /sitemap.xml lists: every public claim (but imported
// ones, whose canonical page is their publisher's), every article with a
// public claim, and when /ratings and /corrections last changed.
type Sitemap struct {
	Claims []SitemapClaim // by id
	// Articles maps each article with a public claim to its lastmod: the
	// later of its own last edit and its claims' latest public revision.
	Articles    map[int64]time.Time
	Ratings     time.Time // the scale's last edit
	Corrections time.Time // the latest public revision of a corrected or retracted claim
}

// PublicSitemap returns what the sitemap lists, read in three queries.
// Every time is a time a reader could see a change: a claim's lastmod is
// its latest revision, and every revision of a public claim is public
// (claims only leave the desk's drafts by publication, and never return).
func (s *Store) PublicSitemap(ctx context.Context) (*Sitemap, error) {
	db := s.r.WithContext(ctx)
	out := &Sitemap{Articles: map[int64]time.Time{}}
	own := ""
	if s.hasSchema(importsVersion) {
		own = " AND claims.imported_url = ''"
	}
	rows, err := db.Raw(`SELECT claims.id, claims.slug, claims.article_id, claims.status, MAX(revisions.created_at)
		FROM claims JOIN revisions ON revisions.claim_id = claims.id
		WHERE claims.status IN ?`+own+` GROUP BY claims.id, claims.slug, claims.article_id, claims.status ORDER BY claims.id`,
		factcheck.PublicStatuses()).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c SitemapClaim
		var status factcheck.Status
		var t dbTime
		if err := rows.Scan(&c.ID, &c.Slug, &c.ArticleID, &status, &t); err != nil {
			return nil, err
		}
		c.LastMod = t.Time
		out.Claims = append(out.Claims, c)
		if c.ArticleID != nil && c.LastMod.After(out.Articles[*c.ArticleID]) {
			out.Articles[*c.ArticleID] = c.LastMod
		}
		if status != factcheck.StatusPublished && c.LastMod.After(out.Corrections) {
			out.Corrections = c.LastMod
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out.Articles) > 0 {
		ids := make([]int64, 0, len(out.Articles))
		for id := range out.Articles {
			ids = append(ids, id)
		}
		var arts []struct {
			ID        int64
			UpdatedAt time.Time
		}
		for i := 0; i < len(ids); i += 500 {
			var part []struct {
				ID        int64
				UpdatedAt time.Time
			}
			if err := db.Model(&factcheck.Article{}).Select("id, updated_at").Where("id IN ?", ids[i:min(i+500, len(ids))]).Scan(&part).Error; err != nil {
				return nil, err
			}
			arts = append(arts, part...)
		}
		for _, a := range arts {
			if a.UpdatedAt.After(out.Articles[a.ID]) {
				out.Articles[a.ID] = a.UpdatedAt
			}
		}
	}
	var rt dbTime
	q := `SELECT MIN(applied_at) FROM schema_migrations`
	if s.hasSchema(changeTimesVersion) {
		q = `SELECT COALESCE(MAX(updated_at), (SELECT MIN(applied_at) FROM schema_migrations)) FROM ratings`
	}
	if err := db.Raw(q).Row().Scan(&rt); err != nil {
		return nil, err
	}
	out.Ratings = rt.Time
	return out, nil
}

// dbTime scans a time that SQLite may hand over as text: the result of an
// aggregate such as MAX(created_at) has no declared type, so the driver
// cannot tell it is a time. NULL scans as the zero time.
type dbTime struct{ time.Time }

// Scan implements sql.Scanner.
func (t *dbTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		t.Time = time.Time{}
		return nil
	case time.Time:
		t.Time = v.UTC()
		return nil
	case []byte:
		return t.parse(string(v))
	case string:
		return t.parse(v)
	}
	return fmt.Errorf("scan time: unexpected %T", v)
}

// sqliteTimeFormats are the layouts SQLite drivers write times in.
var sqliteTimeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

func (t *dbTime) parse(s string) error {
	s = strings.TrimSuffix(strings.TrimSpace(s), "Z")
	for _, f := range sqliteTimeFormats {
		if v, err := time.Parse(f, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("scan time: cannot parse %q", s)
}

// Value implements driver.Valuer.
func (t dbTime) Value() (driver.Value, error) { return t.Time, nil }
