package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
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
// rendered response by its path, the query parameters its route reads,
// the format negotiated for errors and the version it was rendered at. A page is therefore never served more than VersionTTL
// after the change that made it stale, on any node, and nothing a node
// keeps is needed by another.
//
// The cached middleware renders a response once per key (concurrent
// misses share one render) and keeps it in the byte-bounded render cache;
// serveFromMemory answers later requests for the same key before Echo's
// router and middleware run. Both send the same bytes and headers: what
// the route's middleware and handler set. A page is compressed (gzip and
// brotli) the first time it is asked for again by a client that takes
// them, so a one-off search never pays for compression and a hot page
// pays once.

// pageRef names a public response independent of the version: the request
// path, its query reduced to the parameters the route reads (see
// publicQuery), and whether the client was answered in JSON (wantsJSON),
// since an error page is JSON or HTML by the Accept header.
type pageRef struct {
	path, query string
	json        bool
}

// pageKey names one cached public response.
type pageKey struct {
	pageRef
	version int64
}

// tooLong reports whether the page's key is too long to keep.
func (r pageRef) tooLong() bool { return len(r.path)+len(r.query) > maxKeyBytes }

// size is the memory a key holds in the cache or the latest index: its
// strings and, roughly, the map entry, list element and item around it.
func (k pageKey) size() int { return len(k.path) + len(k.query) + keyOverhead }

// Bounds of the render cache: entries, the default byte budget and the
// share of it the latest index may use; keys longer than maxKeyBytes
// (path plus kept query) are rendered but never kept.
const (
	cacheEntries      = 1 << 16
	defaultCacheBytes = 64 << 20
	latestShare       = 8 // the latest index gets 1/8 of the budget, the cache the rest
	keyOverhead       = 128
	maxKeyBytes       = 1024
)

// publicQuery reduces a raw query to the parameters named in keep, each
// with its first value (what echo.Context.QueryParam reads) and none
// empty, in a canonical order. Unknown parameters, repeats and their order
// then make no new cache entry, and the handler, which is given this
// query, cannot see anything the key does not name.
func publicQuery(raw string, keep map[string]bool) string {
	if raw == "" {
		return ""
	}
	in, _ := url.ParseQuery(raw) // the pairs that parse, as Echo reads them
	var out url.Values
	for k, v := range in {
		if keep[k] && v[0] != "" {
			if out == nil {
				out = url.Values{}
			}
			out[k] = v[:1]
		}
	}
	return out.Encode()
}

// acceptsJSON is wantsJSON for a bare request, which serveFromMemory has.
func acceptsJSON(r *http.Request) bool {
	if !formatByAccept(r) {
		return true
	}
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}

// publicVersion returns the store's public version through the memo.
func (s *Server) publicVersion(ctx context.Context) (int64, error) {
	return s.public.Read(ctx, 0, func(ctx context.Context, _ int) (int64, error) { return s.store.PublicVersion(ctx) })
}

// cached returns the middleware that serves a public GET route from the
// render cache, rendering it with next on a miss; params are the query
// parameters the route's handler reads, and the only ones it is shown.
// Responses below 500 are kept (a 404 is as deterministic as a 200 for one
// version); a response that sets a cookie never is, nor one whose key is
// over maxKeyBytes. While the database is unavailable, the newest kept copy
// of the page is served instead of an error.
//
// Called while the routes are registered, it also adds params to the
// names serveFromMemory keeps, before any request is served.
func (s *Server) cached(params ...string) echo.MiddlewareFunc {
	keep := map[string]bool{}
	for _, p := range params {
		keep[p] = true
		s.queryNames[p] = true
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { return s.serveCached(c, next, keep) }
	}
}

