package store

import (
	"context"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// CreateArticle validates and stores a new article.
func (s *Store) CreateArticle(ctx context.Context, a *factcheck.Article) error {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	return wrap(s.w.WithContext(ctx).Create(a).Error, "Article")
}

// ArticleByID returns the article with id, or ENOTFOUND.
func (s *Store) ArticleByID(ctx context.Context, id int64) (*factcheck.Article, error) {
	var a factcheck.Article
	err := s.r.WithContext(ctx).First(&a, id).Error
	return &a, wrap(err, "Article")
}

// ArticleByURL returns the article with the given URL, or ENOTFOUND.
func (s *Store) ArticleByURL(ctx context.Context, url string) (*factcheck.Article, error) {
	var a factcheck.Article
	err := s.r.WithContext(ctx).Where("url = ?", url).First(&a).Error
	return &a, wrap(err, "Article")
}

// Articles lists the newest articles first, at most limit.
func (s *Store) Articles(ctx context.Context, limit int) ([]factcheck.Article, error) {
	var as []factcheck.Article
	err := s.r.WithContext(ctx).Order("created_at DESC, id DESC").Limit(limit).Find(&as).Error
	return as, err
}

// ArticleClaims returns the claims anchored in an article, in body order;
// with no statuses given, every claim (drafts included).
func (s *Store) ArticleClaims(ctx context.Context, articleID int64, statuses ...factcheck.Status) ([]factcheck.Claim, error) {
	var cs []factcheck.Claim
	q := s.r.WithContext(ctx).Preload("Rating").Where("article_id = ?", articleID)
	if len(statuses) > 0 {
		q = q.Where("status IN ?", statuses)
	}
	err := q.Order("anchor_start, id").Find(&cs).Error
	return cs, err
}

// Reanchored reports where one claim landed after an article edit.
type Reanchored struct {
	ClaimID int64
	Match   factcheck.AnchorMatch
}

// UpdateArticle applies change to an article and re-anchors every claim in
// it (see factcheck.Reanchor), all in one transaction. Claims whose anchor
// moved get a new version and a revision; claims that cannot be placed are
// flagged orphaned, never dropped.
func (s *Store) UpdateArticle(ctx context.Context, id int64, by *factcheck.User, change func(a *factcheck.Article) error) (*factcheck.Article, []Reanchored, error) {
	var out []Reanchored
	var a factcheck.Article
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.First(&a, id).Error; err != nil {
			return wrap(err, "Article")
		}
		if err := change(&a); err != nil {
			return err
		}
		a.Normalize()
		if err := a.Validate(); err != nil {
			return err
		}
		a.UpdatedAt = s.now()
		if err := tx.Omit("created_at", "created_by_id").Save(&a).Error; err != nil {
			return err
		}
		var claims []factcheck.Claim
		if err := tx.Where("article_id = ?", id).Order("id").Find(&claims).Error; err != nil {
			return err
		}
		for i := range claims {
			c := &claims[i]
			anchor, match := factcheck.Reanchor(c.Anchor, a.Body)
			out = append(out, Reanchored{ClaimID: c.ID, Match: match})
			if anchor == c.Anchor {
				continue
			}
			c.Anchor = anchor
			c.Version++
			c.UpdatedAt = s.now()
			if err := tx.Model(c).Select("anchor_start", "anchor_end", "anchor_prefix", "anchor_exact", "anchor_suffix", "anchor_orphaned", "version", "updated_at").Updates(c).Error; err != nil {
				return err
			}
			if err := tx.Where("claim_id = ?", c.ID).Order("position, id").Find(&c.Evidence).Error; err != nil {
				return err
			}
			if err := appendRevision(tx, c, by, "Re-anchored after the article was edited ("+string(match)+" match)", false); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return &a, out, nil
}
