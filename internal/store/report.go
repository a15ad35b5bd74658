package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// CreateReport validates r and stores it as an open report on a public
// claim. reporterKey identifies the reporter for rate limiting (e.g.
// "ip:203.0.113.7"); only its hash is stored. It returns EINVALID for bad
// fields and ENOTFOUND when the claim is missing or not public.
func (s *Store) CreateReport(ctx context.Context, r *factcheck.Report, reporterKey string) error {
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	r.ID, r.ResolvedAt, r.ResolvedByID = 0, nil, nil
	r.ReporterHash = hashToken(reporterKey)
	r.CreatedAt = s.now()
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c factcheck.Claim
		if err := tx.Select("id", "status").First(&c, r.ClaimID).Error; err != nil {
			return wrap(err, "Claim")
		} else if !c.Status.Public() {
			return factcheck.Errorf(factcheck.ENOTFOUND, "Claim not found.")
		}
		if err := tx.Omit("Claim", "ResolvedBy").Create(r).Error; err != nil {
			return err
		}
		return s.Emit(ctx, tx, Event{Type: factcheck.EventReportCreated, ClaimID: r.ClaimID, Report: r, At: r.CreatedAt})
	})
}

// ReportsFrom counts the reports filed under reporterKey since the given
// time. It reads the primary so every node sees the same count at once.
func (s *Store) ReportsFrom(ctx context.Context, reporterKey string, since time.Time) (int64, error) {
	var n int64
	err := s.w.WithContext(ctx).Model(&factcheck.Report{}).
		Where("reporter_hash = ? AND created_at > ?", hashToken(reporterKey), since).Count(&n).Error
	return n, err
}

// OpenReports returns unresolved reports, oldest first, at most limit,
// each with its claim (and the claim's rating) loaded.
func (s *Store) OpenReports(ctx context.Context, limit int) ([]factcheck.Report, error) {
	var rs []factcheck.Report
	err := s.r.WithContext(ctx).Preload("Claim").Preload("Claim.Rating").
		Where("resolved_at IS NULL").Order("created_at, id").Limit(limit).Find(&rs).Error
	return rs, err
}

// ResolvedReports returns the most recently resolved reports, newest first,
// with their claim and resolver loaded.
func (s *Store) ResolvedReports(ctx context.Context, limit int) ([]factcheck.Report, error) {
	var rs []factcheck.Report
	err := s.r.WithContext(ctx).Preload("Claim").Preload("ResolvedBy").
		Where("resolved_at IS NOT NULL").Order("resolved_at DESC, id DESC").Limit(limit).Find(&rs).Error
	return rs, err
}

// ResolveReport marks the report with id resolved by the given user. It
// returns ENOTFOUND for an unknown report, EFORBIDDEN when by may not
// review, and ECONFLICT when the report is already resolved.
func (s *Store) ResolveReport(ctx context.Context, id int64, by *factcheck.User) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r factcheck.Report
		if err := tx.First(&r, id).Error; err != nil {
			return wrap(err, "Report")
		}
		if err := r.Resolve(by, s.now()); err != nil {
			return err
		}
		res := tx.Model(&factcheck.Report{}).Where("id = ? AND resolved_at IS NULL", id).
			Updates(map[string]any{"resolved_at": r.ResolvedAt, "resolved_by_id": r.ResolvedByID})
		if res.Error != nil {
			return res.Error
		} else if res.RowsAffected == 0 {
			return factcheck.Errorf(factcheck.ECONFLICT, "This report is already resolved.")
		}
		return nil
	})
}
