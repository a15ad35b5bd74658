package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// IsUnavailable reports whether err means the database cannot be reached or
// written right now, rather than that the request was wrong: PostgreSQL is
// down, refusing connections, out of connection slots, shutting down or out
// of disk; the SQLite file is on a full disk, read-only, cannot be opened,
// or failed with an I/O error; or the database did not answer in time.
// Such errors are worth retrying later, and the web layer answers them with
// 503 and Retry-After. Every error the store returns for these causes
// already carries the code factcheck.EUNAVAILABLE, so
// factcheck.ErrorCode(err) == factcheck.EUNAVAILABLE is equivalent for them;
// IsUnavailable also recognises raw driver and network errors.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var fe *factcheck.Error
	if errors.As(err, &fe) {
		return fe.Code == factcheck.EUNAVAILABLE
	}
	return unavailableReason(err) != ""
}

// unavailableReason classifies err. It returns "" when err is not an
// outage, or a short reason for people ("disk full", "read-only", …).
func unavailableReason(err error) string {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.SystemErrno {
		case syscall.ENOSPC:
			return "the disk holding the database is full"
		case syscall.EROFS:
			return "the database is on a read-only file system"
		case syscall.EPERM, syscall.EACCES:
			if se.Code == sqlite3.ErrIoErr || se.Code == sqlite3.ErrCantOpen || se.Code == sqlite3.ErrReadonly {
				return "no permission to write the database file"
			}
		}
		switch se.Code {
		case sqlite3.ErrFull:
			return "the disk holding the database is full"
		case sqlite3.ErrReadonly:
			return "the database is read-only"
		case sqlite3.ErrCantOpen:
			return "the database file cannot be opened"
		case sqlite3.ErrIoErr:
			return "input/output error on the database file"
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return "the database stayed locked by another writer"
		case sqlite3.ErrPerm, sqlite3.ErrAuth:
			return "no permission to access the database file"
		}
		return ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"): // connection exception
			return "the connection to the database failed"
		case pe.Code == "53300": // too_many_connections
			return "the database has no free connection slots"
		case pe.Code == "53100": // disk_full
			return "the database server's disk is full"
		case strings.HasPrefix(pe.Code, "53"): // insufficient resources
			return "the database server is out of resources"
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // shutting down, crashed, starting up
			return "the database server is shutting down or starting up"
		case pe.Code == "25006": // read_only_sql_transaction (a standby, or default_transaction_read_only)
			return "the database is read-only"
		case strings.HasPrefix(pe.Code, "58"): // system error, e.g. I/O
			return "the database server had a system error"
		}
		return ""
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce):
		return "cannot connect to the database"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the database refused the connection"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
		return "the connection to the database was lost"
	case errors.Is(err, syscall.ENOSPC):
		return "the disk holding the database is full"
	case errors.Is(err, syscall.EROFS):
		return "the database is on a read-only file system"
	case errors.Is(err, context.DeadlineExceeded):
		return "the database did not answer in time"
	case errors.As(err, &ne):
		return "the network to the database failed"
	}
	// pgx reports a connection that died mid-query as a bare EOF or
	// "conn closed" wrapped in unexported types.
	if msg := err.Error(); strings.Contains(msg, "conn closed") || strings.HasSuffix(msg, ": EOF") || msg == "EOF" {
		return "the connection to the database was lost"
	}
	return ""
}

// unavailableMessage is what people are told when the database is down.
const unavailableMessage = "The database is unavailable right now (%s). Try again in a moment."

// outage is an error of the code factcheck.EUNAVAILABLE that keeps its
// short reason and the driver's error (for logs) in the chain.
type outage struct {
	reason string
	fe     *factcheck.Error
	cause  error
}

func newOutage(reason string, cause error) *outage {
	return &outage{reason: reason, cause: cause, fe: factcheck.Errorf(factcheck.EUNAVAILABLE, unavailableMessage, reason)}
}

func (o *outage) Error() string   { return "database unavailable: " + o.reason + ": " + o.cause.Error() }
func (o *outage) Unwrap() []error { return []error{o.fe, o.cause} }

// UnavailableReason returns the short reason of an outage error, such as
// "the disk holding the database is full", for readiness answers and logs
// that group errors by kind; "" when err is not an outage.
func UnavailableReason(err error) string {
	var o *outage
	if errors.As(err, &o) {
		return o.reason
	} else if err == nil || factcheck.ErrorCode(err) != factcheck.EINTERNAL {
		return ""
	}
	return unavailableReason(err)
}

// markUnavailable returns err with the code factcheck.EUNAVAILABLE when it
// is an outage (the original error stays in the chain for logs), and err
// unchanged otherwise.
func markUnavailable(err error) error {
	if err == nil {
		return nil
	}
	var fe *factcheck.Error
	if errors.As(err, &fe) {
		return err
	}
	reason := unavailableReason(err)
	if reason == "" {
		return err
	}
	return newOutage(reason, err)
}

// translating wraps a GORM dialector so that every error GORM reports (a
// statement, BEGIN, COMMIT, ROLLBACK) passes through markUnavailable after
// the driver's own translation. This is the one place where outages become
// EUNAVAILABLE; store methods return GORM's errors as they are.
type translating struct {
	gorm.Dialector
}

// Translate implements gorm.ErrorTranslator.
func (t translating) Translate(err error) error {
	if tr, ok := t.Dialector.(gorm.ErrorTranslator); ok {
		err = tr.Translate(err)
	}
	return markUnavailable(err)
}

// SavePoint implements gorm.SavePointerDialectorInterface (nested transactions).
func (t translating) SavePoint(tx *gorm.DB, name string) error {
	sp, ok := t.Dialector.(gorm.SavePointerDialectorInterface)
	if !ok {
		return gorm.ErrUnsupportedDriver
	}
	return sp.SavePoint(tx, name)
}

// RollbackTo implements gorm.SavePointerDialectorInterface.
func (t translating) RollbackTo(tx *gorm.DB, name string) error {
	sp, ok := t.Dialector.(gorm.SavePointerDialectorInterface)
	if !ok {
		return gorm.ErrUnsupportedDriver
	}
	return sp.RollbackTo(tx, name)
}
