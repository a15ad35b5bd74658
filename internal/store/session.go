package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

type gormDB = gorm.DB

// session is a login session. Only the SHA-256 of its token is stored, so a
// leaked database does not leak usable cookies.
type session struct {
	ID        int64
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// apiToken is a bearer token for the JSON API, stored hashed like sessions.
type apiToken struct {
	ID         int64
	TokenHash  string
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
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

// CreateSession starts a session for userID lasting ttl and returns its
// token, which is shown to the client once and never stored.
func (s *Store) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	token, hash := newToken("")
	now := s.now()
	err := s.w.WithContext(ctx).Create(&session{TokenHash: hash, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(ttl)}).Error
	return token, err
}

// SessionUser returns the user of a live session, or EUNAUTHORIZED (also
// when the user has been deactivated).
func (s *Store) SessionUser(ctx context.Context, token string) (*factcheck.User, error) {
	if token == "" {
		return nil, factcheck.Errorf(factcheck.EUNAUTHORIZED, "Log in first.")
	}
	var u factcheck.User
	err := s.r.WithContext(ctx).Joins("JOIN sessions ON sessions.user_id = users.id").
		Where("sessions.token_hash = ? AND sessions.expires_at > ? AND users.deactivated_at IS NULL", hashToken(token), s.now()).
		First(&u).Error
	if err == gorm.ErrRecordNotFound {
		return nil, factcheck.Errorf(factcheck.EUNAUTHORIZED, "Your session has ended. Log in again.")
	}
	return &u, err
}

// DeleteSession ends the session with token; unknown tokens are ignored.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.w.WithContext(ctx).Where("token_hash = ?", hashToken(token)).Delete(&session{}).Error
}

// CreateAPIToken issues a bearer token for the user and returns it once.
func (s *Store) CreateAPIToken(ctx context.Context, userID int64, name string) (string, error) {
	token, hash := newToken("cd_")
	err := s.w.WithContext(ctx).Create(&apiToken{TokenHash: hash, UserID: userID, Name: name, CreatedAt: s.now()}).Error
	return token, err
}

// TokenUser returns the active user a live (unrevoked) API token belongs
// to, or EUNAUTHORIZED.
func (s *Store) TokenUser(ctx context.Context, token string) (*factcheck.User, error) {
	var u factcheck.User
	err := s.r.WithContext(ctx).Joins("JOIN api_tokens ON api_tokens.user_id = users.id").
		Where("api_tokens.token_hash = ? AND api_tokens.revoked_at IS NULL AND users.deactivated_at IS NULL", hashToken(token)).
		First(&u).Error
	if err == gorm.ErrRecordNotFound {
		return nil, factcheck.Errorf(factcheck.EUNAUTHORIZED, "The API token is unknown or revoked.")
	}
	return &u, err
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
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// APITokens lists a user's tokens, newest first.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	var rows []apiToken
	err := s.r.WithContext(ctx).Where("user_id = ?", userID).Order("id DESC").Find(&rows).Error
	out := make([]APIToken, len(rows))
	for i, r := range rows {
		out[i] = APIToken{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt}
	}
	return out, err
}

// RevokeAPITokenByID revokes one of userID's tokens; ENOTFOUND if it is not theirs.
func (s *Store) RevokeAPITokenByID(ctx context.Context, userID, id int64) error {
	res := s.w.WithContext(ctx).Model(&apiToken{}).Where("id = ? AND user_id = ? AND revoked_at IS NULL", id, userID).Update("revoked_at", s.now())
	if res.Error == nil && res.RowsAffected == 0 {
		return factcheck.Errorf(factcheck.ENOTFOUND, "Token not found.")
	}
	return res.Error
}
