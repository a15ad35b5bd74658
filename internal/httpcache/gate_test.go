package httpcache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// errNotFound stands for an answer worth remembering: the thing is gone.
var errNotFound = errors.New("not found")

func isNotFound(err error) bool { return errors.Is(err, errNotFound) }

// Requests that arrive while a read is in flight share one follow-up read,
// and none is answered by the read that started before it arrived.
func TestVersionGateNeverAnswersFromAnEarlierRead(t *testing.T) {
	g := NewGate[int64, int](0, nil)
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
		if v, _ := g.Read(context.Background(), 7, read); v != 1 {
			t.Errorf("first caller got read %d", v)
		}
	}()
	<-first
	results := make(chan int, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _ := g.Read(context.Background(), 7, read)
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
			return 0, errNotFound
		}
		return 0, errors.New("database down")
	}
	ctx := context.Background()
	g := NewGate[int64, int](time.Hour, isNotFound)
	for i := 0; i < 3; i++ {
		if v, err := g.Read(ctx, 1, read); v != 7 || err != nil {
			t.Fatalf("read: %d %v", v, err)
		}
		if _, err := g.Read(ctx, 2, read); !errors.Is(err, errNotFound) {
			t.Fatalf("not found: %v", err)
		}
		g.Read(ctx, 3, read)
	}
	// One read each for the version and the 404; failures are never kept.
	if calls != 2+3 {
		t.Fatalf("reads = %d, want 5", calls)
	}
	calls = 0
	g = NewGate[int64, int](0, nil)
	g.Read(ctx, 1, read)
	g.Read(ctx, 1, read)
	if calls != 2 {
		t.Fatalf("without a TTL every request reads: %d", calls)
	}
}

// A slow read that finishes after a newer one does not put the memo back
// to the older version.
func TestVersionMemoNeverGoesBack(t *testing.T) {
	g := NewGate[int64, int](time.Hour, isNotFound)
	now := time.Now()
	g.remember(1, 2, nil, now)                   // the newer read, begun now
	g.remember(1, 1, nil, now.Add(-time.Second)) // an older read finishing late
	if r, ok := g.Memo(1, now); !ok || r.Version != 2 {
		t.Errorf("memo holds version %d (ok %v), want 2", r.Version, ok)
	}
}
