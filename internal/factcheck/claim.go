package factcheck

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Status is where a claim is in the desk's workflow.
type Status string

// Claim statuses: draft → in_review → published → (corrected | retracted).
const (
	StatusDraft     Status = "draft"
	StatusInReview  Status = "in_review"
	StatusPublished Status = "published"
	StatusCorrected Status = "corrected"
	StatusRetracted Status = "retracted"
)

// Label is the status in words, as people read it ("In review").
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "Draft"
	case StatusInReview:
		return "In review"
	case StatusPublished:
		return "Published"
	case StatusCorrected:
		return "Corrected"
	case StatusRetracted:
		return "Retracted"
	}
	return string(s)
}

// Public reports whether a claim in status s is visible to readers.
func (s Status) Public() bool {
	return s == StatusPublished || s == StatusCorrected || s == StatusRetracted
}

// PublicStatuses lists the statuses readers may see.
func PublicStatuses() []Status {
	return []Status{StatusPublished, StatusCorrected, StatusRetracted}
}

// Claim is one checkable statement, optionally anchored in an article, with
// its verdict. ArticleID and Anchor are those of its first appearance (see
// Appearance). Every change bumps Version; a write carrying a stale version
// fails with ECONFLICT.
type Claim struct {
	ID        int64  `json:"id"`
	ArticleID *int64 `json:"article_id"`
	// Statement is the claim as checked, in the newsroom's words and short
	// ("Protected bike lanes cut cycling injuries by a third since
	// 2022"): what the verdict rates. Quote stays the words as they were
	// said or written, the evidence of where the claim was made.
	Statement  string     `json:"statement"`
	Quote      string     `json:"quote"`
	Claimant   string     `json:"claimant"`
	ClaimDate  *time.Time `json:"claim_date"`
	Anchor     Anchor     `gorm:"embedded;embeddedPrefix:anchor_" json:"anchor"`
	Status     Status     `json:"status"`
	RatingKey  string     `json:"rating"`
	Summary    string     `json:"summary"`
	Rationale  string     `json:"rationale"`
	Slug       string     `json:"slug"`
	Version    int        `json:"version"`
	Tags       []string   `gorm:"serializer:json" json:"tags"`
	AuthorID   *int64     `json:"-"`
	ReviewerID *int64     `json:"-"`
	// AssigneeID is the desk user the claim is assigned to, if any.
	AssigneeID *int64 `json:"-"`
	// ReturnNote is the reviewer's note when the claim was last returned
	// to draft, shown to its author until it is submitted again.
	ReturnNote string `json:"-"`
	// StatusChangedAt is when the claim entered its current status (the
	// queue's "waiting since"); nil for claims from before it was kept.
	StatusChangedAt *time.Time `json:"-"`
	// PublicSeq is the public version (see the store) at which the claim
	// last changed in a way readers see; the matcher reads claims past the
	// sequence it has seen.
	PublicSeq int64 `json:"-"`

	PublishedAt    *time.Time `json:"published_at"`
	CorrectionNote string     `json:"correction_note,omitempty"`
	CorrectedAt    *time.Time `json:"corrected_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	// Imported is set on claims imported from another fact-checker.
	Imported Provenance `gorm:"embedded;embeddedPrefix:imported_" json:"imported,omitzero"`

	// Associations, loaded on demand by the store.
	Article  *Article   `json:"-"`
	Rating   *Rating    `gorm:"foreignKey:RatingKey;references:Key" json:"-"`
	Author   *User      `json:"-"`
	Reviewer *User      `json:"-"`
	Assignee *User      `json:"-"`
	Evidence []Evidence `json:"evidence,omitempty"`
	// Appearances are where the claim was made, first (where it was
	// checked) to last; loaded by the store where a page needs them.
	Appearances []Appearance `json:"appearances,omitempty"`
	// InArticle is, for a claim listed by article (the store's
	// ArticleClaims and PublicArticleClaims), its appearance in that
	// article; Anchor and ArticleID then place it there too. Nil elsewhere.
	InArticle *Appearance `gorm:"-" json:"-"`
}

// MaxQuote is the longest claim quote the desk accepts, in bytes.
const MaxQuote = 4000

// MaxStatement is the longest claim statement the desk accepts, in bytes;
// AdvisedStatement is the length search engines advise for the claim a
// fact check rates (Google shows about 75 characters), past which the desk
// warns.
const (
	MaxStatement     = 300
	AdvisedStatement = 75
)

// Headline is the claim as readers see it first: its statement, or its
// quote while it has none.
func (c *Claim) Headline() string {
	if c.Statement != "" {
		return c.Statement
	}
	return c.Quote
}

// LongStatement reports whether the statement runs past AdvisedStatement
// characters.
func (c *Claim) LongStatement() bool {
	return utf8.RuneCountInString(c.Statement) > AdvisedStatement
}

// MaxClaimsPerArticle caps how many claims one article may hold. Every
// claim in an article is re-anchored when its text is edited, so the cap
// bounds what one edit costs; no real article has anywhere near this many
// checkable statements.
const MaxClaimsPerArticle = 2000

// Normalize trims the claim's text fields and drops control characters
// from them, cleans its tags and fills in the slug.
func (c *Claim) Normalize() {
	c.Quote = strings.TrimSpace(CleanText(c.Quote))
	c.Statement = CleanLine(c.Statement)
	c.Claimant = CleanLine(c.Claimant)
	c.Summary = CleanLine(c.Summary)
	c.Rationale = strings.TrimSpace(CleanText(c.Rationale))
	c.ReturnNote = strings.TrimSpace(CleanText(c.ReturnNote))
	c.RatingKey = CleanLine(c.RatingKey)
	c.Tags = NormalizeTags(c.Tags)
	if c.Slug == "" {
		c.Slug = Slugify(c.Headline(), 60)
	}
	if c.Status == "" {
		c.Status = StatusDraft
	}
}

// Validate returns an EINVALID error naming the first bad field. A draft
// may still lack its statement, claimant, date and verdict; Submit and
// Publish check those (see Readiness).
func (c *Claim) Validate() error {
	if c.Quote == "" {
		return FieldError("quote", "Quote is required.")
	} else if len(c.Quote) > MaxQuote || !utf8.ValidString(c.Quote) {
		return FieldError("quote", "Quote must be valid text of at most %d bytes.", MaxQuote)
	} else if len(c.Statement) > MaxStatement || !utf8.ValidString(c.Statement) {
		return FieldError("statement", "The statement must be at most %d characters; aim for %d.", MaxStatement, AdvisedStatement)
	} else if len(c.Claimant) > 300 {
		return FieldError("claimant", "Claimant must be at most 300 characters.")
	} else if len(c.Summary) > 500 {
		return FieldError("summary", "Summary must be at most 500 characters.")
	} else if len(c.Rationale) > 100000 {
		return FieldError("rationale", "Rationale must be at most 100,000 characters.")
	} else if len(c.Tags) > 20 {
		return FieldError("tags", "At most 20 tags.")
	} else if len(c.ReturnNote) > 5000 {
		return FieldError("note", "The note must be at most 5,000 characters.")
	}
	switch c.Status {
	case StatusDraft, StatusInReview, StatusPublished, StatusCorrected, StatusRetracted:
	default:
		return FieldError("status", "Unknown status %q.", c.Status)
	}
	return nil
}

// CheckVersion returns ECONFLICT when version is not the claim's current one.
func (c *Claim) CheckVersion(version int) error {
	if version != c.Version {
		return &Error{Code: ECONFLICT, Field: "version", Message: "This claim was changed by someone else since you opened it (you have version " +
			strconv.Itoa(version) + ", the desk has version " + strconv.Itoa(c.Version) + "). Reload to see their changes."}
	}
	return nil
}

// Editable reports whether the claim's text, sources and verdict may be
// changed in place: only drafts. A claim in review is locked until a
// reviewer returns it or its author withdraws it; a published claim
// changes only through a correction.
func (c *Claim) Editable() bool {
	return c.Status == StatusDraft
}

// CheckEditable returns ECONFLICT unless the claim is a draft, with what
// to do instead.
func (c *Claim) CheckEditable() error {
	switch c.Status {
	case StatusDraft:
		return nil
	case StatusInReview:
		return Errorf(ECONFLICT, "This claim is in review and locked: a reviewer can return it to draft, or its author can withdraw it, to change it.")
	}
	return Errorf(ECONFLICT, "This claim is %s; change it through a correction.", strings.ToLower(c.Status.Label()))
}

// Submit moves a draft into review. The claim must meet the readiness
// checklist (see Readiness): otherwise EINVALID on the field
// FieldReadiness, naming every missing item. Submitting clears the note
// of the last return.
func (c *Claim) Submit(by *User) error {
	if by == nil {
		return Errorf(EUNAUTHORIZED, "Log in to submit claims.")
	} else if c.Status != StatusDraft {
		return Errorf(ECONFLICT, "Only drafts can be submitted for review; this claim is %s.", strings.ToLower(c.Status.Label()))
	} else if err := c.checkReady("submitted for review"); err != nil {
		return err
	}
	c.Status = StatusInReview
	c.ReturnNote = ""
	return nil
}

// ReturnToDraft sends a claim in review back to its editors with a note
// saying what to change; the note is required (EINVALID on "note") and
// stays on the claim for its author until it is submitted again.
func (c *Claim) ReturnToDraft(by *User, note string) error {
	note = strings.TrimSpace(CleanText(note))
	if !by.CanReview() {
		return Errorf(EFORBIDDEN, "Only reviewers and admins can return claims to draft.")
	} else if c.Status != StatusInReview {
		return Errorf(ECONFLICT, "Only claims in review can be returned to draft; this claim is %s.", strings.ToLower(c.Status.Label()))
	} else if note == "" {
		return FieldError("note", "Say what the author should change: a claim goes back to draft with a note.")
	}
	c.Status = StatusDraft
	c.ReturnNote = note
	return nil
}

// Publish makes a claim in review public. Only reviewers and admins may
// publish; with requireOtherReviewer the publisher must not be the author.
func (c *Claim) Publish(by *User, now time.Time, requireOtherReviewer bool) error {
	if !by.CanReview() {
		return Errorf(EFORBIDDEN, "Only reviewers and admins can publish claims.")
	} else if c.Status != StatusInReview {
		return Errorf(ECONFLICT, "Only claims in review can be published; this claim is %s.", strings.ToLower(c.Status.Label()))
	} else if requireOtherReviewer && c.AuthorID != nil && *c.AuthorID == by.ID {
		return Errorf(EFORBIDDEN, "A claim must be published by someone other than its author.")
	} else if err := c.checkReady("published"); err != nil {
		return err
	}
	c.Status = StatusPublished
	c.ReviewerID = &by.ID
	t := now.UTC()
	c.PublishedAt = &t
	return nil
}

// Correct records a public correction on a published claim. The caller has
// already applied the changes to c; note explains them to readers.
func (c *Claim) Correct(by *User, note string, now time.Time) error {
	note = strings.TrimSpace(CleanText(note))
	if !by.CanReview() {
		return Errorf(EFORBIDDEN, "Only reviewers and admins can correct published claims.")
	} else if c.Status != StatusPublished && c.Status != StatusCorrected {
		return Errorf(ECONFLICT, "Only published claims can be corrected; this claim is %s.", strings.ToLower(c.Status.Label()))
	} else if note == "" {
		return FieldError("note", "A correction needs a public note explaining what changed.")
	}
	t := now.UTC()
	c.Status = StatusCorrected
	c.CorrectionNote = note
	c.CorrectedAt = &t
	return nil
}

// Retract withdraws a published claim, keeping it visible as retracted.
func (c *Claim) Retract(by *User, note string, now time.Time) error {
	note = strings.TrimSpace(CleanText(note))
	if !by.CanReview() {
		return Errorf(EFORBIDDEN, "Only reviewers and admins can retract claims.")
	} else if c.Status != StatusPublished && c.Status != StatusCorrected {
		return Errorf(ECONFLICT, "Only published claims can be retracted; this claim is %s.", strings.ToLower(c.Status.Label()))
	} else if note == "" {
		return FieldError("note", "A retraction needs a public note explaining why.")
	}
	t := now.UTC()
	c.Status = StatusRetracted
	c.CorrectionNote = note
	c.CorrectedAt = &t
	return nil
}

// NormalizeTags lowercases, slugifies and de-duplicates tags, keeping order.
func NormalizeTags(tags []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, t := range tags {
		t = Slugify(t, 40)
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// Slugify turns s into a lowercase, hyphen-separated ASCII slug of at most
// max bytes, cut at a word boundary when possible.
func Slugify(s string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r == '\'' || r == '’':
			// drop apostrophes: "Biden's" → "bidens"
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > max {
		out = out[:max]
		if i := strings.LastIndexByte(out, '-'); i > max/2 {
			out = out[:i]
		}
		out = strings.Trim(out, "-")
	}
	return out
}

func isSlug(s string) bool {
	return s != "" && Slugify(s, len(s)) == s
}
