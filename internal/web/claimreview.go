package web

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
)

// schema.org shapes of a ClaimReview, as search engines and fact-check
// aggregators read them. Field order follows the schema.org examples.
type (
	ldClaimReview struct {
		Context       string       `json:"@context,omitempty"`
		Type          string       `json:"@type"`
		URL           string       `json:"url"`
		ClaimReviewed string       `json:"claimReviewed"`
		ReviewRating  ldRating     `json:"reviewRating"`
		ItemReviewed  ldClaim      `json:"itemReviewed"`
		Author        ldAgent      `json:"author"`
		DatePublished string       `json:"datePublished,omitempty"`
		DateModified  string       `json:"dateModified,omitempty"`
		Description   string       `json:"description,omitempty"`
		Citation      []ldCreative `json:"citation,omitempty"`
		Keywords      string       `json:"keywords,omitempty"`
	}
	// ldRating is a verdict: its label as name and alternateName, and its
	// number on the 1–5 scale (factcheck.Rating.PublishedValue maps the
	// ratings off the scale).
	ldRating struct {
		Type          string `json:"@type"`
		Name          string `json:"name"`
		AlternateName string `json:"alternateName"`
		RatingValue   int    `json:"ratingValue"`
		BestRating    int    `json:"bestRating"`
		WorstRating   int    `json:"worstRating"`
	}
	ldClaim struct {
		Type            string       `json:"@type"`
		Author          ldAgent      `json:"author"`
		DatePublished   string       `json:"datePublished,omitempty"`
		Appearance      []ldCreative `json:"appearance,omitempty"`
		FirstAppearance *ldCreative  `json:"firstAppearance,omitempty"`
	}
	ldAgent struct {
		Type string `json:"@type"`
		Name string `json:"name"`
		URL  string `json:"url,omitempty"`
	}
	ldCreative struct {
		Type          string   `json:"@type"`
		URL           string   `json:"url"`
		Name          string   `json:"name,omitempty"`
		Publisher     *ldAgent `json:"publisher,omitempty"`
		DatePublished string   `json:"datePublished,omitempty"`
	}
)

// claimReview builds the schema.org ClaimReview of a public claim, with its
// rating, article and evidence loaded. It is the one builder behind the
// claim page's JSON-LD and the /api/v1/claimreview DataFeed. Every rating
// carries its label and a number (see factcheck.Rating.PublishedValue).
func (s *Server) claimReview(c *factcheck.Claim) ldClaimReview {
	r := ldClaimReview{
		Type:          "ClaimReview",
		URL:           s.cfg.BaseURL + claimPath(c),
		ClaimReviewed: c.Headline(),
		ReviewRating:  reviewRating(c),
		ItemReviewed: ldClaim{Type: "Claim", Author: ldAgent{Type: claimantType(c.Claimant), Name: c.Claimant},
			DatePublished: ldDay(c.ClaimDate)},
		Author:        ldAgent{Type: "Organization", Name: s.cfg.Newsroom, URL: s.cfg.BaseURL + "/"},
		DatePublished: ldTime(c.PublishedAt),
		DateModified:  ldTime(c.PublishedAt),
		Description:   c.Summary,
		Keywords:      strings.Join(c.Tags, ", "),
	}
	if c.CorrectedAt != nil {
		r.DateModified = ldTime(c.CorrectedAt)
	}
	if p := c.Imported; p.Imported() {
		// Another fact-checker's review, published under its name and
		// address, never the desk's.
		r.URL, r.Author = p.URL, ldAgent{Type: "Organization", Name: p.Publisher, URL: p.PublisherURL}
		r.ReviewRating.Name, r.ReviewRating.AlternateName = p.Rating, p.Rating
		if p.ModifiedAt != nil && c.CorrectedAt == nil {
			r.DateModified = ldTime(p.ModifiedAt)
		}
	}
	r.ItemReviewed.Appearance, r.ItemReviewed.FirstAppearance = s.ldAppearances(c)
	for _, e := range c.Evidence {
		cite := ldCreative{Type: "CreativeWork", URL: e.URL, Name: e.Title, DatePublished: ldDay(e.PublishedAt)}
		if e.Publisher != "" {
			cite.Publisher = &ldAgent{Type: "Organization", Name: e.Publisher}
		}
		r.Citation = append(r.Citation, cite)
	}
	return r
}

