// Package webhook tells a newsroom's other systems (a CMS, a chat room)
// what happens on the desk: a signed JSON POST per event to every
// endpoint an admin registered for it.
//
// Events are raised by the store inside the transaction that makes the
// change (store.Emit): the event, its deliveries and a job per delivery
// on River's queue in the same database are committed together. This
// package renders events (Payload), queues their jobs (Schedule) and works
// them on any node: one attempt per job run, retried with exponential
// backoff, every attempt recorded in the endpoint's delivery log, and the
// endpoint disabled after DisableAfter failures in a row.
//
// Each request carries
//
//	X-Claimdesk-Event: claim.published
//	X-Claimdesk-Delivery: evt_…            (the event id, the same on every retry)
//	X-Claimdesk-Signature: t=UNIX,v1=HEX   (HMAC-SHA256 of t + "." + body)
//
// with the body {"id","type","created_at","data":{…the claim as the API
// shows it…}}, or {"text":"…"} for endpoints in the Slack format.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/fetch"
	"claimdesk/internal/store"
)

// Config is what the service needs beyond its store. Zero values take the
// defaults named on each field.
type Config struct {
	// ClaimData renders a claim as the "data" of a payload: the public
	// JSON shape of the API (web.PublicClaimJSON). Required.
	ClaimData func(*factcheck.Claim) any
	// BaseURL and Newsroom are used in chat messages' links and words.
	BaseURL  string
	Newsroom string
	// AllowPrivate lets endpoints be on loopback and private addresses
	// (CLAIMDESK_FETCH_ALLOW_PRIVATE, shared with the article fetcher).
	AllowPrivate bool
	// Logger receives delivery failures and River's warnings; nil
	// discards them.
	Logger *slog.Logger
	// Workers is how many deliveries one node sends at once (4).
	Workers int
	// MaxAttempts is how many times a delivery is tried (10).
	MaxAttempts int
	// RetryBase is the wait before the first retry, doubled for each
	// retry after it (10s), up to RetryMax (1h): about 2.8 hours from the
	// first attempt to the tenth.
	RetryBase, RetryMax time.Duration
	// DisableAfter is how many failed attempts in a row disable an
	// endpoint (20).
	DisableAfter int
	// Timeout bounds one attempt (10s).
	Timeout time.Duration
	// PollInterval is how often a node looks for deliveries due (250ms).
	PollInterval time.Duration
}

// Service delivers webhook events. It implements store.EventSink.
type Service struct {
	st     *store.Store
	cfg    Config
	client *river.Client[*sql.Tx]
	http   *http.Client
	log    *slog.Logger
}

// queue is the River queue deliveries run on.
const queue = "webhooks"

// New builds the service on st's database. It does not start working
// deliveries (Start does) and does not wire itself into the store (the
// caller does, with st.SetEventSink).
func New(st *store.Store, cfg Config) (*Service, error) {
	if cfg.ClaimData == nil {
		return nil, errors.New("webhook: Config.ClaimData is required")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Newsroom == "" {
		cfg.Newsroom = "claimdesk"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&cfg.Workers, 4)
	def(&cfg.MaxAttempts, 10)
	def(&cfg.DisableAfter, 20)
	defd(&cfg.RetryBase, 10*time.Second)
	defd(&cfg.RetryMax, time.Hour)
	defd(&cfg.Timeout, 10*time.Second)
	defd(&cfg.PollInterval, 250*time.Millisecond)

	db, err := st.DB()
	if err != nil {
		return nil, err
	}
	var driver riverdriver.Driver[*sql.Tx]
	if st.Dialect() == store.Postgres {
		driver = riverdatabasesql.New(db)
	} else {
		driver = riversqlite.New(db)
	}
	s := &Service{st: st, cfg: cfg, http: fetch.NewClient(cfg.AllowPrivate, cfg.Timeout), log: cfg.Logger}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &deliveryWorker{s: s}); err != nil {
		return nil, err
	}
	s.client, err = river.NewClient(driver, &river.Config{
		Queues:            map[string]river.QueueConfig{queue: {MaxWorkers: cfg.Workers}},
		Workers:           workers,
		MaxAttempts:       cfg.MaxAttempts,
		RetryPolicy:       backoff{base: cfg.RetryBase, max: cfg.RetryMax},
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     min(cfg.PollInterval, 100*time.Millisecond),
		// Every node polls: the database is the only thing nodes share.
		PollOnly:   true,
		JobTimeout: cfg.Timeout + 30*time.Second,
		// A node that dies mid-delivery leaves its job running; another
		// node sends it again after this (River's default is an hour).
		// Receivers deduplicate on the event id.
		RescueStuckJobsAfter: 2*cfg.Timeout + 2*time.Minute,
		Logger:               slog.New(warnOnly{cfg.Logger.Handler()}),
	})
	if err != nil {
		return nil, fmt.Errorf("webhook queue: %w", err)
	}
	return s, nil
}

