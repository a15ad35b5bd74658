package factcheck

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Stance is how a piece of evidence bears on a claim.
type Stance string

// Evidence stances.
const (
	StanceSupports Stance = "supports"
	StanceRefutes  Stance = "refutes"
	StanceContext  Stance = "context"
)

// Evidence is a source attached to a claim, in the editor's chosen order.
type Evidence struct {
	ID            int64      `json:"id"`
	ClaimID       int64      `json:"claim_id"`
	URL           string     `json:"url"`
	Title         string     `json:"title"`
	Publisher     string     `json:"publisher"`
	PublishedAt   *time.Time `json:"published_at"`
	Excerpt       string     `json:"excerpt"`
	Stance        Stance     `json:"stance"`
	ExcerptSHA256 string     `gorm:"column:excerpt_sha256" json:"excerpt_sha256"`
	Position      int        `json:"position"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// TableName keeps the table name singular-uncountable.
func (Evidence) TableName() string { return "evidence" }

// Normalize trims fields, drops control characters and refreshes ExcerptSHA256.
func (e *Evidence) Normalize() {
	e.URL = CleanLine(e.URL)
	e.Title = CleanLine(e.Title)
	e.Publisher = CleanLine(e.Publisher)
	e.Excerpt = strings.TrimSpace(CleanText(e.Excerpt))
	if e.Stance == "" {
		e.Stance = StanceContext
	}
	sum := sha256.Sum256([]byte(e.Excerpt))
	e.ExcerptSHA256 = hex.EncodeToString(sum[:])
}

// Validate returns an EINVALID error naming the first bad field.
func (e *Evidence) Validate() error {
	if e.URL == "" || !ValidHTTPURL(e.URL) {
		return FieldError("url", "Evidence needs an absolute http or https URL.")
	} else if len(e.URL) > 2000 {
		return FieldError("url", "URL must be at most 2000 characters.")
	} else if e.Title == "" {
		return FieldError("title", "Evidence needs a title.")
	} else if len(e.Title) > 500 || len(e.Publisher) > 300 {
		return FieldError("title", "Title and publisher must be at most 500 and 300 characters.")
	} else if len(e.Excerpt) > 5000 {
		return FieldError("excerpt", "Excerpt must be at most 5000 characters.")
	}
	switch e.Stance {
	case StanceSupports, StanceRefutes, StanceContext:
	default:
		return FieldError("stance", "Stance must be supports, refutes or context.")
	}
	return nil
}
