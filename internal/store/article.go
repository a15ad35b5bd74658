package store

import (
	"context"

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
