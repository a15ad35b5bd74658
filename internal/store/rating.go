package store

import (
	"context"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// SaveRating adds a rating to the scale or updates the one with the same
// key. It returns EINVALID for a bad rating.
func (s *Store) SaveRating(ctx context.Context, r *factcheck.Rating) error {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur factcheck.Rating
		err := tx.Where("key = ?", r.Key).First(&cur).Error
		if err == gorm.ErrRecordNotFound {
			var last struct{ N int }
			tx.Model(&factcheck.Rating{}).Select("COALESCE(MAX(position), -1) + 1 AS n").Scan(&last)
			r.Position = last.N
			if err := tx.Create(r).Error; err != nil {
				return err
			} else if err := s.touchRating(tx, r.ID); err != nil {
				return err
			}
			return s.bumpPublic(tx) // the scale on /ratings grew
		} else if err != nil {
			return err
		}
		r.ID, r.Position = cur.ID, cur.Position
		if cur.Label == r.Label && cur.Description == r.Description && cur.Color == r.Color && equalValue(cur.Value, r.Value) {
			return nil // nothing changed: keep the revision, and every cached card
		}
		if err := tx.Model(&cur).Select("label", "value", "description", "color").Updates(r).Error; err != nil {
			return err
		}
		if err := tx.Exec("UPDATE ratings SET revision = revision + 1 WHERE id = ?", cur.ID).Error; err != nil {
			return err
		} else if err := s.touchRating(tx, cur.ID); err != nil {
			return err
		}
		return s.bumpPublic(tx)
	})
}

func equalValue(a, b *int) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}
