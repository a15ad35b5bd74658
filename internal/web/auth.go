package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/views"
)

// Cookies of the login flow (named with __Host- on https, see cookieName).
const (
	// deviceCookie marks a browser that has logged in to an account
	// before (OWASP's device cookies): signed, it exempts that browser
	// from the account's lockout, so guessing from elsewhere cannot lock
	// the owner out. It proves nothing else and logs no one in.
	deviceCookie = "claimdesk_device"
	// pendingCookie carries a login whose password was right and whose
	// second factor is still to come, for pendingTTL.
	pendingCookie = "claimdesk_pending"
	deviceTTL     = 365 * 24 * time.Hour
	pendingTTL    = 5 * time.Minute
)

// loginPage shows the login form, or sends a logged-in user on.
func (s *Server) loginPage(c echo.Context) error {
	if userOf(c) != nil {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	return s.render(c, http.StatusOK, views.LoginPage(s.loginView(c, "", safeNext(c.QueryParam("next")))))
}

// loginView is the login form's view, with the single sign-on button
// when it is configured, and without the password form when
// Config.NoPasswordLogin turns passwords off.
func (s *Server) loginView(c echo.Context, email, next string) views.LoginView {
	v := views.LoginView{Page: s.page(c, "Log in"), Email: email, Next: next, NoPassword: s.cfg.NoPasswordLogin}
	if s.sso != nil {
		v.SSOLabel = "Sign in with " + s.sso.name
		v.SSOURL = "/login/oidc?next=" + url.QueryEscape(next)
	}
	return v
}

// passwordsOn refuses the password forms (logging in with a password,
// changing one's own) with 403 when Config.NoPasswordLogin turns
// passwords off: the login page again, with the reason, for a browser;
// the JSON error otherwise. It runs before csrf, since the refusal
// changes nothing, so an API client learns why without fetching a form.
func (s *Server) passwordsOn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.cfg.NoPasswordLogin {
			return next(c)
		}
		email := strings.ToLower(factcheck.CleanLine(c.FormValue("email")))
		if u := userOf(c); u != nil {
			email = u.Email
		}
		s.logger(c).Warn("password refused: password login is off", "route", c.Path(), "account", email, "ip", c.RealIP())
		msg := "This desk does not use passwords: sign in with " + s.sso.name + " instead."
		if c.Path() == "/login" && !wantsJSON(c) {
			v := s.loginView(c, email, safeNext(c.FormValue("next")))
			v.Error = msg
			return s.render(c, http.StatusForbidden, views.LoginPage(v))
		}
		return factcheck.Errorf(factcheck.EFORBIDDEN, "%s", msg)
	}
}

// login checks an email and password and starts a session, or asks for
// the second factor when the user has one. Each attempt is counted before
// the password is checked (store.ReserveLoginAttempt), against the
// client's address and against the account, so attempts sent in parallel
// all count. A browser with the account's device cookie is counted
// against its own device key instead of the account: the owner's browser
// gets in while someone elsewhere guesses at the account. Failures are
// logged with the account, never the password.
func (s *Server) login(c echo.Context) error {
	ctx := c.Request().Context()
	email := strings.ToLower(factcheck.CleanLine(c.FormValue("email")))
	next := safeNext(c.FormValue("next"))
	v := s.loginView(c, email, next)
	keys := []string{"ip:" + c.RealIP()}
	device := s.deviceKey(c, email)
	if device != "" {
		keys = append(keys, "device:"+device)
	} else {
		keys = append(keys, "email:"+email)
	}
	att, ok, err := s.reserveAttempt(c, keys, email)
	if err != nil {
		return err
	} else if !ok {
		v.Error = lockedMessage(att.Refused.Until.Sub(s.now()))
		return s.render(c, http.StatusTooManyRequests, views.LoginPage(v))
	}
	u, err := s.store.Authenticate(ctx, email, c.FormValue("password"))
	if factcheck.ErrorCode(err) == factcheck.EUNAUTHORIZED {
		s.logger(c).Warn("login failed", "account", email, "ip", c.RealIP(), "known_device", device != "", "reason", factcheck.ErrorMessage(err))
		v.Error = factcheck.ErrorMessage(err)
		return s.render(c, http.StatusUnauthorized, views.LoginPage(v))
	} else if err != nil {
		return err
	}
	// The attempt that got in is not counted. Earlier failures against
	// the account stay counted: a login must not hand whoever is guessing
	// at it a fresh allowance. A known browser starts its own count afresh.
	var clear []string
	if device != "" {
		clear = append(clear, "device:"+device)
	}
	if err := s.store.ReleaseLoginAttempt(ctx, att, clear...); err != nil {
		return err
	}
	return s.passwordVerified(c, u, "password", next)
}

