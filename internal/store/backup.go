package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"claimdesk/internal/factcheck"
)

// ErrBackupPostgres is returned by Backup on PostgreSQL, whose own tools
// (pg_dump, or base backups with WAL archiving) make consistent copies.
var ErrBackupPostgres = errors.New("backup: on PostgreSQL use pg_dump --format=custom (restore with pg_restore)")

// Backup writes a consistent copy of a SQLite database to path while the
// desk keeps serving (VACUUM INTO runs in one read transaction). The copy
// is written under a hidden temporary name in the same directory, synced
// to disk and only then linked to path, so a backup that is killed or
// fails never leaves a plausible-looking (empty or partial) file at path.
// path must not exist yet.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp := tempName(path, "partial")
	defer os.Remove(tmp + "-journal") // VACUUM INTO writes the copy with a rollback journal
	defer os.Remove(tmp)
	if err := s.w.WithContext(ctx).Exec("VACUUM INTO ?", tmp).Error; err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// A hard link, unlike rename, never replaces a file that appeared at
	// path meanwhile.
	if err := os.Link(tmp, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return syncDir(dir)
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

// BackupInfo describes a claimdesk SQLite database file.
type BackupInfo struct {
	SchemaVersion           int
	Articles, Claims, Users int64
}

// requiredTables are the tables every claimdesk schema has had since its
// first version; a file without them is not a claimdesk database.
var requiredTables = []string{"schema_migrations", "users", "sessions", "api_tokens", "ratings", "articles", "claims", "evidence", "revisions"}

// InspectBackup checks that the file at path is a whole claimdesk SQLite
// database that this binary can use, without changing it: it is opened
// read-only and immutable (no journal, no -wal or -shm, no migration). It
// refuses an empty file, a file that is not SQLite, a truncated or damaged
// file (header size and integrity_check), another application's database
// (no schema_migrations or claimdesk tables) and a database written by a
// newer claimdesk (schema version above LatestVersion). Each refusal is an
// EINVALID error whose message says what is wrong.
func InspectBackup(ctx context.Context, path string) (BackupInfo, error) {
	var info BackupInfo
	bad := func(format string, args ...any) (BackupInfo, error) {
		return info, factcheck.Errorf(factcheck.EINVALID, "%s "+format, append([]any{path}, args...)...)
	}
	st, err := os.Stat(path)
	if err != nil {
		return info, err
	} else if !st.Mode().IsRegular() {
		return bad("is not a regular file.")
	} else if st.Size() == 0 {
		return bad("is empty (0 bytes): not a backup. A backup that was interrupted leaves no file, so this one came from somewhere else.")
	}
	f, err := os.Open(path)
	if err != nil {
		return info, err
	}
	header := make([]byte, 100)
	_, err = io.ReadFull(f, header)
	f.Close()
	if err != nil || string(header[:16]) != "SQLite format 3\x00" {
		return bad("is not a SQLite database.")
	}
	pageSize := int64(binary.BigEndian.Uint16(header[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	// The header records the database size in pages when it is current
	// (its change counter matches the "version valid for" field).
	if pages := int64(binary.BigEndian.Uint32(header[28:32])); pages > 0 && slices.Equal(header[24:28], header[92:96]) && st.Size() < pages*pageSize {
		return bad("is truncated: %d bytes, its header says %d.", st.Size(), pages*pageSize)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&immutable=1")
	if err != nil {
		return info, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return bad("is damaged: %v.", err)
	}
	var problems []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return bad("is damaged: %v.", err)
		}
		problems = append(problems, p)
	}
	if err := rows.Close(); err != nil || rows.Err() != nil {
		return bad("is damaged: %v.", errors.Join(err, rows.Err()))
	}
	if len(problems) != 1 || problems[0] != "ok" {
		if len(problems) > 3 {
			problems = append(problems[:3], "…")
		}
		return bad("is damaged (integrity check: %s).", strings.Join(problems, "; "))
	}
	var tables []string
	trows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		return bad("is damaged: %v.", err)
	}
	for trows.Next() {
		var t string
		trows.Scan(&t)
		tables = append(tables, t)
	}
	trows.Close()
	if len(tables) == 0 {
		return bad("is an empty database: it has no tables.")
	} else if !slices.Contains(tables, "schema_migrations") {
		if len(tables) > 8 {
			tables = append(tables[:8], "…")
		}
		return bad("is not a claimdesk database (another application's? its tables: %s).", strings.Join(tables, ", "))
	}
	for _, t := range requiredTables {
		if !slices.Contains(tables, t) {
			return bad("is not a whole claimdesk database: table %s is missing.", t)
		}
	}
	if err := db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&info.SchemaVersion); err != nil {
		return bad("is damaged: %v.", err)
	} else if info.SchemaVersion > LatestVersion() {
		return bad("was written by a newer claimdesk (schema version %d; this one knows up to %d). Restore it with that version or a newer one.", info.SchemaVersion, LatestVersion())
	} else if info.SchemaVersion < 1 {
		return bad("is not a whole claimdesk database: no migration was ever applied.")
	}
	for _, c := range []struct {
		table string
		n     *int64
	}{{"articles", &info.Articles}, {"claims", &info.Claims}, {"users", &info.Users}} {
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+c.table).Scan(c.n); err != nil {
			return bad("is damaged: %v.", err)
		}
	}
	return info, nil
}

