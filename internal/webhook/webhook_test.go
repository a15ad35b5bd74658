package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
	"claimdesk/internal/webhook"
)

const base = "https://desk.example"

// desk is a store with an editor and a reviewer who write claims through
// the real workflow.
type desk struct {
	t                *testing.T
	st               *store.Store
	editor, reviewer *factcheck.User
}

func newDesk(t *testing.T, st *store.Store) *desk {
	t.Helper()
	d := &desk{t: t, st: st}
	for _, u := range []**factcheck.User{&d.editor, &d.reviewer} {
		*u = &factcheck.User{}
	}
	d.editor = &factcheck.User{Email: "editor@test.example", Name: "Ed", Role: factcheck.RoleEditor}
	d.reviewer = &factcheck.User{Email: "reviewer@test.example", Name: "Rev", Role: factcheck.RoleReviewer}
	for _, u := range []*factcheck.User{d.editor, d.reviewer} {
		if err := st.CreateUser(t.Context(), u, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// draft creates a claim.
func (d *desk) draft(statement string) *factcheck.Claim {
	d.t.Helper()
	c := &factcheck.Claim{Statement: statement, Quote: statement + ", she said.", Claimant: "A. Tester", Summary: "Checked.", RatingKey: "false"}
	if err := d.st.CreateClaim(d.t.Context(), c, d.editor); err != nil {
		d.t.Fatal(err)
	}
	return c
}

// step moves a claim on with change, as the desk's operations do.
func (d *desk) step(c *factcheck.Claim, by *factcheck.User, change func(*factcheck.Claim) error) *factcheck.Claim {
	d.t.Helper()
	out, err := d.st.UpdateClaim(d.t.Context(), c.ID, c.Version, by, "step", change)
	if err != nil {
		d.t.Fatal(err)
	}
	return out
}

func (d *desk) submit(c *factcheck.Claim) *factcheck.Claim {
	return d.step(c, d.editor, func(c *factcheck.Claim) error {
		// What the readiness checklist asks for, where the test left it out.
		if c.Statement == "" {
			c.Statement = "Claim " + c.Slug
		}
		if c.ClaimDate == nil {
			d := time.Date(2024, 11, 19, 0, 0, 0, 0, time.UTC)
			c.ClaimDate = &d
		}
		if c.Rationale == "" {
			c.Rationale = "The record shows it."
		}
		if len(c.Evidence) == 0 {
			c.Evidence = []factcheck.Evidence{{URL: "https://records.example/", Title: "The record", Stance: factcheck.StanceContext}}
		}
		return c.Submit(d.editor)
	})
}

func (d *desk) publish(c *factcheck.Claim) *factcheck.Claim {
	return d.step(c, d.reviewer, func(c *factcheck.Claim) error { return c.Publish(d.reviewer, time.Now(), false) })
}

// published creates and publishes a claim.
func (d *desk) published(statement string) *factcheck.Claim {
	return d.publish(d.submit(d.draft(statement)))
}

// hook registers an endpoint straight in the store.
func (d *desk) hook(url string, format string, events ...factcheck.EventType) *factcheck.Webhook {
	d.t.Helper()
	w := &factcheck.Webhook{URL: url, Events: events, Format: format}
	if err := d.st.CreateWebhook(d.t.Context(), w, nil); err != nil {
		d.t.Fatal(err)
	}
	return w
}

// hit is one request a receiver got.
type hit struct {
	at     time.Time
	header http.Header
	body   []byte
}

// receiver is an endpoint on 127.0.0.1 that answers with the statuses
// in its script (the last one repeats) and records every request.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	script []int
	hits   []hit
	got    chan hit
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{script: statuses, got: make(chan hit, 1000)}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		h := hit{at: time.Now(), header: req.Header.Clone(), body: b}
		r.mu.Lock()
		status := r.script[min(len(r.hits), len(r.script)-1)]
		r.hits = append(r.hits, h)
		r.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, http.StatusText(status))
		r.got <- h
	}))
	t.Cleanup(r.Close)
	return r
}

