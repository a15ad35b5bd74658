package factcheck

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Comment is one message in a claim's thread between its author and its
// reviewers. Comments are internal to the desk and never published; they
// do not change the claim or its version.
type Comment struct {
	ID        int64     `json:"id"`
	ClaimID   int64     `json:"claim_id"`
	AuthorID  *int64    `json:"-"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`

	Author *User `json:"-"`
}

// TableName names the comments table after what the comments are on.
func (Comment) TableName() string { return "claim_comments" }

// MaxComment is the longest comment accepted, in bytes.
const MaxComment = 5000

// Normalize trims the comment and drops control characters from it.
func (c *Comment) Normalize() { c.Body = strings.TrimSpace(CleanText(c.Body)) }

// Validate returns EINVALID on the field "body" for an empty or overlong
// comment.
func (c *Comment) Validate() error {
	if c.Body == "" {
		return FieldError("body", "Write a comment first.")
	} else if len(c.Body) > MaxComment || !utf8.ValidString(c.Body) {
		return FieldError("body", "A comment must be text of at most %d characters.", MaxComment)
	}
	return nil
}
