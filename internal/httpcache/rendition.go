package httpcache

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"math/bits"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
)

// Policy is a Cache-Control value with its header slice made once, so
// sending it allocates nothing.
type Policy struct {
	h []string
}

// NewPolicy returns the policy that sends value as Cache-Control.
func NewPolicy(value string) Policy { return Policy{h: []string{value}} }

// String returns the Cache-Control value.
func (p Policy) String() string {
	if len(p.h) == 0 {
		return ""
	}
	return p.h[0]
}

// Rendition is one rendered response kept in memory: the status, the
// headers it is sent with, the bytes and their compressed forms (only
// those that are smaller), each with its own strong ETag. Renditions are
// immutable once built.
type Rendition struct {
	status int
	// header is sent with every answer, before Write's own headers
	// (ETag, Vary, Content-Encoding, Content-Length).
	header http.Header
	etag   string // of the identity encoding
	// enc holds the encodings on offer, identity first.
	enc []encoded
	// label is the caller's name for the rendition, e.g. the route that
	// rendered it, for logs and metrics.
	label string
	// compressed says the compressed forms were made (see Compress).
	compressed bool
}

// encoded is one content coding of a rendition, with ready-made header
// values so serving it allocates nothing.
type encoded struct {
	coding  string // "", "gzip" or "br"
	body    []byte
	etag    string
	codingH []string
	etagH   []string
	lengthH []string
}

// ETag returns a strong entity tag for body.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// New precomputes the ETags of body and, when compress is set, its gzip and
// brotli forms (see Compress): a rendition is built once and served many
// times. Bodies rendered for one request only should pass compress=false,
// since compressing costs more than it saves for a single send.
func New(contentType string, body []byte, compress bool) *Rendition {
	return NewResponse(http.StatusOK, http.Header{"Content-Type": {contentType}}, body, compress, "")
}

// NewResponse is New for a whole response: its status, the headers to send
// with it (Content-Type among them; Cache-Control too when the caller
// passes no Policy to Write; a Vary of its own, to which Write adds
// Accept-Encoding) and a label for the caller. The header map is
// kept, not copied: callers must not change it afterwards.
func NewResponse(status int, header http.Header, body []byte, compress bool, label string) *Rendition {
	if v, ok := header["Vary"]; ok {
		// Write appends Accept-Encoding to a copy of this slice, never
		// into its spare capacity, which other answers share.
		header["Vary"] = slices.Clip(v)
	}
	r := &Rendition{status: status, header: header, etag: ETag(body), label: label}
	r.add("", body, r.etag)
	if compress {
		r.compress()
	}
	return r
}

// Compressed reports whether r already offers its gzip and brotli forms
// (or found them no smaller).
func (r *Rendition) Compressed() bool { return r.compressed }

// Compress returns a copy of r that also offers gzip and brotli, each
// only when smaller than the body: brotli at its best quality for small
// bodies, at quality 8 for large ones (best costs tens of milliseconds on
// a 16 KB page for a tenth fewer bytes). r itself is unchanged.
func (r *Rendition) Compress() *Rendition {
	c := *r
	c.enc = append([]encoded(nil), r.enc[:1]...)
	c.compress()
	return &c
}

// compress adds the compressed forms of the identity body.
func (r *Rendition) compress() {
	r.compressed = true
	body := r.enc[0].body
	var gz, br bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	// A window no larger than the body (at least brotli's minimum)
	// keeps the encoder's memory small for small cards.
	lgwin := max(bits.Len(uint(len(body))), 10)
	quality := brotli.BestCompression
	if len(body) > 8<<10 {
		quality = 8
	}
	bw := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: quality, LGWin: min(lgwin, 24)})
	bw.Write(body)
	bw.Close()
	// A different encoding is a different representation, so it gets
	// its own strong tag.
	for _, c := range []struct {
		coding string
		buf    *bytes.Buffer
	}{{"gzip", &gz}, {"br", &br}} {
		if c.buf.Len() < len(body) {
			r.add(c.coding, c.buf.Bytes(), r.etag[:len(r.etag)-1]+"-"+c.coding+`"`)
		}
	}
}

// WantsCompression reports whether a client with this Accept-Encoding
// would take a compressed form of r that r does not offer yet.
func (r *Rendition) WantsCompression(acceptEncoding string) bool {
	return !r.compressed && (codingQuality(acceptEncoding, "br") > 0 || codingQuality(acceptEncoding, "gzip") > 0)
}

func (r *Rendition) add(coding string, body []byte, etag string) {
	e := encoded{coding: coding, body: body, etag: etag, etagH: []string{etag}, lengthH: []string{strconv.Itoa(len(body))}}
	if coding != "" {
		e.codingH = []string{coding}
	}
	r.enc = append(r.enc, e)
}

// ETag returns the strong tag of the uncompressed body.
func (r *Rendition) ETag() string { return r.etag }

// ContentType returns the rendition's Content-Type.
func (r *Rendition) ContentType() string { return r.header.Get("Content-Type") }

