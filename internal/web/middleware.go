package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
)

// Context keys, cookie names and the CSRF token's form field and header.
// Cookies are named with the __Host- prefix when they are Secure (see
// cookieName).
const (
	ctxUser       = "user"
	ctxBearer     = "bearer"
	ctxCSRF       = "csrf"
	ctxSession    = "session"
	sessionCookie = "claimdesk_session"
	csrfCookie    = "claimdesk_csrf"
	// deskHintCookie, readable by script, only says "this browser has logged
	// in to the desk": public pages are the same bytes for everyone, and
	// app.js turns their "Log in" into "Desk" when it is there. It grants
	// nothing; the session cookie does.
	deskHintCookie = "claimdesk_desk"
	csrfField      = "_csrf"
	csrfHeader     = "X-CSRF-Token"
)

// cookieName is the name a cookie goes by on this desk: with the __Host-
// prefix when cookies are Secure (BaseURL is https), which browsers accept
// only from a secure origin, for the whole host (Path=/, no Domain), so no
// subdomain and no plain-http page can plant or shadow it.
func (s *Server) cookieName(base string) string {
	if s.cfg.SecureCookies {
		return "__Host-" + base
	}
	return base
}

// setCookie sets a desk cookie: HttpOnly, Path=/, SameSite=Lax, Secure on
// https, for maxAge seconds (0: for the browser session; <0: delete it).
func (s *Server) setCookie(c echo.Context, base, value string, maxAge int) {
	c.SetCookie(&http.Cookie{Name: s.cookieName(base), Value: value, Path: "/", HttpOnly: base != deskHintCookie, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: maxAge})
}

// cookie returns the value of a desk cookie, or "".
func (s *Server) cookie(c echo.Context, base string) string {
	if ck, err := c.Cookie(s.cookieName(base)); err == nil {
		return ck.Value
	}
	return ""
}

// logger returns the request-scoped logger carrying the request id.
func (s *Server) logger(c echo.Context) *slog.Logger {
	return s.log.With("request_id", c.Response().Header().Get(echo.HeaderXRequestID))
}

// logRequests writes one structured log line per request. Successful,
// fast hits on embeds and static files are left to the metrics: a viral
// embed would otherwise write a log line per reader.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		res := c.Response()
		s.logRequest(c.Request(), c.Path(), res.Header().Get(echo.HeaderXRequestID), res.Status, res.Size, time.Since(start))
		return nil
	}
}

// headRequest marks, in the context, a HEAD request answered as GET.
type headRequest struct{}

// method is the method the client sent: HEAD for requests ServeHTTP
// answers as GET, so logs and metrics tell them apart.
func method(r *http.Request) string {
	if r.Context().Value(headRequest{}) != nil {
		return http.MethodHead
	}
	return r.Method
}

// Access log modes (Config.AccessLog).
const (
	AccessLogAll    = "all"
	AccessLogSample = "sample"
	AccessLogErrors = "errors"
)

// sampleEvery is how many fast, successful public hits share one log line
// under AccessLogSample.
const sampleEvery = 100

// slowRequest is the latency past which a request is always logged.
const slowRequest = 250 * time.Millisecond

// logRequest writes the access log line of one request, as Config.AccessLog
// says. Failures and slow requests are always logged (5xx grouped by
// route, one line per interval with a count); a viral page or card would
// otherwise write a line per reader.
func (s *Server) logRequest(r *http.Request, route, requestID string, status int, size int64, d time.Duration) {
	switch {
	case status >= 500 && status != statusClientClosed:
		n, ok := s.errorLog.allow("access "+route+" "+strconv.Itoa(status), time.Now())
		if !ok {
			return
		}
		s.log.Info("request", "request_id", requestID, "method", method(r), "path", r.URL.Path, "route", route, "status", status,
			"bytes", size, "duration_ms", float64(d.Microseconds())/1000, "ip", s.realIP(r), "similar_since_last", n)
		return
	case status >= 400 || d >= slowRequest || s.cfg.AccessLog == AccessLogAll:
	case s.cfg.AccessLog == AccessLogErrors:
		return
	case publicRead(r, route) && s.sampled.Add(1)%sampleEvery != 1:
		return
	}
	s.log.Info("request", "request_id", requestID, "method", method(r), "path", r.URL.Path, "route", route,
		"status", status, "bytes", size, "duration_ms", float64(d.Microseconds())/1000, "ip", s.realIP(r))
}

