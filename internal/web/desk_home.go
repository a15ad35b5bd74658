package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/views"
)

// deskHome shows the signed-in user's drafts, the review queue and what
// was published recently, with counts.
func (s *Server) deskHome(c echo.Context) error {
	ctx := c.Request().Context()
	u := userOf(c)
	list := func(f store.ClaimFilter) ([]views.Card, error) {
		f.Limit = 10
		hits, _, err := s.store.ListClaims(ctx, f)
		cards := make([]views.Card, 0, len(hits))
		for i := range hits {
			cards = append(cards, deskCard(&hits[i].Claim))
		}
		return cards, err
	}
	v := views.DeskHomeView{Page: s.page(c, "Desk")}
	var err error
	if v.Drafts, err = list(store.ClaimFilter{Statuses: []factcheck.Status{factcheck.StatusDraft}, AuthorID: u.ID}); err != nil {
		return err
	}
	if v.InReview, err = list(store.ClaimFilter{Statuses: []factcheck.Status{factcheck.StatusInReview}}); err != nil {
		return err
	}
	if v.Published, err = list(store.ClaimFilter{}); err != nil {
		return err
	}
	counts, err := s.store.CountClaims(ctx)
	if err != nil {
		return err
	}
	v.Counts = []views.Count{
		{Label: "drafts", N: counts[factcheck.StatusDraft], URL: "/desk/claims?status=draft"},
		{Label: "in review", N: counts[factcheck.StatusInReview], URL: "/desk/claims?status=in_review"},
		{Label: "published", N: counts[factcheck.StatusPublished], URL: "/desk/claims?status=published"},
		{Label: "corrected", N: counts[factcheck.StatusCorrected], URL: "/desk/claims?status=corrected"},
		{Label: "retracted", N: counts[factcheck.StatusRetracted], URL: "/desk/claims?status=retracted"},
	}
	return s.render(c, http.StatusOK, views.DeskHomePage(v))
}
