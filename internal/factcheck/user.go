package factcheck

import (
	"net/mail"
	"strings"
	"time"
)

// Role is what a user may do on the desk.
type Role string

// Roles, from least to most powerful.
const (
	RoleEditor   Role = "editor"
	RoleReviewer Role = "reviewer"
	RoleAdmin    Role = "admin"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	return r == RoleEditor || r == RoleReviewer || r == RoleAdmin
}

// User is a member of the newsroom with access to the desk.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	PasswordHash string `json:"-"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// DeactivatedAt is set while an admin has switched the account off: it
	// cannot log in, and its sessions and API tokens no longer work.
	DeactivatedAt *time.Time
}

// Active reports whether u may use the desk (is not deactivated).
func (u *User) Active() bool { return u != nil && u.DeactivatedAt == nil }

// CanReview reports whether u may publish, correct and retract claims.
func (u *User) CanReview() bool {
	return u != nil && (u.Role == RoleReviewer || u.Role == RoleAdmin)
}

// IsAdmin reports whether u manages users, tokens and the rating scale.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

// Normalize trims the user's fields and lowercases the email.
func (u *User) Normalize() {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	u.Name = strings.TrimSpace(u.Name)
}

// Validate returns an EINVALID error naming the first bad field.
func (u *User) Validate() error {
	if u.Email == "" {
		return FieldError("email", "Email is required.")
	} else if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		return FieldError("email", "Email %q is not a valid address.", u.Email)
	} else if u.Name == "" {
		return FieldError("name", "Name is required.")
	} else if !u.Role.Valid() {
		return FieldError("role", "Role must be admin, reviewer or editor.")
	}
	return nil
}

// MinPasswordLength is the shortest password the desk accepts.
const MinPasswordLength = 10

// ValidatePassword returns an EINVALID error for a password too weak to use.
func ValidatePassword(pw string) error {
	if len(pw) < MinPasswordLength {
		return FieldError("password", "Password must be at least %d characters.", MinPasswordLength)
	} else if len(pw) > 72 {
		return FieldError("password", "Password must be at most 72 bytes.")
	}
	return nil
}