// wait returns the next request, failing the test after timeout.
func (r *receiver) wait(t *testing.T, timeout time.Duration) hit {
	t.Helper()
	select {
	case h := <-r.got:
		return h
	case <-time.After(timeout):
		t.Fatalf("the receiver got no request within %v", timeout)
	}
	return hit{}
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.hits)
}

// service starts a webhook service on st with quick retries, stopped at
// cleanup, and wires it into the store.
func service(t *testing.T, st *store.Store, cfg webhook.Config) *webhook.Service {
	t.Helper()
	if cfg.ClaimData == nil {
		cfg.ClaimData = web.PublicClaimJSON(base)
	}
	cfg.BaseURL, cfg.Newsroom = base, "Test Desk"
	if cfg.RetryBase == 0 {
		cfg.RetryBase = 100 * time.Millisecond
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 20 * time.Millisecond
	}
	svc, err := webhook.New(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	st.SetEventSink(svc)
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		svc.Stop(ctx)
	})
	return svc
}

// checkSigned verifies a delivery's signature with the endpoint's secret,
// as a receiver would, and returns its payload.
func checkSigned(t *testing.T, h hit, secret string) webhook.Payload {
	t.Helper()
	if err := webhook.Verify(secret, h.header.Get("X-Claimdesk-Signature"), h.body, time.Now(), 5*time.Minute); err != nil {
		t.Fatalf("signature %q does not verify: %v", h.header.Get("X-Claimdesk-Signature"), err)
	}
	if err := webhook.Verify("whsec_wrong", h.header.Get("X-Claimdesk-Signature"), h.body, time.Now(), 5*time.Minute); err == nil {
		t.Fatal("the signature verifies with the wrong secret")
	}
	tampered := append([]byte(nil), h.body...)
	tampered[len(tampered)/2] ^= 1
	if webhook.Verify(secret, h.header.Get("X-Claimdesk-Signature"), tampered, time.Now(), 5*time.Minute) == nil {
		t.Fatal("the signature verifies a changed body")
	}
	var p webhook.Payload
	if h.header.Get("Content-Type") != "application/json" || json.Unmarshal(h.body, &p) != nil {
		t.Fatalf("delivery is not JSON: %q %s", h.header.Get("Content-Type"), h.body)
	}
	return p
}

// deliveries returns an endpoint's delivery log.
func deliveries(t *testing.T, st *store.Store, id int64) []factcheck.Delivery {
	t.Helper()
	m, err := st.RecentDeliveries(t.Context(), []int64{id}, 50)
	if err != nil {
		t.Fatal(err)
	}
	return m[id]
}

