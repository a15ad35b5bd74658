package web

import (
	"strconv"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/views"
)

// claimPath is a claim's public URL path, with its slug.
func claimPath(c *factcheck.Claim) string {
	p := "/claims/" + strconv.FormatInt(c.ID, 10)
	if c.Slug != "" {
		p += "-" + c.Slug
	}
	return p
}

// deskClaimPath is a claim's editor on the desk.
func deskClaimPath(id int64) string { return "/desk/claims/" + strconv.FormatInt(id, 10) }

// badge is a rating as cards show it; an unknown rating shows its key.
func badge(r *factcheck.Rating, key string) views.Badge {
	if r == nil {
		return views.Badge{Key: key, Label: key}
	}
	return views.Badge{Key: r.Key, Label: r.Label, Color: r.Color}
}

// ratingLabel is the label of a claim's rating, or its key when the
// rating is not loaded.
func ratingLabel(c *factcheck.Claim) string {
	if c.Rating != nil {
		return c.Rating.Label
	}
	return c.RatingKey
}

// statusLabels are the words people read for each workflow status.
var statusLabels = map[factcheck.Status]string{
	factcheck.StatusDraft: "Draft", factcheck.StatusInReview: "In review", factcheck.StatusPublished: "Published",
	factcheck.StatusCorrected: "Corrected", factcheck.StatusRetracted: "Retracted",
}

// card builds the list view of a claim; snippet is a search snippet with
// the store's hit markers, or "".
func card(c *factcheck.Claim, snippet string) views.Card {
	date := c.PublishedAt
	if date == nil {
		date = &c.UpdatedAt
	}
	v := views.Card{ID: c.ID, URL: claimPath(c), Headline: c.Headline(), Quoted: c.Statement == "", Quote: c.Quote, Claimant: c.Claimant, Summary: c.Summary,
		Date: fmtDate(date), DateISO: isoDate(date), Badge: badge(c.Rating, c.RatingKey), Status: string(c.Status),
		Note: publicNote(c.CorrectionNote), Tags: c.Tags}
	// Snippets come from the rationale too: no markdown syntax in them.
	store.SplitSnippet(snippet, func(text string, hit bool) {
		v.Snippet = append(v.Snippet, views.Part{Text: stripMarkdown(text), Mark: hit})
	})
	return v
}

// deskCard is card linking to the claim's editor instead of its public page.
func deskCard(c *factcheck.Claim) views.Card {
	cd := card(c, "")
	cd.URL = deskClaimPath(c.ID)
	return cd
}
