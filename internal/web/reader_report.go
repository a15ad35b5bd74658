package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// Readers may file reportLimit error reports per reportWindow from one IP;
// counted in the database so every node enforces the same limit.
const (
	reportLimit  = 5
	reportWindow = time.Hour
)

// reportForm serves the "report an error" form of a public claim: the
// partial for htmx (swapped into the claim page) or a full page. It is
// private and sets the CSRF cookie, which the cacheable claim page cannot.
func (s *Server) reportForm(c echo.Context) error {
	cl, err := s.publicClaimOf(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	form := views.ReportFormView{ClaimID: cl.ID, CSRF: csrfOf(c)}
	if isHTMX(c) {
		return s.render(c, http.StatusOK, views.ReportForm(form))
	}
	return s.render(c, http.StatusOK, views.ReportPage(s.reportPage(c, cl, form)))
}

func (s *Server) reportPage(c echo.Context, cl *factcheck.Claim, form views.ReportFormView) views.ReportPageView {
	v := views.ReportPageView{Page: s.page(c, "Report an error"), Card: card(cl, ""), Form: form}
	v.Description = "Tell " + s.cfg.Newsroom + " about an error in a fact check."
	return v
}

// createReport files a reader's error report into the desk's corrections
// queue. No login; CSRF-protected; at most reportLimit per IP per
// reportWindow (then 429). Bad input re-renders the form with the message
// next to its field: 422 for plain forms, the swapped partial for htmx
// (htmx does not swap error responses).
func (s *Server) createReport(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := claimID(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	form := views.ReportFormView{ClaimID: id, CSRF: csrfOf(c), Message: c.FormValue("message"), Email: c.FormValue("email")}
	key := "report-ip:" + c.RealIP()
	n, err := s.store.ReportsFrom(ctx, key, s.now().Add(-reportWindow))
	if err != nil {
		return err
	}
	if n >= reportLimit {
		err = factcheck.Errorf(factcheck.ERATELIMIT, "You have sent %d reports in the last hour, our limit. Please try again later.", n)
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(reportWindow.Seconds())))
		if isHTMX(c) {
			form.Error = factcheck.ErrorMessage(err)
			return s.render(c, http.StatusOK, views.ReportForm(form))
		}
		return err
	}
	r := &factcheck.Report{ClaimID: id, Message: form.Message, Email: form.Email}
	err = s.store.CreateReport(ctx, r, key)
	if code := factcheck.ErrorCode(err); code == factcheck.EINVALID {
		form.Error, form.Field = factcheck.ErrorMessage(err), factcheck.ErrorField(err)
		if isHTMX(c) {
			return s.render(c, http.StatusOK, views.ReportForm(form))
		}
		cl, lerr := s.store.PublicClaim(ctx, id)
		if lerr != nil {
			return lerr
		}
		return s.render(c, statusOf(code), views.ReportPage(s.reportPage(c, cl, form)))
	} else if err != nil {
		return err
	}
	s.logger(c).Info("reader report", "report_id", r.ID, "claim_id", id)
	form = views.ReportFormView{ClaimID: id, Done: true}
	if isHTMX(c) {
		return s.render(c, http.StatusOK, views.ReportForm(form))
	}
	cl, err := s.store.PublicClaim(ctx, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusCreated, views.ReportPage(s.reportPage(c, cl, form)))
}
