package web

import (
	"sync"
	"time"

	"claimdesk/internal/store"
)

// pageCache keeps rendered public pages with their ETag, keyed by what they
// show and validated against the claim's stamp (id, version, status,
// update time, rating revision), so an edit on any node is seen on the next
// request. Entries also expire after a minute, which bounds staleness for
// things the stamp does not cover (a renamed reviewer). Losing the cache only costs
// a re-render; nothing else depends on it.
type pageCache struct {
	mu  sync.Mutex
	m   map[string]cachedPage
	max int
	ttl time.Duration
}

type cachedPage struct {
	stamp   store.ClaimStamp
	r       *rendition
	expires time.Time
}

// newPageCache returns an empty cache of at most max pages.
func newPageCache(max int, ttl time.Duration) *pageCache {
	return &pageCache{m: map[string]cachedPage{}, max: max, ttl: ttl}
}

func sameStamp(a, b store.ClaimStamp) bool {
	return a.ID == b.ID && a.Version == b.Version && a.Status == b.Status && a.UpdatedAt.Equal(b.UpdatedAt) && a.RatingRevision == b.RatingRevision
}

// get returns the cached page for key if it was rendered from stamp and
// has not expired.
func (pc *pageCache) get(key string, stamp store.ClaimStamp, now time.Time) (cachedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	p, ok := pc.m[key]
	if !ok || !sameStamp(p.stamp, stamp) || now.After(p.expires) {
		return cachedPage{}, false
	}
	return p, true
}

// put stores r for key, evicting an arbitrary entry when full, and
// returns the entry.
func (pc *pageCache) put(key string, stamp store.ClaimStamp, r *rendition, now time.Time) cachedPage {
	p := cachedPage{stamp: stamp, r: r, expires: now.Add(pc.ttl)}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if _, ok := pc.m[key]; !ok && len(pc.m) >= pc.max {
		for k := range pc.m {
			delete(pc.m, k)
			break
		}
	}
	pc.m[key] = p
	return p
}
