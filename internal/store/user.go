package store

import (
	"context"
	"time"

	"golang.org/x/crypto/bcrypt"

	"claimdesk/internal/factcheck"
)

// bcryptCost is the work factor for password hashes.
const bcryptCost = 11

// dummyHash is compared against when an email is unknown, so a failed login
// takes as long whether or not the account exists.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("claimdesk-no-such-user"), bcryptCost)

// CreateUser validates u, hashes password with bcrypt and stores the user.
// It returns EINVALID for bad fields or a weak password and ECONFLICT when
// the email is taken.
func (s *Store) CreateUser(ctx context.Context, u *factcheck.User, password string) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	} else if err := factcheck.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return err
	}
	u.PasswordHash = string(hash)
	return wrap(s.w.WithContext(ctx).Create(u).Error, "A user with this email")
}

// SetPassword replaces a user's password and ends all of their sessions.
func (s *Store) SetPassword(ctx context.Context, userID int64, password string) error {
	if err := factcheck.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return err
	}
	return s.w.WithContext(ctx).Transaction(func(tx *gormDB) error {
		res := tx.Model(&factcheck.User{}).Where("id = ?", userID).Updates(map[string]any{"password_hash": string(hash), "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		} else if res.RowsAffected == 0 {
			return factcheck.Errorf(factcheck.ENOTFOUND, "User not found.")
		}
		return tx.Where("user_id = ?", userID).Delete(&session{}).Error
	})
}

// UserByID returns the user with id, or ENOTFOUND.
func (s *Store) UserByID(ctx context.Context, id int64) (*factcheck.User, error) {
	var u factcheck.User
	err := s.r.WithContext(ctx).First(&u, id).Error
	return &u, wrap(err, "User")
}

// UserByEmail returns the user with email (case-insensitive), or ENOTFOUND.
func (s *Store) UserByEmail(ctx context.Context, email string) (*factcheck.User, error) {
	var u factcheck.User
	err := s.r.WithContext(ctx).Where("email = ?", normEmail(email)).First(&u).Error
	return &u, wrap(err, "User")
}

// Users lists every user by name.
func (s *Store) Users(ctx context.Context) ([]factcheck.User, error) {
	var us []factcheck.User
	err := s.r.WithContext(ctx).Order("name, id").Find(&us).Error
	return us, err
}

// CountUsers returns how many users exist.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.w.WithContext(ctx).Model(&factcheck.User{}).Count(&n).Error
	return n, err
}

// Authenticate returns the user whose email and password match, or
// EUNAUTHORIZED with the same message whichever of the two was wrong.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*factcheck.User, error) {
	u, err := s.UserByEmail(ctx, email)
	hash := dummyHash
	if err == nil {
		hash = []byte(u.PasswordHash)
	} else if factcheck.ErrorCode(err) != factcheck.ENOTFOUND {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil {
		return nil, factcheck.Errorf(factcheck.EUNAUTHORIZED, "Email or password is wrong.")
	}
	return u, nil
}

// loginFailure is one failed login, kept in the database so every node
// sees the same count.
type loginFailure struct {
	ID        int64
	Key       string
	CreatedAt time.Time
}

// RecordLoginFailure notes one failed login for key (an IP or an email).
func (s *Store) RecordLoginFailure(ctx context.Context, key string) error {
	return s.w.WithContext(ctx).Create(&loginFailure{Key: key, CreatedAt: s.now()}).Error
}

// LoginFailures counts the failures recorded for key since the given time.
func (s *Store) LoginFailures(ctx context.Context, key string, since time.Time) (int64, error) {
	var n int64
	err := s.w.WithContext(ctx).Model(&loginFailure{}).Where("key = ? AND created_at > ?", key, since).Count(&n).Error
	return n, err
}

// ClearLoginFailures forgets the failures for key and prunes old ones.
func (s *Store) ClearLoginFailures(ctx context.Context, key string, before time.Time) error {
	return s.w.WithContext(ctx).Where("key = ? OR created_at < ?", key, before).Delete(&loginFailure{}).Error
}

// SetRole changes a user's role and ends their sessions, so the new role
// applies at once. It returns EINVALID for an unknown role.
func (s *Store) SetRole(ctx context.Context, userID int64, role factcheck.Role) error {
	if !role.Valid() {
		return factcheck.FieldError("role", "Role must be admin, reviewer or editor.")
	}
	return s.w.WithContext(ctx).Transaction(func(tx *gormDB) error {
		res := tx.Model(&factcheck.User{}).Where("id = ?", userID).Updates(map[string]any{"role": role, "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		} else if res.RowsAffected == 0 {
			return factcheck.Errorf(factcheck.ENOTFOUND, "User not found.")
		}
		return tx.Where("user_id = ?", userID).Delete(&session{}).Error
	})
}
