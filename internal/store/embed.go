package store

import (
	"context"
	"database/sql"
	"errors"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// PublicClaimVersion returns the current version of a claim readers may see,
// with one indexed single-row read and no associations, so that embed and
// share-image handlers can check their version-keyed caches on every
// request. Drafts, claims in review and unknown ids are ENOTFOUND.
func (s *Store) PublicClaimVersion(ctx context.Context, id int64) (int, error) {
	var (
		version int
		status  string
	)
	// A prepared-statement session: GORM keeps the statement per database
	// handle, so the hot path skips parsing and planning the query.
	db := s.r.Session(&gorm.Session{PrepareStmt: true, Context: ctx})
	err := db.Raw("SELECT version, status FROM claims WHERE id = ?", id).Row().Scan(&version, &status)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !factcheck.Status(status).Public() {
		return 0, factcheck.Errorf(factcheck.ENOTFOUND, "Claim not found.")
	} else if err != nil {
		return 0, err
	}
	return version, nil
}
