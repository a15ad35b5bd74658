package web

import (
	"context"
	"errors"
	"sync"
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
}

type versionSlot struct {
	running *versionRead // the read in progress, if any
	next    *versionRead // the read that starts when running ends
}

type versionRead struct {
	done    chan struct{}
	version int
	err     error
}

func newVersionGate() *versionGate {
	return &versionGate{slots: map[int64]*versionSlot{}}
}

// read returns the result of read(ctx, id) from a call that started after
// this call did. The context of the goroutine that performs a shared read
// bounds it; a waiter whose own context ends stops waiting.
func (g *versionGate) read(ctx context.Context, id int64, read func(context.Context, int64) (int, error)) (int, error) {
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
