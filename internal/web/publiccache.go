package web

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/httpcache"
)

// Public responses are answered from memory while nothing public has
// changed. Every change a reader could see bumps the store's public
// version (store.PublicVersion) in the same transaction; each node reads
// that version at most once per VersionTTL (the memo), and keys every
// rendered response by its path, its query and the version it was
// rendered at. A page is therefore never served more than VersionTTL
// after the change that made it stale, on any node, and nothing a node
// keeps is needed by another.
//
// The cached middleware renders a response once per key (concurrent
// misses share one render) and keeps it, gzipped and brotli'd, in the
// byte-bounded render cache; serveFromMemory answers later requests for
// the same key before Echo's router and middleware run. Both send the
// same bytes and headers: what the route's middleware and handler set.

// pageRef names a public response independent of the version: the request
// path and its raw query.
type pageRef struct {
	path, query string
}

// pageKey names one cached public response.
type pageKey struct {
	pageRef
	version int64
}

// Bounds of the render cache: entries, and the default byte budget.
const (
	cacheEntries      = 1 << 16
	defaultCacheBytes = 64 << 20
	// maxLatest bounds the index of the newest rendition of each page,
	// kept for serving stale copies while the database is down.
	maxLatest = 1 << 16
)

// publicVersion returns the store's public version through the memo.
func (s *Server) publicVersion(ctx context.Context) (int64, error) {
	return s.public.Read(ctx, 0, func(ctx context.Context, _ int) (int64, error) { return s.store.PublicVersion(ctx) })
}

// cached serves a public GET route from the render cache, rendering it
// with next on a miss. Responses below 500 are kept (a 404 is as
// deterministic as a 200 for one version); a response that sets a cookie
// never is. While the database is unavailable, the newest kept copy of
// the page is served instead of an error.
func (s *Server) cached(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		ref := pageRef{req.URL.Path, req.URL.RawQuery}
		v, err := s.publicVersion(req.Context())
		if err != nil {
			if r, ok := s.staleCopy(ref); ok && factcheck.ErrorCode(err) == factcheck.EUNAVAILABLE {
				s.writeCached(c, r)
				return nil
			}
			return err
		}
		key := pageKey{ref, v}
		r, err := s.cache.GetOrFill(key, func() (*httpcache.Rendition, bool, error) {
			r, keep, err := s.renderForCache(c, next)
			if keep {
				s.noteLatest(ref, v)
			}
			return r, keep, err
		})
		if err != nil {
			return err
		}
		s.writeCached(c, r)
		return nil
	}
}

// writeCached sends a kept rendition as the whole response: its own
// headers replace everything set so far but the request id.
func (s *Server) writeCached(c echo.Context, r *httpcache.Rendition) {
	h := c.Response().Header()
	rid := h[echo.HeaderXRequestID]
	clear(h)
	if rid != nil {
		h[echo.HeaderXRequestID] = rid
	}
	httpcache.Write(c.Response(), c.Request(), r, httpcache.Policy{})
}

// serveFromMemory answers a GET whose rendition is in the cache under the
// memo's public version, skipping Echo's router and middleware: a viral
// page is all hits. It writes the response the full path would (the same
// headers, a request id, metrics and the access log line) and reports
// true; on anything else it writes nothing and reports false, and the
// request takes the full path.
func (s *Server) serveFromMemory(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	start := time.Now()
	v, ok := s.public.Memo(0, start)
	if !ok || v.Err != nil {
		return false
	}
	rend, ok := s.cache.Get(pageKey{pageRef{r.URL.Path, r.URL.RawQuery}, v.Version})
	if !ok {
		return false
	}
	hdr := w.Header()
	rid := r.Header.Get(echo.HeaderXRequestID)
	if rid == "" {
		rid = s.requestID()
	}
	hdr[echo.HeaderXRequestID] = []string{rid}
	status, n := httpcache.Write(w, r, rend, httpcache.Policy{})
	d := time.Since(start)
	s.metrics.observe(rend.Label(), method(r), status, d)
	s.logRequest(r, rend.Label(), rid, status, int64(n), d)
	return true
}

// renderForCache runs the route's handler into memory, on a copy of the
// request without conditional or encoding headers, so it renders the full
// identity body once for every client. It reports whether the answer may
// be kept.
func (s *Server) renderForCache(c echo.Context, next echo.HandlerFunc) (*httpcache.Rendition, bool, error) {
	req := c.Request().Clone(c.Request().Context())
	for _, h := range []string{"If-None-Match", "If-Modified-Since", "Accept-Encoding"} {
		req.Header.Del(h)
	}
	rec := &recorder{header: c.Response().Header().Clone(), status: http.StatusOK}
	delete(rec.header, echo.HeaderXRequestID)
	ec := s.echo.AcquireContext()
	defer s.echo.ReleaseContext(ec)
	ec.Reset(req, rec)
	ec.SetPath(c.Path())
	ec.SetParamNames(c.ParamNames()...)
	ec.SetParamValues(c.ParamValues()...)
	if err := next(ec); err != nil {
		if code := factcheck.ErrorCode(err); code != factcheck.ENOTFOUND && code != factcheck.EMALFORMED {
			return nil, false, err
		}
		s.handleError(err, ec)
	}
	hdr := rec.header
	_, cookie := hdr["Set-Cookie"]
	for _, k := range []string{"Content-Length", "Etag", "Vary", "Content-Encoding"} {
		delete(hdr, k)
	}
	r := httpcache.NewResponse(rec.status, hdr, rec.body.Bytes(), compressible(hdr.Get("Content-Type")), c.Path())
	return r, rec.status < 500 && !cookie, nil
}

// compressible reports whether a content type gains from gzip and brotli.
func compressible(contentType string) bool {
	for _, p := range []string{"text/", "application/json", "application/ld+json", "application/atom+xml", "application/xml", "image/svg+xml"} {
		if strings.HasPrefix(contentType, p) {
			return true
		}
	}
	return false
}

// noteLatest records that ref was rendered at version v, so that a stale
// copy can be found while the database is down.
func (s *Server) noteLatest(ref pageRef, v int64) {
	s.latestMu.Lock()
	defer s.latestMu.Unlock()
	if len(s.latest) >= maxLatest {
		clear(s.latest) // safe to lose: it only finds stale copies
	}
	if v >= s.latest[ref] {
		s.latest[ref] = v
	}
}

// staleCopy returns the newest rendition of ref still in the cache.
func (s *Server) staleCopy(ref pageRef) (*httpcache.Rendition, bool) {
	s.latestMu.Lock()
	v, ok := s.latest[ref]
	s.latestMu.Unlock()
	if !ok {
		return nil, false
	}
	return s.cache.Get(pageKey{ref, v})
}

// recorder is an http.ResponseWriter that keeps a response in memory.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}

// Flush does nothing: the whole response is sent once it is kept. (templ
// flushes as it renders.)
func (r *recorder) Flush() {}

// latestIndex is the state behind noteLatest and staleCopy.
type latestIndex struct {
	latestMu sync.Mutex
	latest   map[pageRef]int64
}
