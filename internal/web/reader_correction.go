package web

import (
	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// correctionsPage lists every public correction and retraction, newest
// first, with the note that explains it.
func (s *Server) correctionsPage(c echo.Context) error {
	claims, err := s.store.Corrections(c.Request().Context(), -1)
	if err != nil {
		return err
	}
	v := views.CorrectionsView{Page: s.page(c, "Corrections and retractions")}
	v.Description = "Every correction and retraction " + s.cfg.Newsroom + " has made to a published fact check, with its note."
	v.Canonical = s.cfg.BaseURL + "/corrections"
	v.FeedURL = s.cfg.BaseURL + "/feed.atom"
	for i := range claims {
		cl := &claims[i]
		it := views.CorrectionItem{Card: card(cl, ""), Kind: "Corrected", When: fmtDate(cl.CorrectedAt), WhenISO: isoDate(cl.CorrectedAt)}
		if cl.Status == factcheck.StatusRetracted {
			it.Kind = "Retracted"
		}
		v.Items = append(v.Items, it)
	}
	return s.sendPage(c, views.CorrectionsPage(v), cacheList)
}