// Start works queued deliveries until Stop or ctx ends.
func (s *Service) Start(ctx context.Context) error { return s.client.Start(ctx) }

// Stop finishes the deliveries in flight (until ctx ends) and stops.
// Deliveries not yet sent stay queued in the database.
func (s *Service) Stop(ctx context.Context) error { return s.client.Stop(ctx) }

// Create checks that w's URL leads outside the desk's network (unless
// AllowPrivate) and registers it; see store.CreateWebhook.
func (s *Service) Create(ctx context.Context, w *factcheck.Webhook, by *factcheck.User) error {
	w.Normalize()
	if err := w.Validate(); err != nil {
		return err
	}
	if err := fetch.CheckURL(ctx, w.URL, s.cfg.AllowPrivate); err != nil {
		return err
	}
	return s.st.CreateWebhook(ctx, w, by)
}

// SendTest queues a webhook.test event to the endpoint with id alone,
// about the latest public claim, and returns its delivery's id.
func (s *Service) SendTest(ctx context.Context, id int64) (int64, error) {
	cl, err := s.st.LatestPublicClaim(ctx)
	if err != nil {
		return 0, err
	}
	return s.st.SendTestEvent(ctx, id, cl)
}

// Payload is the JSON body of a delivery. Data is the public claim; a
// report.created delivery also carries the reader's Report.
type Payload struct {
	ID        string              `json:"id"`
	Type      factcheck.EventType `json:"type"`
	CreatedAt time.Time           `json:"created_at"`
	Data      any                 `json:"data"`
	Report    *ReportJSON         `json:"report,omitempty"`
}