// RestoreResult reports what Restore put in place.
type RestoreResult struct {
	BackupInfo
	// Replaced is where the database that was replaced now lives (with its
	// -wal file, if it had one), or "" when there was none.
	Replaced string
}

// Restore puts the SQLite backup at src in place of the database at
// dbPath. It refuses (changing nothing) while any claimdesk process has the
// database open (ErrInUse: a server, or any command, holds PATH.lock), and
// refuses any file InspectBackup refuses. The backup is copied next to the
// database, synced, inspected again as copied, and renamed into place; the
// database it replaces is kept as dbPath.bak (or .bak.2, .bak.3, … when
// that name is taken) together with its -wal file, so nothing is lost.
// The database file exists at dbPath at every moment.
func Restore(ctx context.Context, dbPath, src string) (RestoreResult, error) {
	var res RestoreResult
	if a, b := absPath(dbPath), absPath(src); a == b {
		return res, fmt.Errorf("restore: %s is the database itself", src)
	}
	if _, err := InspectBackup(ctx, src); err != nil {
		return res, err
	}
	dir := filepath.Dir(dbPath)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	lock, err := lockExclusive(dbPath)
	if errors.Is(err, ErrInUse) {
		return res, fmt.Errorf("restore: %s is in use by a running claimdesk (a server or another command holds %s); stop it first: %w", dbPath, LockPath(dbPath), ErrInUse)
	} else if err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	defer lock.Close()

	tmp := tempName(dbPath, "restore")
	defer os.Remove(tmp)
	if err := copyFile(src, tmp); err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	if res.BackupInfo, err = InspectBackup(ctx, tmp); err != nil {
		return res, fmt.Errorf("restore: the copy of %s failed its check: %w", src, err)
	}
	if _, err := os.Stat(dbPath); err == nil {
		res.Replaced = freeName(dbPath + ".bak")
		if err := os.Link(dbPath, res.Replaced); err != nil {
			return res, fmt.Errorf("restore: keep the old database: %w", err)
		}
		// The old WAL belongs to the old file: it goes with it, and must
		// never be applied to the restored one.
		if err := os.Rename(dbPath+"-wal", res.Replaced+"-wal"); err != nil && !errors.Is(err, os.ErrNotExist) {
			return res, fmt.Errorf("restore: keep the old database's WAL: %w", err)
		}
		if err := os.Remove(dbPath + "-shm"); err != nil && !errors.Is(err, os.ErrNotExist) {
			return res, fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return res, fmt.Errorf("restore: %w", err)
	}
	return res, syncDir(dir)
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		p = a
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return p
}

// tempName returns a hidden name next to path for a file being written.
func tempName(path, what string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+what+"-"+hex.EncodeToString(b))
}

// freeName returns name, or name.2, name.3, … whichever does not exist.
func freeName(name string) string {
	p := name
	for i := 2; ; i++ {
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p
		}
		p = fmt.Sprintf("%s.%d", name, i)
	}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename or link in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
