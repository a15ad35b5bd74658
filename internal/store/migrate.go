package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// migration is one versioned schema change. Steps are SQL with dialect
// placeholders ({{id}}, {{time}}, {{bool}}) or, where the dialects differ
// in kind, separate statements per dialect.
type migration struct {
	version int
	name    string
	up      func(tx *gorm.DB, d Dialect) error
}

// migrations is the schema history. Append only: a released migration never changes.
var migrations = []migration{
	{1, "core schema", migrateCore},
	{2, "full-text search", migrateSearch},
	{3, "reader error reports", migrateReports},
	{4, "newest-first listing index", migrateListingIndex},
	{5, "rating revisions", migrateRatingRevisions},
	{6, "rating and tag filter indexes", migrateFilterIndexes},
	{7, "claim slug index", migrateSlugIndex},
	{8, "readiness heartbeat", migrateHeartbeat},
	{9, "user deactivation", migrateDeactivation},
	{publicStateVersion, "public version", migratePublicState},
	{11, "account security", migrateAccountSecurity},
	{statementVersion, "claim statements", migrateStatements},
	{queueVersion, "claim queue: assignees, return notes, status times, public sequence", migrateQueue},
	{commentsVersion, "claim comments", migrateComments},
	{changeTimesVersion, "public change times", migrateChangeTimes},
	{webhooksVersion, "webhooks and their job queue", migrateWebhooks},
	{riverQueueVersion, "job queue, continued", migrateRiverRest},
	{importsVersion, "imported claims", migrateImports},
	{appearanceVersion, "claim appearances", migrateAppearances},
	{appearanceTitleVersion, "appearance titles and publishers", migrateAppearanceTitles},
}

// LatestVersion is the schema version a fully migrated database has.
func LatestVersion() int { return migrations[len(migrations)-1].version }

// SchemaVersion returns the highest applied migration, 0 for an empty database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.w.WithContext(ctx).Raw("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v).Error
	return v, err
}

// schemaLockKey is the PostgreSQL advisory lock that serializes schema
// changes and the first-admin bootstrap between nodes starting together.
const schemaLockKey = 727274

