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
type versionGate struct {
	mu    sync.Mutex
	slots map[int64]*versionSlot
	// ttl, when positive, lets a version read answer later requests for that
	// long; zero means every request reads (tests, and desks that want it).
	ttl time.Duration
	// recent is the memo, under its own lock: readers of a hot claim only
	// share a read lock.
	recentMu sync.RWMutex
	recent   map[int64]recentVersion
}

// recentVersion is a version read kept for ttl.
type recentVersion struct {
	version int
	err     error
	at      time.Time
}

// maxRecent bounds the memo; past it the memo starts over (it is safe to lose).
const maxRecent = 50000

type versionSlot struct {
	running *versionRead // the read in progress, if any
	next    *versionRead // the read that starts when running ends
}

type versionRead struct {
	done    chan struct{}
	version int
	err     error
}

func newVersionGate(ttl time.Duration) *versionGate {
	return &versionGate{slots: map[int64]*versionSlot{}, ttl: ttl, recent: map[int64]recentVersion{}}
}

// memo returns a read of id younger than ttl, if there is one.
func (g *versionGate) memo(id int64, now time.Time) (recentVersion, bool) {
	if g.ttl <= 0 {
		return recentVersion{}, false
	}
	g.recentMu.RLock()
	r, ok := g.recent[id]
	g.recentMu.RUnlock()
	return r, ok && now.Sub(r.at) < g.ttl
}

// remember keeps a finished read for ttl; only answers worth repeating (a
// version or not-found) are kept, never a failure.
func (g *versionGate) remember(id int64, version int, err error, at time.Time) {
	if g.ttl <= 0 || err != nil && factcheck.ErrorCode(err) != factcheck.ENOTFOUND {
		return
	}
	g.recentMu.Lock()
	defer g.recentMu.Unlock()
	if len(g.recent) >= maxRecent {
		g.recent = map[int64]recentVersion{}
	}
	g.recent[id] = recentVersion{version: version, err: err, at: at}
}

// read returns the result of read(ctx, id) from a call that started after
// this call did. The context of the goroutine that performs a shared read
// bounds it; a waiter whose own context ends stops waiting.
func (g *versionGate) read(ctx context.Context, id int64, read func(context.Context, int64) (int, error)) (int, error) {
	start := time.Now()
	if r, ok := g.memo(id, start); ok {
		return r.version, r.err
	}
	v, err := g.readShared(ctx, id, read)
	g.remember(id, v, err, start)
	return v, err
}

// readShared is read without the memo: concurrent callers share the next read.
func (g *versionGate) readShared(ctx context.Context, id int64, read func(context.Context, int64) (int, error)) (int, error) {
	g.mu.Lock()
	slot := g.slots[id]
	if slot == nil {
		slot = &versionSlot{}
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
	r := &versionRead{done: make(chan struct{})}
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

func (r *versionRead) wait(ctx context.Context) (int, error) {
	select {
	case <-r.done:
		return r.version, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
