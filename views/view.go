// Package views holds claimdesk's templ components: one layout, one
// component per page and the partials htmx swaps. Components take
// ready-to-render view structs built by the web package.
package views

import (
	"claimdesk/internal/factcheck"
)

// Page is the data every full page shares. The fields from Canonical on
// are what the page's head tells search engines, feed readers and social
// sites; the web package fills them for every public page.
type Page struct {
	Title       string
	Description string
	Newsroom    string
	User        *factcheck.User
	CSRF        string
	Path        string
	BaseURL     string
	// Canonical is the page's one URL; public pages have one, and only
	// they get Open Graph and Twitter tags.
	Canonical string
	// Image is the absolute URL of the 1200×630 image social sites show
	// (a claim's card, or the site image) and ImageAlt its text.
	Image    string
	ImageAlt string
	// Article marks a page about one piece of work (a claim or an
	// article), og:type article; other pages are websites.
	Article bool
	// NoIndex asks search engines not to index the page: search results,
	// filtered listings, logging in, the desk.
	NoIndex   bool
	OEmbedURL string
	JSONLD    string
	FeedURL   string
}

// FullTitle is the page's <title>: its title and the newsroom, or the
// newsroom's front-page title.
func (p Page) FullTitle() string {
	if p.Title != "" {
		return p.Title + " · " + p.Newsroom
	}
	return p.Newsroom + " — fact checks"
}

// SocialTitle is the title social sites show: the page's title, or the
// newsroom's on the front page.
func (p Page) SocialTitle() string {
	if p.Title != "" {
		return p.Title
	}
	return p.Newsroom + " — fact checks"
}

// SocialDescription is the description social sites show, never empty.
func (p Page) SocialDescription() string {
	if p.Description != "" {
		return p.Description
	}
	return "Fact checks from " + p.Newsroom + ": claims, verdicts and the sources behind them."
}

// SocialType is the page's og:type.
func (p Page) SocialType() string {
	if p.Article {
		return "article"
	}
	return "website"
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
