package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// lookupSource fills the add-a-source form from the page at its address:
// title, publisher and date, through the same fetcher (and address
// guard) as article intake. Nothing is stored: the editor checks the
// fields and adds the source. What the editor already typed is kept
// unless the page supplies it and the field was empty.
func (s *Server) lookupSource(c echo.Context) error {
	ctx := c.Request().Context()
	cl, err := s.deskClaimOf(c)
	if err != nil {
		return err
	}
	var in claimInput
	if err := bindInput(c, &in); err != nil {
		return err
	}
	v, err := s.claimEditorView(ctx, c, cl)
	if err != nil {
		return err
	}
	src := views.EvidenceRow{URL: strings.TrimSpace(in.URL), Title: in.Title, Publisher: in.Publisher, PublishedAt: in.PublishedAt, Excerpt: in.Excerpt, Stance: in.Stance}
	status := http.StatusOK
	if src.URL == "" {
		v.Feedback = views.Feedback{ID: "ev-add-feedback", Message: "Paste the source's address first.", Bad: true}
	} else if page, ferr := s.fetcher.Page(ctx, src.URL); ferr != nil {
		if factcheck.ErrorCode(ferr) == factcheck.EINTERNAL {
			return ferr
		}
		v.Feedback = views.Feedback{ID: "ev-add-feedback", Message: factcheck.ErrorMessage(ferr) + " Fill in the fields yourself.", Bad: true}
	} else {
		fill := func(dst *string, val string) {
			if strings.TrimSpace(*dst) == "" {
				*dst = val
			}
		}
		src.URL = page.URL
		fill(&src.Title, page.Title)
		fill(&src.Publisher, page.Outlet)
		if page.PublishedAt != nil {
			fill(&src.PublishedAt, page.PublishedAt.Format("2006-01-02"))
		}
		v.Feedback = views.Feedback{ID: "ev-add-feedback", Message: "Filled in from the page: check the title, publisher and date, choose how it bears on the claim, then add it."}
	}
	v.NewSource = src
	return s.render(c, status, views.EvidenceAdd(v))
}
