package store

import (
	"context"

	"claimdesk/internal/factcheck"
)

// AddComment validates and stores a comment on a claim by by. It returns
// EINVALID for an empty or overlong body and ENOTFOUND for an unknown
// claim. Comments do not change the claim or its version.
func (s *Store) AddComment(ctx context.Context, cm *factcheck.Comment, by *factcheck.User) error {
	cm.Normalize()
	if err := cm.Validate(); err != nil {
		return err
	}
	if by != nil {
		cm.AuthorID = &by.ID
	}
	cm.CreatedAt = s.now()
	var n int64
	if err := s.r.WithContext(ctx).Model(&factcheck.Claim{}).Where("id = ?", cm.ClaimID).Count(&n).Error; err != nil {
		return err
	} else if n == 0 {
		return factcheck.Errorf(factcheck.ENOTFOUND, "Claim not found.")
	}
	return wrap(s.w.WithContext(ctx).Omit("Author").Create(cm).Error, "Comment")
}

// Comments returns a claim's comments, oldest first, with their authors.
func (s *Store) Comments(ctx context.Context, claimID int64) ([]factcheck.Comment, error) {
	var cs []factcheck.Comment
	err := s.r.WithContext(ctx).Preload("Author").Where("claim_id = ?", claimID).Order("id").Find(&cs).Error
	return cs, err
}
