package store

import "gorm.io/gorm"

// WriterForTest exposes the writer so tests can set up large fixtures with
// one statement and look at the schema.
func WriterForTest(s *Store) *gorm.DB { return s.w }
