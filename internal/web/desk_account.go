package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// accountPage is the user's own account: two-factor authentication,
// password and sessions. It is reachable before two-factor authentication
// is on, where the desk requires it (the account chain skips requireMFA).
func (s *Server) accountPage(c echo.Context) error {
	v := views.AccountView{MFARequired: c.QueryParam("mfa") == "required"}
	if c.QueryParam("recovery") == "used" {
		v.Notice = "You logged in with a recovery code, which now no longer works. If you lost your phone, turn two-factor authentication off and on again with the new phone, or make new recovery codes."
	}
	return s.renderAccount(c, http.StatusOK, v)
}

// renderAccount fills in the account page around what a handler set.
func (s *Server) renderAccount(c echo.Context, status int, v views.AccountView) error {
	ctx := c.Request().Context()
	u := userOf(c)
	v.Page = s.page(c, "Your account")
	v.HasPassword = u.PasswordHash != "" && !s.cfg.NoPasswordLogin
	st, err := s.store.UserTOTP(ctx, u.ID)
	if err != nil {
		return err
	}
	v.TOTPOn, v.RecoveryLeft = st.Enabled, st.RecoveryLeft
	if !v.TOTPOn && slices.Contains(s.cfg.RequireMFA, u.Role) {
		v.MFARequired = true
	}
	sessions, err := s.store.Sessions(ctx, u.ID, s.cfg.SessionIdle)
	if err != nil {
		return err
	}
	cur, _ := sessionOf(c)
	for _, se := range sessions {
		row := views.SessionRow{ID: se.ID, Device: describeUserAgent(se.UserAgent), IP: se.IP, Method: describeMethod(se.Method),
			LastSeen: fmtDateTime(se.LastSeenAt), LastSeenISO: se.LastSeenAt.UTC().Format("2006-01-02T15:04:05Z"), Since: fmtDate(&se.CreatedAt)}
		if cur.Session != nil && cur.ID == se.ID {
			row.Current = true
		}
		if row.IP == "" {
			row.IP = "—"
		}
		v.Sessions = append(v.Sessions, row)
	}
	return s.render(c, status, views.AccountPage(v))
}

// changePassword sets the user's own password after checking the current
// one; every other session of theirs ends, this one stays.
func (s *Server) changePassword(c echo.Context) error {
	u := userOf(c)
	cur, _ := sessionOf(c)
	err := s.store.ChangePassword(c.Request().Context(), u.ID, c.FormValue("current_password"), c.FormValue("password"), cur.token)
	if f := factcheck.ErrorField(err); f != "" {
		return s.renderAccount(c, statusOf(factcheck.ErrorCode(err)), views.AccountView{Errors: views.FieldErrors{f: factcheck.ErrorMessage(err)}})
	} else if err != nil {
		return err
	}
	s.logger(c).Info("password changed", "account", u.Email, "ip", c.RealIP())
	return s.renderAccount(c, http.StatusOK, views.AccountView{Notice: "Password changed. Every other session of yours has ended."})
}

// endSession logs one of the user's other browsers out.
func (s *Server) endSession(c echo.Context) error {
	id, err := idParam(c, "id", "Session")
	if err != nil {
		return err
	}
	if err := s.store.EndSession(c.Request().Context(), userOf(c).ID, id); err != nil {
		return err
	}
	return s.renderAccount(c, http.StatusOK, views.AccountView{Notice: "That session has ended."})
}

// endAllSessions logs the user out everywhere, this browser included.
func (s *Server) endAllSessions(c echo.Context) error {
	u := userOf(c)
	n, err := s.store.EndSessions(c.Request().Context(), u.ID, "")
	if err != nil {
		return err
	}
	s.logger(c).Info("logged out everywhere", "account", u.Email, "sessions", n)
	if bearer, _ := c.Get(ctxBearer).(bool); bearer {
		return c.NoContent(http.StatusNoContent)
	}
	s.setCookie(c, sessionCookie, "", -1)
	s.setCookie(c, deskHintCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, "/login")
}

// describeUserAgent names a browser and system for the session list from
// its User-Agent, roughly ("Firefox on Linux"); the raw string when it
// knows neither.
func describeUserAgent(ua string) string {
	if ua == "" {
		return "Unknown browser"
	}
	browser := ""
	for _, b := range []struct{ token, name string }{{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"HeadlessChrome/", "Headless Chrome"},
		{"Chromium/", "Chromium"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client/", "Go HTTP client"}} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, o := range []struct{ token, name string }{{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"}} {
		if strings.Contains(ua, o.token) {
			system = o.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	}
	return truncate(ua, 60)
}

// describeMethod says how a session was started.
func describeMethod(m string) string {
	first, second, _ := strings.Cut(m, "+")
	out := map[string]string{"password": "password", "oidc": "single sign-on"}[first]
	if out == "" {
		out = first
	}
	if second == "totp" {
		out += " and code"
	}
	return out
}

// fmtDateTime writes a moment for people ("Nov 21, 2024 14:05 UTC").
func fmtDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("Jan 2, 2006 15:04 UTC")
}
