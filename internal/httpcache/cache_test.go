package httpcache

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// testKey names one cached rendition in these tests.
type testKey struct {
	kind string
	id   int64
}

// key is a test cache key for item i.
func key(i int) testKey { return testKey{kind: "test", id: int64(i)} }

func TestRenderCacheBounds(t *testing.T) {
	c := NewCache[testKey](3, 1<<20, nil)
	for i := range 5 {
		c.Put(key(i), New("text/plain", []byte("x"), false))
	}
	if n, _ := c.Len(); n != 3 {
		t.Fatalf("%d entries, want 3", n)
	}
	if _, ok := c.Get(key(0)); ok {
		t.Error("oldest entry survived")
	}
	c.Get(key(2)) // the oldest left, but just used
	c.Put(key(5), New("text/plain", []byte("x"), false))
	if _, ok := c.Get(key(2)); !ok {
		t.Error("recently used entry evicted")
	}
	if _, ok := c.Get(key(3)); ok {
		t.Error("the unused entry survived instead of the used one")
	}

	big := NewCache[testKey](100, 3000, nil)
	for i := range 10 {
		big.Put(key(i), New("text/plain", make([]byte, 1000), false))
	}
	if n, b := big.Len(); b > 3000 || n != 2 {
		t.Errorf("byte bound: %d entries, %d bytes", n, b)
	}
	big.Put(key(99), New("text/plain", make([]byte, 5000), false))
	if _, ok := big.Get(key(99)); ok {
		t.Error("entry larger than the cache was kept")
	}
}

// A hot entry survives any amount of churn from entries used once: the
// case of one viral card among thousands of embeds seen once each.
func TestRenderCacheKeepsHotEntry(t *testing.T) {
	c := NewCache[testKey](8, 1<<20, nil)
	hot := testKey{kind: "hot", id: 1}
	c.Put(hot, New("text/plain", []byte("hot"), false))
	for i := range 1000 {
		if _, ok := c.Get(hot); !ok {
			t.Fatalf("hot entry evicted after %d other entries", i)
		}
		c.Put(key(i), New("text/plain", []byte("x"), false))
	}
	if n, _ := c.Len(); n != 8 {
		t.Errorf("%d entries, want 8", n)
	}
}

func TestRenderCacheSingleFill(t *testing.T) {
	c := NewCache[testKey](10, 1<<20, nil)
	var builds atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.GetOrFill(key(1), func() (*Rendition, bool, error) {
				builds.Add(1)
				<-release
				return New("text/html", []byte(strings.Repeat("card ", 200)), true), true, nil
			})
			if err != nil || r == nil || len(r.enc) != 3 || len(r.enc[1].body) >= len(r.enc[0].body) || len(r.enc[2].body) >= len(r.enc[0].body) {
				t.Error("bad rendition")
			}
		}()
	}
	close(release)
	wg.Wait()
	if builds.Load() < 1 || builds.Load() > 2 {
		// Late arrivals after the fill finished hit the cache; at most a
		// goroutine that missed before the first fill registered builds again.
		t.Errorf("%d builds for one key", builds.Load())
	}
}

// A new entry is kept even when every entry already there was hit since
// the last eviction: it is never the one evicted to make room for itself.
func TestRenderCacheKeepsNewEntryAmongHotOnes(t *testing.T) {
	c := NewCache[testKey](2, 1<<20, nil)
	c.Put(key(1), New("text/plain", []byte("a"), false))
	c.Put(key(2), New("text/plain", []byte("b"), false))
	c.Get(key(1))
	c.Get(key(2))
	c.Put(key(3), New("text/plain", []byte("c"), false))
	if _, ok := c.Get(key(3)); !ok {
		t.Fatal("the entry just added was evicted")
	}
	if n, _ := c.Len(); n != 2 {
		t.Errorf("%d entries, want 2", n)
	}
}

// Keys count toward the byte budget: many small bodies under large keys
// (a client's long query strings, say) keep the cache within its bytes.
func TestRenderCacheCountsKeys(t *testing.T) {
	const budget = 64 << 10
	c := NewCache[testKey](1<<16, budget, func(k testKey) int { return len(k.kind) })
	long := strings.Repeat("x", 10<<10)
	for i := range 1000 {
		c.Put(testKey{kind: long + string(rune('a'+i%26)), id: int64(i)}, New("text/plain", []byte("x"), false))
		if n, b := c.Len(); b > budget || n > budget/len(long) {
			t.Fatalf("after %d puts: %d entries, %d bytes, over the %d budget", i+1, n, b, budget)
		}
	}
	c.Put(testKey{kind: strings.Repeat("x", budget)}, New("text/plain", []byte("x"), false))
	if _, ok := c.Get(testKey{kind: strings.Repeat("x", budget)}); ok {
		t.Error("an entry whose key alone is over the budget was kept")
	}
}
