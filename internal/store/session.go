package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

type gormDB = gorm.DB

// session is a login session. Only the SHA-256 of its token is stored, so a
// leaked database does not leak usable cookies.
type session struct {
	ID         int64
	TokenHash  string
	UserID     int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt *time.Time
	UserAgent  string
	IP         string
	Method     string
}

// Session is a live login session as its user sees it in their list.
type Session struct {
	ID         int64
	UserID     int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	// UserAgent and IP are the browser and address that logged in (IP is
	// updated as the session is used).
	UserAgent, IP string
	// Method is how the session was started: "password", "password+totp",
	// "oidc" or "oidc+totp".
	Method string
}

func (r session) public() Session {
	out := Session{ID: r.ID, UserID: r.UserID, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, LastSeenAt: r.CreatedAt,
		UserAgent: r.UserAgent, IP: r.IP, Method: r.Method}
	if r.LastSeenAt != nil {
		out.LastSeenAt = *r.LastSeenAt
	}
	return out
}

// NewSession describes a session to start.
type NewSession struct {
	UserID int64
	// TTL is the absolute lifetime: the session ends then however active.
	TTL           time.Duration
	UserAgent, IP string
	Method        string
}

// DefaultSessionIdle is how long a session may go unused before it ends,
// within its absolute lifetime.
const DefaultSessionIdle = 12 * time.Hour

// touchEvery is how stale a session's last_seen_at may get before a
// request writes it again: often enough for the idle timeout and the
// session list, rare enough that reading pages costs no write each.
const touchEvery = time.Minute

// apiToken is a bearer token for the JSON API, stored hashed like sessions.
type apiToken struct {
	ID         int64
	TokenHash  string
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	ExpiresAt  *time.Time
}

func (apiToken) TableName() string { return "api_tokens" }

// newToken returns a random token with the given prefix and its stored hash.
func newToken(prefix string) (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateSession starts a password session for userID lasting ttl and
// returns its token, which is shown to the client once and never stored.
func (s *Store) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	return s.StartSession(ctx, NewSession{UserID: userID, TTL: ttl, Method: "password"})
}

// StartSession starts a session and returns its token, which is shown to
// the client once and never stored (only its SHA-256 is).
func (s *Store) StartSession(ctx context.Context, n NewSession) (string, error) {
	token, hash := newToken("")
	now := s.now()
	if n.Method == "" {
		n.Method = "password"
	}
	err := s.w.WithContext(ctx).Create(&session{TokenHash: hash, UserID: n.UserID, CreatedAt: now, ExpiresAt: now.Add(n.TTL), LastSeenAt: &now,
		UserAgent: truncateBytes(n.UserAgent, 300), IP: truncateBytes(n.IP, 64), Method: n.Method}).Error
	return token, err
}

// SessionUser returns the user of a live session, or EUNAUTHORIZED (also
// when the user has been deactivated, or the session has been idle for
// DefaultSessionIdle).
func (s *Store) SessionUser(ctx context.Context, token string) (*factcheck.User, error) {
	u, _, err := s.Session(ctx, token, DefaultSessionIdle, "")
	return u, err
}

// Session returns the user and the session of token when the session is
// live: not past its absolute lifetime, used within idle, and its user
// active. Otherwise it returns EUNAUTHORIZED. A session last seen more
// than a minute ago is marked seen now (from ip, when given), so the idle
// timeout and the session list stay current at the cost of one write per
// session per minute.
func (s *Store) Session(ctx context.Context, token string, idle time.Duration, ip string) (*factcheck.User, *Session, error) {
	if token == "" {
		return nil, nil, factcheck.Errorf(factcheck.EUNAUTHORIZED, "Log in first.")
	}
	now := s.now()
	var row session
	err := s.r.WithContext(ctx).Where("token_hash = ? AND expires_at > ? AND COALESCE(last_seen_at, created_at) > ?", hashToken(token), now, now.Add(-idle)).
		Limit(1).Find(&row).Error
	if err != nil {
		return nil, nil, err
	} else if row.ID == 0 {
		return nil, nil, factcheck.Errorf(factcheck.EUNAUTHORIZED, "Your session has ended. Log in again.")
	}
	var u factcheck.User
	if err := s.r.WithContext(ctx).Where("id = ? AND deactivated_at IS NULL", row.UserID).Limit(1).Find(&u).Error; err != nil {
		return nil, nil, err
	} else if u.ID == 0 {
		return nil, nil, factcheck.Errorf(factcheck.EUNAUTHORIZED, "Your session has ended. Log in again.")
	}
	if row.LastSeenAt == nil || now.Sub(*row.LastSeenAt) >= touchEvery || ip != "" && ip != row.IP {
		set := map[string]any{"last_seen_at": now}
		if ip != "" {
			set["ip"] = truncateBytes(ip, 64)
			row.IP = ip
		}
		// Best effort: a database that cannot take this write fails the
		// request's own writes with a clear error; a read goes on.
		if s.w.WithContext(ctx).Model(&session{}).Where("id = ?", row.ID).Updates(set).Error == nil {
			row.LastSeenAt = &now
		}
	}
	sess := row.public()
	return &u, &sess, nil
}

