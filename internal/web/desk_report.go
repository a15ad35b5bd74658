package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/views"
)

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
		it := views.ReportItem{ID: r.ID, Message: r.Message, Email: r.Email, MailTo: mailtoURL(r.Email), Date: fmtDate(&r.CreatedAt), DateISO: isoDate(&r.CreatedAt), ResolvedOn: fmtDate(r.ResolvedAt)}
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

// resolveReport closes a report (reviewers and admins; the route checks
// the role). 404 for unknown reports, 409 when already resolved.
func (s *Server) resolveReport(c echo.Context) error {
	u := userOf(c)
	id, err := idParam(c, "id", "Report")
	if err != nil {
		return err
	}
	if err := s.store.ResolveReport(c.Request().Context(), id, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/desk/reports")
}

// mailtoURL is a mailto: link that reaches exactly the address given. A
// reader's address may legally hold "?", "&", "=", "#" or "%" (net/mail
// accepts reader?cc=boss@example.org); unescaped, a mail client would read
// them as headers (a Cc to someone else) or a fragment. Every byte but
// letters, digits, "-._~" and the "@" is percent-encoded (RFC 6068).
func mailtoURL(addr string) string {
	if addr == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString("mailto:")
	for i := 0; i < len(addr); i++ {
		switch ch := addr[i]; {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9', strings.IndexByte("-._~@", ch) >= 0:
			b.WriteByte(ch)
		default:
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}