// ReportJSON is a reader's error report in a delivery: what the reader
// wrote and when, never who (the email address stays on the desk).
type ReportJSON struct {
	ID        int64     `json:"id"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
}

// slackMessage is the body of a delivery in the Slack format.
type slackMessage struct {
	Text string `json:"text"`
}

// Payload renders ev for store.Emit: the JSON body and the chat text.
func (s *Service) Payload(ev store.Event) ([]byte, string, error) {
	p := Payload{ID: ev.ID, Type: ev.Type, CreatedAt: ev.At.UTC(), Data: struct{}{}}
	if ev.Claim != nil {
		p.Data = s.cfg.ClaimData(ev.Claim)
	}
	if r := ev.Report; r != nil && ev.Type == factcheck.EventReportCreated {
		p.Report = &ReportJSON{ID: r.ID, Message: r.Message, CreatedAt: r.CreatedAt.UTC()}
	}
	body, err := json.Marshal(p)
	return body, s.text(ev), err
}

// Schedule queues one job per delivery in tx.
func (s *Service) Schedule(ctx context.Context, tx *sql.Tx, deliveryIDs []int64) error {
	params := make([]river.InsertManyParams, len(deliveryIDs))
	for i, id := range deliveryIDs {
		params[i] = river.InsertManyParams{Args: deliveryArgs{DeliveryID: id}}
	}
	_, err := s.client.InsertManyTx(ctx, tx, params)
	return err
}

// Sign returns the X-Claimdesk-Signature of body sent at t with secret:
// "t=UNIX,v1=HEX", HEX being the HMAC-SHA256 of "UNIX.body".
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header against body and secret, and that it
// was made within tolerance of now (replays of old deliveries fail). It
// is what a receiver runs; tests use it too.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("webhook signature: malformed header")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook signature: timestamp outside the tolerance")
	}
	want := mac(secret, ts, body)
	for _, sig := range sigs {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return errors.New("webhook signature: no valid signature")
}

// deliveryArgs is the job of one delivery.
type deliveryArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

func (deliveryArgs) Kind() string { return "webhook_delivery" }

func (deliveryArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: queue} }

// deliveryWorker makes one attempt per run of a delivery's job.
type deliveryWorker struct {
	river.WorkerDefaults[deliveryArgs]
	s *Service
}

// Work sends the delivery once. It returns nil when the endpoint took it
// (or it was taken before), an error to have River retry it later, and
// cancels the job when the delivery or its endpoint is gone or disabled.
func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[deliveryArgs]) error {
	s := w.s
	id := job.Args.DeliveryID
	o, err := s.st.Outbound(ctx, id)
	if factcheck.ErrorCode(err) == factcheck.ENOTFOUND {
		return river.JobCancel(fmt.Errorf("delivery %d is gone (its endpoint was deleted)", id))
	} else if err != nil {
		return err
	}
	switch {
	case o.Delivery.Status == factcheck.DeliveryDelivered:
		return nil // sent before; this run follows a crash before River heard
	case o.Webhook.DisabledAt != nil:
		if err := s.st.CancelDelivery(ctx, id, "The endpoint is disabled."); err != nil {
			return err
		}
		return river.JobCancel(store.ErrWebhookDisabled)
	}
	a := s.send(ctx, o)
	a.Final = job.Attempt >= job.MaxAttempts
	if err := s.st.RecordAttempt(context.WithoutCancel(ctx), id, a, s.cfg.DisableAfter); errors.Is(err, store.ErrWebhookDisabled) {
		s.log.Warn("webhook endpoint disabled", "webhook", o.Webhook.ID, "url", o.Webhook.URL, "err", a.Error)
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	if a.OK {
		return nil
	}
	s.log.Info("webhook delivery failed", "webhook", o.Webhook.ID, "delivery", id, "attempt", job.Attempt, "err", a.Error)
	return errors.New(a.Error)
}

// send makes one attempt and says how it went.
func (s *Service) send(ctx context.Context, o *store.Outbound) store.Attempt {
	body := o.Body
	if o.Webhook.Format == factcheck.FormatSlack {
		body, _ = json.Marshal(slackMessage{Text: o.Text})
	}
	start := time.Now()
	a := store.Attempt{At: start.UTC()}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.Webhook.URL, strings.NewReader(string(body)))
	if err != nil {
		a.Error = "The endpoint's address is not usable."
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "claimdesk-webhooks/1")
	req.Header.Set("X-Claimdesk-Event", string(o.Delivery.EventType))
	req.Header.Set("X-Claimdesk-Delivery", o.Delivery.EventID)
	req.Header.Set("X-Claimdesk-Signature", Sign(o.Webhook.Secret, start, body))
	resp, err := s.http.Do(req)
	a.Duration = time.Since(start)
	if err != nil {
		a.Error = reason(err)
		return a
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	a.ResponseStatus, a.ResponseBody = resp.StatusCode, strings.ToValidUTF8(string(head), "�")
	a.OK = resp.StatusCode >= 200 && resp.StatusCode < 300
	if !a.OK {
		a.Error = "The endpoint answered " + resp.Status + "."
	}
	return a
}

// reason words a failed request for the delivery log.
func reason(err error) string {
	switch {
	case errors.Is(err, fetch.ErrPrivate):
		return "Refused: the endpoint's address is inside the desk's own network."
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout"):
		return "The endpoint did not answer in time."
	case strings.Contains(err.Error(), "connection refused"):
		return "The endpoint refused the connection."
	case strings.Contains(err.Error(), "no such host"):
		return "No such host."
	}
	return "The endpoint could not be reached."
}

// backoff is the retry policy: RetryBase doubled per retry, up to
// RetryMax, with a tenth of jitter so endpoints that failed together are
// not retried together.
type backoff struct{ base, max time.Duration }

// NextRetry implements river.ClientRetryPolicy.
func (b backoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := b.base
	for i := 1; i < job.Attempt && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	d += time.Duration(rand.Int64N(int64(d)/10 + 1))
	return time.Now().Add(d)
}

// warnOnly passes River's warnings and errors on, not its routine news.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnOnly) WithAttrs(as []slog.Attr) slog.Handler { return warnOnly{h.Handler.WithAttrs(as)} }
func (h warnOnly) WithGroup(n string) slog.Handler       { return warnOnly{h.Handler.WithGroup(n)} }
