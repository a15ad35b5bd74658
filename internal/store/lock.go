package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// A SQLite database at PATH has a lock file PATH.lock next to it. Every
// Store opened on it (serve, and every command that opens the database)
// holds a shared flock on that file until Close; Restore takes it
// exclusively, so a restore never replaces a file that a running server is
// still writing to, and a server cannot start half-way through a restore.
// flock locks belong to the open file and vanish when the process dies, so
// a killed server never leaves a stale lock behind.

// LockPath returns the lock file of the SQLite database at path.
func LockPath(path string) string { return path + ".lock" }

// ErrInUse is returned by Restore while another process has the database open.
var ErrInUse = errors.New("the database is in use")

// lockShared takes the shared lock of the database at path. When the lock
// file cannot be created because the directory is read-only, it returns no
// lock and no error: nothing can restore into a read-only directory, and
// commands such as backup still work there.
func lockShared(path string) (*os.File, error) {
	f, err := os.OpenFile(LockPath(path), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		if errors.Is(err, syscall.EROFS) || errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) {
			f, err = os.Open(LockPath(path))
			if err != nil {
				return nil, nil
			}
		} else {
			return nil, fmt.Errorf("open sqlite: lock file: %w", markUnavailable(err))
		}
	}
	if err := flock(f, syscall.LOCK_SH); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("open sqlite: %s is being restored right now (%s is locked); try again when the restore has finished", path, LockPath(path))
		}
		return nil, fmt.Errorf("open sqlite: lock %s: %w", LockPath(path), err)
	}
	return f, nil
}

// lockExclusive takes the lock of the database at path for a restore, or
// returns ErrInUse when any process has the database open.
func lockExclusive(path string) (*os.File, error) {
	f, err := os.OpenFile(LockPath(path), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := flock(f, syscall.LOCK_EX); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrInUse
		}
		return nil, err
	}
	return f, nil
}

// flock takes a lock without waiting, retrying only on EINTR.
func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err != syscall.EINTR {
			return err
		}
	}
}

// unlock releases the store's shared lock.
func (s *Store) unlock() {
	if s.lock != nil {
		s.lock.Close() // closing the file releases the flock
		s.lock = nil
	}
}
