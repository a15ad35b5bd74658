// Package store keeps claimdesk's data with GORM, on SQLite (one node) or
// PostgreSQL (many nodes). It owns the schema and its versioned migrations,
// and maps database errors onto factcheck error codes.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"claimdesk/internal/factcheck"
)

// Dialect names the database the store talks to.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Config says which database to open.
type Config struct {
	// DatabaseURL, when set (postgres://…), selects PostgreSQL.
	DatabaseURL string
	// Path is the SQLite file used when DatabaseURL is empty.
	Path string
	// Logger receives slow-query and error logs; nil discards them.
	Logger *slog.Logger
	// SQLDebug logs every SQL statement to stderr (CLAIMDESK_SQL_DEBUG).
	SQLDebug bool
	// PasswordCost is the bcrypt work factor of new password hashes; 0
	// means DefaultPasswordCost. Tests lower it to bcrypt.MinCost, since
	// every test user costs a hash.
	PasswordCost int
}

// Store is the claimdesk database. Its methods are safe for concurrent use.
type Store struct {
	dialect Dialect
	path    string   // the SQLite file; "" on PostgreSQL
	w       *gorm.DB // writes; on SQLite a single connection, so one writer
	r       *gorm.DB // reads; on SQLite a pool of WAL readers
	lock    *os.File // SQLite: shared flock on PATH.lock, held while open (see lock.go)
	now     func() time.Time

	passwordCost int
	// schema is the schema version the store was opened at: the latest,
	// except for OpenAt's older schemas, built by upgrade tests, whose
	// stores leave out what their schema lacks (see hasSchema).
	schema int
	// dummyHash is compared against when an email is unknown, so a failed
	// login takes as long whether or not the account exists; made at the
	// first such login.
	dummyOnce sync.Once
	dummyHash []byte
	// events is where webhook events go (see Emit); nil: nowhere.
	events atomic.Pointer[sinkRef]
}

// Open connects to the database described by cfg and applies any pending
// migrations. The SQLite file and its directory are created when missing;
// callers that must not create a database check for the file first.
//
// On SQLite, Open takes a shared lock on PATH.lock that it holds until
// Close, so Restore refuses to replace a database that is in use. It
// returns an error when a restore holds that lock, when the database was
// written by a newer claimdesk (a higher schema version than this binary
// knows), and EUNAVAILABLE-coded errors when the database cannot be
// reached, opened or migrated for an outage (down, read-only, disk full).
// A SQLite file or directory that cannot be written is refused with a
// message that says what to do (SQLite itself would quietly open it
// read-only). Open does not prove that a write would succeed (a full disk
// passes it); serve checks that with CheckWritable before it serves.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	return open(ctx, cfg, 0)
}

