package store

import (
	"context"

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
// request. Drafts, claims in review and unknown ids are ENOTFOUND; an
// outage is EUNAVAILABLE, so a cached card can be served stale.
func (s *Store) PublicClaimVersion(ctx context.Context, id int64) (CardVersion, error) {
	var (
		v      CardVersion
		status string
	)
	// A prepared-statement session: GORM keeps the statement per database
	// handle, so the hot path skips parsing and planning the query.
	db := s.r.Session(&gorm.Session{PrepareStmt: true, Context: ctx})
	// Rows, not Row: when preparing fails (the database is down), GORM's
	// prepared-statement Row is an empty sql.Row whose Scan panics.
	rows, err := db.Raw(`SELECT c.version, c.status, COALESCE(r.revision, 0) FROM claims c
		LEFT JOIN ratings r ON r.key = c.rating_key WHERE c.id = ?`, id).Rows()
	if err != nil {
		return CardVersion{}, markUnavailable(err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return CardVersion{}, markUnavailable(err)
		}
		return CardVersion{}, factcheck.Errorf(factcheck.ENOTFOUND, "Claim not found.")
	} else if err := rows.Scan(&v.Claim, &status, &v.Rating); err != nil {
		return CardVersion{}, markUnavailable(err)
	} else if !factcheck.Status(status).Public() {
		return CardVersion{}, factcheck.Errorf(factcheck.ENOTFOUND, "Claim not found.")
	}
	return v, nil
}
