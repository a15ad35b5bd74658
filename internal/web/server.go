// Package web serves claimdesk over HTTP with Echo: the public reader pages,
// embeds, the desk (templ + htmx) and the JSON API.
//
// How a request is answered: routes.go is the one route table (every path,
// its method, who may call it and its handler). Files are named by surface:
// reader_* for public pages, embed_* for cards on other sites, desk_* for
// the newsroom's pages, api_* for the JSON API; api_json.go holds every JSON
// shape. Handlers are thin: they parse input (request.go), call the store
// and the domain, and render (render.go) — HTML with templ, JSON with the
// named types, public bytes through internal/httpcache.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/fetch"
	"claimdesk/internal/httpcache"
	"claimdesk/internal/shareimage"
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
	// VersionTTL lets one read of the public version answer requests for
	// this long (0: read on every request). A correction then reaches this
	// node's readers within the TTL.
	VersionTTL time.Duration
	// CacheBytes bounds the memory of rendered public responses, their
	// keys and the index of stale copies included (0: 64 MB).
	CacheBytes int
	// AccessLog says which requests get a log line: AccessLogAll, or
	// AccessLogSample (the default: every request but one in a hundred
	// fast, successful public hits), or AccessLogErrors (failures and slow
	// requests only).
	AccessLog string
	// TrustedProxies are the addresses whose X-Forwarded-For is believed
	// (a load balancer, nginx). The client's address is taken from the
	// header only when the connection comes from one of them.
	TrustedProxies []netip.Prefix
	// FetchPrivate lets "fetch article from the web" reach loopback and
	// private addresses (tests; desks checking their own intranet).
	FetchPrivate bool
	// LoginLimit is how many failed logins per IP or email are allowed per LoginWindow.
	LoginLimit  int
	LoginWindow time.Duration

	// Accounts (auth.go, auth_*.go, desk_account.go).

	// SessionIdle ends a session that has not been used for this long
	// (default 12 hours), within its absolute SessionTTL.
	SessionIdle time.Duration
	// RequireMFA lists the roles that must turn on two-factor
	// authentication before using the desk (empty: nobody must).
	RequireMFA []factcheck.Role
	// MFAKey, when set, is the key that seals TOTP secrets in the
	// database, kept outside it so a copy of the database alone gives no
	// codes. Empty: a key stored in the database seals them.
	MFAKey string
	// TokenTTL is the expiry /desk/tokens offers first for new API
	// tokens (default 90 days).
	TokenTTL time.Duration
	// OIDC configures single sign-on; with no Issuer it is off.
	OIDC OIDCConfig
	// NoPasswordLogin makes single sign-on replace passwords: the login
	// page offers single sign-on alone, logging in with a password and
	// changing one's own are refused with 403, a login or session begun
	// with a password before (a pending second factor, a session) no
	// longer counts, and API tokens keep working. New refuses it without
	// OIDC.
	NoPasswordLogin bool
}

// Server is the claimdesk HTTP server.
type Server struct {
	echo    *echo.Echo
	store   *store.Store
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	fetcher *fetch.Fetcher
	now     func() time.Time

	// cache keeps rendered public responses under the public version they
	// were rendered at; public reads (and briefly remembers) that version.
	// Both are safe to lose (see publiccache.go).
	cache  *httpcache.Cache[pageKey]
	public *httpcache.Gate[int, int64]
	latestIndex
	// queryNames are the query parameters some cached route reads
	// (registered by cached), for the keys of serveFromMemory.
	queryNames map[string]bool
	shares     *shareimage.Drawer
	embedJS    *httpcache.Rendition

	// requestID makes the X-Request-Id of requests that come without one.
	requestID func() string
	// errorLog groups error log lines by kind; sampled counts public hits
	// for the sampled access log.
	errorLog errorLog
	sampled  atomic.Uint64
	// secure holds the headers every response carries; embedSecure their
	// embed form (see embedHeaderSet).
	secure, embedSecure http.Header

	// keys derives this desk's signing keys from the server secret all
	// nodes share (auth_key.go); sso is single sign-on, nil when off.
	keys *keyring
	sso  *sso

	// matches answers "Already checked?" (desk_match.go).
	matches *matchIndex
}

