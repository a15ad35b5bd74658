package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"strconv"
	"sync"
	"sync/atomic"
)

// rendition is one rendered public response kept in memory: the bytes, the
// same bytes gzipped (nil when compression does not pay), and their strong
// ETags. Renditions are immutable once built.
type rendition struct {
	contentType string
	body, gz    []byte
	etag, gzTag string
	// Ready-made header values, so serving one allocates nothing.
	contentTypeH, etagH, gzTagH, lengthH, gzLengthH []string
}

// gzipH is the Content-Encoding value of gzipped renditions.
var gzipH = []string{"gzip"}

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

// newRendition precomputes the gzip form and the ETags of body.
func newRendition(contentType string, body []byte, compress bool) *rendition {
	r := &rendition{contentType: contentType, body: body, etag: etagOf(body)}
	if compress {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			r.gz = buf.Bytes()
			// A different encoding is a different representation, so it
			// gets its own strong tag.
			r.gzTag = r.etag[:len(r.etag)-1] + `-gz"`
		}
	}
	r.contentTypeH, r.etagH, r.gzTagH = []string{r.contentType}, []string{r.etag}, []string{r.gzTag}
	r.lengthH, r.gzLengthH = []string{strconv.Itoa(len(r.body))}, []string{strconv.Itoa(len(r.gz))}
	return r
}

func (r *rendition) size() int { return len(r.body) + len(r.gz) + 256 }

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
	version int
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

// put stores r under key and evicts entries until the cache is within its
// bounds: from the back, giving each entry hit since the hand last passed a
// second chance at the front. A rendition larger than the whole byte budget
// is not kept.
func (c *renderCache) put(key renderKey, r *rendition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.size() > c.maxBytes {
		return
	}
	if el, ok := c.items[key]; ok {
		c.bytes -= el.Value.(*cacheItem).r.size()
		el.Value.(*cacheItem).r = r
		c.order.MoveToFront(el)
	} else {
		c.items[key] = c.order.PushFront(&cacheItem{key: key, r: r})
	}
	c.bytes += r.size()
	for c.order.Len() > c.maxEntries || c.bytes > c.maxBytes {
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
}

// len reports the number of cached entries and their total size.
func (c *renderCache) len() (int, int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.order.Len(), c.bytes
}
