// Package web serves claimdesk over HTTP with Echo: the public reader pages,
// embeds, the desk (templ + htmx) and the JSON API. Handlers are thin: they
// parse input, call the store and domain, and render.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/fetch"
	"claimdesk/internal/store"
	"claimdesk/static"
)

// Config is what the server needs to know beyond its store.
type Config struct {
	// BaseURL is the absolute URL of the desk, used in feeds, JSON-LD and share links.
	BaseURL string
	// Newsroom is the name shown on cards and pages.
	Newsroom string
	// BodyLimit caps request bodies, e.g. "2M".
	BodyLimit string
	// SecureCookies marks cookies Secure; on when BaseURL is https.
	SecureCookies bool
	// RequireOtherReviewer makes publishing by a claim's own author forbidden.
	RequireOtherReviewer bool
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration
	// EmbedVersionTTL lets one read of a claim's version answer embed
	// requests for this long (0: read on every request). A correction then
	// reaches embeds served by this node within the TTL.
	EmbedVersionTTL time.Duration
	// FetchPrivate lets "fetch article from the web" reach loopback and
	// private addresses (tests; desks checking their own intranet).
	FetchPrivate bool
	// LoginLimit is how many failed logins per IP or email are allowed per LoginWindow.
	LoginLimit  int
	LoginWindow time.Duration
}

// Server is the claimdesk HTTP server.
type Server struct {
	echo    *echo.Echo
	store   *store.Store
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	pages   *pageCache // rendered claim pages; safe to lose
	embeds  *embeds
	fetcher *fetch.Fetcher
	now     func() time.Time
	// requestID makes the X-Request-Id of requests that come without one.
	requestID func() string
	// secure holds the headers every response carries; embedSecure their
	// embed form (see embedHeaderSet).
	secure, embedSecure http.Header
}

// New wires the routes and middleware around st.
func New(st *store.Store, cfg Config, log *slog.Logger) *Server {
	if cfg.Newsroom == "" {
		cfg.Newsroom = "claimdesk"
	}
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "2M"
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 14 * 24 * time.Hour
	}
	if cfg.LoginLimit == 0 {
		cfg.LoginLimit = 10
	}
	if cfg.LoginWindow == 0 {
		cfg.LoginWindow = 15 * time.Minute
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if strings.HasPrefix(cfg.BaseURL, "https://") {
		cfg.SecureCookies = true
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	s := &Server{echo: e, store: st, cfg: cfg, log: log, metrics: newMetrics(), pages: newPageCache(4096, time.Minute), now: time.Now,
		requestID: newRequestIDs(), secure: secureHeaderSet(cfg.SecureCookies), fetcher: fetch.New(cfg.FetchPrivate)}
	s.embedSecure = embedHeaderSet(s.secure)
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = echo.ExtractIPDirect()

	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{TargetHeader: echo.HeaderXRequestID, Generator: s.requestID}))
	e.Use(s.metrics.middleware)
	e.Use(s.logRequests)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		s.logger(c).Error("panic", "err", err, "stack", string(stack))
		return err
	}}))
	e.Use(middleware.BodyLimit(cfg.BodyLimit))
	e.Use(s.secureHeaders)
	s.routes()
	return s
}

// Handler returns the server as an http.Handler, for tests and benchmarks.
func (s *Server) Handler() http.Handler { return s }

// ServeHTTP answers embed cards that are already in memory directly (see
// embeds.serveFromMemory) and hands every other request to Echo. HEAD is
// answered as GET: net/http sends the headers and drops the body.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		r = r.WithContext(context.WithValue(r.Context(), headRequest{}, true))
		r.Method = http.MethodGet
	}
	if s.embeds.serveFromMemory(w, r) {
		return
	}
	s.echo.ServeHTTP(w, r)
}

// Serve accepts connections on l until ctx is done, then drains in-flight
// requests for up to 20 seconds.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}

func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metrics.handler())
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", static.Handler())))
	e.GET("/favicon.ico", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, static.URL("favicon.svg")) })

	e.GET("/", s.home)
	e.GET("/claims/:id", s.claimPage)
	e.GET("/api/v1/claims", s.apiClaims, corsOpen)
	e.GET("/api/v1/claims/:id", s.apiClaim, corsOpen)
	s.readerRoutes()
	s.embedRoutes()

	// Middleware is attached per route, not per group: an Echo group with
	// middleware also claims every unknown path under its prefix.
	session := []echo.MiddlewareFunc{s.authenticate, s.csrf}
	e.GET("/login", s.loginPage, session...)
	e.POST("/login", s.login, session...)
	e.POST("/logout", s.logout, session...)
	s.deskRoutes([]echo.MiddlewareFunc{s.authenticate, s.requireUser, s.csrf})
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

// logRequest writes the log line of one request, unless it is a fast,
// successful hit on a quiet route.
func (s *Server) logRequest(r *http.Request, route, requestID string, status int, size int64, d time.Duration) {
	if quietRoute(route) && status < 400 && d < 250*time.Millisecond {
		return
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	s.log.Info("request", "request_id", requestID, "method", method(r), "path", r.URL.Path, "route", route,
		"status", status, "bytes", size, "duration_ms", float64(d.Microseconds())/1000, "ip", ip)
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
		return next(c)
	}
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.logger(c).Warn("not ready", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// render writes a templ component as HTML with the given status.
func (s *Server) render(c echo.Context, status int, comp templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	return comp.Render(c.Request().Context(), c.Response())
}

// userOf returns the logged-in user, or nil.
func userOf(c echo.Context) *factcheck.User {
	u, _ := c.Get(ctxUser).(*factcheck.User)
	return u
}

// quietRoute reports whether a route's successful hits go unlogged.
func quietRoute(route string) bool {
	return strings.HasPrefix(route, "/embed") || route == "/static/*" || route == "/claims/:id/card.png"
}

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