// publicRead reports whether a request reads a public page (a reader's or
// an embedding site's) rather than the desk: its successful hits are
// sampled in the access log. Every write is logged.
func publicRead(r *http.Request, route string) bool {
	return r.Method == http.MethodGet && !strings.HasPrefix(route, "/desk") && route != "/login"
}

// clientIP returns how the server learns a client's address: the
// connection's peer, or, when the peer is one of trusted, the nearest
// address in X-Forwarded-For that is not (so a client cannot forge its
// address by sending the header itself).
func clientIP(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		_, n, err := net.ParseCIDR(p.String())
		if err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// realIP is the client's address of r, as the server's IP extractor sees it.
func (s *Server) realIP(r *http.Request) string { return s.echo.IPExtractor(r) }

// newRequestIDs returns a request-id generator: a random per-process prefix
// and a counter, unique across nodes without reading crypto/rand per request.
func newRequestIDs() func() string {
	b := make([]byte, 6)
	rand.Read(b)
	prefix := hex.EncodeToString(b) + "-"
	var n atomic.Uint64
	return func() string {
		return prefix + strconv.FormatUint(n.Add(1), 36)
	}
}

// ctxRawBody holds the request body as it came, before the body limit
// wrapped it, so that a refused body can be read to its end.
const ctxRawBody = "raw_body"

// keepRawBody remembers the request body before the body limit wraps it.
func keepRawBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(ctxRawBody, c.Request().Body)
		return next(c)
	}
}

// Reading a refused body to its end is bounded, like nginx's lingering
// close: at most drainBytes, for at most drainTime.
const (
	drainBytes = 64 << 20
	drainTime  = 10 * time.Second
)

// drainBody reads and discards what is left of a refused request body
// after its answer was sent, so that a client that writes its whole body
// before reading (as most do) gets to read the answer instead of a
// connection reset. The connection is closed afterwards.
func drainBody(c echo.Context) {
	raw, _ := c.Get(ctxRawBody).(io.Reader)
	if raw == nil {
		return
	}
	c.Response().Flush()
	rc := http.NewResponseController(c.Response())
	rc.SetReadDeadline(time.Now().Add(drainTime))
	io.CopyN(io.Discard, raw, drainBytes)
}

// secureHeaderSet returns the headers every response carries. Embeds
// override frame-ancestors for themselves.
func secureHeaderSet(hsts bool) http.Header {
	h := http.Header{}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if hsts {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	return h
}

// copyHeader sets every header of src in dst. The value slices are shared
// and never modified in place (Header.Set replaces them, Header.Add
// reallocates a full slice).
func copyHeader(dst, src http.Header) {
	for k, v := range src {
		dst[k] = v
	}
}

func (s *Server) secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		copyHeader(c.Response().Header(), s.secure)
		return next(c)
	}
}

