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
	"time"

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
}

// Store is the claimdesk database. Its methods are safe for concurrent use.
type Store struct {
	dialect Dialect
	w       *gorm.DB // writes; on SQLite a single connection, so one writer
	r       *gorm.DB // reads; on SQLite a pool of WAL readers
	now     func() time.Time
}

// Open connects to the database described by cfg and applies any pending
// migrations. The SQLite file and its directory are created when missing.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	return open(ctx, cfg, 0)
}

func open(ctx context.Context, cfg Config, target int) (*Store, error) {
	gcfg := &gorm.Config{Logger: gormLogger(), TranslateError: true, NowFunc: func() time.Time { return time.Now().UTC() }}
	s := &Store{now: func() time.Time { return time.Now().UTC() }}
	if cfg.DatabaseURL != "" {
		db, err := gorm.Open(postgres.Open(cfg.DatabaseURL), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
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
				return nil, fmt.Errorf("open sqlite: %w", err)
			}
		}
		dsn := "file:" + cfg.Path + "?_journal_mode=WAL&_busy_timeout=10000&_foreign_keys=on&_synchronous=NORMAL"
		w, err := gorm.Open(sqlite.Open(dsn+"&_txlock=immediate"), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		wdb, _ := w.DB()
		wdb.SetMaxOpenConns(1) // one writer: SQLite serializes writes anyway
		wdb.SetConnMaxLifetime(0)
		r, err := gorm.Open(sqlite.Open(dsn+"&mode=ro"), gcfg)
		if err != nil {
			return nil, fmt.Errorf("open sqlite readers: %w", err)
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
	return s, nil
}

// Dialect reports which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes every connection.
func (s *Store) Close() error {
	var errs []error
	if db, err := s.w.DB(); err == nil {
		errs = append(errs, db.Close())
	}
	if s.r != s.w {
		if db, err := s.r.DB(); err == nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	db, err := s.w.DB()
	if err != nil {
		return err
	}
	if err := db.PingContext(ctx); err != nil {
		return err
	}
	var one int
	return s.r.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error
}

// SetClock replaces the store's clock; tests use it for stable timestamps.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// notFound maps gorm's record-not-found error to ENOTFOUND.
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

func gormLogger() logger.Interface {
	if os.Getenv("CLAIMDESK_SQL_DEBUG") != "" {
		return logger.Default.LogMode(logger.Info)
	}
	return logger.Discard
}