// eventually polls cond until it holds or timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A publication reaches the endpoint signed, with the event's id in the
// header and the body, and the claim in the API's shape; after a 500 the
// same event is sent again, and the log shows both attempts' outcome.
func TestDeliverySignedAndRetriedAfter500(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		d := newDesk(t, st)
		rcv := newReceiver(t, 500, 200)
		w := d.hook(rcv.URL+"/hooks", "", factcheck.EventClaimPublished)
		service(t, st, webhook.Config{AllowPrivate: true})
		cl := d.published("Bike lanes cut injuries by a third")

		first, second := rcv.wait(t, 10*time.Second), rcv.wait(t, 10*time.Second)
		p1, p2 := checkSigned(t, first, w.Secret), checkSigned(t, second, w.Secret)
		if p1.ID == "" || p1.ID != p2.ID || first.header.Get("X-Claimdesk-Delivery") != p1.ID || second.header.Get("X-Claimdesk-Delivery") != p1.ID {
			t.Errorf("event ids: %q %q, headers %q %q", p1.ID, p2.ID, first.header.Get("X-Claimdesk-Delivery"), second.header.Get("X-Claimdesk-Delivery"))
		}
		if p1.Type != factcheck.EventClaimPublished || first.header.Get("X-Claimdesk-Event") != "claim.published" || time.Since(p1.CreatedAt) > time.Minute {
			t.Errorf("event %q header %q at %v", p1.Type, first.header.Get("X-Claimdesk-Event"), p1.CreatedAt)
		}
		// The body is {"id","type","created_at","data"} and data is the
		// claim exactly as the public API shows it.
		var raw map[string]json.RawMessage
		json.Unmarshal(second.body, &raw)
		keys := make([]string, 0, len(raw))
		for k := range raw {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if strings.Join(keys, ",") != "created_at,data,id,type" {
			t.Errorf("payload keys %v", keys)
		}
		full, _ := st.PublicClaim(t.Context(), cl.ID)
		want, _ := json.Marshal(web.PublicClaimJSON(base)(full))
		if string(raw["data"]) != string(want) {
			t.Errorf("data\n got %s\nwant %s", raw["data"], want)
		}
		var data web.ClaimJSON
		json.Unmarshal(raw["data"], &data)
		if data.ID != cl.ID || data.Status != factcheck.StatusPublished || data.Rating == nil || data.Rating.Key != "false" {
			t.Errorf("data %+v", data)
		}
		eventually(t, 5*time.Second, "the log records the delivery", func() bool {
			ds := deliveries(t, st, w.ID)
			return len(ds) == 1 && ds[0].Status == factcheck.DeliveryDelivered
		})
		dl := deliveries(t, st, w.ID)[0]
		if dl.Attempts != 2 || dl.ResponseStatus != 200 || dl.ResponseBody != "OK" || dl.DeliveredAt == nil || dl.EventID != p1.ID {
			t.Errorf("log %+v", dl)
		}
		if got, _ := st.Webhook(t.Context(), w.ID); got.Failures != 0 || got.DisabledAt != nil {
			t.Errorf("after a success: %+v", got)
		}
		if second.at.Sub(first.at) < 80*time.Millisecond {
			t.Errorf("retried after %v, before the backoff", second.at.Sub(first.at))
		}
	})
}

// Every workflow step raises its event, to the endpoints that asked for
// it only; a write that fails raises nothing.
func TestEveryEventIsRaised(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		d := newDesk(t, st)
		all := newReceiver(t, 200)
		some := newReceiver(t, 200)
		wAll := d.hook(all.URL, "", factcheck.EventTypes()...)
		d.hook(some.URL, "", factcheck.EventClaimRetracted)
		service(t, st, webhook.Config{AllowPrivate: true})

		cl := d.submit(d.draft("Rents doubled in ten years"))
		cl = d.publish(cl)
		cl = d.step(cl, d.reviewer, func(c *factcheck.Claim) error { return c.Correct(d.reviewer, "The year was wrong.", time.Now()) })
		// A stale write changes nothing and raises nothing.
		if _, err := st.UpdateClaim(t.Context(), cl.ID, cl.Version-1, d.reviewer, "x", func(c *factcheck.Claim) error {
			return c.Retract(d.reviewer, "stale", time.Now())
		}); factcheck.ErrorCode(err) != factcheck.ECONFLICT {
			t.Fatalf("stale write: %v", err)
		}
		report := &factcheck.Report{ClaimID: cl.ID, Message: "The chart in this check is upside down.", Email: "reader@mail.example"}
		if err := st.CreateReport(t.Context(), report, "ip:1"); err != nil {
			t.Fatal(err)
		}
		cl = d.step(cl, d.reviewer, func(c *factcheck.Claim) error { return c.Retract(d.reviewer, "The source was forged.", time.Now()) })

		want := []factcheck.EventType{factcheck.EventClaimSubmitted, factcheck.EventClaimPublished, factcheck.EventClaimCorrected,
			factcheck.EventReportCreated, factcheck.EventClaimRetracted}
		var got []factcheck.EventType
		for range want {
			h := all.wait(t, 10*time.Second)
			p := checkSigned(t, h, wAll.Secret)
			got = append(got, p.Type)
			var data web.ClaimJSON
			json.Unmarshal(mustField(t, h.body, "data"), &data)
			if data.ID != cl.ID {
				t.Errorf("%s: data is claim %d", p.Type, data.ID)
			}
			// A report comes with what the reader wrote, never who.
			var rep *webhook.ReportJSON
			if raw := mustField(t, h.body, "report"); raw != nil {
				json.Unmarshal(raw, &rep)
			}
			switch {
			case p.Type != factcheck.EventReportCreated && rep != nil:
				t.Errorf("%s carries a report: %s", p.Type, h.body)
			case p.Type == factcheck.EventReportCreated && (rep == nil || rep.ID != report.ID || rep.Message != report.Message ||
				!rep.CreatedAt.Equal(report.CreatedAt.Truncate(time.Microsecond)) && !rep.CreatedAt.Equal(report.CreatedAt)):
				t.Errorf("report.created: report %+v, want %+v", rep, report)
			}
			if strings.Contains(string(h.body), "reader@mail.example") {
				t.Errorf("%s: the reader's email is in the delivery: %s", p.Type, h.body)
			}
		}
		sort.Slice(got, func(i, j int) bool { return index(want, got[i]) < index(want, got[j]) })
		if strings.Join(names(got), " ") != strings.Join(names(want), " ") {
			t.Errorf("events %v, want %v", got, want)
		}
		if p := some.wait(t, 10*time.Second); !strings.Contains(string(p.body), `"type":"claim.retracted"`) {
			t.Errorf("the retraction-only endpoint got %s", p.body)
		}
		time.Sleep(300 * time.Millisecond)
		if all.count() != len(want) || some.count() != 1 {
			t.Errorf("deliveries: %d and %d, want %d and 1", all.count(), some.count(), len(want))
		}
	})
}

