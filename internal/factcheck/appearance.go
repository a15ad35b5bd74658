package factcheck

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Appearance is one place a claim was made: in an article the desk holds
// (ArticleID, with Anchor into its body) or on a page elsewhere (URL, with
// the words said there in Quote). Claimant is who made it there and
// AppearedAt when.
//
// A claim has one or more appearances. The first (Position 0) is where it
// was checked: the store keeps it equal to the claim's own ArticleID,
// Anchor, Quote and Claimant. Later ones record where an already-checked
// claim came back; they carry the claim's verdict to those places without
// a second check.
type Appearance struct {
	ID         int64     `json:"id"`
	ClaimID    int64     `json:"claim_id"`
	Position   int       `json:"position"`
	ArticleID  *int64    `json:"article_id"`
	URL        string    `json:"url"`
	Quote      string    `json:"quote"`
	Claimant   string    `json:"claimant"`
	AppearedAt time.Time `json:"appeared_at"`
	// Title and Publisher name the page of an appearance by URL when they
	// are known (an imported fact check says them); empty otherwise.
	Title     string `json:"title,omitempty"`
	Publisher string `json:"publisher,omitempty"`
	Anchor    Anchor `gorm:"embedded;embeddedPrefix:anchor_" json:"anchor"`
	// CreatedByID is who recorded it; CreatedAt when.
	CreatedByID *int64    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`

	// Article is loaded on demand by the store, without its body.
	Article *Article `json:"-"`
}

// First reports whether a is the claim's first appearance, the one it was
// checked in.
func (a *Appearance) First() bool { return a.Position == 0 }

// Place names where the claim appeared, for people: the article's outlet
// and title, or the page's host; "" when nothing is known.
func (a *Appearance) Place() string {
	if ar := a.Article; ar != nil {
		switch {
		case ar.Outlet != "" && ar.Title != "":
			return ar.Outlet + ", “" + ar.Title + "”"
		case ar.Title != "":
			return "“" + ar.Title + "”"
		}
		return ar.Outlet
	}
	switch {
	case a.Publisher != "" && a.Title != "":
		return a.Publisher + ", “" + a.Title + "”"
	case a.Title != "":
		return "“" + a.Title + "”"
	case a.Publisher != "":
		return a.Publisher
	}
	if u, err := url.Parse(a.URL); err == nil && u.Host != "" {
		return strings.TrimPrefix(u.Host, "www.")
	}
	return ""
}

// Link is the address of the page the claim appeared on: the article's
// URL or the appearance's own; "" when neither is known.
func (a *Appearance) Link() string {
	if a.Article != nil && a.Article.URL != "" {
		return a.Article.URL
	}
	return a.URL
}

// Normalize trims the appearance's text fields and drops control
// characters from them.
func (a *Appearance) Normalize() {
	a.URL = CleanLine(a.URL)
	a.Quote = strings.TrimSpace(CleanText(a.Quote))
	a.Claimant = CleanLine(a.Claimant)
	a.Title = CleanLine(a.Title)
	a.Publisher = CleanLine(a.Publisher)
}

// Validate checks an appearance being added to a claim and returns an
// EINVALID error naming the first bad field: it needs an article (and an
// anchor in it) or an http(s) URL with a quote, but not both.
func (a *Appearance) Validate() error {
	switch {
	case a.ArticleID == nil && a.URL == "":
		return FieldError("url", "Say where the claim appeared: a sentence of an article on the desk, or the page's address with a quote.")
	case a.ArticleID != nil && a.URL != "":
		return FieldError("url", "An appearance in an article takes the article's address; send either article_id or url.")
	case a.ArticleID != nil && a.Anchor.Exact == "":
		return FieldError("start", "Select the sentence of the article where the claim appears.")
	case a.URL != "" && !ValidHTTPURL(a.URL):
		return FieldError("url", "URL must be an absolute http or https address.")
	case len(a.URL) > 2000:
		return FieldError("url", "URL must be at most 2,000 characters.")
	case a.URL != "" && a.Quote == "":
		return FieldError("quote", "Quote what was said on that page.")
	case len(a.Quote) > MaxQuote || !utf8.ValidString(a.Quote):
		return FieldError("quote", "Quote must be valid text of at most %d bytes.", MaxQuote)
	case len(a.Claimant) > 300:
		return FieldError("claimant", "Claimant must be at most 300 characters.")
	case len(a.Title) > 300 || len(a.Publisher) > 300:
		return FieldError("url", "The page's title and publisher must be at most 300 characters each.")
	}
	return nil
}

// AddAppearance records that c was made again, at ap: who may, whether c
// can take it, and where it goes in c.Appearances (which must hold every
// appearance c has). Any desk user may add one, to a claim in any state
// but retracted: a reappearance needs no new check, and a withdrawn
// verdict must not be carried to new places (ECONFLICT). The same article
// or URL twice is ECONFLICT too. ap gets its claim, position, recorder,
// the time it was recorded (now) and, when it has none, an appearance
// time (now) and the claim's claimant.
func (c *Claim) AddAppearance(ap *Appearance, by *User, now time.Time) error {
	if by == nil {
		return Errorf(EUNAUTHORIZED, "Log in to record where a claim appeared.")
	} else if c.Status == StatusRetracted {
		return Errorf(ECONFLICT, "This fact check was retracted, so its verdict cannot be carried to new places; check the claim again as a new one.")
	}
	ap.Normalize()
	if ap.ArticleID != nil && ap.Quote == "" {
		ap.Quote = ap.Anchor.Exact
	}
	if err := ap.Validate(); err != nil {
		return err
	}
	next := 0
	for _, o := range c.Appearances {
		switch {
		case ap.ArticleID != nil && o.ArticleID != nil && *o.ArticleID == *ap.ArticleID:
			return &Error{Code: ECONFLICT, Field: "article_id", Message: "This claim is already recorded in that article."}
		case ap.URL != "" && o.URL == ap.URL:
			return &Error{Code: ECONFLICT, Field: "url", Message: "This claim is already recorded at that address."}
		}
		next = max(next, o.Position+1)
	}
	t := now.UTC()
	ap.ID, ap.ClaimID, ap.Position, ap.CreatedByID, ap.CreatedAt = 0, c.ID, next, &by.ID, t
	if ap.AppearedAt.IsZero() {
		ap.AppearedAt = t
	}
	if ap.Claimant == "" {
		ap.Claimant = c.Claimant
	}
	return nil
}

// Reappearances returns how many times c was seen after the appearance it
// was checked in.
func (c *Claim) Reappearances() int { return max(len(c.Appearances)-1, 0) }
