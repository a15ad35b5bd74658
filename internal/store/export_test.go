package store

import "gorm.io/gorm"

// WriterForTest exposes the writer so tests can set up large fixtures with
// one statement and look at the schema.
func WriterForTest(s *Store) *gorm.DB { return s.w }

// MigrationCountForTest is how many migrations a fully migrated database
// has recorded; versions have gaps (ranges are reserved per branch), so it
// is not LatestVersion.
func MigrationCountForTest() int { return len(migrations) }
