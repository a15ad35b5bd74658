// Package views holds claimdesk's templ components: one layout, one
// component per page and the partials htmx swaps. Components take
// ready-to-render view structs built by the web package.
package views

import (
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
	ID  int64
	URL string
	// Headline is what the card leads with: the claim's statement, or its
	// quote (Quoted) while it has no statement.
	Headline string
	Quoted   bool
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

// Option is one choice in a filter or select.
type Option struct {
	Value, Label string
	Selected     bool
}
