package store

import (
	"context"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"claimdesk/internal/factcheck"
)

// DefaultPasswordCost is the bcrypt work factor for password hashes.
const DefaultPasswordCost = 11

// unknownUserHash returns the hash a login for an unknown email is checked
// against, at the store's cost.
func (s *Store) unknownUserHash() []byte {
	s.dummyOnce.Do(func() {
		s.dummyHash, _ = bcrypt.GenerateFromPassword([]byte("claimdesk-no-such-user"), s.passwordCost)
	})
	return s.dummyHash
}

// CreateUser validates u, hashes password with bcrypt and stores the user.
// It returns EINVALID for bad fields or a weak password and ECONFLICT when
// the email is taken.
func (s *Store) CreateUser(ctx context.Context, u *factcheck.User, password string) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	} else if err := factcheck.ValidatePassword(password, u.Email, u.Name); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.passwordCost)
	if err != nil {
		return err
	}
	u.PasswordHash = string(hash)
	u.DeactivatedAt = nil
	// deactivated_at is left to its default so that databases migrated
	// only part way (upgrade tests) can still take users.
	return wrap(s.w.WithContext(ctx).Omit("DeactivatedAt").Create(u).Error, "A user with this email")
}

// CreateSSOUser stores u with no password, for a desk where single
// sign-on replaces passwords: the user signs in through the provider with
// this email (SSOUser links the identity then). It returns EINVALID for
// bad fields and ECONFLICT when the email is taken.
func (s *Store) CreateSSOUser(ctx context.Context, u *factcheck.User) error {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return err
	}
	u.PasswordHash = ""
	u.DeactivatedAt = nil
	return wrap(s.w.WithContext(ctx).Omit("DeactivatedAt").Create(u).Error, "A user with this email")
}

// DefaultAdminEmail is the first admin's email when none is configured.
const DefaultAdminEmail = "admin@claimdesk.example"

// BootstrapAdmin creates the first admin (name "Admin") of a database that
// has no users yet, and reports whether it did. When the database already
// has users, or another node created them while this one waited, it
// returns false and no error: several nodes may start together on an empty
// database, and exactly one of them creates the admin. The count and the
// insert run in one transaction under the write lock: on PostgreSQL the
// schema advisory lock (pg_advisory_xact_lock, the lock migrations take),
// on SQLite the IMMEDIATE transaction's lock on the database file. An
// empty email means DefaultAdminEmail. It returns EINVALID for a bad email
// or a weak password.
func (s *Store) BootstrapAdmin(ctx context.Context, email, password string) (bool, error) {
	if n, err := s.CountUsers(ctx); err != nil || n > 0 {
		return false, err // the usual start: no need to hash a password
	}
	if email == "" {
		email = DefaultAdminEmail
	}
	u := &factcheck.User{Email: email, Name: "Admin", Role: factcheck.RoleAdmin}
	u.Normalize()
	if err := u.Validate(); err != nil {
		return false, err
	} else if err := factcheck.ValidatePassword(password, u.Email); err != nil {
		return false, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.passwordCost) // before the lock: it takes ~0.1 s
	if err != nil {
		return false, err
	}
	u.PasswordHash = string(hash)
	created := false
	err = s.w.WithContext(ctx).Transaction(func(tx *gormDB) error {
		if s.dialect == Postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", schemaLockKey).Error; err != nil {
				return err
			}
		}
		var n int64
		if err := tx.Model(&factcheck.User{}).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		if err := tx.Omit("DeactivatedAt").Create(u).Error; err != nil {
			return wrap(err, "A user with this email")
		}
		created = true
		return nil
	})
	return created, err
}

// SetPassword replaces a user's password and ends all of their sessions.
// It returns ENOTFOUND for an unknown user and EINVALID (field "password")
// for a password factcheck.ValidatePassword refuses.
func (s *Store) SetPassword(ctx context.Context, userID int64, password string) error {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return err
	} else if err := factcheck.ValidatePassword(password, u.Email, u.Name); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.passwordCost)
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

