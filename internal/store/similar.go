package store

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// SimilarClaims returns up to limit published claims sharing the most terms
// with terms (numbers, entities, content words), best first, excluding the
// claim with id exclude. It answers "has the newsroom already checked this?".
func (s *Store) SimilarClaims(ctx context.Context, terms []string, exclude int64, limit int) ([]ClaimHit, error) {
	words := searchTerms(strings.Join(terms, " "))
	if len(words) == 0 {
		return nil, nil
	}
	q := s.r.WithContext(ctx).Model(&factcheck.Claim{}).
		Where("claims.status IN ? AND claims.id <> ?", factcheck.PublicStatuses(), exclude).Limit(limit)
	switch s.dialect {
	case Postgres:
		arg := strings.Join(quoteAll(words, "'", "'"), " | ")
		q = q.Select("claims.*, '' AS snippet").Where("claims.search @@ to_tsquery('english', ?)", arg).
			Order(gorm.Expr("ts_rank(claims.search, to_tsquery('english', ?)) DESC", arg))
	default:
		q = q.Select("claims.*, '' AS snippet").Joins("JOIN claims_fts ON claims_fts.rowid = claims.id").
			Where("claims_fts MATCH ?", strings.Join(quoteAll(words, `"`, `"`), " OR ")).
			Order("bm25(claims_fts, 4.0, 4.0, 2.0, 2.0, 1.0)")
	}
	var hits []ClaimHit
	err := q.Preload("Rating").Find(&hits).Error
	return hits, err
}

func quoteAll(words []string, open, close string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = open + w + close
	}
	return out
}
