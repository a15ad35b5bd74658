package store_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
)

// recordingSink records what the store asks it to schedule.
type recordingSink struct {
	mu     sync.Mutex
	events []store.Event
	ids    []int64
}

func (r *recordingSink) Payload(ev store.Event) ([]byte, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	return []byte(`{"id":"` + ev.ID + `"}`), string(ev.Type), nil
}

func (r *recordingSink) Schedule(_ context.Context, tx *sql.Tx, ids []int64) error {
	if tx == nil {
		return errors.New("no transaction")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, ids...)
	return nil
}

// Events are raised inside the write that makes them: a write that rolls
// back leaves no event and no delivery behind, and other store code can
// raise claim.reappeared in its own transaction.
func TestEmitIsPartOfTheTransaction(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		sink := &recordingSink{}
		s.SetEventSink(sink)
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		w := &factcheck.Webhook{URL: "https://cms.example/hook", Events: factcheck.EventTypes()}
		if err := s.CreateWebhook(ctx, w, nil); err != nil {
			t.Fatal(err)
		}
		c := &factcheck.Claim{Quote: "Mines were sent to Ukraine", Claimant: "Officials", RatingKey: "false", Summary: "No."}
		if err := s.CreateClaim(ctx, c, ed); err != nil {
			t.Fatal(err)
		}
		// A submit whose transaction fails after the event is raised.
		boom := errors.New("boom")
		err := store.WriterForTest(s).Transaction(func(tx *gorm.DB) error {
			if err := s.Emit(ctx, tx, store.Event{Type: factcheck.EventClaimSubmitted, ClaimID: c.ID}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if ds := logOf(t, s, w.ID); len(ds) != 0 {
			t.Fatalf("a rolled-back event left %d deliveries", len(ds))
		}
		// The real submit raises claim.submitted once.
		if _, err := s.UpdateClaim(ctx, c.ID, c.Version, ed, "submit", func(c *factcheck.Claim) error {
			ready(c)
			return c.Submit(ed)
		}); err != nil {
			t.Fatal(err)
		}
		// Another part of the store raising claim.reappeared.
		if err := store.WriterForTest(s).Transaction(func(tx *gorm.DB) error {
			return s.Emit(ctx, tx, store.Event{Type: factcheck.EventClaimReappeared, ClaimID: c.ID})
		}); err != nil {
			t.Fatal(err)
		}
		ds := logOf(t, s, w.ID)
		if len(ds) != 2 || ds[1].EventType != factcheck.EventClaimSubmitted || ds[0].EventType != factcheck.EventClaimReappeared ||
			ds[0].Status != factcheck.DeliveryQueued || ds[0].EventID == ds[1].EventID {
			t.Fatalf("log %+v", ds)
		}
		if ev := sink.events[len(sink.events)-1]; ev.Claim == nil || ev.Claim.ID != c.ID || ev.At.IsZero() || time.Since(ev.At) > time.Minute {
			t.Errorf("reappeared event %+v: the claim is loaded for the payload", ev)
		}
		o, err := s.Outbound(ctx, ds[0].ID)
		if err != nil || string(o.Body) != `{"id":"`+ds[0].EventID+`"}` || o.Text != "claim.reappeared" || o.Webhook.Secret != w.Secret {
			t.Fatalf("outbound %+v %v", o, err)
		}
		// Without a sink nothing is raised.
		s.SetEventSink(nil)
		if err := store.WriterForTest(s).Transaction(func(tx *gorm.DB) error {
			return s.Emit(ctx, tx, store.Event{Type: factcheck.EventClaimReappeared, ClaimID: c.ID})
		}); err != nil {
			t.Fatal(err)
		}
		if n := len(logOf(t, s, w.ID)); n != 2 {
			t.Errorf("without a sink: %d deliveries", n)
		}
	})
}

func logOf(t *testing.T, s *store.Store, id int64) []factcheck.Delivery {
	t.Helper()
	m, err := s.RecentDeliveries(ctx, []int64{id}, 100)
	if err != nil {
		t.Fatal(err)
	}
	return m[id]
}

// A public claim seen again (AddAppearance) raises claim.reappeared for
// the endpoints that asked for it, in the same transaction; a draft seen
// again raises nothing, since readers cannot see it.
func TestReappearanceRaisesItsEvent(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, s *store.Store) {
		sink := &recordingSink{}
		s.SetEventSink(sink)
		ed := mustUser(t, s, "ed@example.org", factcheck.RoleEditor)
		rev := mustUser(t, s, "rev@example.org", factcheck.RoleReviewer)
		w := &factcheck.Webhook{URL: "https://cms.example/hook", Events: []factcheck.EventType{factcheck.EventClaimReappeared}}
		if err := s.CreateWebhook(ctx, w, nil); err != nil {
			t.Fatal(err)
		}
		draft := &factcheck.Claim{Statement: "Drafted claim", Quote: "Mines were sent", Claimant: "Officials"}
		if err := s.CreateClaim(ctx, draft, ed); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAppearance(ctx, draft.ID, &factcheck.Appearance{URL: "https://elsewhere.example/a", Quote: "Mines were sent"}, ed); err != nil {
			t.Fatal(err)
		}
		if ds := logOf(t, s, w.ID); len(ds) != 0 {
			t.Fatalf("a draft seen again raised %d deliveries", len(ds))
		}
		pub := &factcheck.Claim{Statement: "Published claim", Quote: "More than 160 countries joined the treaty", Claimant: "Campaigners"}
		if err := s.CreateClaim(ctx, pub, ed); err != nil {
			t.Fatal(err)
		}
		pub = publish(t, s, pub, ed, rev, "true", "Confirmed.")
		if _, err := s.AddAppearance(ctx, pub.ID, &factcheck.Appearance{URL: "https://elsewhere.example/b", Quote: "More than 160 countries joined the treaty"}, ed); err != nil {
			t.Fatal(err)
		}
		ds := logOf(t, s, w.ID)
		if len(ds) != 1 || ds[0].EventType != factcheck.EventClaimReappeared {
			t.Fatalf("deliveries after a public claim was seen again: %+v", ds)
		}
		if ev := sink.events[len(sink.events)-1]; ev.Claim == nil || ev.Claim.ID != pub.ID || len(ev.Claim.Appearances) < 2 {
			t.Errorf("the event's claim %+v is not the claim with its new appearance", ev.Claim)
		}
	})
}