// DeleteSession ends the session with token; unknown tokens are ignored.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.w.WithContext(ctx).Where("token_hash = ?", hashToken(token)).Delete(&session{}).Error
}

// Sessions lists the live sessions of a user (within idle), most
// recently used first.
func (s *Store) Sessions(ctx context.Context, userID int64, idle time.Duration) ([]Session, error) {
	now := s.now()
	var rows []session
	err := s.r.WithContext(ctx).Where("user_id = ? AND expires_at > ? AND COALESCE(last_seen_at, created_at) > ?", userID, now, now.Add(-idle)).
		Order("COALESCE(last_seen_at, created_at) DESC, id DESC").Find(&rows).Error
	out := make([]Session, len(rows))
	for i, r := range rows {
		out[i] = r.public()
	}
	return out, err
}

// EndSession ends one of userID's sessions; ENOTFOUND when it is not theirs.
func (s *Store) EndSession(ctx context.Context, userID, id int64) error {
	res := s.w.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).Delete(&session{})
	if res.Error == nil && res.RowsAffected == 0 {
		return factcheck.Errorf(factcheck.ENOTFOUND, "Session not found.")
	}
	return res.Error
}

// EndSessions ends every session of userID except the one with keepToken
// ("" ends them all) and reports how many it ended.
func (s *Store) EndSessions(ctx context.Context, userID int64, keepToken string) (int64, error) {
	q := s.w.WithContext(ctx).Where("user_id = ?", userID)
	if keepToken != "" {
		q = q.Where("token_hash <> ?", hashToken(keepToken))
	}
	res := q.Delete(&session{})
	return res.RowsAffected, res.Error
}

// truncateBytes cuts s to at most n bytes on a character boundary.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// CreateAPIToken issues a bearer token for the user that never expires
// and returns it once.
func (s *Store) CreateAPIToken(ctx context.Context, userID int64, name string) (string, error) {
	return s.IssueAPIToken(ctx, userID, name, nil)
}

// IssueAPIToken issues a bearer token for the user, valid until expires
// (nil: until revoked), and returns it once; only its SHA-256 is stored.
func (s *Store) IssueAPIToken(ctx context.Context, userID int64, name string, expires *time.Time) (string, error) {
	token, hash := newToken("cd_")
	err := s.w.WithContext(ctx).Create(&apiToken{TokenHash: hash, UserID: userID, Name: name, CreatedAt: s.now(), ExpiresAt: expires}).Error
	return token, err
}

