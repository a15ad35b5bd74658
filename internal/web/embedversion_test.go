package web

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
)

// Requests that arrive while a read is in flight share one follow-up read,
// and none is answered by the read that started before it arrived.
func TestVersionGateNeverAnswersFromAnEarlierRead(t *testing.T) {
	g := newVersionGate[int](0)
	var reads atomic.Int32
	first := make(chan struct{})
	release := make(chan struct{})
	read := func(ctx context.Context, id int64) (int, error) {
		n := int(reads.Add(1))
		if n == 1 {
			close(first)
			<-release
		}
		return n, nil // the "version" is the number of the read that produced it
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if v, _ := g.read(context.Background(), 7, read); v != 1 {
			t.Errorf("first caller got read %d", v)
		}
	}()
	<-first
	results := make(chan int, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _ := g.read(context.Background(), 7, read)
			results <- v
		}()
	}
	time.Sleep(50 * time.Millisecond) // let them queue behind read 1
	close(release)
	wg.Wait()
	close(results)
	for v := range results {
		if v != 2 {
			t.Errorf("a caller that arrived during read 1 got read %d, want the follow-up read 2", v)
		}
	}
	if n := reads.Load(); n != 2 {
		t.Errorf("%d reads, want 2", n)
	}
	if len(g.slots) != 0 {
		t.Errorf("%d idle slots kept", len(g.slots))
	}
}

func TestVersionGateMemo(t *testing.T) {
	calls := 0
	read := func(ctx context.Context, id int64) (int, error) {
		calls++
		switch id {
		case 1:
			return 7, nil
		case 2:
			return 0, factcheck.Errorf(factcheck.ENOTFOUND, "Claim not found.")
		}
		return 0, errors.New("database down")
	}
	ctx := context.Background()
	g := newVersionGate[int](time.Hour)
	for i := 0; i < 3; i++ {
		if v, err := g.read(ctx, 1, read); v != 7 || err != nil {
			t.Fatalf("read: %d %v", v, err)
		}
		if _, err := g.read(ctx, 2, read); factcheck.ErrorCode(err) != factcheck.ENOTFOUND {
			t.Fatalf("not found: %v", err)
		}
		g.read(ctx, 3, read)
	}
	// One read each for the version and the 404; failures are never kept.
	if calls != 2+3 {
		t.Fatalf("reads = %d, want 5", calls)
	}
	calls = 0
	g = newVersionGate[int](0)
	g.read(ctx, 1, read)
	g.read(ctx, 1, read)
	if calls != 2 {
		t.Fatalf("without a TTL every request reads: %d", calls)
	}
}

// A slow read that finishes after a newer one does not put the memo back
// to the older version.
func TestVersionMemoNeverGoesBack(t *testing.T) {
	g := newVersionGate[int](time.Hour)
	now := time.Now()
	g.remember(1, 2, nil, now)                   // the newer read, begun now
	g.remember(1, 1, nil, now.Add(-time.Second)) // an older read finishing late
	if r, ok := g.memo(1, now); !ok || r.version != 2 {
		t.Errorf("memo holds version %d (ok %v), want 2", r.version, ok)
	}
}
