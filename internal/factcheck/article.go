package factcheck

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxArticleBody is the largest article body the desk accepts, in bytes.
const MaxArticleBody = 1 << 20

// Article is a piece of journalism the desk checks claims in. Body is kept
// verbatim; claims point into it by byte offsets.
type Article struct {
	ID          int64      `json:"id"`
	Title       string     `json:"title"`
	URL         string     `json:"url"`
	Outlet      string     `json:"outlet"`
	Author      string     `json:"author"`
	PublishedAt *time.Time `json:"published_at"`
	Body        string     `json:"body"`
	BodySHA256  string     `gorm:"column:body_sha256" json:"body_sha256"`
	CreatedByID *int64     `json:"-"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Normalize trims metadata fields, drops control characters and refreshes
// BodySHA256. The body keeps its newlines and tabs and is not trimmed,
// because offsets point into it.
func (a *Article) Normalize() {
	a.Title = CleanLine(a.Title)
	a.URL = CleanLine(a.URL)
	a.Outlet = CleanLine(a.Outlet)
	a.Author = CleanLine(a.Author)
	a.Body = CleanText(a.Body)
	sum := sha256.Sum256([]byte(a.Body))
	a.BodySHA256 = hex.EncodeToString(sum[:])
}

// Validate returns an EINVALID error naming the first bad field.
func (a *Article) Validate() error {
	if a.Title == "" {
		return FieldError("title", "Title is required.")
	} else if len(a.Title) > 500 {
		return FieldError("title", "Title must be at most 500 characters.")
	} else if a.URL != "" && !ValidHTTPURL(a.URL) {
		return FieldError("url", "URL must be an absolute http or https address.")
	} else if strings.TrimSpace(a.Body) == "" {
		return FieldError("body", "Body is required.")
	} else if len(a.Body) > MaxArticleBody {
		return FieldError("body", "Body must be at most %d bytes.", MaxArticleBody)
	} else if !utf8.ValidString(a.Body) {
		return FieldError("body", "Body must be valid UTF-8 text.")
	}
	return nil
}

// ValidHTTPURL reports whether s is an absolute http(s) URL with a host.
func ValidHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