// TokenUser returns the active user a live API token belongs to: not
// revoked, not expired. Otherwise it returns EUNAUTHORIZED saying which.
// The token's last use is recorded, at most once a minute per token, so a
// busy CMS costs one write a minute rather than one per request.
func (s *Store) TokenUser(ctx context.Context, token string) (*factcheck.User, error) {
	var t apiToken
	if err := s.r.WithContext(ctx).Where("token_hash = ?", hashToken(token)).Limit(1).Find(&t).Error; err != nil {
		return nil, err
	}
	now := s.now()
	switch {
	case t.ID == 0 || t.RevokedAt != nil:
		return nil, factcheck.Errorf(factcheck.EUNAUTHORIZED, "The API token is unknown or revoked.")
	case t.ExpiresAt != nil && !t.ExpiresAt.After(now):
		return nil, factcheck.Errorf(factcheck.EUNAUTHORIZED, "The API token expired on %s; create a new one on /desk/tokens.", t.ExpiresAt.UTC().Format("2006-01-02"))
	}
	var u factcheck.User
	if err := s.r.WithContext(ctx).Where("id = ? AND deactivated_at IS NULL", t.UserID).Limit(1).Find(&u).Error; err != nil {
		return nil, err
	} else if u.ID == 0 {
		return nil, factcheck.Errorf(factcheck.EUNAUTHORIZED, "The API token is unknown or revoked.")
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchEvery {
		// Conditional, so nodes racing on one token write once; best
		// effort, like a session's last_seen_at.
		s.w.WithContext(ctx).Model(&apiToken{}).Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", t.ID, now.Add(-touchEvery)).
			Update("last_used_at", now)
	}
	return &u, nil
}

// RevokeAPIToken revokes a token so it no longer authenticates.
func (s *Store) RevokeAPIToken(ctx context.Context, token string) error {
	res := s.w.WithContext(ctx).Model(&apiToken{}).Where("token_hash = ? AND revoked_at IS NULL", hashToken(token)).Update("revoked_at", s.now())
	if res.Error == nil && res.RowsAffected == 0 {
		return factcheck.Errorf(factcheck.ENOTFOUND, "Token not found.")
	}
	return res.Error
}

func normEmail(e string) string {
	u := factcheck.User{Email: e}
	u.Normalize()
	return u.Email
}

// APIToken describes an issued token without its secret.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	ExpiresAt  *time.Time
	// UserEmail is filled in by AllAPITokens.
	UserEmail string
}

func (r apiToken) public() APIToken {
	return APIToken{ID: r.ID, UserID: r.UserID, Name: r.Name, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt, ExpiresAt: r.ExpiresAt}
}

// APITokens lists a user's tokens, newest first.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	var rows []apiToken
	err := s.r.WithContext(ctx).Where("user_id = ?", userID).Order("id DESC").Find(&rows).Error
	out := make([]APIToken, len(rows))
	for i, r := range rows {
		out[i] = r.public()
	}
	return out, err
}

// AllAPITokens lists every user's live tokens (not revoked, not expired),
// newest first, with their user's email: what an admin reviews and revokes.
func (s *Store) AllAPITokens(ctx context.Context) ([]APIToken, error) {
	var rows []apiToken
	err := s.r.WithContext(ctx).Where("revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", s.now()).Order("id DESC").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	var users []factcheck.User
	if err := s.r.WithContext(ctx).Select("id, email").Find(&users).Error; err != nil {
		return nil, err
	}
	emails := make(map[int64]string, len(users))
	for _, u := range users {
		emails[u.ID] = u.Email
	}
	out := make([]APIToken, len(rows))
	for i, r := range rows {
		out[i] = r.public()
		out[i].UserEmail = emails[r.UserID]
	}
	return out, nil
}

// RevokeAPITokenByID revokes one of userID's tokens; ENOTFOUND if it is not
// theirs or already revoked.
func (s *Store) RevokeAPITokenByID(ctx context.Context, userID, id int64) error {
	res := s.w.WithContext(ctx).Model(&apiToken{}).Where("id = ? AND user_id = ? AND revoked_at IS NULL", id, userID).Update("revoked_at", s.now())
	if res.Error == nil && res.RowsAffected == 0 {
		return factcheck.Errorf(factcheck.ENOTFOUND, "Token not found.")
	}
	return res.Error
}

// RevokeAnyAPIToken revokes the token id whoever it belongs to (admins
// only: the caller checks); ENOTFOUND if there is no such live token.
func (s *Store) RevokeAnyAPIToken(ctx context.Context, id int64) error {
	res := s.w.WithContext(ctx).Model(&apiToken{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", s.now())
	if res.Error == nil && res.RowsAffected == 0 {
		return factcheck.Errorf(factcheck.ENOTFOUND, "Token not found.")
	}
	return res.Error
}