func mustField(t *testing.T, body []byte, k string) json.RawMessage {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return m[k]
}

func index(evs []factcheck.EventType, e factcheck.EventType) int {
	for i, x := range evs {
		if x == e {
			return i
		}
	}
	return -1
}

func names(evs []factcheck.EventType) []string {
	var out []string
	for _, e := range evs {
		out = append(out, string(e))
	}
	return out
}

// A delivery outlives the server: the first attempt fails, the server
// stops before the retry, and a new server on the same database sends it.
// Another event, raised while no server works the queue, is sent too.
func TestDeliverySurvivesRestart(t *testing.T) {
	for _, dialect := range testutil.Dialects {
		t.Run(dialect, func(t *testing.T) {
			cfg := testutil.Config(t, dialect)
			st, err := store.Open(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			d := newDesk(t, st)
			rcv := newReceiver(t, 500, 200)
			w := d.hook(rcv.URL, "", factcheck.EventClaimPublished)
			svc, err := webhook.New(st, webhook.Config{ClaimData: web.PublicClaimJSON(base), AllowPrivate: true,
				RetryBase: 2 * time.Second, PollInterval: 20 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			st.SetEventSink(svc)
			if err := svc.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			cl := d.published("Ferries carry more people than the bridge")
			first := rcv.wait(t, 10*time.Second)
			eventually(t, 5*time.Second, "the failed attempt is recorded", func() bool {
				ds := deliveries(t, st, w.ID)
				return len(ds) == 1 && ds[0].Status == factcheck.DeliveryRetrying
			})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := svc.Stop(ctx); err != nil {
				t.Fatal(err)
			}
			// Raised while nothing works the queue.
			second := d.published("The bridge toll pays for the ferries")
			st.Close()

			st2, err := store.Open(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer st2.Close()
			if rcv.count() != 1 {
				t.Fatalf("%d requests before the restart", rcv.count())
			}
			service(t, st2, webhook.Config{AllowPrivate: true})
			got := map[int64]hit{}
			for range 2 {
				h := rcv.wait(t, 15*time.Second)
				var data web.ClaimJSON
				json.Unmarshal(mustField(t, h.body, "data"), &data)
				got[data.ID] = h
			}
			retry, ok := got[cl.ID]
			if !ok || retry.header.Get("X-Claimdesk-Delivery") != first.header.Get("X-Claimdesk-Delivery") {
				t.Fatalf("the failed delivery of claim %d was not retried after the restart (got %v)", cl.ID, got)
			}
			checkSigned(t, retry, w.Secret)
			if _, ok := got[second.ID]; !ok {
				t.Errorf("the event raised while stopped was not sent")
			}
			eventually(t, 5*time.Second, "both delivered in the log", func() bool {
				ds := deliveries(t, st2, w.ID)
				return len(ds) == 2 && ds[0].Status == factcheck.DeliveryDelivered && ds[1].Status == factcheck.DeliveryDelivered
			})
		})
	}
}

// An endpoint on a private address is refused when the desk is not
// allowed there: at every dial, whatever the stored URL says.
func TestPrivateEndpointRefusedAtDelivery(t *testing.T) {
	st := testutil.OpenStore(t, "sqlite")
	d := newDesk(t, st)
	rcv := newReceiver(t, 200)
	w := d.hook(rcv.URL, "", factcheck.EventClaimPublished) // stored directly, as if DNS changed since
	service(t, st, webhook.Config{AllowPrivate: false, MaxAttempts: 1})
	d.published("Tap water here is the cleanest in the region")
	eventually(t, 10*time.Second, "the attempt is recorded", func() bool {
		ds := deliveries(t, st, w.ID)
		return len(ds) == 1 && ds[0].Attempts == 1
	})
	dl := deliveries(t, st, w.ID)[0]
	if dl.Status != factcheck.DeliveryFailed || !strings.Contains(dl.Error, "inside the desk's own network") {
		t.Errorf("log %+v", dl)
	}
	if rcv.count() != 0 {
		t.Errorf("the private receiver got %d requests", rcv.count())
	}
}

// An endpoint that keeps failing is turned off: its pending deliveries are
// cancelled and new events skip it until an admin turns it on again.
func TestEndpointDisabledAfterRepeatedFailures(t *testing.T) {
	st := testutil.OpenStore(t, "sqlite")
	d := newDesk(t, st)
	rcv := newReceiver(t, 503)
	w := d.hook(rcv.URL, "", factcheck.EventClaimPublished)
	service(t, st, webhook.Config{AllowPrivate: true, DisableAfter: 3, RetryBase: 30 * time.Millisecond})
	d.published("Schools lost a fifth of their teachers")
	eventually(t, 10*time.Second, "the endpoint is disabled", func() bool {
		got, _ := st.Webhook(t.Context(), w.ID)
		return got.DisabledAt != nil
	})
	got, _ := st.Webhook(t.Context(), w.ID)
	if got.Failures != 3 || !strings.Contains(got.DisabledReason, "3 failed deliveries") {
		t.Errorf("disabled endpoint %+v", got)
	}
	eventually(t, 5*time.Second, "the delivery is cancelled", func() bool {
		ds := deliveries(t, st, w.ID)
		return len(ds) == 1 && ds[0].Status == factcheck.DeliveryCancelled && ds[0].Attempts == 3
	})
	d.published("Class sizes grew by four pupils")
	time.Sleep(300 * time.Millisecond)
	if n := len(deliveries(t, st, w.ID)); n != 1 || rcv.count() != 3 {
		t.Errorf("a disabled endpoint got %d deliveries, %d requests", n, rcv.count())
	}
	if err := st.EnableWebhook(t.Context(), w.ID); err != nil {
		t.Fatal(err)
	}
	rcv.mu.Lock()
	rcv.script = []int{200}
	rcv.hits = nil
	rcv.mu.Unlock()
	d.published("Teacher pay rose faster than inflation")
	rcv.wait(t, 10*time.Second)
	rcv.wait(t, 10*time.Second)
	if got, _ := st.Webhook(t.Context(), w.ID); got.DisabledAt != nil || got.Failures != 0 {
		t.Errorf("turned on again: %+v", got)
	}
}

// Slack-format endpoints get {"text": …} only, signed like the rest.
func TestSlackFormat(t *testing.T) {
	st := testutil.OpenStore(t, "sqlite")
	d := newDesk(t, st)
	rcv := newReceiver(t, 200)
	w := d.hook(rcv.URL, factcheck.FormatSlack, factcheck.EventClaimPublished)
	service(t, st, webhook.Config{AllowPrivate: true})
	cl := d.published("Bus fares <fell> & rose")
	h := rcv.wait(t, 10*time.Second)
	if err := webhook.Verify(w.Secret, h.header.Get("X-Claimdesk-Signature"), h.body, time.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	var msg map[string]string
	if err := json.Unmarshal(h.body, &msg); err != nil || len(msg) != 1 {
		t.Fatalf("slack body %s", h.body)
	}
	text := msg["text"]
	for _, want := range []string{"Published:", "*False*", "Bus fares &lt;fell&gt; &amp; rose", "<" + base + "/claims/", cl.Slug + "|Read the fact check>"} {
		if !strings.Contains(text, want) {
			t.Errorf("slack text %q lacks %q", text, want)
		}
	}
}

// A test event goes to the one endpoint, whatever it subscribed to.
func TestSendTestEvent(t *testing.T) {
	st := testutil.OpenStore(t, "sqlite")
	d := newDesk(t, st)
	a, b := newReceiver(t, 200), newReceiver(t, 200)
	wa := d.hook(a.URL, "", factcheck.EventReportCreated)
	d.hook(b.URL, "", factcheck.EventReportCreated)
	service(t, st, webhook.Config{AllowPrivate: true})
	cl := d.published("Parks cover a tenth of the city")
	id, err := st.SendTestEvent(t.Context(), wa.ID, cl)
	if err != nil || id == 0 {
		t.Fatal(id, err)
	}
	p := checkSigned(t, a.wait(t, 10*time.Second), wa.Secret)
	if p.Type != factcheck.EventTest {
		t.Errorf("test event type %q", p.Type)
	}
	time.Sleep(200 * time.Millisecond)
	if b.count() != 0 {
		t.Error("the test event went to another endpoint")
	}
}

// Delivery latency from the commit of a publication to the receiver, at
// the default poll interval (250 ms): the figure in the README.
func TestDeliveryLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("a latency figure; make test runs it")
	}
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		d := newDesk(t, st)
		rcv := newReceiver(t, 200)
		d.hook(rcv.URL, "", factcheck.EventClaimPublished)
		service(t, st, webhook.Config{AllowPrivate: true, PollInterval: 250 * time.Millisecond})
		const n = 60
		published := map[int64]time.Time{}
		var mu sync.Mutex
		for i := range n {
			c := d.submit(d.draft("Claim number " + strings.Repeat("x", i%7) + time.Now().Format("150405.000000")))
			c = d.publish(c)
			mu.Lock()
			published[c.ID] = time.Now()
			mu.Unlock()
			time.Sleep(37 * time.Millisecond)
		}
		var lat []time.Duration
		for range n {
			h := rcv.wait(t, 20*time.Second)
			var data web.ClaimJSON
			json.Unmarshal(mustField(t, h.body, "data"), &data)
			mu.Lock()
			lat = append(lat, h.at.Sub(published[data.ID]))
			mu.Unlock()
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
		t.Logf("publish → receiver over %d deliveries (%s): p50 %v, p99 %v, max %v", n, st.Dialect(), p50.Round(time.Millisecond), p99.Round(time.Millisecond), lat[n-1].Round(time.Millisecond))
		if p99 > 5*time.Second {
			t.Errorf("p99 %v: deliveries wait far longer than the poll interval", p99)
		}
	})
}
