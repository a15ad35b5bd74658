package web

import (
	"context"
	"errors"
	"sync"
	"time"

	"claimdesk/internal/factcheck"
)

// versionGate coalesces concurrent reads of one claim's version without
// ever answering from a read that began before the request arrived: a
// request joins the next read to start, never one already running. While a
// read is in flight, every request for the same claim queues on one
// follow-up read. Under a burst of readers of one claim (a viral article)
// the database sees about one query per query-duration instead of one per
// request, and a correction is still seen by every request that arrives
// after it was committed. Only in-flight reads are held; nothing persists.
type versionGate[V any] struct {
	mu    sync.Mutex
	slots map[int64]*versionSlot[V]
	// ttl, when positive, lets a version read answer later requests for that
	// long; zero means every request reads (tests, and desks that want it).
	ttl time.Duration
	// recent is the memo, under its own lock: readers of a hot claim only
	// share a read lock.
	recentMu sync.RWMutex
	recent   map[int64]recentVersion[V]
}

// recentVersion is a version read kept for ttl.
type recentVersion[V any] struct {
	version V
	err     error
	at      time.Time
}

// maxRecent bounds the memo; past it the memo starts over (it is safe to lose).
const maxRecent = 50000

type versionSlot[V any] struct {
	running *versionRead[V] // the read in progress, if any
	next    *versionRead[V] // the read that starts when running ends
}

type versionRead[V any] struct {
	done    chan struct{}
	version V
	err     error
}

func newVersionGate[V any](ttl time.Duration) *versionGate[V] {
	return &versionGate[V]{slots: map[int64]*versionSlot[V]{}, ttl: ttl, recent: map[int64]recentVersion[V]{}}
}

// memo returns a read of id younger than ttl, if there is one.
func (g *versionGate[V]) memo(id int64, now time.Time) (recentVersion[V], bool) {
	if g.ttl <= 0 {
		return recentVersion[V]{}, false
	}
	g.recentMu.RLock()
	r, ok := g.recent[id]
	g.recentMu.RUnlock()
	return r, ok && now.Sub(r.at) < g.ttl
}

// remember keeps a finished read for ttl; only answers worth repeating (a
// version or not-found) are kept, never a failure.
func (g *versionGate[V]) remember(id int64, version V, err error, at time.Time) {
	if g.ttl <= 0 || err != nil && factcheck.ErrorCode(err) != factcheck.ENOTFOUND {
		return
	}
	g.recentMu.Lock()
	defer g.recentMu.Unlock()
	if len(g.recent) >= maxRecent {
		g.recent = map[int64]recentVersion[V]{}
	}
	if prev, ok := g.recent[id]; ok && prev.at.After(at) {
		return // a read that began later already answered: never go back
	}
	g.recent[id] = recentVersion[V]{version: version, err: err, at: at}
}

// read returns the result of read(ctx, id) from a call that started after
// this call did. The context of the goroutine that performs a shared read
// bounds it; a waiter whose own context ends stops waiting.
func (g *versionGate[V]) read(ctx context.Context, id int64, read func(context.Context, int64) (V, error)) (V, error) {
	start := time.Now()
	if r, ok := g.memo(id, start); ok {
		return r.version, r.err
	}
	v, err := g.readShared(ctx, id, read)
	g.remember(id, v, err, start)
	return v, err
}

// readShared is read without the memo: concurrent callers share the next read.
func (g *versionGate[V]) readShared(ctx context.Context, id int64, read func(context.Context, int64) (V, error)) (V, error) {
	g.mu.Lock()
	slot := g.slots[id]
	if slot == nil {
		slot = &versionSlot[V]{}
		g.slots[id] = slot
	}
	if r := slot.next; r != nil {
		g.mu.Unlock()
		v, err := r.wait(ctx)
		if (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) && ctx.Err() == nil {
			// The request that ran the shared read went away; read alone.
			return read(ctx, id)
		}
		return v, err
	}
	r := &versionRead[V]{done: make(chan struct{})}
	prev := slot.running
	if prev == nil {
		slot.running = r
	} else {
		slot.next = r
	}
	g.mu.Unlock()

	if prev != nil {
		<-prev.done
		g.mu.Lock()
		slot.running, slot.next = r, nil
		g.mu.Unlock()
	}
	r.version, r.err = read(ctx, id)
	g.mu.Lock()
	if slot.running == r {
		slot.running = nil
		if slot.next == nil {
			delete(g.slots, id)
		}
	}
	g.mu.Unlock()
	close(r.done)
	return r.version, r.err
}

func (r *versionRead[V]) wait(ctx context.Context) (V, error) {
	select {
	case <-r.done:
		return r.version, r.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}
