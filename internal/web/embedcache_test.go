package web

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"claimdesk/internal/store"
)

// key is a test cache key for claim i.
func key(i int) renderKey {
	return renderKey{kind: "test", id: int64(i), version: store.CardVersion{Claim: 1}}
}

func TestRenderCacheBounds(t *testing.T) {
	c := newRenderCache(3, 1<<20)
	for i := range 5 {
		c.put(key(i), newRendition("text/plain", []byte("x"), false))
	}
	if n, _ := c.len(); n != 3 {
		t.Fatalf("%d entries, want 3", n)
	}
	if _, ok := c.get(key(0)); ok {
		t.Error("oldest entry survived")
	}
	c.get(key(2)) // the oldest left, but just used
	c.put(key(5), newRendition("text/plain", []byte("x"), false))
	if _, ok := c.get(key(2)); !ok {
		t.Error("recently used entry evicted")
	}
	if _, ok := c.get(key(3)); ok {
		t.Error("the unused entry survived instead of the used one")
	}

	big := newRenderCache(100, 3000)
	for i := range 10 {
		big.put(key(i), newRendition("text/plain", make([]byte, 1000), false))
	}
	if n, b := big.len(); b > 3000 || n != 2 {
		t.Errorf("byte bound: %d entries, %d bytes", n, b)
	}
	big.put(key(99), newRendition("text/plain", make([]byte, 5000), false))
	if _, ok := big.get(key(99)); ok {
		t.Error("entry larger than the cache was kept")
	}
}

// A hot entry survives any amount of churn from entries used once: the
// case of one viral card among thousands of embeds seen once each.
func TestRenderCacheKeepsHotEntry(t *testing.T) {
	c := newRenderCache(8, 1<<20)
	hot := renderKey{kind: "hot", id: 1, version: store.CardVersion{Claim: 1}}
	c.put(hot, newRendition("text/plain", []byte("hot"), false))
	for i := range 1000 {
		if _, ok := c.get(hot); !ok {
			t.Fatalf("hot entry evicted after %d other entries", i)
		}
		c.put(key(i), newRendition("text/plain", []byte("x"), false))
	}
	if n, _ := c.len(); n != 8 {
		t.Errorf("%d entries, want 8", n)
	}
}

func TestRenderCacheSingleFill(t *testing.T) {
	c := newRenderCache(10, 1<<20)
	var builds atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.getOrFill(key(1), func() (*rendition, error) {
				builds.Add(1)
				<-release
				return newRendition("text/html", []byte(strings.Repeat("card ", 200)), true), nil
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

func TestEncodingNegotiation(t *testing.T) {
	r := newRendition("text/html", []byte(strings.Repeat("a claim card ", 100)), true)
	for header, want := range map[string]string{
		"":                          "",
		"identity":                  "",
		"gzip":                      "gzip",
		"GZIP":                      "gzip",
		"x-gzip":                    "",
		"br":                        "br",
		"gzip, deflate, br":         "br",
		"gzip, deflate, br, zstd":   "br",
		"gzip;q=1.0, br;q=0.5":      "gzip",
		"br;q=0, gzip":              "gzip",
		"gzip;q=0":                  "",
		"gzip; q=0.000":             "",
		"*":                         "br",
		"*;q=0.5, gzip":             "gzip",
		"*, br;q=0":                 "gzip",
		"deflate":                   "",
		"gzip;q=bogus, br;level=11": "",
	} {
		if got := r.encoding(header).coding; got != want {
			t.Errorf("Accept-Encoding %q: got %q, want %q", header, got, want)
		}
	}
	// Something too small to compress offers only identity, whatever is asked.
	tiny := newRendition("text/plain", []byte("x"), true)
	if len(tiny.enc) != 1 || tiny.encoding("br, gzip").coding != "" {
		t.Errorf("tiny rendition offers %d encodings", len(tiny.enc))
	}
	// Each encoding has its own tag, and If-None-Match with any of them matches.
	seen := map[string]bool{}
	for _, e := range r.enc {
		if seen[e.etag] || !r.matches(e.etag) {
			t.Errorf("tag %q repeated or not matched", e.etag)
		}
		seen[e.etag] = true
	}
	if r.matches(`"other"`) || r.matches("") || r.matches(`"other", W/"x"`) {
		t.Error("a foreign tag matched")
	}
	for _, h := range []string{"*", "W/" + r.enc[1].etag, `"other", ` + r.enc[2].etag, ` ` + r.enc[0].etag + ` `} {
		if !r.matches(h) {
			t.Errorf("If-None-Match %q did not match", h)
		}
	}
}

// A new entry is kept even when every entry already there was hit since
// the last eviction: it is never the one evicted to make room for itself.
func TestRenderCacheKeepsNewEntryAmongHotOnes(t *testing.T) {
	c := newRenderCache(2, 1<<20)
	c.put(key(1), newRendition("text/plain", []byte("a"), false))
	c.put(key(2), newRendition("text/plain", []byte("b"), false))
	c.get(key(1))
	c.get(key(2))
	c.put(key(3), newRendition("text/plain", []byte("c"), false))
	if _, ok := c.get(key(3)); !ok {
		t.Fatal("the entry just added was evicted")
	}
	if n, _ := c.len(); n != 2 {
		t.Errorf("%d entries, want 2", n)
	}
}