func open(ctx context.Context, cfg Config, target int) (*Store, error) {
	lg := logger.Discard
	if cfg.SQLDebug {
		lg = logger.Default.LogMode(logger.Info)
	}
	gcfg := &gorm.Config{Logger: lg, TranslateError: true, NowFunc: func() time.Time { return time.Now().UTC() }}
	s := &Store{now: func() time.Time { return time.Now().UTC() }, passwordCost: cfg.PasswordCost}
	if s.passwordCost == 0 {
		s.passwordCost = DefaultPasswordCost
	}
	if cfg.DatabaseURL != "" {
		db, err := gorm.Open(translating{postgres.Open(cfg.DatabaseURL)}, gcfg)
		if err != nil {
			return nil, openFailed("open postgres", err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(10)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		s.dialect, s.w, s.r = Postgres, db, db
	} else {
		if cfg.Path == "" {
			return nil, errors.New("open sqlite: no database path")
		}
		if dir := filepath.Dir(cfg.Path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("open sqlite: %w", markUnavailable(err))
			}
		}
		if err := checkFileWritable(cfg.Path); err != nil {
			return nil, err
		}
		lock, err := lockShared(cfg.Path)
		if err != nil {
			return nil, err
		}
		s.lock, s.path = lock, cfg.Path
		dsn := "file:" + cfg.Path + "?_journal_mode=WAL&_busy_timeout=10000&_foreign_keys=on&_synchronous=NORMAL"
		w, err := openSQLite(dsn+"&_txlock=immediate", gcfg)
		if err != nil {
			s.unlock()
			return nil, openFailed("open sqlite "+cfg.Path, err)
		}
		wdb, _ := w.DB()
		wdb.SetMaxOpenConns(1) // one writer: SQLite serializes writes anyway
		wdb.SetConnMaxLifetime(0)
		r, err := openSQLite(dsn+"&mode=ro", gcfg)
		if err != nil {
			wdb.Close()
			s.unlock()
			return nil, openFailed("open sqlite readers "+cfg.Path, err)
		}
		rdb, _ := r.DB()
		rdb.SetMaxOpenConns(8)
		rdb.SetMaxIdleConns(8)
		s.dialect, s.w, s.r = SQLite, w, r
	}
	if err := s.Migrate(ctx, target); err != nil {
		s.Close()
		if strings.Contains(err.Error(), "no such module: fts5") {
			return nil, fmt.Errorf("%w: this binary was built without SQLite full-text search; build and test with -tags sqlite_fts5 (the Makefile does)", err)
		}
		return nil, err
	}
	s.schema = target
	if target == 0 {
		s.schema = LatestVersion()
	}
	return s, nil
}

// hasSchema reports whether the store's schema includes migration v.
func (s *Store) hasSchema(v int) bool { return s.schema >= v }

// checkFileWritable refuses, with a message that says what to do, a SQLite
// database that cannot be written: SQLite would otherwise open it read-only
// without a word, or fail later with "unable to open database file" when
// it cannot create the -wal file. access(2) sees read-only mounts and
// immutable files even for root.
func checkFileWritable(path string) error {
	const wOK = 2
	dir := filepath.Dir(path)
	what := dir + " (its directory)"
	err := syscall.Access(dir, wOK)
	if err == nil {
		what = path
		if err = syscall.Access(path, wOK); errors.Is(err, syscall.ENOENT) {
			err = nil // a new database: the directory is writable
		}
	}
	if err == nil {
		return nil
	}
	reason := "the database is read-only"
	if errors.Is(err, syscall.EROFS) {
		reason = "the database is on a read-only file system"
	}
	return &openError{err: newOutage(reason, err), msg: fmt.Sprintf("open sqlite: %s is not writable (%v). claimdesk writes to the database file and creates %s-wal, %s-shm and %s next to it, "+
		"so the file and its directory must both be writable; fix the permissions or the mount, or copy the file to a writable place",
		what, err, filepath.Base(path), filepath.Base(path), filepath.Base(LockPath(path)))}
}

// openFailed words a failure to open the database for the operator: what
// failed, why in plain words when it is an outage, and the driver's error.
func openFailed(what string, err error) error {
	reason := unavailableReason(err)
	if reason == "" {
		return fmt.Errorf("%s: %w", what, err)
	}
	return &openError{msg: fmt.Sprintf("%s: %s (%v)", what, reason, err), err: newOutage(reason, err)}
}

// openError is a start-up failure worded for the operator, wrapping the
// classified error.
type openError struct {
	msg string
	err error
}

func (e *openError) Error() string { return e.msg }
func (e *openError) Unwrap() error { return e.err }

// Dialect reports which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes every connection. On SQLite it closes the readers first and
// then checkpoints the WAL into the database file and truncates it
// (wal_checkpoint(TRUNCATE)), so after a clean stop the .db file alone holds
// every committed write. It returns an error when the checkpoint could not
// finish (another process still reading or writing the same file); the
// data is safe in the -wal file then, but the .db file alone is not complete.
func (s *Store) Close() error {
	var errs []error
	if s.r != s.w {
		if db, err := s.r.DB(); err == nil {
			errs = append(errs, db.Close())
		}
	}
	if s.dialect == SQLite {
		errs = append(errs, s.checkpoint())
	}
	if db, err := s.w.DB(); err == nil {
		errs = append(errs, db.Close())
	}
	s.unlock()
	return errors.Join(errs...)
}

// checkpoint copies the whole WAL into the database file and truncates it.
func (s *Store) checkpoint() error {
	var res struct{ Busy, Log, Checkpointed int }
	if err := s.w.Raw("PRAGMA wal_checkpoint(TRUNCATE)").Row().Scan(&res.Busy, &res.Log, &res.Checkpointed); err != nil {
		return fmt.Errorf("checkpoint %s: %w", s.path, err)
	} else if res.Busy != 0 {
		return fmt.Errorf("checkpoint %s: the WAL is still in use by another connection; the -wal file holds the latest writes", s.path)
	}
	return nil
}

// Ping checks that the database answers, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	db, err := s.w.DB()
	if err != nil {
		return err
	}
	if err := db.PingContext(ctx); err != nil {
		return markUnavailable(err)
	}
	var one int
	return s.r.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error
}

// SetClock replaces the store's clock; tests use it for stable timestamps.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// wrap maps gorm's record-not-found error to ENOTFOUND and duplicates to
// ECONFLICT, naming the record (what); other errors keep their code.
func wrap(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return factcheck.Errorf(factcheck.ENOTFOUND, "%s not found.", what)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return factcheck.Errorf(factcheck.ECONFLICT, "%s already exists.", what)
	case strings.Contains(err.Error(), "UNIQUE constraint failed"):
		return factcheck.Errorf(factcheck.ECONFLICT, "%s already exists.", what)
	}
	var fe *factcheck.Error
	if errors.As(err, &fe) {
		return err
	}
	return fmt.Errorf("%s: %w", strings.ToLower(what), err)
}

// OpenAt opens the database like Open but migrates only up to version; it
// exists so upgrade tests can build a database at an older schema.
func OpenAt(ctx context.Context, cfg Config, version int) (*Store, error) {
	return open(ctx, cfg, version)
}

// openSQLite opens a SQLite connection pool, waiting out another process
// that holds the database while it opens: several nodes starting on a
// new file all switch it to WAL at once, and SQLite answers that switch
// with "database is locked" at once, without its busy timeout.
func openSQLite(dsn string, cfg *gorm.Config) (*gorm.DB, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		db, err := gorm.Open(translating{sqlite.Open(dsn)}, cfg)
		var se sqlite3.Error
		if err == nil || !errors.As(err, &se) || se.Code != sqlite3.ErrBusy && se.Code != sqlite3.ErrLocked || time.Now().After(deadline) {
			return db, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
