// Package views holds claimdesk's templ components: one layout, one
// component per page and the partials htmx swaps. Components take
// ready-to-render view structs built by the web package.
package views

import (
	"strings"

	"claimdesk/internal/factcheck"
)

// Page is the data every full page shares.
type Page struct {
	Title       string
	Description string
	Newsroom    string
	User        *factcheck.User
	CSRF        string
	Path        string
	BaseURL     string
	Canonical   string
	Image       string
	OEmbedURL   string
	JSONLD      string
	FeedURL     string
}

// Badge is a rating as shown on cards.
type Badge struct {
	Key, Label, Color string
}

// Card is a published claim in a list.
type Card struct {
	ID       int64
	URL      string
	Quote    string
	Claimant string
	Summary  string
	Date     string
	DateISO  string
	Badge    Badge
	Status   string
	Note     string
	Tags     []string
	Snippet  []Part
}

// Part is a piece of highlighted text: Mark parts are search hits.
type Part struct {
	Text string
	Mark bool
}

// SplitMarks turns a snippet with \x02…\x03 hit markers into parts.
func SplitMarks(s string) []Part {
	var parts []Part
	for s != "" {
		i := strings.IndexByte(s, '\x02')
		if i < 0 {
			parts = append(parts, Part{Text: s})
			break
		}
		if i > 0 {
			parts = append(parts, Part{Text: s[:i]})
		}
		s = s[i+1:]
		j := strings.IndexByte(s, '\x03')
		if j < 0 {
			j = len(s)
		}
		parts = append(parts, Part{Text: s[:j], Mark: true})
		s = s[min(j+1, len(s)):]
	}
	return parts
}

// Option is one choice in a filter or select.
type Option struct {
	Value, Label string
	Selected     bool
}

// HomeView is the reader's front page.
type HomeView struct {
	Page
	Query    string
	Ratings  []Option
	Tag      string
	Cards    []Card
	Total    int64
	From, To int
	PrevURL  string
	NextURL  string
}

// EvidenceItem is one source on a claim page.
type EvidenceItem struct {
	URL, Title, Publisher, Date, Excerpt, Stance string
}

// RevisionItem is one public entry of a claim's history.
type RevisionItem struct {
	Version      int
	Date         string
	Note         string
	IsCorrection bool
}

// ClaimView is a claim card page.
type ClaimView struct {
	Page
	Card
	RatingMeaning string
	Rationale     string // sanitized HTML
	Evidence      []EvidenceItem
	ArticleTitle  string
	ArticleURL    string
	ArticleOutlet string
	SourceURL     string
	ClaimDate     string
	Author        string
	Reviewer      string
	Published     string
	Updated       string
	History       []RevisionItem
	EmbedSnippet  string
}

// LoginView is the login form.
type LoginView struct {
	Page
	Email, Next, Error string
}

// ErrorView is an error page.
type ErrorView struct {
	Page
	Status  int
	Message string
}

// DeskHomeView is the desk's start page.
type DeskHomeView struct {
	Page
	Counts    []Count
	Drafts    []Card
	InReview  []Card
	Published []Card
}

// Count is a labelled number on the desk home.
type Count struct {
	Label string
	N     int64
	URL   string
}
