package factcheck

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Report is an error a reader reported on a published claim. It waits in
// the desk's corrections queue until a reviewer or admin resolves it.
type Report struct {
	ID           int64      `json:"id"`
	ClaimID      int64      `json:"claim_id"`
	Message      string     `json:"message"`
	Email        string     `json:"email,omitempty"`
	ReporterHash string     `json:"-"`
	CreatedAt    time.Time  `json:"created_at"`
	ResolvedAt   *time.Time `json:"resolved_at,omitempty"`
	ResolvedByID *int64     `json:"-"`

	Claim      *Claim `json:"-"`
	ResolvedBy *User  `json:"-"`
}

// MaxReportMessage is the longest report message accepted, in bytes.
const MaxReportMessage = 4000

// Normalize trims the report's fields and drops control characters.
func (r *Report) Normalize() {
	r.Message = strings.TrimSpace(CleanText(r.Message))
	r.Email = CleanLine(r.Email)
}

// Validate returns an EINVALID error naming the first bad field: the
// message is required, and the optional email must be an address.
func (r *Report) Validate() error {
	if utf8.RuneCountInString(r.Message) < 10 {
		return FieldError("message", "Tell us what is wrong, in at least 10 characters.")
	} else if len(r.Message) > MaxReportMessage || !utf8.ValidString(r.Message) {
		return FieldError("message", "The message must be text of at most %d characters.", MaxReportMessage)
	} else if r.Email != "" {
		if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email || len(r.Email) > 300 {
			return FieldError("email", "That email address does not look right; leave it empty if you prefer.")
		}
	}
	return nil
}

// Resolve marks the report handled. Only reviewers and admins may resolve;
// resolving twice is ECONFLICT.
func (r *Report) Resolve(by *User, now time.Time) error {
	if !by.CanReview() {
		return Errorf(EFORBIDDEN, "Only reviewers and admins can resolve reports.")
	} else if r.ResolvedAt != nil {
		return Errorf(ECONFLICT, "This report is already resolved.")
	}
	t := now.UTC()
	r.ResolvedAt = &t
	r.ResolvedByID = &by.ID
	return nil
}
