package factcheck

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"
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

// Normalize trims the user's fields, drops control characters and
// lowercases the email.
func (u *User) Normalize() {
	u.Email = strings.ToLower(CleanLine(u.Email))
	u.Name = CleanLine(u.Name)
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

// Password rules (OWASP ASVS 2.1): at least MinPasswordLength characters,
// at most 72 bytes (bcrypt reads no further), and a zxcvbn strength score
// of at least MinPasswordScore (0–4; 3 means about 10^8 guesses or more,
// "safely unguessable" against a slow hash).
const (
	MinPasswordLength = 12
	MaxPasswordBytes  = 72
	MinPasswordScore  = 3
)

// ValidatePassword returns an EINVALID error on the field "password" for a
// password too short, too long or too easy to guess, with the reason in
// words a person can act on. userInputs are words the password must not
// lean on: the user's email and name. Every path that sets a password
// (the first admin, user add on the desk or the command line, a reset, a
// change of one's own) goes through it.
func ValidatePassword(pw string, userInputs ...string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return FieldError("password", "Password must be at least %d characters.", MinPasswordLength)
	case len(pw) > MaxPasswordBytes:
		return FieldError("password", "Password must be at most %d bytes.", MaxPasswordBytes)
	case !utf8.ValidString(pw):
		return FieldError("password", "Password must be valid text.")
	}
	var inputs []string
	for _, in := range userInputs {
		in = strings.ToLower(strings.TrimSpace(in))
		if in == "" {
			continue
		}
		inputs = append(inputs, in)
		local, domain, _ := strings.Cut(in, "@")
		inputs = append(inputs, strings.FieldsFunc(local+" "+domain, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })...)
	}
	r := zxcvbn.PasswordStrength(pw, inputs)
	if r.Score >= MinPasswordScore {
		return nil
	}
	return FieldError("password", "This password is too easy to guess: %s Use four or more uncommon words, or a password manager's random password.", passwordWeakness(r.Sequence))
}

// passwordWeakness names what makes a password guessable, from the longest
// pattern zxcvbn found in it.
func passwordWeakness(seq []*match.Match) string {
	var m *match.Match
	for _, x := range seq {
		if x.Pattern != "bruteforce" && (m == nil || len(x.Token) > len(m.Token)) {
			m = x
		}
	}
	if m == nil {
		return "it is short for random characters."
	}
	switch m.Pattern {
	case "dictionary":
		switch m.DictionaryName {
		case "passwords":
			if m.Rank <= 1000 && !m.L33t && !m.Reversed {
				return "it is one of the most common passwords."
			}
			return "it is close to a commonly used password."
		case "user_inputs":
			return "it is built on your name or email address."
		case "female_names", "male_names", "surnames":
			return "names and surnames are easy to guess."
		}
		if m.L33t || m.Reversed {
			return "common words stay easy to guess with swapped letters or reversed."
		}
		return "a few common words are easy to guess."
	case "spatial":
		return "keyboard patterns like qwerty are easy to guess."
	case "repeat":
		return "repeated characters or words like aaa are easy to guess."
	case "sequence":
		return "sequences like abc or 6543 are easy to guess."
	case "date", "regex":
		return "dates and years are easy to guess."
	}
	return "it follows a pattern that is easy to guess."
}