// New builds the server around st: its dependencies first, then the
// middleware and the route table. It fails only when a part compiled into
// the binary (fonts, embed.js) cannot be loaded.
func New(st *store.Store, cfg Config, log *slog.Logger) (*Server, error) {
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
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = store.DefaultSessionIdle
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = 90 * 24 * time.Hour
	}
	if cfg.CacheBytes == 0 {
		cfg.CacheBytes = defaultCacheBytes
	}
	switch cfg.AccessLog {
	case "":
		cfg.AccessLog = AccessLogSample
	case AccessLogAll, AccessLogSample, AccessLogErrors:
	default:
		return nil, fmt.Errorf("access log %q: want all, sample or errors", cfg.AccessLog)
	}
	if cfg.NoPasswordLogin && cfg.OIDC.Issuer == "" {
		return nil, errors.New("password login is off and single sign-on is not set up: nobody could log in")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if strings.HasPrefix(cfg.BaseURL, "https://") {
		cfg.SecureCookies = true
	}
	shares, err := shareimage.New()
	if err != nil {
		return nil, fmt.Errorf("share images: %w", err)
	}
	js, err := static.Read("embed.js")
	if err != nil {
		return nil, fmt.Errorf("embed script: %w", err)
	}
	s := &Server{echo: echo.New(), store: st, cfg: cfg, log: log, metrics: newMetrics(), now: time.Now,
		fetcher:   fetch.New(cfg.FetchPrivate),
		cache:     httpcache.NewCache(cacheEntries, cfg.CacheBytes-cfg.CacheBytes/latestShare, pageKey.size),
		public:    httpcache.NewGate[int, int64](cfg.VersionTTL, nil),
		shares:    shares,
		embedJS:   httpcache.New("text/javascript; charset=utf-8", js, true),
		requestID: newRequestIDs(), secure: secureHeaderSet(cfg.SecureCookies)}
	s.keys = &keyring{store: st, mfaKey: cfg.MFAKey}
	s.matches = newMatchIndex(st)
	if cfg.OIDC.Issuer != "" {
		s.sso = newSSO(cfg.OIDC, cfg.BaseURL)
	}
	s.embedSecure = embedHeaderSet(s.secure)
	s.latest, s.latestBytes = map[pageRef]int64{}, cfg.CacheBytes/latestShare
	s.queryNames = map[string]bool{}
	s.errorLog.interval = 10 * time.Second

	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = clientIP(cfg.TrustedProxies)
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{TargetHeader: echo.HeaderXRequestID, Generator: s.requestID}))
	e.Use(s.metrics.middleware)
	e.Use(s.logRequests)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		s.logger(c).Error("panic", "err", err, "stack", string(stack))
		return err
	}}))
	e.Use(keepRawBody)
	e.Use(middleware.BodyLimit(cfg.BodyLimit))
	e.Use(s.secureHeaders)
	s.routes()
	return s, nil
}

// Handler returns the server as an http.Handler, for tests and benchmarks.
func (s *Server) Handler() http.Handler { return s }

// ServeHTTP answers public responses that are already in memory directly
// (see serveFromMemory) and hands every other request to Echo. HEAD is
// answered as GET: net/http sends the headers and drops the body.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		r = r.WithContext(context.WithValue(r.Context(), headRequest{}, true))
		r.Method = http.MethodGet
	}
	if s.serveFromMemory(w, r) {
		return
	}
	s.echo.ServeHTTP(w, r)
}

// Serve accepts connections on l until ctx is done, then drains in-flight
// requests for up to 20 seconds.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	go s.warmMatches(ctx)
	return serveUntil(ctx, srv, l, 20*time.Second)
}

// serveUntil runs srv on l until ctx is done, then lets in-flight requests
// finish for up to drain.
func serveUntil(ctx context.Context, srv *http.Server, l net.Listener, drain time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}
