package views

import "strconv"

// RatingsView explains the rating scale.
type RatingsView struct {
	Page
	Ratings []RatingItem
}

// RatingItem is one step of the scale. Value is its number on the scale as
// text, empty for ratings off the numeric scale.
type RatingItem struct {
	Badge       Badge
	Value       string
	Description string
	URL         string // the home page filtered to this rating
}

// CorrectionsView lists every public correction and retraction.
type CorrectionsView struct {
	Page
	Items []CorrectionItem
}

// CorrectionItem is one correction or retraction.
type CorrectionItem struct {
	Card
	Kind    string // "Corrected" or "Retracted"
	When    string
	WhenISO string
}

// ArticleView is an article with its published claims highlighted in place.
type ArticleView struct {
	Page
	Title      string
	Outlet     string
	Author     string
	Date       string
	DateISO    string
	SourceURL  string
	Paragraphs [][]Segment
	Verdicts   []ArticleVerdict
}

// Segment is a run of article text. A highlighted segment links (Href) to
// the verdict of the innermost claim covering it; Refs mark claims that end
// right after it, so overlapping claims each keep a visible marker.
type Segment struct {
	Text  string
	Href  string
	Key   string // rating key of the linked claim, for its colour
	Label string // accessible name of the link
	Refs  []SegmentRef
}

// SegmentRef is a numbered marker after the last segment of a claim.
type SegmentRef struct {
	N     int
	Href  string
	Label string
}

// ArticleVerdict is one checked claim listed under an article.
type ArticleVerdict struct {
	N      int
	Anchor string // element id the highlights link to
	Card
}

// ReportFormView is the reader's "report an error" form or its thank-you.
type ReportFormView struct {
	ClaimID int64
	CSRF    string
	Message string
	Email   string
	Error   string
	Field   string
	Done    bool
}

// Action is the URL the report form posts to.
func (v ReportFormView) Action() string { return reportPath(v.ClaimID) }

// ReportPageView is the standalone report page, for readers without JS.
type ReportPageView struct {
	Page
	Card
	Form ReportFormView
}

// DeskReportsView is the desk's corrections queue of reader reports.
type DeskReportsView struct {
	Page
	Open       []ReportItem
	Resolved   []ReportItem
	CanResolve bool
}

// ReportItem is one reader report in the queue.
type ReportItem struct {
	ID         int64
	ClaimURL   string
	Quote      string
	Badge      Badge
	Message    string
	Email      string
	Date       string
	DateISO    string
	ResolvedBy string
	ResolvedOn string
}

// ResolveURL is where the resolve button posts.
func (r ReportItem) ResolveURL() string {
	return "/desk/reports/" + strconv.FormatInt(r.ID, 10) + "/resolve"
}

// reportPath is the public report form of a claim.
func reportPath(id int64) string { return "/claims/" + strconv.FormatInt(id, 10) + "/report" }

// maxExactTotal mirrors store.MaxTotal: list totals above it are capped
// counts, shown as "more than".
const maxExactTotal = 2000

// totalText shows a list total, honest about capped counts.
func totalText(n int64) string {
	if n > maxExactTotal {
		return "more than " + strconv.Itoa(maxExactTotal)
	}
	return strconv.FormatInt(n, 10)
}
