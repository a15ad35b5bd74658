package views

// EmbedView is a claim card as shown inside another site's iframe. URLs are
// absolute because the card is read out of its own site's context.
type EmbedView struct {
	Title     string
	Newsroom  string
	Theme     string // "light", "dark" or "" to follow the reader's preference
	Badge     Badge
	Quote     string
	Claimant  string
	ClaimDate string
	Summary   string
	Status    string // published, corrected or retracted
	NoteDate  string // when the correction or retraction was made
	Note      string // its public note
	URL       string // the claim page
	HomeURL   string // the desk's front page
	RatingCSS bool   // the rating's colour comes from /ratings.css
}
