package web

import (
	"encoding/json"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/spot"
)

// The JSON bodies of the API, public and desk alike. Domain structs are
// never encoded directly: the wire shape would then change whenever the
// domain does, and two surfaces would drift apart. Golden files pin these
// shapes (testdata/golden).

// ClaimJSON is a claim as every JSON answer shows it: the public API, the
// open-data export, the desk's JSON API and GET /desk/claims/:id.
type ClaimJSON struct {
	ID             int64            `json:"id"`
	URL            string           `json:"url"`
	Slug           string           `json:"slug"`
	Status         factcheck.Status `json:"status"`
	Statement      string           `json:"statement"`
	Quote          string           `json:"quote"`
	Claimant       string           `json:"claimant"`
	ClaimDate      *time.Time       `json:"claim_date,omitempty"`
	Rating         *RatingJSON      `json:"rating"`
	Summary        string           `json:"summary"`
	Rationale      string           `json:"rationale,omitempty"`
	Tags           []string         `json:"tags"`
	ArticleID      *int64           `json:"article_id,omitempty"`
	Anchor         *AnchorJSON      `json:"anchor,omitempty"`
	Appearances    []AppearanceJSON `json:"appearances,omitempty"`
	Version        int              `json:"version"`
	PublishedAt    *time.Time       `json:"published_at"`
	UpdatedAt      time.Time        `json:"updated_at"`
	CorrectionNote string           `json:"correction_note,omitempty"`
	CorrectedAt    *time.Time       `json:"corrected_at,omitempty"`
	Evidence       []EvidenceJSON   `json:"evidence,omitempty"`
	// ImportedFrom is set on claims imported from another fact-checker.
	ImportedFrom *ImportedJSON `json:"imported_from,omitempty"`
}

// ImportedJSON says whose fact check an imported claim is: the review's
// URL, its publisher, and its verdict in the publisher's words.
type ImportedJSON struct {
	URL          string     `json:"url"`
	Publisher    string     `json:"publisher"`
	PublisherURL string     `json:"publisher_url,omitempty"`
	Rating       string     `json:"rating"`
	ImportedAt   *time.Time `json:"imported_at,omitempty"`
}

// RatingJSON is a rating on the desk's scale. Value is null for ratings
// off the numeric scale (Misleading, Unproven).
type RatingJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value *int   `json:"value"`
	Color string `json:"color"`
}

// AnchorJSON is where a claim sits in its article: byte offsets into the
// body and the exact text there.
type AnchorJSON struct {
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Exact    string `json:"exact"`
	Orphaned bool   `json:"orphaned"`
}

// AppearanceJSON is one place a claim was made, first (where it was
// checked) to last: in an article of the desk (ArticleID, with its Anchor
// in the body) or on another page (URL); Quote is what was said there,
// Claimant who said it, AppearedAt when.
type AppearanceJSON struct {
	ArticleID  *int64      `json:"article_id,omitempty"`
	URL        string      `json:"url,omitempty"`
	Quote      string      `json:"quote"`
	Claimant   string      `json:"claimant"`
	AppearedAt time.Time   `json:"appeared_at"`
	Anchor     *AnchorJSON `json:"anchor,omitempty"`
}

