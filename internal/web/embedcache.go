package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/andybalholm/brotli"

	"claimdesk/internal/store"
)

// rendition is one rendered public response kept in memory: the bytes and
// their compressed forms (only those that are smaller), each with its own
// strong ETag. Renditions are immutable once built.
type rendition struct {
	contentType  string
	contentTypeH []string
	etag         string // of the identity encoding
	// enc holds the encodings on offer, identity first.
	enc []encoded
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

// headerValue returns v as a header value slice. Slices of the fixed
// Cache-Control values are shared, not allocated per response.
func headerValue(v string) []string {
	switch v {
	case cachePublic:
		return cachePublicH
	case cacheList:
		return cacheListH
	case cacheScript:
		return cacheScriptH
	}
	return []string{v}
}

var cachePublicH, cacheListH, cacheScriptH = []string{cachePublic}, []string{cacheList}, []string{cacheScript}

// newRendition precomputes the ETags of body and, when compress is set,
// its gzip and brotli forms at their best compression: renditions are built
// once and served many times.
func newRendition(contentType string, body []byte, compress bool) *rendition {
	r := &rendition{contentType: contentType, contentTypeH: []string{contentType}, etag: etagOf(body)}
	r.add("", body, r.etag)
	if compress {
		var gz, br bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		// A window no larger than the body (at least brotli's minimum)
		// keeps the encoder's memory small for small cards.
		lgwin := max(bits.Len(uint(len(body))), 10)
		bw := brotli.NewWriterOptions(&br, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: min(lgwin, 24)})
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
	return r
}

func (r *rendition) add(coding string, body []byte, etag string) {
	e := encoded{coding: coding, body: body, etag: etag, etagH: []string{etag}, lengthH: []string{strconv.Itoa(len(body))}}
	if coding != "" {
		e.codingH = []string{coding}
	}
	r.enc = append(r.enc, e)
}

// encoding returns the form of r to send for an Accept-Encoding header:
// the one the client rates highest, brotli before gzip on a tie, identity
// when the client accepts no other or nothing better is on offer.
func (r *rendition) encoding(acceptEncoding string) *encoded {
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

// matches reports whether an If-None-Match header names any form of r
// (weakly, as If-None-Match compares), or is "*". It reads the header in
// place: revalidations are the hottest requests of all.
func (r *rendition) matches(ifNoneMatch string) bool {
	for header := ifNoneMatch; header != ""; {
		var part string
		part, header, _ = strings.Cut(header, ",")
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == "*" {
			return true
		}
		for i := range r.enc {
			if part == r.enc[i].etag {
				return true
			}
		}
	}
	return false
}

func (r *rendition) size() int {
	n := 256
	for _, e := range r.enc {
		n += len(e.body) + 64
	}
	return n
}

// renderCache is a small cache of renditions bounded by entry count and
// total bytes. Keys carry the claim id and version, so an entry is never
// stale, only unused; losing the cache costs a re-render. Concurrent misses
// for one key wait for a single fill instead of rendering in parallel.
//
// Hits take only a read lock: eviction is CLOCK (second chance), an
// approximation of least-recently-used in which a hit just sets a flag, so
// readers of one viral card never queue behind each other.
type renderCache struct {
	mu         sync.RWMutex
	maxEntries int
	maxBytes   int
	bytes      int
	order      *list.List // of *cacheItem; eviction looks at the back
	items      map[renderKey]*list.Element
	inflight   map[renderKey]*fill
}

// renderKey names one rendition: what it is (kind), the claim, its version
// and a variant such as the theme or the image width.
type renderKey struct {
	kind    string
	id      int64
	version store.CardVersion
	variant string
}

type cacheItem struct {
	key  renderKey
	r    *rendition
	used atomic.Bool // hit since the clock hand last passed
}

type fill struct {
	done chan struct{}
	r    *rendition
	err  error
}

func newRenderCache(maxEntries, maxBytes int) *renderCache {
	return &renderCache{maxEntries: maxEntries, maxBytes: maxBytes, order: list.New(),
		items: map[renderKey]*list.Element{}, inflight: map[renderKey]*fill{}}
}

// get returns the cached rendition for key, if any.
func (c *renderCache) get(key renderKey) (*rendition, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	it := el.Value.(*cacheItem)
	if !it.used.Load() {
		it.used.Store(true)
	}
	return it.r, true
}

// getOrFill returns the rendition for key, calling build at most once at a
// time per key on a miss. Errors are returned to every waiter and not cached.
func (c *renderCache) getOrFill(key renderKey, build func() (*rendition, error)) (*rendition, error) {
	if r, ok := c.get(key); ok {
		return r, nil
	}
	c.mu.Lock()
	if el, ok := c.items[key]; ok {
		c.mu.Unlock()
		return el.Value.(*cacheItem).r, nil
	}
	if f, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		<-f.done
		return f.r, f.err
	}
	f := &fill{done: make(chan struct{})}
	c.inflight[key] = f
	c.mu.Unlock()

	defer func() {
		c.mu.Lock()
		delete(c.inflight, key)
		c.mu.Unlock()
		close(f.done)
	}()
	f.r, f.err = build()
	if f.err == nil {
		c.put(key, f.r)
	}
	return f.r, f.err
}

// put stores r under key, first evicting entries until it fits within the
// cache's bounds: from the back, giving each entry hit since the hand last
// passed a second chance at the front. Evicting before inserting means a
// new entry is never the one evicted to make room for itself. A rendition
// larger than the whole byte budget is not kept.
func (c *renderCache) put(key renderKey, r *rendition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.size() > c.maxBytes {
		return
	}
	if el, ok := c.items[key]; ok {
		c.order.Remove(el)
		delete(c.items, key)
		c.bytes -= el.Value.(*cacheItem).r.size()
	}
	for c.order.Len() > 0 && (c.order.Len() >= c.maxEntries || c.bytes+r.size() > c.maxBytes) {
		el := c.order.Back()
		it := el.Value.(*cacheItem)
		if it.used.Swap(false) {
			c.order.MoveToFront(el)
			continue
		}
		c.order.Remove(el)
		delete(c.items, it.key)
		c.bytes -= it.r.size()
	}
	c.items[key] = c.order.PushFront(&cacheItem{key: key, r: r})
	c.bytes += r.size()
}

// len reports the number of cached entries and their total size.
func (c *renderCache) len() (int, int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.order.Len(), c.bytes
}
