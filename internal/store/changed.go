package store

import (
	"context"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// MatchClaim is what "Already checked?" keeps of a public claim: the
// texts the matcher ranks and what the desk shows of a match.
type MatchClaim struct {
	ID        int64
	Status    factcheck.Status
	Statement string
	Quote     string
	Summary   string
	Claimant  string
	RatingKey string
	Slug      string
	// Title is the title of the claim's article, if it has one.
	Title     string
	PublicSeq int64
}

// PublicMatchClaims returns up to limit public claims with ids above
// afterID, in id order; callers page through all of them by the last id.
func (s *Store) PublicMatchClaims(ctx context.Context, afterID int64, limit int) ([]MatchClaim, error) {
	var out []MatchClaim
	err := s.matchClaims(ctx).Where("claims.status IN ? AND claims.id > ?", factcheck.PublicStatuses(), afterID).
		Order("claims.id").Limit(limit).Scan(&out).Error
	return out, err
}

// ClaimsChangedSince returns the claims whose public state changed after
// the public version seq (see PublicVersion): published, corrected,
// retracted, re-rated or re-titled since. A node that has seen every
// public claim up to seq reads only these to catch up; nothing it keeps
// must come from another node's memory.
func (s *Store) ClaimsChangedSince(ctx context.Context, seq int64) ([]MatchClaim, error) {
	var out []MatchClaim
	if !s.hasSchema(queueVersion) {
		return out, nil
	}
	err := s.matchClaims(ctx).Where("claims.public_seq > ?", seq).Order("claims.id").Scan(&out).Error
	return out, err
}

func (s *Store) matchClaims(ctx context.Context) *gorm.DB {
	cols := "claims.id, claims.status, claims.quote, claims.summary, claims.claimant, claims.rating_key, claims.slug, COALESCE(articles.title, '') AS title"
	if s.hasSchema(statementVersion) {
		cols += ", claims.statement"
	}
	if s.hasSchema(queueVersion) {
		cols += ", claims.public_seq"
	}
	return s.r.WithContext(ctx).Table("claims").Select(cols).Joins("LEFT JOIN articles ON articles.id = claims.article_id")
}
