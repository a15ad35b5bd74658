package store

import "gorm.io/gorm"

// WriterForTest exposes the writer so tests can set up large fixtures with
// one statement and look at the schema.
func WriterForTest(s *Store) *gorm.DB { return s.w }

// MigrationCountForTest is how many migrations a fully migrated database
// has recorded. Versions are not contiguous: each line of work has its
// own range of numbers.
func MigrationCountForTest() int { return len(migrations) }

// AppearanceVersionForTest is the migration that adds claim appearances;
// upgrade tests build databases at the schema just before it.
const AppearanceVersionForTest = appearanceVersion
