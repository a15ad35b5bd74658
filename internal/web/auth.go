package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// Context keys and cookie names.
const (
	ctxUser       = "user"
	ctxBearer     = "bearer"
	ctxCSRF       = "csrf"
	sessionCookie = "claimdesk_session"
	csrfCookie    = "claimdesk_csrf"
	csrfField     = "_csrf"
	csrfHeader    = "X-CSRF-Token"
)

// authenticate loads the user from a bearer token or the session cookie. It
// never rejects: requireUser does. A bad bearer token is an error at once,
// so API clients learn their token is wrong instead of getting a login page.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if h := c.Request().Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				return factcheck.Errorf(factcheck.EUNAUTHORIZED, "Use Authorization: Bearer TOKEN.")
			}
			u, err := s.store.TokenUser(ctx, strings.TrimSpace(token))
			if err != nil {
				return err
			}
			c.Set(ctxUser, u)
			c.Set(ctxBearer, true)
			return next(c)
		}
		if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
			if u, err := s.store.SessionUser(ctx, ck.Value); err == nil {
				c.Set(ctxUser, u)
			} else if factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED {
				return err
			}
		}
		c.Response().Header().Set("Cache-Control", "private, no-store")
		return next(c)
	}
}

// requireUser rejects anonymous requests: 401 JSON for API clients, a
// redirect to the login page for browsers.
func (s *Server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if userOf(c) != nil {
			return next(c)
		}
		if wantsJSON(c) || c.Request().Method != http.MethodGet {
			return factcheck.Errorf(factcheck.EUNAUTHORIZED, "Log in first.")
		}
		return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
	}
}

// requireRole rejects users whose role is not one of roles with 403.
func requireRole(roles ...factcheck.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := userOf(c)
			for _, r := range roles {
				if u != nil && u.Role == r {
					return next(c)
				}
			}
			return factcheck.Errorf(factcheck.EFORBIDDEN, "Your role may not do this.")
		}
	}
}

// csrf protects state-changing requests made with cookies using a
// double-submit token: a random value in an HttpOnly cookie that forms echo
// back in a hidden field (or htmx in the X-CSRF-Token header). Requests
// authenticated with a bearer token carry no ambient authority and skip it.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := ""
		if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 {
			token = ck.Value
		}
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			if bearer, _ := c.Get(ctxBearer).(bool); bearer {
				return next(c)
			}
			sent := c.Request().Header.Get(csrfHeader)
			if sent == "" {
				sent = c.FormValue(csrfField)
			}
			if token == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
				return factcheck.Errorf(factcheck.EFORBIDDEN, "The form's security token is missing or out of date. Reload the page and try again.")
			}
		}
		if token == "" {
			b := make([]byte, 32)
			rand.Read(b)
			token = base64.RawURLEncoding.EncodeToString(b)
			c.SetCookie(&http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
		}
		c.Set(ctxCSRF, token)
		return next(c)
	}
}

// page returns the common view data of a page for this request.
func (s *Server) page(c echo.Context, title string) views.Page {
	csrf, _ := c.Get(ctxCSRF).(string)
	return views.Page{Title: title, Newsroom: s.cfg.Newsroom, User: userOf(c), CSRF: csrf, Path: c.Request().URL.Path, BaseURL: s.cfg.BaseURL}
}

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