// EvidenceJSON is one source of a claim.
type EvidenceJSON struct {
	ID          int64      `json:"id"`
	URL         string     `json:"url"`
	Title       string     `json:"title"`
	Publisher   string     `json:"publisher"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	Excerpt     string     `json:"excerpt"`
	Stance      string     `json:"stance"`
}

// ClaimListJSON is a page of published claims.
type ClaimListJSON struct {
	Claims  []ClaimJSON `json:"claims"`
	Total   int64       `json:"total"`
	Page    int         `json:"page"`
	PerPage int         `json:"per_page"`
}

// RevisionJSON is one public entry of a claim's history in the export.
type RevisionJSON struct {
	Version      int             `json:"version"`
	CreatedAt    time.Time       `json:"created_at"`
	Note         string          `json:"note"`
	IsCorrection bool            `json:"is_correction"`
	Snapshot     json.RawMessage `json:"snapshot"`
}

// ExportLineJSON is one line of the open-data export.
type ExportLineJSON struct {
	ClaimJSON
	Revisions []RevisionJSON `json:"revisions"`
}

// ArticleJSON answers POST /api/v1/articles: the stored article and its
// sentences, scored by the claim spotter.
type ArticleJSON struct {
	ID          int64          `json:"id"`
	Title       string         `json:"title"`
	URL         string         `json:"url"`
	Outlet      string         `json:"outlet"`
	Author      string         `json:"author"`
	PublishedAt *time.Time     `json:"published_at,omitempty"`
	Sentences   []SentenceJSON `json:"sentences"`
}

// SentenceJSON is one sentence of an article with its check-worthiness;
// Text is body[Start:End] (byte offsets). Claimant is who made the claim,
// as written (null for the outlet's own voice); ClaimStart and ClaimEnd
// are the claim's byte span without its attribution frame.
type SentenceJSON struct {
	Start       int      `json:"start"`
	End         int      `json:"end"`
	Text        string   `json:"text"`
	Score       float64  `json:"score"`
	Checkworthy bool     `json:"checkworthy"`
	Reasons     []string `json:"reasons"`
	Claimant    *string  `json:"claimant"`
	ClaimStart  int      `json:"claim_start"`
	ClaimEnd    int      `json:"claim_end"`
}

// ErrorJSON is the error shape of every JSON answer:
// {"error":{"code","message","field"}}.
type ErrorJSON struct {
	Error ErrorDetailJSON `json:"error"`
}

// ErrorDetailJSON says what went wrong: a stable code, a message for
// people and, for invalid input, the field.
type ErrorDetailJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Missing lists every item of the readiness checklist a claim lacks
	// when a submit or publish is refused (field "readiness").
	Missing []MissingJSON `json:"missing,omitempty"`
}

// MissingJSON is one missing readiness item: the field that supplies it
// ("claim_date", "evidence", …) and its name in words ("the date of the
// claim").
type MissingJSON struct {
	Field string `json:"field"`
	Label string `json:"label"`
}

// statusJSON answers the health and readiness probes; Reason says why a
// node is not ready.
type statusJSON struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

func errorJSON(fe *factcheck.Error) ErrorJSON {
	out := ErrorJSON{ErrorDetailJSON{Code: fe.Code, Message: fe.Message, Field: fe.Field}}
	for _, m := range fe.Missing {
		out.Error.Missing = append(out.Error.Missing, MissingJSON{Field: m.Field, Label: m.Label})
	}
	return out
}

// claimJSON turns a claim into its JSON shape; full adds the rationale and
// the sources (lists leave them out).
func (s *Server) claimJSON(c *factcheck.Claim, full bool) ClaimJSON {
	out := ClaimJSON{ID: c.ID, URL: s.cfg.BaseURL + claimPath(c), Slug: c.Slug, Status: c.Status, Statement: c.Statement, Quote: c.Quote, Claimant: c.Claimant,
		ClaimDate: c.ClaimDate, Summary: c.Summary, Tags: c.Tags, ArticleID: c.ArticleID, Version: c.Version,
		PublishedAt: c.PublishedAt, UpdatedAt: c.UpdatedAt, CorrectionNote: c.CorrectionNote, CorrectedAt: c.CorrectedAt}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if c.Rating != nil {
		out.Rating = &RatingJSON{Key: c.Rating.Key, Label: c.Rating.Label, Value: c.Rating.Value, Color: c.Rating.Color}
	} else if c.RatingKey != "" {
		out.Rating = &RatingJSON{Key: c.RatingKey, Label: c.RatingKey}
	}
	if p := c.Imported; p.Imported() {
		out.ImportedFrom = &ImportedJSON{URL: p.URL, Publisher: p.Publisher, PublisherURL: p.PublisherURL, Rating: p.Rating, ImportedAt: p.At}
	}
	if c.ArticleID != nil {
		out.Anchor = &AnchorJSON{Start: c.Anchor.Start, End: c.Anchor.End, Exact: c.Anchor.Exact, Orphaned: c.Anchor.Orphaned}
	}
	for _, a := range c.Appearances {
		aj := AppearanceJSON{ArticleID: a.ArticleID, URL: a.URL, Quote: a.Quote, Claimant: a.Claimant, AppearedAt: a.AppearedAt}
		if a.ArticleID != nil {
			aj.Anchor = &AnchorJSON{Start: a.Anchor.Start, End: a.Anchor.End, Exact: a.Anchor.Exact, Orphaned: a.Anchor.Orphaned}
		}
		out.Appearances = append(out.Appearances, aj)
	}
	if full {
		out.Rationale = c.Rationale
		for _, e := range c.Evidence {
			out.Evidence = append(out.Evidence, EvidenceJSON{ID: e.ID, URL: e.URL, Title: e.Title, Publisher: e.Publisher,
				PublishedAt: e.PublishedAt, Excerpt: e.Excerpt, Stance: string(e.Stance)})
		}
	}
	return out
}

// articleJSON turns a stored article and its suggested sentences into the
// API's answer.
func articleJSON(a *factcheck.Article, sents []spot.Sentence) ArticleJSON {
	out := ArticleJSON{ID: a.ID, Title: a.Title, URL: a.URL, Outlet: a.Outlet, Author: a.Author, PublishedAt: a.PublishedAt,
		Sentences: make([]SentenceJSON, len(sents))}
	for i, st := range sents {
		out.Sentences[i] = SentenceJSON{Start: st.Start, End: st.End, Text: st.Text, Score: st.Score, Checkworthy: st.Checkworthy,
			Reasons: st.Reasons, Claimant: st.Claimant, ClaimStart: st.ClaimStart, ClaimEnd: st.ClaimEnd}
	}
	return out
}

// WebhookCreatedJSON answers POST /api/v1/webhooks: the new endpoint with
// its signing secret, shown this once.
type WebhookCreatedJSON struct {
	ID     int64                 `json:"id"`
	URL    string                `json:"url"`
	Events []factcheck.EventType `json:"events"`
	Secret string                `json:"secret"`
}

// WebhookListJSON answers GET /api/v1/webhooks.
type WebhookListJSON struct {
	Webhooks []WebhookJSON `json:"webhooks"`
}

// WebhookJSON is a registered endpoint with its most recent deliveries,
// newest first. Active is false once repeated failures disabled it.
type WebhookJSON struct {
	ID             int64                 `json:"id"`
	URL            string                `json:"url"`
	Events         []factcheck.EventType `json:"events"`
	Format         string                `json:"format"`
	Active         bool                  `json:"active"`
	DisabledAt     *time.Time            `json:"disabled_at,omitempty"`
	DisabledReason string                `json:"disabled_reason,omitempty"`
	Failures       int                   `json:"failures"`
	CreatedAt      time.Time             `json:"created_at"`
	Deliveries     []DeliveryJSON        `json:"deliveries"`
}

// DeliveryJSON is one entry of an endpoint's delivery log: an event and
// the outcome of its latest attempt (the endpoint's status code and the
// start of its answer).
type DeliveryJSON struct {
	ID             int64               `json:"id"`
	EventID        string              `json:"event_id"`
	Event          factcheck.EventType `json:"event"`
	Status         string              `json:"status"`
	Attempts       int                 `json:"attempts"`
	ResponseStatus int                 `json:"response_status,omitempty"`
	ResponseBody   string              `json:"response_body,omitempty"`
	Error          string              `json:"error,omitempty"`
	DurationMS     int                 `json:"duration_ms"`
	CreatedAt      time.Time           `json:"created_at"`
	LastAttemptAt  *time.Time          `json:"last_attempt_at,omitempty"`
	DeliveredAt    *time.Time          `json:"delivered_at,omitempty"`
}

// TestEventJSON answers POST /api/v1/webhooks/:id/test: the queued
// delivery, whose outcome shows in the endpoint's log.
type TestEventJSON struct {
	DeliveryID int64 `json:"delivery_id"`
}
