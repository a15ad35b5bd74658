package httpcache

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Gate coalesces concurrent reads of one key's version without ever
// answering from a read that began before the request arrived: a request
// joins the next read to start, never one already running. While a read is
// in flight, every request for the same key queues on one follow-up read.
// Under a burst of readers of one key (a viral article) the database sees
// about one query per query-duration instead of one per request, and a
// change is still seen by every request that arrives after it committed.
//
// With a positive TTL the Gate also remembers each answer for that long
// (the memo): a change then reaches this node's readers within the TTL.
// Only in-flight reads and the memo are held; nothing persists.
type Gate[K comparable, V any] struct {
	mu    sync.Mutex
	slots map[K]*slot[V]
	// ttl, when positive, lets a version read answer later requests for that
	// long; zero means every request reads (tests, and desks that want it).
	ttl time.Duration
	// keep says which failed reads are answers worth repeating (not found,
	// say); a nil error is always kept.
	keep func(error) bool
	// recent is the memo, under its own lock: readers of a hot key only
	// share a read lock.
	recentMu sync.RWMutex
	recent   map[K]Recent[V]
}

// Recent is a read kept in the memo: the version or error it returned and
// when the read began.
type Recent[V any] struct {
	Version V
	Err     error
	At      time.Time
}

// maxRecent bounds the memo; past it the memo starts over (it is safe to lose).
const maxRecent = 50000

type slot[V any] struct {
	running *read[V] // the read in progress, if any
	next    *read[V] // the read that starts when running ends
}

type read[V any] struct {
	done    chan struct{}
	version V
	err     error
}

// NewGate returns a gate whose memo keeps answers for ttl (0: no memo).
// keep reports which errors may be remembered, e.g. "not found"; it may be
// nil, and failures it does not accept are never kept.
func NewGate[K comparable, V any](ttl time.Duration, keep func(error) bool) *Gate[K, V] {
	if keep == nil {
		keep = func(error) bool { return false }
	}
	return &Gate[K, V]{slots: map[K]*slot[V]{}, ttl: ttl, keep: keep, recent: map[K]Recent[V]{}}
}

// TTL is how long the memo keeps an answer.
func (g *Gate[K, V]) TTL() time.Duration { return g.ttl }

// Memo returns a read of key younger than the TTL, if there is one.
func (g *Gate[K, V]) Memo(key K, now time.Time) (Recent[V], bool) {
	if g.ttl <= 0 {
		return Recent[V]{}, false
	}
	g.recentMu.RLock()
	r, ok := g.recent[key]
	g.recentMu.RUnlock()
	return r, ok && now.Sub(r.At) < g.ttl
}

// remember keeps a finished read for the TTL; only answers worth repeating
// are kept, never a failure keep refuses.
func (g *Gate[K, V]) remember(key K, version V, err error, at time.Time) {
	if g.ttl <= 0 || err != nil && !g.keep(err) {
		return
	}
	g.recentMu.Lock()
	defer g.recentMu.Unlock()
	if len(g.recent) >= maxRecent {
		g.recent = map[K]Recent[V]{}
	}
	if prev, ok := g.recent[key]; ok && prev.At.After(at) {
		return // a read that began later already answered: never go back
	}
	g.recent[key] = Recent[V]{Version: version, Err: err, At: at}
}

// Read returns the result of fetch(ctx, key) from a call that started after
// this call did, or a memo of one younger than the TTL. The context of the
// goroutine that performs a shared read bounds it; a waiter whose own
// context ends stops waiting.
func (g *Gate[K, V]) Read(ctx context.Context, key K, fetch func(context.Context, K) (V, error)) (V, error) {
	start := time.Now()
	if r, ok := g.Memo(key, start); ok {
		return r.Version, r.Err
	}
	v, err := g.readShared(ctx, key, fetch)
	g.remember(key, v, err, start)
	return v, err
}

// readShared is Read without the memo: concurrent callers share the next read.
func (g *Gate[K, V]) readShared(ctx context.Context, key K, fetch func(context.Context, K) (V, error)) (V, error) {
	g.mu.Lock()
	sl := g.slots[key]
	if sl == nil {
		sl = &slot[V]{}
		g.slots[key] = sl
	}
	if r := sl.next; r != nil {
		g.mu.Unlock()
		v, err := r.wait(ctx)
		if (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) && ctx.Err() == nil {
			// The request that ran the shared read went away; read alone.
			return fetch(ctx, key)
		}
		return v, err
	}
	r := &read[V]{done: make(chan struct{})}
	prev := sl.running
	if prev == nil {
		sl.running = r
	} else {
		sl.next = r
	}
	g.mu.Unlock()

	if prev != nil {
		<-prev.done
		g.mu.Lock()
		sl.running, sl.next = r, nil
		g.mu.Unlock()
	}
	r.version, r.err = fetch(ctx, key)
	g.mu.Lock()
	if sl.running == r {
		sl.running = nil
		if sl.next == nil {
			delete(g.slots, key)
		}
	}
	g.mu.Unlock()
	close(r.done)
	return r.version, r.err
}

func (r *read[V]) wait(ctx context.Context) (V, error) {
	select {
	case <-r.done:
		return r.version, r.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}