// ldAppearances lists every place c appeared, in the order they were
// recorded, and the earliest of them to appear (by date, then order) as
// the first. A page is named by its own address; an article pasted
// without one by its public page on the desk (/articles/:id), which is
// public whenever c is, since c is a public claim in it. Only an
// appearance with neither (one of a claim that is not public, in an
// article without a URL) is left out. A claim whose appearances are not
// loaded falls back to its article.
func (s *Server) ldAppearances(c *factcheck.Claim) ([]ldCreative, *ldCreative) {
	aps := c.Appearances
	if len(aps) == 0 && c.Article != nil {
		aps = []factcheck.Appearance{{ArticleID: &c.Article.ID, Article: c.Article}}
	}
	var works []ldCreative
	var first *factcheck.Appearance
	firstWork := -1
	for i := range aps {
		a := &aps[i]
		work := ldCreative{Type: "CreativeWork", URL: a.Link()}
		if ar := a.Article; ar != nil {
			if work.URL == "" && c.Status.Public() {
				work.URL = s.cfg.BaseURL + "/articles/" + strconv.FormatInt(ar.ID, 10)
			}
			work.Name, work.DatePublished = ar.Title, ldDay(ar.PublishedAt)
			if work.DatePublished == "" {
				work.DatePublished = ldDay(&a.AppearedAt)
			}
			if ar.Outlet != "" {
				work.Publisher = &ldAgent{Type: "Organization", Name: ar.Outlet}
			}
		} else {
			work.Name, work.DatePublished = a.Title, ldDay(&a.AppearedAt)
			if a.Publisher != "" {
				work.Publisher = &ldAgent{Type: "Organization", Name: a.Publisher}
			}
		}
		if work.URL == "" {
			continue
		}
		works = append(works, work)
		if first == nil || a.AppearedAt.Before(first.AppearedAt) {
			first, firstWork = a, len(works)-1
		}
	}
	if firstWork < 0 {
		return nil, nil
	}
	fw := works[firstWork]
	return works, &fw
}

// reviewRating is the schema.org Rating of a claim's verdict. A claim whose
// rating is gone from the scale is published by its key, at the midpoint.
func reviewRating(c *factcheck.Claim) ldRating {
	r := c.Rating
	if r == nil {
		r = &factcheck.Rating{Key: c.RatingKey, Label: c.RatingKey}
	}
	return ldRating{Type: "Rating", Name: r.Label, AlternateName: r.Label, RatingValue: r.PublishedValue(),
		BestRating: factcheck.BestRatingValue, WorstRating: factcheck.WorstRatingValue}
}

// claimReviewJSONLD returns the claim's ClaimReview as a JSON-LD document
// safe to inline in a <script> element: json.Marshal escapes <, > and & as
// \u003c, \u003e and \u0026, so "</script>" in a quote cannot end the element.
// An imported claim has none: its review is marked up on its publisher's
// page, and marking it up here would claim it as the desk's.
func (s *Server) claimReviewJSONLD(c *factcheck.Claim) string {
	if c.Imported.Imported() {
		return ""
	}
	r := s.claimReview(c)
	r.Context = "https://schema.org"
	b, _ := json.Marshal(r) // strings, numbers and slices of them: it cannot fail
	return string(b)
}

