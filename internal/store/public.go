package store

import (
	"context"

	"gorm.io/gorm"
)

// PublicVersion returns the site's public version: a number that grows
// with every change a reader could see (a claim published, corrected,
// retracted or re-rated, a public claim seen again, a rating renamed or
// recoloured, an article with public claims edited). Rendered public pages are cached under it, so
// each node needs one cheap read to know whether what it keeps is current.
// It returns EUNAVAILABLE when the database cannot be reached.
func (s *Store) PublicVersion(ctx context.Context) (int64, error) {
	// A prepared statement: tests and VersionTTL 0 read this per request.
	db := s.r.Session(&gorm.Session{PrepareStmt: true, Context: ctx})
	// Rows, not Row: when preparing fails (the database is down), GORM's
	// prepared-statement Row is an empty sql.Row whose Scan panics.
	rows, err := db.Raw(`SELECT version FROM public_state WHERE id = 1`).Rows()
	if err != nil {
		return 0, markUnavailable(err)
	}
	defer rows.Close()
	var v int64
	if rows.Next() {
		if err := rows.Scan(&v); err != nil {
			return 0, markUnavailable(err)
		}
	}
	return v, markUnavailable(rows.Err())
}

// publicStateVersion is the migration that adds the public version.
const publicStateVersion = 10

// bumpPublic moves the public version on, inside the transaction that makes
// a public change, so no reader sees the change under the old version.
func (s *Store) bumpPublic(tx *gorm.DB) error {
	if !s.hasSchema(publicStateVersion) {
		return nil
	}
	if s.hasSchema(changeTimesVersion) {
		return tx.Exec(`UPDATE public_state SET version = version + 1, changed_at = ? WHERE id = 1`, s.now()).Error
	}
	return tx.Exec(`UPDATE public_state SET version = version + 1 WHERE id = 1`).Error
}

// migratePublicState adds the one-row table holding the public version.
func migratePublicState(tx *gorm.DB, d Dialect) error {
	return execAll(tx, d,
		`CREATE TABLE public_state (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)`,
		`INSERT INTO public_state (id, version) VALUES (1, 1)`,
	)
}

// bumpPublicClaims bumps the public version (see bumpPublic) and stamps
// the claims matching where with it (public_seq), so a reader of
// ClaimsChangedSince finds them.
func (s *Store) bumpPublicClaims(tx *gorm.DB, where string, args ...any) error {
	if err := s.bumpPublic(tx); err != nil || !s.hasSchema(queueVersion) {
		return err
	}
	return tx.Exec(`UPDATE claims SET public_seq = (SELECT version FROM public_state WHERE id = 1) WHERE `+where, args...).Error
}
