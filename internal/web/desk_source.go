package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// lookupSource looks up a source's address for the add-a-source form:
// its title, publisher and date, through the same fetcher (and address
// guard) as article intake. Nothing is stored, and nothing typed is
// replaced: the page fills only the fields still empty, and the editor
// checks them and adds the source.
func (s *Server) lookupSource(c echo.Context) error {
	ctx := c.Request().Context()
	if _, err := s.deskClaimOf(c); err != nil {
		return err
	}
	var in claimInput
	if err := bindInput(c, &in); err != nil {
		return err
	}
	src := views.EvidenceRow{URL: strings.TrimSpace(in.URL)}
	var fb views.Feedback
	if src.URL == "" {
		fb = views.Feedback{Message: "Paste the source's address first.", Bad: true}
	} else if page, err := s.fetcher.Page(ctx, src.URL); err != nil {
		if factcheck.ErrorCode(err) == factcheck.EINTERNAL {
			return err
		}
		fb = views.Feedback{Message: factcheck.ErrorMessage(err) + " Fill in the fields yourself.", Bad: true}
	} else {
		src = views.EvidenceRow{URL: page.URL, Title: page.Title, Publisher: page.Outlet}
		if page.PublishedAt != nil {
			src.PublishedAt = page.PublishedAt.UTC().Format("2006-01-02")
		}
		fb = views.Feedback{Message: "Filled in from the page: check the title, publisher and date, say how it bears on the claim, and add it."}
	}
	return s.render(c, http.StatusOK, views.SourceLookup(src, fb))
}
