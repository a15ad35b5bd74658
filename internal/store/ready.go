package store

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
)

// minFreeBytes is how much free space the SQLite file's file system must
// have for CheckWritable to pass. A small commit can still succeed on a
// full disk by reusing frames of the WAL file, so a write alone does not
// prove there is room for the next real one.
const minFreeBytes = 1 << 20

// CheckWritable proves the database can take a write right now, for
// readiness probes: it commits an update of the one-row heartbeat table
// and, on SQLite, checks that the disk has at least 1 MiB free. It returns
// nil when ready, and otherwise an error with the code
// factcheck.EUNAVAILABLE whose UnavailableReason says why (read-only file,
// disk full, database unreachable, …). It takes the writer, so on SQLite
// it waits behind a running write transaction (bound it with ctx).
func (s *Store) CheckWritable(ctx context.Context) error {
	if s.dialect == SQLite {
		var st syscall.Statfs_t
		dir := filepath.Dir(s.path)
		if err := syscall.Statfs(dir, &st); err == nil {
			if free := st.Bavail * uint64(st.Bsize); free < minFreeBytes {
				return newOutage("the disk holding the database is full", fmt.Errorf("%d bytes free in %s", free, dir))
			}
		}
	}
	res := s.w.WithContext(ctx).Exec("UPDATE heartbeat SET beat_at = ? WHERE id = 1", s.now())
	if res.Error != nil {
		return markUnavailable(res.Error)
	} else if res.RowsAffected != 1 {
		return fmt.Errorf("check writable: the heartbeat row is missing")
	}
	return nil
}