// serveCached is the cached middleware for one request.
func (s *Server) serveCached(c echo.Context, next echo.HandlerFunc, keep map[string]bool) error {
	req := c.Request()
	ref := pageRef{req.URL.Path, publicQuery(req.URL.RawQuery, keep), acceptsJSON(req)}
	if ref.tooLong() {
		r, _, err := s.renderForCache(c, next, ref.query)
		if err != nil {
			return err
		}
		s.writeCached(c, r)
		return nil
	}
	v, err := s.publicVersion(req.Context())
	if err != nil {
		if r, ok := s.staleCopy(ref); ok && factcheck.ErrorCode(err) == factcheck.EUNAVAILABLE {
			s.writeCached(c, r)
			return nil
		}
		return err
	}
	key := pageKey{ref, v}
	fresh := false
	r, err := s.cache.GetOrFill(key, func() (*httpcache.Rendition, bool, error) {
		fresh = true
		r, keep, err := s.renderForCache(c, next, ref.query)
		if keep {
			s.noteLatest(ref, v)
		}
		return r, keep, err
	})
	if err != nil {
		return err
	}
	if !fresh {
		r = s.compressed(key, r, req)
	}
	s.writeCached(c, r)
	return nil
}

// compressed returns the rendition to send for req: r itself, or, when a
// client that takes gzip or brotli asks for a compressible page that has
// not been compressed yet, its compressed copy, which replaces r in the
// cache. Clients asking while another request compresses get r.
func (s *Server) compressed(key pageKey, r *httpcache.Rendition, req *http.Request) *httpcache.Rendition {
	if !r.WantsCompression(req.Header.Get("Accept-Encoding")) || !compressible(r.ContentType()) {
		return r
	}
	if _, busy := s.compressing.LoadOrStore(key, true); busy {
		return r
	}
	defer s.compressing.Delete(key)
	c := r.Compress()
	s.cache.Put(key, c)
	return c
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
	// The query is reduced by every name some route reads, not the route's
	// own (the router has not run): a parameter that this route ignores
	// then misses here and is answered by the full path, never wrongly.
	key := pageKey{pageRef{r.URL.Path, publicQuery(r.URL.RawQuery, s.queryNames), acceptsJSON(r)}, v.Version}
	if key.tooLong() {
		return false
	}
	rend, ok := s.cache.Get(key)
	if !ok {
		return false
	}
	rend = s.compressed(key, rend, r)
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
// request with query as its query and without conditional or encoding
// headers, so it renders the full identity body once for every client. It
// reports whether the answer may be kept.
func (s *Server) renderForCache(c echo.Context, next echo.HandlerFunc, query string) (*httpcache.Rendition, bool, error) {
	req := c.Request().Clone(c.Request().Context())
	req.URL.RawQuery = query
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
	for _, k := range []string{"Content-Length", "Etag", "Content-Encoding"} {
		delete(hdr, k)
	}
	// httpcache.Write adds Accept-Encoding to Vary when it sends the
	// rendition; what else the response varies by (Accept, for an error
	// page) is kept.
	vary := slices.DeleteFunc(slices.Clone(hdr["Vary"]), func(v string) bool { return strings.EqualFold(v, "Accept-Encoding") })
	delete(hdr, "Vary")
	if len(vary) > 0 {
		hdr["Vary"] = vary
	}
	r := httpcache.NewResponse(rec.status, hdr, rec.body.Bytes(), false, c.Path())
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
// copy can be found while the database is down. The index is cleared when
// its keys would take more than latestBytes: it is safe to lose, as it only
// finds stale copies.
func (s *Server) noteLatest(ref pageRef, v int64) {
	s.latestMu.Lock()
	defer s.latestMu.Unlock()
	old, ok := s.latest[ref]
	if !ok {
		n := pageKey{pageRef: ref}.size()
		if s.latestSize+n > s.latestBytes {
			clear(s.latest)
			s.latestSize = 0
		}
		s.latestSize += n
	}
	if !ok || v >= old {
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

// latestIndex is the state behind noteLatest and staleCopy, and the keys
// being compressed.
type latestIndex struct {
	latestMu sync.Mutex
	latest   map[pageRef]int64
	// latestSize is the bytes the keys of latest take (as pageKey.size
	// counts them), at most latestBytes.
	latestSize, latestBytes int
	compressing             sync.Map // pageKey → true
}