// Migrate applies pending migrations up to target (0 means all), each in its
// own transaction, and refuses a database whose schema is newer than this
// binary. Nodes that start together on one database take turns:
//
//   - PostgreSQL: one connection takes a session advisory lock before its
//     first statement (even CREATE TABLE IF NOT EXISTS schema_migrations,
//     which races in pg_type when two sessions run it at once) and runs
//     every migration on that same connection, so the lock covers them all.
//   - SQLite: every transaction begins IMMEDIATE (the writer's _txlock), so
//     each migration re-reads schema_migrations under the database's write
//     lock; a second process waits (busy timeout) and then skips it.
func (s *Store) Migrate(ctx context.Context, target int) error {
	return s.withSchemaLock(ctx, func(db *gorm.DB) error {
		if err := db.Exec(expand(s.dialect, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at {{time}} NOT NULL)`)).Error; err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		// Every migration not yet recorded is applied, in order, even one
		// numbered below a newer one already there: migrations written side
		// by side get numbers in separate ranges and may land in any order.
		var versions []int
		if err := db.Raw("SELECT version FROM schema_migrations").Scan(&versions).Error; err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		applied := map[int]bool{}
		for _, v := range versions {
			if v > LatestVersion() {
				return fmt.Errorf("migrate: the database has schema version %d, newer than this claimdesk knows (%d); run a newer claimdesk", v, LatestVersion())
			}
			applied[v] = true
		}
		for _, m := range migrations {
			if target > 0 && m.version > target {
				break
			} else if applied[m.version] {
				continue
			}
			err := db.Transaction(func(tx *gorm.DB) error {
				var n int64
				if err := tx.Raw("SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n).Error; err != nil {
					return err
				} else if n > 0 {
					return nil // another process applied it while we waited
				}
				if err := m.up(tx, s.dialect); err != nil {
					return err
				}
				return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, time.Now().UTC()).Error
			})
			if err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
			}
		}
		return nil
	})
}

// withSchemaLock runs fn on one connection of the writer. On PostgreSQL that
// connection holds the schema advisory lock for the whole of fn, taken
// before anything else runs on it. If the unlock fails, the connection is
// discarded rather than returned to the pool still holding the lock.
func (s *Store) withSchemaLock(ctx context.Context, fn func(db *gorm.DB) error) error {
	return s.w.WithContext(ctx).Connection(func(db *gorm.DB) error {
		if s.dialect != Postgres {
			return fn(db)
		}
		conn, ok := db.Statement.ConnPool.(*sql.Conn)
		if !ok {
			return fmt.Errorf("migrate: no dedicated connection for the advisory lock")
		}
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", schemaLockKey); err != nil {
			return fmt.Errorf("migrate: take the schema lock: %w", markUnavailable(err))
		}
		err := fn(db)
		if _, uerr := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", schemaLockKey); uerr != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		return err
	})
}

// expand replaces dialect placeholders in a DDL statement.
func expand(d Dialect, sql string) string {
	r := strings.NewReplacer(
		"{{id}}", map[Dialect]string{SQLite: "INTEGER PRIMARY KEY AUTOINCREMENT", Postgres: "BIGSERIAL PRIMARY KEY"}[d],
		"{{time}}", map[Dialect]string{SQLite: "DATETIME", Postgres: "TIMESTAMPTZ"}[d],
		"{{bool}}", "BOOLEAN",
		"{{ref}}", map[Dialect]string{SQLite: "INTEGER", Postgres: "BIGINT"}[d],
	)
	return r.Replace(sql)
}

func execAll(tx *gorm.DB, d Dialect, stmts ...string) error {
	for _, q := range stmts {
		if err := tx.Exec(expand(d, q)).Error; err != nil {
			return fmt.Errorf("%w in: %.80s", err, strings.TrimSpace(q))
		}
	}
	return nil
}

func migrateCore(tx *gorm.DB, d Dialect) error {
	err := execAll(tx, d,
		`CREATE TABLE users (
			id {{id}},
			email TEXT NOT NULL UNIQUE,
			name TEXT NOT NULL,
			role TEXT NOT NULL,
			password_hash TEXT NOT NULL,
			created_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL)`,
		`CREATE TABLE sessions (
			id {{id}},
			token_hash TEXT NOT NULL UNIQUE,
			user_id {{ref}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
			created_at {{time}} NOT NULL,
			expires_at {{time}} NOT NULL)`,
		`CREATE INDEX sessions_user_id ON sessions(user_id)`,
		`CREATE TABLE api_tokens (
			id {{id}},
			token_hash TEXT NOT NULL UNIQUE,
			user_id {{ref}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
			name TEXT NOT NULL DEFAULT '',
			created_at {{time}} NOT NULL,
			last_used_at {{time}},
			revoked_at {{time}})`,
		`CREATE TABLE login_failures (
			id {{id}},
			key TEXT NOT NULL,
			created_at {{time}} NOT NULL)`,
		`CREATE INDEX login_failures_key ON login_failures(key, created_at)`,
		`CREATE TABLE ratings (
			id {{id}},
			key TEXT NOT NULL UNIQUE,
			label TEXT NOT NULL,
			value INTEGER,
			description TEXT NOT NULL DEFAULT '',
			color TEXT NOT NULL DEFAULT '',
			position INTEGER NOT NULL DEFAULT 0)`,
		`CREATE TABLE articles (
			id {{id}},
			title TEXT NOT NULL,
			url TEXT NOT NULL DEFAULT '',
			outlet TEXT NOT NULL DEFAULT '',
			author TEXT NOT NULL DEFAULT '',
			published_at {{time}},
			body TEXT NOT NULL,
			body_sha256 TEXT NOT NULL,
			created_by_id {{ref}} REFERENCES users(id) ON DELETE SET NULL,
			created_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL)`,
		`CREATE TABLE claims (
			id {{id}},
			article_id {{ref}} REFERENCES articles(id) ON DELETE SET NULL,
			quote TEXT NOT NULL,
			claimant TEXT NOT NULL,
			claim_date {{time}},
			anchor_start INTEGER NOT NULL DEFAULT 0,
			anchor_end INTEGER NOT NULL DEFAULT 0,
			anchor_prefix TEXT NOT NULL DEFAULT '',
			anchor_exact TEXT NOT NULL DEFAULT '',
			anchor_suffix TEXT NOT NULL DEFAULT '',
			anchor_orphaned {{bool}} NOT NULL DEFAULT FALSE,
			status TEXT NOT NULL,
			rating_key TEXT NOT NULL DEFAULT '',
			summary TEXT NOT NULL DEFAULT '',
			rationale TEXT NOT NULL DEFAULT '',
			slug TEXT NOT NULL DEFAULT '',
			version INTEGER NOT NULL DEFAULT 1,
			tags TEXT NOT NULL DEFAULT '[]',
			author_id {{ref}} REFERENCES users(id) ON DELETE SET NULL,
			reviewer_id {{ref}} REFERENCES users(id) ON DELETE SET NULL,
			published_at {{time}},
			correction_note TEXT NOT NULL DEFAULT '',
			corrected_at {{time}},
			created_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL)`,
		`CREATE INDEX claims_status_published ON claims(status, published_at)`,
		`CREATE INDEX claims_article ON claims(article_id)`,
		`CREATE INDEX claims_rating ON claims(rating_key)`,
		`CREATE TABLE evidence (
			id {{id}},
			claim_id {{ref}} NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
			url TEXT NOT NULL,
			title TEXT NOT NULL,
			publisher TEXT NOT NULL DEFAULT '',
			published_at {{time}},
			excerpt TEXT NOT NULL DEFAULT '',
			stance TEXT NOT NULL,
			excerpt_sha256 TEXT NOT NULL DEFAULT '',
			position INTEGER NOT NULL DEFAULT 0,
			created_at {{time}} NOT NULL,
			updated_at {{time}} NOT NULL)`,
		`CREATE INDEX evidence_claim ON evidence(claim_id, position)`,
		`CREATE TABLE revisions (
			id {{id}},
			claim_id {{ref}} NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
			version INTEGER NOT NULL,
			snapshot TEXT NOT NULL,
			editor_id {{ref}} REFERENCES users(id) ON DELETE SET NULL,
			note TEXT NOT NULL DEFAULT '',
			is_correction {{bool}} NOT NULL DEFAULT FALSE,
			created_at {{time}} NOT NULL,
			UNIQUE (claim_id, version))`,
	)
	if err != nil {
		return err
	}
	for i, r := range factcheck.DefaultRatings() {
		r.Position = i
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
	}
	return nil
}

// migrateSearch adds the full-text index over quote, claimant, summary and
// rationale: FTS5 on SQLite (needs the sqlite_fts5 build tag), a weighted
// tsvector with a GIN index on PostgreSQL. Existing claims are indexed.
func migrateSearch(tx *gorm.DB, d Dialect) error {
	if d == Postgres {
		return execAll(tx, d,
			`ALTER TABLE claims ADD COLUMN search tsvector GENERATED ALWAYS AS (
				setweight(to_tsvector('english', coalesce(quote, '')), 'A') ||
				setweight(to_tsvector('english', coalesce(claimant, '')), 'B') ||
				setweight(to_tsvector('english', coalesce(summary, '')), 'B') ||
				setweight(to_tsvector('english', coalesce(rationale, '')), 'C')) STORED`,
			`CREATE INDEX claims_search ON claims USING GIN (search)`,
		)
	}
	return execAll(tx, d,
		`CREATE VIRTUAL TABLE claims_fts USING fts5(
			quote, claimant, summary, rationale,
			content='claims', content_rowid='id',
			tokenize='porter unicode61 remove_diacritics 2')`,
		`CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
			INSERT INTO claims_fts(rowid, quote, claimant, summary, rationale)
			VALUES (new.id, new.quote, new.claimant, new.summary, new.rationale);
		END`,
		`CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
			INSERT INTO claims_fts(claims_fts, rowid, quote, claimant, summary, rationale)
			VALUES ('delete', old.id, old.quote, old.claimant, old.summary, old.rationale);
		END`,
		`CREATE TRIGGER claims_fts_update AFTER UPDATE OF quote, claimant, summary, rationale ON claims BEGIN
			INSERT INTO claims_fts(claims_fts, rowid, quote, claimant, summary, rationale)
			VALUES ('delete', old.id, old.quote, old.claimant, old.summary, old.rationale);
			INSERT INTO claims_fts(rowid, quote, claimant, summary, rationale)
			VALUES (new.id, new.quote, new.claimant, new.summary, new.rationale);
		END`,
		`INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')`,
	)
}

// migrateReports adds the table behind the desk's corrections queue: errors
// readers report on published claims. reporter_hash is the SHA-256 of the
// reporter's rate-limit key (their IP), so the limit works across nodes
// without storing addresses.
func migrateReports(tx *gorm.DB, d Dialect) error {
	return execAll(tx, d,
		`CREATE TABLE reports (
			id {{id}},
			claim_id {{ref}} NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
			message TEXT NOT NULL,
			email TEXT NOT NULL DEFAULT '',
			reporter_hash TEXT NOT NULL,
			created_at {{time}} NOT NULL,
			resolved_at {{time}},
			resolved_by_id {{ref}} REFERENCES users(id) ON DELETE SET NULL)`,
		`CREATE INDEX reports_open ON reports(resolved_at, created_at)`,
		`CREATE INDEX reports_reporter ON reports(reporter_hash, created_at)`,
	)
}

// migrateListingIndex lets the newest-first listing walk an index backwards
// instead of sorting every public claim.
func migrateListingIndex(tx *gorm.DB, d Dialect) error {
	return execAll(tx, d, `CREATE INDEX claims_published_id ON claims(published_at, id)`)
}

// migrateRatingRevisions counts the edits of each rating, so caches of
// rendered cards (keyed by claim version) also see a renamed rating.
func migrateRatingRevisions(tx *gorm.DB, d Dialect) error {
	return execAll(tx, d, `ALTER TABLE ratings ADD COLUMN revision INTEGER NOT NULL DEFAULT 1`)
}

// migrateFilterIndexes serves the reader's rating and tag filters: newest
// first within one rating, and (on PostgreSQL) tags through a GIN index on
// their JSON, so a rating+tag filter reads only matching rows.
func migrateFilterIndexes(tx *gorm.DB, d Dialect) error {
	stmts := []string{`CREATE INDEX claims_rating_published ON claims(rating_key, published_at, id)`}
	if d == Postgres {
		stmts = append(stmts, `CREATE INDEX claims_tags ON claims USING GIN ((tags::jsonb) jsonb_path_ops)`)
	}
	return execAll(tx, d, stmts...)
}

// migrateSlugIndex lets a new claim find out in one index probe whether its
// slug is taken (see uniqueSlug), and ClaimBySlug answer without a scan.
// Not unique: databases from before it may hold duplicates.
func migrateSlugIndex(tx *gorm.DB, d Dialect) error {
	return execAll(tx, d, `CREATE INDEX claims_slug ON claims(slug)`)
}

// migrateHeartbeat adds the one-row table that CheckWritable writes to, so
// readiness proves a real write rather than a read.
func migrateHeartbeat(tx *gorm.DB, d Dialect) error {
	return execAll(tx, d,
		`CREATE TABLE heartbeat (id INTEGER PRIMARY KEY, beat_at {{time}} NOT NULL)`,
		`INSERT INTO heartbeat (id, beat_at) VALUES (1, CURRENT_TIMESTAMP)`,
	)
}

// migrateDeactivation lets admins switch accounts off without deleting
// them (their claims and revisions keep their author).
func migrateDeactivation(tx *gorm.DB, d Dialect) error {
	return execAll(tx, d, `ALTER TABLE users ADD COLUMN deactivated_at {{time}}`)
}

// migrateAccountSecurity adds what accounts and sessions need to hold up
// (issue 15): a server secret every node shares (device cookies, CSRF
// tokens, pending second factors), atomic login throttling with logged
// lockouts, session activity (idle timeout, the "your sessions" list),
// token expiry, TOTP second factors with hashed recovery codes, and the
// single sign-on identities linked to users. Nothing about a user's
// second factor is a column of users, so partly migrated databases still
// take users.
func migrateAccountSecurity(tx *gorm.DB, d Dialect) error {
	return execAll(tx, d,
		`CREATE TABLE server_secrets (
			name TEXT PRIMARY KEY,
			value TEXT NOT NULL,
			created_at {{time}} NOT NULL)`,
		`CREATE TABLE login_locks (
			key TEXT PRIMARY KEY,
			locked_until {{time}} NOT NULL)`,
		`ALTER TABLE sessions ADD COLUMN last_seen_at {{time}}`,
		`ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password'`,
		`ALTER TABLE api_tokens ADD COLUMN expires_at {{time}}`,
		`CREATE INDEX api_tokens_user ON api_tokens(user_id)`,
		`CREATE TABLE user_totp (
			user_id {{ref}} PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
			secret TEXT NOT NULL,
			enabled_at {{time}},
			last_step BIGINT NOT NULL DEFAULT 0,
			created_at {{time}} NOT NULL)`,
		`CREATE TABLE recovery_codes (
			id {{id}},
			user_id {{ref}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
			code_hash TEXT NOT NULL,
			used_at {{time}},
			created_at {{time}} NOT NULL)`,
		`CREATE INDEX recovery_codes_user ON recovery_codes(user_id)`,
		`CREATE TABLE user_identities (
			id {{id}},
			user_id {{ref}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
			issuer TEXT NOT NULL,
			subject TEXT NOT NULL,
			email TEXT NOT NULL DEFAULT '',
			created_at {{time}} NOT NULL,
			last_login_at {{time}},
			UNIQUE (issuer, subject))`,
	)
}

// migrateStatements gives claims a statement, the claim in the newsroom's
// words that the verdict rates, filled from the quote for existing claims
// (an editor rewords them), and puts it first in the search index.
func migrateStatements(tx *gorm.DB, d Dialect) error {
	stmts := []string{
		`ALTER TABLE claims ADD COLUMN statement TEXT NOT NULL DEFAULT ''`,
		`UPDATE claims SET statement = CASE WHEN LENGTH(quote) <= 300 THEN quote ELSE '' END`,
	}
	if d == Postgres {
		stmts = append(stmts,
			`DROP INDEX claims_search`,
			`ALTER TABLE claims DROP COLUMN search`,
			`ALTER TABLE claims ADD COLUMN search tsvector GENERATED ALWAYS AS (
				setweight(to_tsvector('english', coalesce(statement, '')), 'A') ||
				setweight(to_tsvector('english', coalesce(quote, '')), 'A') ||
				setweight(to_tsvector('english', coalesce(claimant, '')), 'B') ||
				setweight(to_tsvector('english', coalesce(summary, '')), 'B') ||
				setweight(to_tsvector('english', coalesce(rationale, '')), 'C')) STORED`,
			`CREATE INDEX claims_search ON claims USING GIN (search)`,
		)
		return execAll(tx, d, stmts...)
	}
	stmts = append(stmts,
		`DROP TRIGGER claims_fts_insert`,
		`DROP TRIGGER claims_fts_delete`,
		`DROP TRIGGER claims_fts_update`,
		`DROP TABLE claims_fts`,
		`CREATE VIRTUAL TABLE claims_fts USING fts5(
			statement, quote, claimant, summary, rationale,
			content='claims', content_rowid='id',
			tokenize='porter unicode61 remove_diacritics 2')`,
		`CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
			INSERT INTO claims_fts(rowid, statement, quote, claimant, summary, rationale)
			VALUES (new.id, new.statement, new.quote, new.claimant, new.summary, new.rationale);
		END`,
		`CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
			INSERT INTO claims_fts(claims_fts, rowid, statement, quote, claimant, summary, rationale)
			VALUES ('delete', old.id, old.statement, old.quote, old.claimant, old.summary, old.rationale);
		END`,
		`CREATE TRIGGER claims_fts_update AFTER UPDATE OF statement, quote, claimant, summary, rationale ON claims BEGIN
			INSERT INTO claims_fts(claims_fts, rowid, statement, quote, claimant, summary, rationale)
			VALUES ('delete', old.id, old.statement, old.quote, old.claimant, old.summary, old.rationale);
			INSERT INTO claims_fts(rowid, statement, quote, claimant, summary, rationale)
			VALUES (new.id, new.statement, new.quote, new.claimant, new.summary, new.rationale);
		END`,
		`INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')`,
	)
	return execAll(tx, d, stmts...)
}

// migrateQueue gives claims what the desk's queue and review need: an
// assignee, the reviewer's note when a claim was last returned to draft,
// when the claim entered its status ("waiting since"; existing claims
// take their last update), and the public version at which readers last
// saw it change (public_seq), so a node's "Already checked?" matcher
// reads only the claims that changed since it last looked.
func migrateQueue(tx *gorm.DB, d Dialect) error {
	return execAll(tx, d,
		`ALTER TABLE claims ADD COLUMN assignee_id {{ref}} REFERENCES users(id) ON DELETE SET NULL`,
		`ALTER TABLE claims ADD COLUMN return_note TEXT NOT NULL DEFAULT ''`,
		`ALTER TABLE claims ADD COLUMN status_changed_at {{time}}`,
		`UPDATE claims SET status_changed_at = updated_at`,
		`ALTER TABLE claims ADD COLUMN public_seq BIGINT NOT NULL DEFAULT 0`,
		`CREATE INDEX claims_assignee ON claims(assignee_id, status)`,
		`CREATE INDEX claims_status_changed ON claims(status, status_changed_at)`,
		`CREATE INDEX claims_public_seq ON claims(public_seq)`,
	)
}

// migrateComments adds the comment thread of each claim.
func migrateComments(tx *gorm.DB, d Dialect) error {
	return execAll(tx, d,
		`CREATE TABLE claim_comments (
			id {{id}},
			claim_id {{ref}} NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
			author_id {{ref}} REFERENCES users(id) ON DELETE SET NULL,
			body TEXT NOT NULL,
			created_at {{time}} NOT NULL)`,
		`CREATE INDEX claim_comments_claim ON claim_comments(claim_id, id)`,
	)
}