// Status returns the HTTP status the rendition is sent with.
func (r *Rendition) Status() int { return r.status }

// Label returns the caller's label given to NewResponse.
func (r *Rendition) Label() string { return r.label }

// Body returns the uncompressed body. Callers must not modify it.
func (r *Rendition) Body() []byte { return r.enc[0].body }

// Size is the memory a rendition holds, as the Cache counts it.
func (r *Rendition) Size() int {
	n := 256
	for _, e := range r.enc {
		n += len(e.body) + 64
	}
	return n
}

// encoding returns the form of r to send for an Accept-Encoding header:
// the one the client rates highest, brotli before gzip on a tie, identity
// when the client accepts no other or nothing better is on offer.
func (r *Rendition) encoding(acceptEncoding string) *encoded {
	best, bestQ := &r.enc[0], 0.0
	for i := range r.enc[1:] {
		e := &r.enc[i+1]
		if q := codingQuality(acceptEncoding, e.coding); q > bestQ || q == bestQ && q > 0 && e.coding == "br" {
			best, bestQ = e, q
		}
	}
	return best
}

// codingQuality returns the q-value an Accept-Encoding header gives a
// content coding: its own entry's, else the "*" entry's, else 0.
func codingQuality(header, coding string) float64 {
	q, star := -1.0, -1.0
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ",")
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		v := 1.0
		if p := strings.TrimSpace(params); p != "" {
			k, val, _ := strings.Cut(p, "=")
			if strings.TrimSpace(k) != "q" {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			v = f
		}
		switch {
		case strings.EqualFold(name, coding):
			q = v
		case name == "*":
			star = v
		}
	}
	if q < 0 {
		q = star
	}
	return max(q, 0)
}

// Matches reports whether an If-None-Match header names any form of r
// (weakly, as If-None-Match compares), or is "*".
func (r *Rendition) Matches(ifNoneMatch string) bool { return r.match(ifNoneMatch) != nil }

// match returns the form of r an If-None-Match header names (the first
// form for "*"), or nil. It reads the header in place: revalidations are
// the hottest requests of all.
func (r *Rendition) match(ifNoneMatch string) *encoded {
	for header := ifNoneMatch; header != ""; {
		var part string
		part, header, _ = strings.Cut(header, ",")
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == "*" {
			return &r.enc[0]
		}
		for i := range r.enc {
			if part == r.enc[i].etag {
				return &r.enc[i]
			}
		}
	}
	return nil
}

// Write sends r for req: its headers, then policy as Cache-Control (unless
// policy is the zero Policy), then 304 Not Modified when the rendition is
// a 200 that If-None-Match already names, otherwise r's status with the
// encoding the client prefers, its own ETag and Content-Length. It returns
// the status and the number of body bytes written. Header values are
// assigned from the rendition's precomputed slices, which nothing modifies
// in place, so a hit allocates only for Vary.
func Write(w http.ResponseWriter, req *http.Request, r *Rendition, policy Policy) (status, n int) {
	hdr := w.Header()
	for k, v := range r.header {
		hdr[k] = v
	}
	e := r.encoding(req.Header.Get("Accept-Encoding"))
	hdr["Etag"] = e.etagH
	if policy.h != nil {
		hdr["Cache-Control"] = policy.h
	}
	hdr["Vary"] = append(hdr["Vary"], "Accept-Encoding")
	if inm := req.Header.Get("If-None-Match"); r.status == http.StatusOK && inm != "" {
		// A 304 confirms the form the client has, so it carries that
		// form's tag (the client may hold the plain body of a page that
		// has been compressed since).
		if m := r.match(inm); m != nil {
			hdr["Etag"] = m.etagH
			delete(hdr, "Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return http.StatusNotModified, 0
		}
	} else if r.status == http.StatusOK && NotModifiedSince(req, r.header.Get("Last-Modified")) {
		// If-Modified-Since counts only without If-None-Match (RFC 9110
		// 13.1.3), and only for renditions that say when they changed.
		delete(hdr, "Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified, 0
	}
	if e.codingH != nil {
		hdr["Content-Encoding"] = e.codingH
	}
	hdr["Content-Length"] = e.lengthH
	w.WriteHeader(r.status)
	n, _ = w.Write(e.body)
	return r.status, n
}

// NotModifiedSince reports whether req's If-Modified-Since names a time
// no earlier than lastModified (an HTTP date, as sent in Last-Modified),
// so a 304 may answer it. An absent or unreadable date on either side, or
// a request that also carries If-None-Match, reports false.
func NotModifiedSince(req *http.Request, lastModified string) bool {
	ims := req.Header.Get("If-Modified-Since")
	if ims == "" || lastModified == "" || req.Header.Get("If-None-Match") != "" {
		return false
	}
	since, err := http.ParseTime(ims)
	if err != nil {
		return false
	}
	mod, err := http.ParseTime(lastModified)
	return err == nil && !mod.After(since)
}
