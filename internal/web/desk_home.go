package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/views"
)

// deskHome shows the signed-in user's work first: what is assigned to
// them, their drafts, what waits for review, and what was published
// recently, each with its full count and a link to the queue view that
// lists all of it.
func (s *Server) deskHome(c echo.Context) error {
	ctx := c.Request().Context()
	u := userOf(c)
	now := s.now()
	open := []factcheck.Status{factcheck.StatusDraft, factcheck.StatusInReview}
	sections := []struct {
		title, url, empty string
		f                 store.QueueFilter
	}{
		{"Assigned to me", "/desk/claims", "Nothing is assigned to you.", store.QueueFilter{AssigneeID: u.ID, Statuses: open}},
		{"My drafts", "/desk/claims?author=me&status=draft", "You have no drafts.", store.QueueFilter{AuthorID: u.ID, Statuses: []factcheck.Status{factcheck.StatusDraft}}},
		{"Waiting for review", "/desk/claims?status=in_review&sort=waiting", "Nothing is waiting for review.", store.QueueFilter{Statuses: []factcheck.Status{factcheck.StatusInReview}, Sort: store.SortWaiting}},
		{"Recently published", "/desk/claims?status=public", "Nothing published yet.", store.QueueFilter{Statuses: factcheck.PublicStatuses()}},
	}
	v := views.DeskHomeView{Page: s.page(c, "Desk")}
	for _, sec := range sections {
		sec.f.Limit = 8
		items, total, err := s.store.Queue(ctx, sec.f)
		if err != nil {
			return err
		}
		hs := views.HomeSection{Title: sec.title, URL: sec.url, Count: total, Empty: sec.empty}
		for i := range items {
			hs.Rows = append(hs.Rows, queueRow(&items[i].Claim, "", now))
		}
		v.Sections = append(v.Sections, hs)
	}
	return s.render(c, http.StatusOK, views.DeskHomePage(v))
}
