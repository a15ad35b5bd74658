package store

import (
	"context"
	"database/sql"
	"errors"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// CardVersion identifies what a rendered claim card shows: the claim's
// version and the revision of its rating (a renamed or recoloured rating
// changes the card without changing the claim).
type CardVersion struct {
	Claim  int
	Rating int
}

// PublicClaimVersion returns the card version of a claim readers may see,
// with one indexed single-row read and no associations, so that embed and
// share-image handlers can check their version-keyed caches on every
// request. Drafts, claims in review and unknown ids are ENOTFOUND.
func (s *Store) PublicClaimVersion(ctx context.Context, id int64) (CardVersion, error) {
	var (
		v      CardVersion
		status string
	)
	// A prepared-statement session: GORM keeps the statement per database
	// handle, so the hot path skips parsing and planning the query.
	db := s.r.Session(&gorm.Session{PrepareStmt: true, Context: ctx})
	err := db.Raw(`SELECT c.version, c.status, COALESCE(r.revision, 0) FROM claims c
		LEFT JOIN ratings r ON r.key = c.rating_key WHERE c.id = ?`, id).Row().Scan(&v.Claim, &status, &v.Rating)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !factcheck.Status(status).Public() {
		return CardVersion{}, factcheck.Errorf(factcheck.ENOTFOUND, "Claim not found.")
	} else if err != nil {
		return CardVersion{}, err
	}
	return v, nil
}
