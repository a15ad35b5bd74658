package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// loginPage shows the login form, or sends a logged-in user on.
func (s *Server) loginPage(c echo.Context) error {
	if userOf(c) != nil {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	return s.render(c, http.StatusOK, views.LoginPage(views.LoginView{Page: s.page(c, "Log in"), Next: safeNext(c.QueryParam("next"))}))
}

// login checks the password, rate-limited per IP and per email, and starts
// a session. Failures re-render the form with the message by the field.
func (s *Server) login(c echo.Context) error {
	ctx := c.Request().Context()
	email := strings.TrimSpace(c.FormValue("email"))
	next := safeNext(c.FormValue("next"))
	v := views.LoginView{Page: s.page(c, "Log in"), Email: email, Next: next}
	now := s.now()
	since := now.Add(-s.cfg.LoginWindow)
	keys := []string{"ip:" + c.RealIP(), "email:" + strings.ToLower(email)}
	for _, k := range keys {
		n, err := s.store.LoginFailures(ctx, k, since)
		if err != nil {
			return err
		} else if n >= int64(s.cfg.LoginLimit) {
			v.Error = "Too many failed attempts. Wait 15 minutes and try again."
			c.Response().Header().Set("Retry-After", "900")
			return s.render(c, http.StatusTooManyRequests, views.LoginPage(v))
		}
	}
	u, err := s.store.Authenticate(ctx, email, c.FormValue("password"))
	if factcheck.ErrorCode(err) == factcheck.EUNAUTHORIZED {
		for _, k := range keys {
			if err := s.store.RecordLoginFailure(ctx, k); err != nil {
				return err
			}
		}
		v.Error = factcheck.ErrorMessage(err)
		return s.render(c, http.StatusUnauthorized, views.LoginPage(v))
	} else if err != nil {
		return err
	}
	s.store.ClearLoginFailures(ctx, keys[1], now.Add(-24*time.Hour))
	token, err := s.store.CreateSession(ctx, u.ID, s.cfg.SessionTTL)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.cfg.SessionTTL.Seconds())})
	s.logger(c).Info("login", "user_id", u.ID)
	return c.Redirect(http.StatusSeeOther, next)
}

// logout ends the session and drops its cookie.
func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := s.store.DeleteSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	return c.Redirect(http.StatusSeeOther, "/")
}

// safeNext keeps post-login redirects on this site: only local absolute
// paths pass; anything else ("//evil", "https://…", "/\evil") goes to /desk.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n\t") {
		return "/desk"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/desk"
	}
	return next
}
