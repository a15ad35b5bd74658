package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"sync"
)

// rendition is one rendered public response kept in memory: the bytes, the
// same bytes gzipped (nil when compression does not pay), and their strong
// ETags. Renditions are immutable once built.
type rendition struct {
	contentType string
	body, gz    []byte
	etag, gzTag string
}

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
	return r
}

func (r *rendition) size() int { return len(r.body) + len(r.gz) + 256 }

// renderCache is a small LRU of renditions bounded by entry count and total
// bytes. Keys carry the claim id and version, so an entry is never stale,
// only unused; losing the cache costs a re-render. Concurrent misses for one
// key wait for a single fill instead of rendering in parallel.
type renderCache struct {
	mu         sync.Mutex
	maxEntries int
	maxBytes   int
	bytes      int
	order      *list.List // front is most recently used
	items      map[string]*list.Element
	inflight   map[string]*fill
}

type cacheItem struct {
	key string
	r   *rendition
}

type fill struct {
	done chan struct{}
	r    *rendition
	err  error
}

func newRenderCache(maxEntries, maxBytes int) *renderCache {
	return &renderCache{maxEntries: maxEntries, maxBytes: maxBytes, order: list.New(),
		items: map[string]*list.Element{}, inflight: map[string]*fill{}}
}

// get returns the cached rendition for key, if any.
func (c *renderCache) get(key string) (*rendition, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*cacheItem).r, true
	}
	return nil, false
}

// getOrFill returns the rendition for key, calling build at most once at a
// time per key on a miss. Errors are returned to every waiter and not cached.
func (c *renderCache) getOrFill(key string, build func() (*rendition, error)) (*rendition, error) {
	c.mu.Lock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
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

// put stores r under key and evicts the least recently used entries until
// the cache is within its bounds. A rendition larger than the whole byte
// budget is not kept.
func (c *renderCache) put(key string, r *rendition) {
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
		c.order.Remove(el)
		delete(c.items, it.key)
		c.bytes -= it.r.size()
	}
}

// len reports the number of cached entries and their total size.
func (c *renderCache) len() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.bytes
}
