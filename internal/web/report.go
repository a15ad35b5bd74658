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

func isHTMX(c echo.Context) bool { return c.Request().Header.Get("HX-Request") == "true" }

// reportForm serves the "report an error" form of a public claim: the
// partial for htmx (swapped into the claim page) or a full page. It is
// private and sets the CSRF cookie, which the cacheable claim page cannot.
func (s *Server) reportForm(c echo.Context) error {
	id, err := claimID(c)
	if err != nil {
		return err
	}
	cl, err := s.store.PublicClaim(c.Request().Context(), id)
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

// deskReports is the corrections queue: open reader reports, oldest first,
// then the latest resolved ones. Any logged-in user may read it; only
// reviewers and admins see the resolve buttons (and may resolve).
func (s *Server) deskReports(c echo.Context) error {
	ctx := c.Request().Context()
	open, err := s.store.OpenReports(ctx, 500)
	if err != nil {
		return err
	}
	done, err := s.store.ResolvedReports(ctx, 20)
	if err != nil {
		return err
	}
	v := views.DeskReportsView{Page: s.page(c, "Reader reports"), CanResolve: userOf(c).CanReview()}
	for _, r := range append(open, done...) {
		it := views.ReportItem{ID: r.ID, Message: r.Message, Email: r.Email, Date: fmtDate(&r.CreatedAt), DateISO: isoDate(&r.CreatedAt), ResolvedOn: fmtDate(r.ResolvedAt)}
		if r.Claim != nil {
			it.ClaimURL, it.Quote, it.Badge = claimPath(r.Claim), r.Claim.Quote, badge(r.Claim.Rating, r.Claim.RatingKey)
		}
		if r.ResolvedBy != nil {
			it.ResolvedBy = r.ResolvedBy.Name
		}
		if r.ResolvedAt == nil {
			v.Open = append(v.Open, it)
		} else {
			v.Resolved = append(v.Resolved, it)
		}
	}
	return s.render(c, http.StatusOK, views.DeskReportsPage(v))
}

// resolveReport closes a report. Reviewers and admins only (403 otherwise);
// 404 for unknown reports, 409 when already resolved.
func (s *Server) resolveReport(c echo.Context) error {
	u := userOf(c)
	if !u.CanReview() {
		return factcheck.Errorf(factcheck.EFORBIDDEN, "Only reviewers and admins can resolve reports.")
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return factcheck.Errorf(factcheck.ENOTFOUND, "Report not found.")
	}
	if err := s.store.ResolveReport(c.Request().Context(), id, u); err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusOK, map[string]any{"id": id, "resolved": true})
	}
	return c.Redirect(http.StatusSeeOther, "/desk/reports")
}

// csrfOf returns the CSRF token the csrf middleware put on the request.
func csrfOf(c echo.Context) string {
	t, _ := c.Get(ctxCSRF).(string)
	return t
}