// organisationWords mark a claimant as an organisation rather than a person
// in ClaimReview: schema.org wants the author's type and the desk only
// records a name.
var organisationWords = []string{
	"administration", "agency", "association", "bank", "board", "bureau", "campaign", "center", "centre",
	"coalition", "commission", "committee", "company", "congress", "convention", "corp", "council",
	"court", "department", "foundation", "government", "group", "house", "inc", "institute", "kremlin",
	"league", "ltd", "ministry", "nato", "office", "officials", "organization", "organisation", "party",
	"pentagon", "police", "senate", "service", "union", "university", "watch", "news", "times", "post",
}

// claimantType guesses whether a claimant is a Person or an Organization.
func claimantType(name string) string {
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		for _, o := range organisationWords {
			if w == o {
				return "Organization"
			}
		}
	}
	if name != "" && name == strings.ToUpper(name) && len(name) <= 8 { // acronyms: WHO, NATO, UNHCR
		return "Organization"
	}
	return "Person"
}

func ldTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func ldDay(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// ldDataFeed is a schema.org DataFeed of ClaimReviews.
type ldDataFeed struct {
	Context         string       `json:"@context"`
	Type            string       `json:"@type"`
	Name            string       `json:"name"`
	URL             string       `json:"url"`
	DateModified    string       `json:"dateModified,omitempty"`
	DataFeedElement []ldFeedItem `json:"dataFeedElement"`
}

type ldFeedItem struct {
	Type         string          `json:"@type"`
	DateCreated  string          `json:"dateCreated,omitempty"`
	DateModified string          `json:"dateModified,omitempty"`
	Item         []ldClaimReview `json:"item"`
}

// apiClaimReviewFeed serves every public claim's ClaimReview as one
// schema.org DataFeed, built by the same claimReview as the claim pages.
// Imported claims are in it under their publisher's name and address.
func (s *Server) apiClaimReviewFeed(c echo.Context) error {
	feed, err := s.claimReviewFeed(c.Request().Context())
	if err != nil {
		return err
	}
	b, err := json.Marshal(feed)
	if err != nil {
		return err
	}
	if err := s.setLastModified(c); err != nil {
		return err
	}
	return sendBytes(c, "application/ld+json; charset=UTF-8", b, cachePublic)
}

// claimReviewFeed builds the DataFeed of every public claim, paging
// through the store.
func (s *Server) claimReviewFeed(ctx context.Context) (*ldDataFeed, error) {
	feed := &ldDataFeed{Context: "https://schema.org", Type: "DataFeed", Name: s.cfg.Newsroom + " fact checks",
		URL: s.cfg.BaseURL + "/api/v1/claimreview", DataFeedElement: []ldFeedItem{}}
	var after int64
	for {
		claims, err := s.store.PublicClaimsAfter(ctx, after, exportPage)
		if err != nil {
			return nil, err
		}
		for i := range claims {
			r := s.claimReview(&claims[i])
			feed.DataFeedElement = append(feed.DataFeedElement, ldFeedItem{Type: "DataFeedItem",
				DateCreated: r.DatePublished, DateModified: r.DateModified, Item: []ldClaimReview{r}})
			if r.DateModified > feed.DateModified {
				feed.DateModified = r.DateModified
			}
		}
		if len(claims) < exportPage {
			return feed, nil
		}
		after = claims[len(claims)-1].ID
	}
}

// ExportClaimReview writes the ClaimReview DataFeed of every public claim
// of st to w, exactly as /api/v1/claimreview serves it under cfg's base
// URL and newsroom (claimdesk export claimreview).
func ExportClaimReview(ctx context.Context, st *store.Store, cfg Config, w io.Writer) error {
	s := exportServer(st, cfg)
	feed, err := s.claimReviewFeed(ctx)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(feed)
}

// exportServer is the part of a server the exports need: the store and
// the configuration, without listening or caching anything.
func exportServer(st *store.Store, cfg Config) *Server {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Newsroom == "" {
		cfg.Newsroom = "claimdesk"
	}
	return &Server{store: st, cfg: cfg}
}