// corsOpen lets any origin read the public JSON API.
func corsOpen(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Access-Control-Allow-Origin", "*")
		c.Response().Header().Set("Access-Control-Expose-Headers", "ETag")
		return next(c)
	}
}

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
		if token := s.cookie(c, sessionCookie); token != "" {
			u, sess, err := s.store.Session(ctx, token, s.cfg.SessionIdle, c.RealIP())
			switch {
			case err != nil && factcheck.ErrorCode(err) != factcheck.EUNAUTHORIZED:
				return err
			case err != nil:
			case s.cfg.NoPasswordLogin && strings.HasPrefix(sess.Method, "password"):
				// With passwords off, a session a password started
				// no longer logs anyone in.
			default:
				c.Set(ctxUser, u)
				c.Set(ctxSession, sessionRef{token: token, Session: sess})
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
			if s.cookie(c, sessionCookie) != "" {
				// The browser had a session that has ended (idle too long,
				// logged out elsewhere, ended from the session list).
				return factcheck.Errorf(factcheck.EUNAUTHORIZED, "Your session has ended. Log in again in another tab, then try again here: what you typed is still on this page.")
			}
			return factcheck.Errorf(factcheck.EUNAUTHORIZED, "Log in first.")
		}
		return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
	}
}

// requireRole rejects users whose role is not one of roles with 403. It
// runs after requireUser.
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

// sessionRef is the session a request came with: its token (the cookie
// value, never stored) and what the store knows of it.
type sessionRef struct {
	token string
	*store.Session
}

// sessionOf returns the session of a request authenticated by cookie.
func sessionOf(c echo.Context) (sessionRef, bool) {
	ref, ok := c.Get(ctxSession).(sessionRef)
	return ref, ok
}

// requireMFA sends users whose role must have two-factor authentication
// (Config.RequireMFA) and who have not turned it on to their account page
// to do that first; their writes elsewhere are refused with 403. Their
// API tokens are refused with 403 too, until they turn it on: a token
// made before the desk required it (or by an account whose second factor
// an admin reset) must not go around the requirement. Tokens of users
// who have it on work as before.
func (s *Server) requireMFA(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := userOf(c)
		if u == nil || !slices.Contains(s.cfg.RequireMFA, u.Role) {
			return next(c)
		}
		on, err := s.store.TOTPEnabled(c.Request().Context(), u.ID)
		if err != nil {
			return err
		} else if on {
			return next(c)
		}
		if bearer, _ := c.Get(ctxBearer).(bool); bearer {
			s.logger(c).Warn("api token refused: two-factor authentication required", "account", u.Email, "role", u.Role, "ip", c.RealIP())
			return factcheck.Errorf(factcheck.EFORBIDDEN, "This desk requires two-factor authentication for %ss, and %s has not turned it on: log in to the desk in a browser and turn it on at /desk/account; this token works again from then on.", u.Role, u.Email)
		}
		if c.Request().Method == http.MethodGet && !wantsJSON(c) {
			return c.Redirect(http.StatusSeeOther, "/desk/account?mfa=required")
		}
		return factcheck.Errorf(factcheck.EFORBIDDEN, "Turn on two-factor authentication on /desk/account first: this desk requires it for %ss.", u.Role)
	}
}

// csrf protects state-changing requests made with cookies. The token a
// form carries (hidden field, or the X-CSRF-Token header for htmx) is an
// HMAC, under a key from the server secret, of the request's session
// token: a token from another session (or from before logging in) is
// refused, and logging in rotates it. Anonymous forms (logging in, a
// reader's report) bind it the same way to a random value in an HttpOnly
// cookie, which a login drops. Requests authenticated with a bearer token
// carry no ambient authority and skip it.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		var token string
		var err error
		if ref, ok := sessionOf(c); ok {
			token, err = s.keys.token(ctx, "csrf", "session:"+ref.token)
		} else if nonce := s.cookie(c, csrfCookie); len(nonce) >= 32 {
			token, err = s.keys.token(ctx, "csrf", "anonymous:"+nonce)
		}
		if err != nil {
			return err
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
			nonce := base64.RawURLEncoding.EncodeToString(b)
			s.setCookie(c, csrfCookie, nonce, 0)
			if token, err = s.keys.token(ctx, "csrf", "anonymous:"+nonce); err != nil {
				return err
			}
		}
		c.Set(ctxCSRF, token)
		return next(c)
	}
}
