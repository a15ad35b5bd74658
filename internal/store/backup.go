package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrBackupPostgres is returned by Backup on PostgreSQL, whose own tools
// (pg_dump, or base backups with WAL archiving) make consistent copies.
var ErrBackupPostgres = errors.New("backup: on PostgreSQL use pg_dump --format=custom (restore with pg_restore)")

// Backup writes a consistent copy of a SQLite database to path while the
// desk keeps serving (VACUUM INTO runs in one read transaction). The file
// must not exist yet.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return s.w.WithContext(ctx).Exec("VACUUM INTO ?", path).Error
}

// IntegrityCheck runs SQLite's integrity check and returns an error listing
// any problem it finds. On PostgreSQL it only pings.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	if s.dialect != SQLite {
		return s.Ping(ctx)
	}
	var rows []string
	if err := s.w.WithContext(ctx).Raw("PRAGMA integrity_check").Scan(&rows).Error; err != nil {
		return err
	}
	if len(rows) != 1 || rows[0] != "ok" {
		return fmt.Errorf("integrity check failed: %s", strings.Join(rows, "; "))
	}
	return nil
}
