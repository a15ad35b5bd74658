package store

import (
	"context"
	"encoding/json"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// PublicClaimsAfter returns up to limit public claims with ids above
// afterID, in id order, with rating, article, evidence and appearances
// loaded. Callers
// page through every public claim by passing the last id they saw, so
// memory stays bounded by limit.
func (s *Store) PublicClaimsAfter(ctx context.Context, afterID int64, limit int) ([]factcheck.Claim, error) {
	var cs []factcheck.Claim
	err := s.preloadAppearances(s.r.WithContext(ctx).Preload("Rating").Preload("Article").
		Preload("Evidence", func(db *gorm.DB) *gorm.DB { return db.Order("position, id") })).
		Where("status IN ? AND id > ?", factcheck.PublicStatuses(), afterID).
		Order("id").Limit(limit).Find(&cs).Error
	return cs, err
}

// PublicArticleClaims returns the public claims that appear in an
// article, by anchor start (the outer of two claims starting together
// first), with their ratings: those checked in it and those checked
// elsewhere and seen again in it, placed by their appearance here (see
// ArticleClaims). Drafts and claims in review are never returned.
func (s *Store) PublicArticleClaims(ctx context.Context, articleID int64) ([]factcheck.Claim, error) {
	return s.articleClaims(s.r.WithContext(ctx), articleID, factcheck.PublicStatuses(), true)
}

// PublicRevisions returns, for each of the given claims, the revisions made
// since it was first published, oldest first. Revisions from before
// publication are the desk's working drafts and stay internal.
func (s *Store) PublicRevisions(ctx context.Context, claimIDs []int64) (map[int64][]factcheck.Revision, error) {
	out := map[int64][]factcheck.Revision{}
	if len(claimIDs) == 0 {
		return out, nil
	}
	var rs []factcheck.Revision
	if err := s.r.WithContext(ctx).Where("claim_id IN ?", claimIDs).Order("claim_id, version").Find(&rs).Error; err != nil {
		return nil, err
	}
	for _, r := range rs {
		var snap struct{ Status factcheck.Status }
		if json.Unmarshal([]byte(r.Snapshot), &snap) != nil || !snap.Status.Public() {
			continue
		}
		out[r.ClaimID] = append(out[r.ClaimID], r)
	}
	return out, nil
}