// passwordVerified continues a login whose first factor (a password, or
// the single sign-on provider) checked out: to the second factor when the
// user has one, else straight into a session.
func (s *Server) passwordVerified(c echo.Context, u *factcheck.User, method, next string) error {
	on, err := s.store.TOTPEnabled(c.Request().Context(), u.ID)
	if err != nil {
		return err
	} else if !on {
		return s.startSession(c, u, method, next)
	}
	pending, err := s.keys.sign(c.Request().Context(), pendingCookie, strings.Join([]string{strconv.FormatInt(u.ID, 10), method, strconv.FormatInt(s.now().Unix(), 10)}, "|"))
	if err != nil {
		return err
	}
	s.setCookie(c, pendingCookie, pending, int(pendingTTL.Seconds()))
	return c.Redirect(http.StatusSeeOther, "/login/totp?next="+url.QueryEscape(next))
}

// pendingLogin returns the user and first-factor method of the login
// waiting for its second factor in this browser; ok is false when there
// is none, or it is older than pendingTTL.
func (s *Server) pendingLogin(c echo.Context) (userID int64, method string, ok bool) {
	raw := s.cookie(c, pendingCookie)
	if raw == "" {
		return 0, "", false
	}
	val, err := s.keys.verify(c.Request().Context(), pendingCookie, raw)
	if err != nil {
		return 0, "", false
	}
	parts := strings.Split(val, "|")
	if len(parts) != 3 || s.cfg.NoPasswordLogin && parts[1] == "password" {
		return 0, "", false
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	at, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || s.now().Sub(time.Unix(at, 0)) > pendingTTL {
		return 0, "", false
	}
	return id, parts[1], true
}

// startSession logs u in: a new session (the browser's old one, if any,
// ends), its cookie, a CSRF token bound to it (the anonymous one is
// dropped), and the device cookie that exempts this browser from the
// account's lockout from now on.
func (s *Server) startSession(c echo.Context, u *factcheck.User, method, next string) error {
	ctx := c.Request().Context()
	if old := s.cookie(c, sessionCookie); old != "" {
		if err := s.store.DeleteSession(ctx, old); err != nil {
			return err
		}
	}
	token, err := s.store.StartSession(ctx, store.NewSession{UserID: u.ID, TTL: s.cfg.SessionTTL, UserAgent: c.Request().UserAgent(), IP: c.RealIP(), Method: method})
	if err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, token, int(s.cfg.SessionTTL.Seconds()))
	s.setCookie(c, deskHintCookie, "1", int(s.cfg.SessionTTL.Seconds()))
	s.setCookie(c, csrfCookie, "", -1)
	s.setCookie(c, pendingCookie, "", -1)
	if dev, err := s.newDeviceCookie(ctx, u.Email); err == nil {
		s.setCookie(c, deviceCookie, dev, int(deviceTTL.Seconds()))
	} else {
		return err
	}
	s.logger(c).Info("login", "user_id", u.ID, "account", u.Email, "method", method, "ip", c.RealIP())
	return c.Redirect(http.StatusSeeOther, next)
}