// Authenticate returns the active user whose email and password match, or
// EUNAUTHORIZED with the same message whichever of the two was wrong (and
// a message of its own for a deactivated account with the right password).
func (s *Store) Authenticate(ctx context.Context, email, password string) (*factcheck.User, error) {
	u, err := s.UserByEmail(ctx, email)
	hash := s.unknownUserHash()
	if err == nil {
		hash = []byte(u.PasswordHash)
	} else if factcheck.ErrorCode(err) != factcheck.ENOTFOUND {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil {
		return nil, factcheck.Errorf(factcheck.EUNAUTHORIZED, "Email or password is wrong.")
	} else if !u.Active() {
		return nil, factcheck.Errorf(factcheck.EUNAUTHORIZED, "This account has been deactivated. Ask an admin to reactivate it.")
	}
	return u, nil
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

// SetActive deactivates (active false) or reactivates a user. Deactivation
// stamps deactivated_at, deletes every session of the user and revokes
// every API token in the same transaction, so nothing the user holds works
// from the next request on (tokens stay revoked after a reactivation). It
// returns ENOTFOUND for an unknown user and EINVALID when it would leave no
// active admin. Changing nothing (already in that state) is not an error.
func (s *Store) SetActive(ctx context.Context, userID int64, active bool) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gormDB) error {
		var u factcheck.User
		if err := tx.First(&u, userID).Error; err != nil {
			return wrap(err, "User")
		}
		if active {
			return tx.Model(&factcheck.User{}).Where("id = ?", userID).Updates(map[string]any{"deactivated_at": nil, "updated_at": s.now()}).Error
		}
		if u.Role == factcheck.RoleAdmin && u.Active() {
			var admins int64
			if err := tx.Model(&factcheck.User{}).Where("role = ? AND deactivated_at IS NULL AND id <> ?", factcheck.RoleAdmin, userID).Count(&admins).Error; err != nil {
				return err
			} else if admins == 0 {
				return factcheck.FieldError("active", "%s is the only active admin; make someone else admin first.", u.Email)
			}
		}
		now := s.now()
		if u.Active() {
			if err := tx.Model(&factcheck.User{}).Where("id = ?", userID).Updates(map[string]any{"deactivated_at": now, "updated_at": now}).Error; err != nil {
				return err
			}
		}
		if err := tx.Where("user_id = ?", userID).Delete(&session{}).Error; err != nil {
			return err
		}
		return tx.Model(&apiToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error
	})
}

// ChangePassword sets a user's own password after checking the current
// one, and ends every other session of theirs (keepToken is the session
// making the change; it stays). It returns EINVALID on the field
// "current_password" when the current password is wrong (or the user
// signs in only with single sign-on and has none), and on "password" when
// the new one is refused by factcheck.ValidatePassword.
func (s *Store) ChangePassword(ctx context.Context, userID int64, current, password, keepToken string) error {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if u.PasswordHash == "" || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(current)) != nil {
		return factcheck.FieldError("current_password", "Your current password is not right.")
	} else if err := factcheck.ValidatePassword(password, u.Email, u.Name); err != nil {
		return err
	} else if password == current {
		return factcheck.FieldError("password", "The new password is the one you have now.")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.passwordCost)
	if err != nil {
		return err
	}
	return s.w.WithContext(ctx).Transaction(func(tx *gormDB) error {
		if err := tx.Model(&factcheck.User{}).Where("id = ?", userID).Updates(map[string]any{"password_hash": string(hash), "updated_at": s.now()}).Error; err != nil {
			return err
		}
		return tx.Where("user_id = ? AND token_hash <> ?", userID, hashToken(keepToken)).Delete(&session{}).Error
	})
}

// userIdentity links a user to an account at an OpenID Connect provider.
type userIdentity struct {
	ID          int64
	UserID      int64
	Issuer      string
	Subject     string
	Email       string
	CreatedAt   time.Time
	LastLoginAt *time.Time
}

func (userIdentity) TableName() string { return "user_identities" }

// SSOLogin is what an OpenID Connect provider vouched for.
type SSOLogin struct {
	Issuer, Subject string
	// Email is verified by the provider; Name may be empty.
	Email, Name string
	// Role is given to a user created by this login.
	Role factcheck.Role
}

// SSOUser returns the user for a single sign-on login, and whether it was
// created now. The user linked to (issuer, subject) comes first; else the
// user with the verified email, which is then linked; else a new user
// with l.Role and no password (they sign in only through the provider
// until someone sets one). A deactivated user gets EUNAUTHORIZED.
func (s *Store) SSOUser(ctx context.Context, l SSOLogin) (*factcheck.User, bool, error) {
	var u factcheck.User
	created := false
	now := s.now()
	err := s.w.WithContext(ctx).Transaction(func(tx *gormDB) error {
		u, created = factcheck.User{}, false
		var id userIdentity
		if err := tx.Where("issuer = ? AND subject = ?", l.Issuer, l.Subject).Limit(1).Find(&id).Error; err != nil {
			return err
		}
		if id.ID != 0 {
			if err := tx.First(&u, id.UserID).Error; err != nil {
				return wrap(err, "User")
			}
			return tx.Model(&userIdentity{}).Where("id = ?", id.ID).Updates(map[string]any{"last_login_at": now, "email": l.Email}).Error
		}
		if err := tx.Where("email = ?", normEmail(l.Email)).Limit(1).Find(&u).Error; err != nil {
			return err
		}
		if u.ID == 0 {
			name := l.Name
			if name == "" {
				name, _, _ = strings.Cut(l.Email, "@")
			}
			u = factcheck.User{Email: l.Email, Name: name, Role: l.Role, CreatedAt: now, UpdatedAt: now}
			u.Normalize()
			if err := u.Validate(); err != nil {
				return err
			}
			if err := tx.Omit("DeactivatedAt").Create(&u).Error; err != nil {
				return wrap(err, "A user with this email")
			}
			created = true
		}
		return tx.Create(&userIdentity{UserID: u.ID, Issuer: l.Issuer, Subject: l.Subject, Email: l.Email, CreatedAt: now, LastLoginAt: &now}).Error
	})
	if err != nil {
		return nil, false, err
	} else if !u.Active() {
		return nil, false, factcheck.Errorf(factcheck.EUNAUTHORIZED, "This account has been deactivated. Ask an admin to reactivate it.")
	}
	return &u, created, nil
}
