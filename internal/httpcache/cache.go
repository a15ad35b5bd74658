package httpcache

import (
	"container/list"
	"sync"
	"sync/atomic"
)

// Cache keeps renditions bounded by entry count and total bytes, the
// bytes of the keys included (a key may carry a request's path and query,
// which the client chooses). Keys
// should carry whatever the rendition depends on (an id and a version,
// say), so an entry is never stale, only unused; losing the cache costs a
// re-render. Concurrent misses for one key wait for a single fill instead
// of rendering in parallel.
//
// Hits take only a read lock: eviction is CLOCK (second chance), an
// approximation of least-recently-used in which a hit just sets a flag, so
// readers of one viral page never queue behind each other.
type Cache[K comparable] struct {
	mu         sync.RWMutex
	maxEntries int
	maxBytes   int
	bytes      int
	keySize    func(K) int
	order      *list.List // of *item[K]; eviction looks at the back
	items      map[K]*list.Element
	inflight   map[K]*fill
}

type item[K comparable] struct {
	key  K
	r    *Rendition
	size int         // r.Size() plus the key's size, as counted when stored
	used atomic.Bool // hit since the clock hand last passed
}

type fill struct {
	done chan struct{}
	r    *Rendition
	err  error
}

// NewCache returns an empty cache of at most maxEntries renditions and
// maxBytes bytes: each entry counts as its rendition's Size plus
// keySize(key), the memory the key holds beyond its fixed part (the bytes
// of its strings, say). A nil keySize counts keys as nothing.
func NewCache[K comparable](maxEntries, maxBytes int, keySize func(K) int) *Cache[K] {
	if keySize == nil {
		keySize = func(K) int { return 0 }
	}
	return &Cache[K]{maxEntries: maxEntries, maxBytes: maxBytes, keySize: keySize, order: list.New(),
		items: map[K]*list.Element{}, inflight: map[K]*fill{}}
}

// Get returns the cached rendition for key, if any.
func (c *Cache[K]) Get(key K) (*Rendition, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	it := el.Value.(*item[K])
	if !it.used.Load() {
		it.used.Store(true)
	}
	return it.r, true
}

// GetOrFill returns the rendition for key, calling build at most once at a
// time per key on a miss. Errors are returned to every waiter and not
// cached. A build that returns keep=false answers its waiters but is not
// stored (it rendered something other than what key names).
func (c *Cache[K]) GetOrFill(key K, build func() (r *Rendition, keep bool, err error)) (*Rendition, error) {
	if r, ok := c.Get(key); ok {
		return r, nil
	}
	c.mu.Lock()
	if el, ok := c.items[key]; ok {
		c.mu.Unlock()
		return el.Value.(*item[K]).r, nil
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
	var keep bool
	f.r, keep, f.err = build()
	if f.err == nil && keep {
		c.Put(key, f.r)
	}
	return f.r, f.err
}

// Put stores r under key, first evicting entries until it fits within the
// cache's bounds: from the back, giving each entry hit since the hand last
// passed a second chance at the front. Evicting before inserting means a
// new entry is never the one evicted to make room for itself. An entry
// (rendition and key) larger than the whole byte budget is not kept.
func (c *Cache[K]) Put(key K, r *Rendition) {
	size := r.Size() + c.keySize(key)
	c.mu.Lock()
	defer c.mu.Unlock()
	if size > c.maxBytes {
		return
	}
	if el, ok := c.items[key]; ok {
		c.order.Remove(el)
		delete(c.items, key)
		c.bytes -= el.Value.(*item[K]).size
	}
	for c.order.Len() > 0 && (c.order.Len() >= c.maxEntries || c.bytes+size > c.maxBytes) {
		el := c.order.Back()
		it := el.Value.(*item[K])
		if it.used.Swap(false) {
			c.order.MoveToFront(el)
			continue
		}
		c.order.Remove(el)
		delete(c.items, it.key)
		c.bytes -= it.size
	}
	c.items[key] = c.order.PushFront(&item[K]{key: key, r: r, size: size})
	c.bytes += size
}

// Len reports the number of cached entries and their total size in bytes,
// keys included.
func (c *Cache[K]) Len() (entries, bytes int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.order.Len(), c.bytes
}