// newDeviceCookie signs "email|nonce|issued" for this browser.
func (s *Server) newDeviceCookie(ctx context.Context, email string) (string, error) {
	b := make([]byte, 12)
	rand.Read(b)
	return s.keys.sign(ctx, deviceCookie, strings.Join([]string{email, base64.RawURLEncoding.EncodeToString(b), strconv.FormatInt(s.now().Unix(), 10)}, "|"))
}

// deviceKey returns this browser's device id when it carries a valid
// device cookie for email (it logged in to that account before, within a
// year), or "".
func (s *Server) deviceKey(c echo.Context, email string) string {
	raw := s.cookie(c, deviceCookie)
	if raw == "" || email == "" {
		return ""
	}
	val, err := s.keys.verify(c.Request().Context(), deviceCookie, raw)
	if err != nil {
		return ""
	}
	parts := strings.Split(val, "|")
	if len(parts) != 3 || parts[0] != email {
		return ""
	}
	at, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || s.now().Sub(time.Unix(at, 0)) > deviceTTL {
		return ""
	}
	return parts[1]
}

// reserveAttempt counts a login (or second-factor) attempt against keys
// before anything is checked, logs the lockouts it starts and the ones
// that have ended, each with the account, and reports whether the attempt
// may go on. When not, att.Refused says until when, and Retry-After is set.
func (s *Server) reserveAttempt(c echo.Context, keys []string, account string) (*store.LoginAttempt, bool, error) {
	att, err := s.store.ReserveLoginAttempt(c.Request().Context(), keys, s.cfg.LoginLimit, s.cfg.LoginWindow)
	if err != nil {
		return nil, false, err
	}
	log := s.logger(c)
	for _, l := range att.Unlocked {
		log.Info("login lockout ended", "account", account, "key", l.Key, "locked_until", l.Until)
	}
	for _, l := range att.Locked {
		log.Warn("login locked out", "account", account, "key", l.Key, "ip", c.RealIP(), "until", l.Until, "limit", s.cfg.LoginLimit, "window", s.cfg.LoginWindow.String())
	}
	if att.Refused != nil {
		log.Warn("login refused while locked out", "account", account, "key", att.Refused.Key, "ip", c.RealIP(), "until", att.Refused.Until)
		c.Response().Header().Set("Retry-After", strconv.Itoa(max(1, int(att.Refused.Until.Sub(s.now()).Seconds()+0.999))))
		return att, false, nil
	}
	return att, true, nil
}

// lockedMessage tells a locked-out user how long to wait.
func lockedMessage(wait time.Duration) string {
	mins := max(1, int((wait+time.Minute-1)/time.Minute))
	unit := "minutes"
	if mins == 1 {
		unit = "minute"
	}
	return "Too many failed attempts. Wait " + strconv.Itoa(mins) + " " + unit + " and try again."
}

// logout ends the session and drops its cookie.
func (s *Server) logout(c echo.Context) error {
	if token := s.cookie(c, sessionCookie); token != "" {
		if err := s.store.DeleteSession(c.Request().Context(), token); err != nil {
			return err
		}
	}
	s.setCookie(c, sessionCookie, "", -1)
	s.setCookie(c, deskHintCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, "/")
}

// loggedOutAlready answers "log out" for a browser whose session cookie
// names a session that has ended (idle too long, or ended elsewhere) as
// logout would, without the CSRF check: the form's token was derived from
// the ended session and can no longer match, and there is nothing left to
// protect. Any other request goes on to the CSRF check.
func (s *Server) loggedOutAlready(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := sessionOf(c); ok || s.cookie(c, sessionCookie) == "" {
			return next(c) // a live session, or none ever: the usual CSRF check
		}
		s.setCookie(c, sessionCookie, "", -1)
		s.setCookie(c, deskHintCookie, "", -1)
		return c.Redirect(http.StatusSeeOther, "/")
	}
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
