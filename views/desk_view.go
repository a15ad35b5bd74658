package views

// FieldErrors maps input field names to the message shown next to them.
type FieldErrors map[string]string

// IntakeView is the new-article form.
type IntakeView struct {
	Page
	Title, URL, Outlet, Author, PublishedAt, Body string
	Errors                                        FieldErrors
	Action                                        string
	Heading                                       string
	// CanFetch offers "fetch from the web" (new articles only); FetchURL is
	// the address asked for and FetchedFrom the page the form was filled from.
	CanFetch              bool
	FetchURL, FetchedFrom string
}

// SentenceView is one sentence of an article in the intake view.
type SentenceView struct {
	Start, End  int
	Text        string
	Score       string
	Checkworthy bool
	Reasons     string
	ClaimURL    string // set when a claim already covers this sentence
}

// ParagraphView groups sentences as they sit in the body.
type ParagraphView struct {
	Sentences []SentenceView
}

// DeskArticleView is an article on the desk: its sentences marked by the
// claim spotter, and its claims.
type DeskArticleView struct {
	Page
	ID         int64
	Title      string
	Meta       string
	SourceURL  string
	Paragraphs []ParagraphView
	Flagged    int
	Total      int
	Claims     []Card
	Orphaned   []Card
	Error      string
	Claimant   string
	Notice     string
}

// EvidenceRow is one editable source on the claim editor.
type EvidenceRow struct {
	ID                                                  int64
	URL, Title, Publisher, PublishedAt, Excerpt, Stance string
	First, Last                                         bool
}

// DeskClaimView is the claim editor.
type DeskClaimView struct {
	Page
	ID           int64
	Version      int
	Status       string
	StatusLabel  string
	Editable     bool
	CanReview    bool
	Public       bool
	PublicURL    string
	Quote        string
	Claimant     string
	ClaimDate    string
	Tags         string
	RatingKey    string
	Ratings      []Option
	Summary      string
	Rationale    string
	Preview      string // sanitized HTML
	Evidence     []EvidenceRow
	ArticleTitle string
	ArticleURL   string
	Context      []Part // the quote in its article context; Mark is the quote
	Orphaned     bool
	Errors       FieldErrors
	Error        string
	Notice       string
	Conflict     *ConflictView
	Similar      []Card
	Author       string
	Reviewer     string
	Note         string
}

// ConflictView explains a 409: who changed what since the editor's version,
// and keeps what the editor tried to save so nothing is lost.
type ConflictView struct {
	TheirVersion int
	YourVersion  int
	Editor       string
	Changes      []FieldChange
	YourInput    []FieldChange
}

// FieldChange is one field that differs between two versions.
type FieldChange struct {
	Field string
	Old   string
	New   string
	Diff  []DiffPart
}

// DiffPart is a run of words in a diff: Op is "=", "+" or "-".
type DiffPart struct {
	Op   string
	Text string
}

// HistoryView lists a claim's revisions with what each changed.
type HistoryView struct {
	Page
	ID        int64
	Quote     string
	Revisions []HistoryItem
}

// HistoryItem is one revision.
type HistoryItem struct {
	Version      int
	Date         string
	Editor       string
	Note         string
	IsCorrection bool
	Changes      []FieldChange
}

// DeskListView lists claims on the desk by status.
type DeskListView struct {
	Page
	Heading string
	Cards   []Card
	Filters []Option
}

// NewClaimView is the form for a claim without an article.
type NewClaimView struct {
	Page
	Quote, Claimant, ClaimDate string
	Errors                     FieldErrors
}

// ScaleView is the desk's rating-scale editor.
type ScaleView struct {
	Page
	CanEdit bool
	Rows    []ScaleRow
	Notice  string
	Errors  FieldErrors
}

// ScaleRow is one rating in the editor.
type ScaleRow struct {
	Key, Label, Value, Description, Color string
}

// UsersView is the admin's user list and add-user form.
type UsersView struct {
	Page
	Users             []UserRow
	Email, Name, Role string
	Errors            FieldErrors
	Notice            string
}

// UserRow is one user.
type UserRow struct {
	ID                int64
	Email, Name, Role string
	Self              bool
}

// TokensView lists the user's API tokens; NewToken is shown once.
type TokensView struct {
	Page
	Tokens   []TokenRow
	NewToken string
	Notice   string
}

// TokenRow is one API token, without its secret.
type TokenRow struct {
	ID                     int64
	Name, Created, Revoked string
}

// colorOr returns c, or def when c is empty: a colour input cannot be
// empty and would send black.
func colorOr(c, def string) string {
	if c == "" {
		return def
	}
	return c
}
