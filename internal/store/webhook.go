package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// Webhooks: endpoints, the events raised for them and each delivery's log.
//
// An event is raised inside the transaction that makes the change it
// reports (Emit): the event, one delivery per subscribed endpoint and one
// job per delivery on the database's job queue (River's tables, migrated
// here) are written there or not at all. So a delivery is never lost to a
// crash or a restart, and never sent for a change that rolled back; any
// node may work it. The webhook package renders events, works the jobs and
// records each attempt.

// webhooksVersion is the migration that adds webhooks and the job queue.
const webhooksVersion = 21

// riverQueueVersion is the migration that completes River's tables.
const riverQueueVersion = 22

// RiverSchemaVersion is River's own migration that the schema is pinned
// at. A River upgrade that brings a new migration needs a new claimdesk
// migration, like any other schema change.
const RiverSchemaVersion = 8

// migrateWebhooks adds the endpoints, events and deliveries, and River's
// tables (its migrations 1–4 here and the rest in migrateRiverRest, under
// the schema lock that every other migration takes).
func migrateWebhooks(tx *gorm.DB, d Dialect) error {
	err := execAll(tx, d,
		`CREATE TABLE webhooks (
			id {{id}},
			url TEXT NOT NULL,
			events TEXT NOT NULL,
			format TEXT NOT NULL DEFAULT 'json',
			secret TEXT NOT NULL,
			created_by_id {{ref}} REFERENCES users(id) ON DELETE SET NULL,
			created_at {{time}} NOT NULL,
			disabled_at {{time}},
			disabled_reason TEXT NOT NULL DEFAULT '',
			failures INTEGER NOT NULL DEFAULT 0)`,
		`CREATE TABLE webhook_events (
			id TEXT PRIMARY KEY,
			type TEXT NOT NULL,
			claim_id {{ref}} REFERENCES claims(id) ON DELETE SET NULL,
			body TEXT NOT NULL,
			text TEXT NOT NULL DEFAULT '',
			created_at {{time}} NOT NULL)`,
		`CREATE TABLE webhook_deliveries (
			id {{id}},
			webhook_id {{ref}} NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
			event_id TEXT NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
			event_type TEXT NOT NULL,
			status TEXT NOT NULL,
			attempts INTEGER NOT NULL DEFAULT 0,
			response_status INTEGER NOT NULL DEFAULT 0,
			response_body TEXT NOT NULL DEFAULT '',
			error TEXT NOT NULL DEFAULT '',
			duration_ms INTEGER NOT NULL DEFAULT 0,
			created_at {{time}} NOT NULL,
			last_attempt_at {{time}},
			delivered_at {{time}})`,
		`CREATE INDEX webhook_deliveries_log ON webhook_deliveries(webhook_id, id)`,
		`CREATE INDEX webhook_deliveries_event ON webhook_deliveries(event_id)`,
	)
	if err != nil {
		return err
	}
	return migrateRiver(tx, d, riverEnumVersion)
}

// River's migration 4 adds a value to a PostgreSQL enum that migration 6
// uses, and PostgreSQL refuses a new enum value before the transaction
// that added it commits: so River's migrations run in two of ours.
const riverEnumVersion = 4

// migrateRiverRest applies River's migrations after the enum change.
func migrateRiverRest(tx *gorm.DB, d Dialect) error { return migrateRiver(tx, d, RiverSchemaVersion) }

// migrateRiver applies River's own migrations up to version in tx.
func migrateRiver(tx *gorm.DB, d Dialect, version int) error {
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return fmt.Errorf("river migrations: no transaction (%T)", tx.Statement.ConnPool)
	}
	opts := &rivermigrate.MigrateOpts{TargetVersion: version}
	ctx := tx.Statement.Context
	cfg := &rivermigrate.Config{Logger: discardLogger()}
	if d == Postgres {
		m, err := rivermigrate.New(riverdatabasesql.New(nil), cfg)
		if err != nil {
			return err
		}
		_, err = m.MigrateTx(ctx, sqlTx, rivermigrate.DirectionUp, opts)
		return err
	}
	m, err := rivermigrate.New(riversqlite.New(nil), cfg)
	if err != nil {
		return err
	}
	_, err = m.MigrateTx(ctx, sqlTx, rivermigrate.DirectionUp, opts)
	return err
}

// Event is something that happened on the desk, raised inside the
// transaction that made it happen (see Emit).
type Event struct {
	// ID is the event's id, sent with every delivery for deduplication
	// (Emit fills it in), and At when it happened.
	ID   string
	Type factcheck.EventType
	At   time.Time
	// Claim is the claim it is about, with its rating, article and
	// evidence loaded; Emit loads it by ClaimID when it is nil.
	Claim   *factcheck.Claim
	ClaimID int64
	// Report is the reader's report of a report.created event.
	Report *factcheck.Report
	// WebhookID, when set, sends the event to that endpoint alone,
	// whatever it subscribed to (a test event).
	WebhookID int64
}

// EventSink turns events into deliveries: the webhook package, which
// serve wires into the store with SetEventSink. Without a sink (the
// command-line tools, most tests) the store raises no events.
type EventSink interface {
	// Payload renders ev as the JSON body of a delivery and as the plain
	// text of a chat message. It is called inside the write transaction
	// and must not touch the database.
	Payload(ev Event) (body []byte, text string, err error)
	// Schedule queues one attempt for each delivery on the job queue, in
	// tx, the transaction that wrote them.
	Schedule(ctx context.Context, tx *sql.Tx, deliveryIDs []int64) error
}

// SetEventSink makes the store raise events through sink from now on.
// Call it before serving; nil turns events off.
func (s *Store) SetEventSink(sink EventSink) { s.events.Store(&sinkRef{sink}) }

type sinkRef struct{ EventSink }

func (s *Store) eventSink() EventSink {
	if r := s.events.Load(); r != nil {
		return r.EventSink
	}
	return nil
}

// DB returns the writer's connection pool, for River, which works the
// job queue in the same database (on SQLite, the one writer connection:
// River's statements queue behind the desk's, never beside them).
func (s *Store) DB() (*sql.DB, error) { return s.w.DB() }

// Emit raises ev inside tx, the transaction that makes the change it
// reports: for every active endpoint subscribed to ev.Type (or the one
// ev.WebhookID names) it records a delivery and queues its first attempt,
// all in tx, so the deliveries exist exactly when the change does. It
// does nothing when no endpoint wants the event or the store has no
// sink. Store code calls it as s.Emit(ctx, tx, Event{Type: …, Claim: c}),
// e.g. for claim.reappeared when a claim is found in a new article.
func (s *Store) Emit(ctx context.Context, tx *gorm.DB, ev Event) error {
	sink := s.eventSink()
	if sink == nil || !s.hasSchema(riverQueueVersion) {
		return nil
	}
	var hooks []factcheck.Webhook
	q := tx.Where("disabled_at IS NULL")
	if ev.WebhookID != 0 {
		q = tx.Where("id = ?", ev.WebhookID)
	}
	if err := q.Order("id").Find(&hooks).Error; err != nil {
		return err
	}
	hooks = slices.DeleteFunc(hooks, func(w factcheck.Webhook) bool { return ev.WebhookID == 0 && !w.Wants(ev.Type) })
	if len(hooks) == 0 {
		return nil
	}
	if ev.Claim == nil && ev.ClaimID != 0 {
		c, err := s.claimByID(tx, ev.ClaimID)
		if err != nil {
			return err
		}
		ev.Claim = c
	}
	if ev.ID == "" {
		ev.ID = newEventID()
	}
	if ev.At.IsZero() {
		ev.At = s.now()
	}
	body, text, err := sink.Payload(ev)
	if err != nil {
		return fmt.Errorf("webhook payload: %w", err)
	}
	row := webhookEvent{ID: ev.ID, Type: string(ev.Type), Body: string(body), Text: text, CreatedAt: ev.At}
	if ev.Claim != nil {
		row.ClaimID = &ev.Claim.ID
	}
	if err := tx.Create(&row).Error; err != nil {
		return err
	}
	ids := make([]int64, 0, len(hooks))
	for _, w := range hooks {
		d := factcheck.Delivery{WebhookID: w.ID, EventID: ev.ID, EventType: ev.Type, Status: factcheck.DeliveryQueued, CreatedAt: ev.At}
		if err := tx.Create(&d).Error; err != nil {
			return err
		}
		ids = append(ids, d.ID)
	}
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return fmt.Errorf("emit %s: not inside a transaction", ev.Type)
	}
	return sink.Schedule(ctx, sqlTx, ids)
}

// webhookEvent is a stored event: the body every JSON endpoint gets and
// the text chat endpoints get.
type webhookEvent struct {
	ID        string
	Type      string
	ClaimID   *int64
	Body      string
	Text      string
	CreatedAt time.Time
}

func (webhookEvent) TableName() string { return "webhook_events" }

// newEventID returns a random event id, "evt_" and 24 hex digits.
func newEventID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "evt_" + hex.EncodeToString(b)
}

// claimEvent is the event a claim write raises, if any: by the status it
// moved from and to.
func claimEvent(before, after factcheck.Status) (factcheck.EventType, bool) {
	switch {
	case after == factcheck.StatusInReview && before != factcheck.StatusInReview:
		return factcheck.EventClaimSubmitted, true
	case after == factcheck.StatusPublished && before != factcheck.StatusPublished:
		return factcheck.EventClaimPublished, true
	case after == factcheck.StatusCorrected:
		return factcheck.EventClaimCorrected, true
	case after == factcheck.StatusRetracted && before != factcheck.StatusRetracted:
		return factcheck.EventClaimRetracted, true
	}
	return "", false
}

// CreateWebhook validates w and registers it with a new signing secret,
// which it sets on w (the only time it is shown). It returns EINVALID for
// bad fields and when the desk already has factcheck.MaxWebhooks
// endpoints. Whether the URL may be reached is the caller's check.
func (s *Store) CreateWebhook(ctx context.Context, w *factcheck.Webhook, by *factcheck.User) error {
	w.Normalize()
	if err := w.Validate(); err != nil {
		return err
	}
	b := make([]byte, 24)
	rand.Read(b)
	w.ID, w.Secret, w.CreatedAt, w.DisabledAt, w.DisabledReason, w.Failures = 0, "whsec_"+hex.EncodeToString(b), s.now(), nil, "", 0
	if by != nil {
		w.CreatedByID = &by.ID
	}
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&factcheck.Webhook{}).Count(&n).Error; err != nil {
			return err
		} else if n >= factcheck.MaxWebhooks {
			return factcheck.FieldError("url", "The desk already has %d webhook endpoints, the most it keeps; delete one first.", n)
		}
		return tx.Create(w).Error
	})
}

// Webhooks returns every endpoint, oldest first.
func (s *Store) Webhooks(ctx context.Context) ([]factcheck.Webhook, error) {
	var ws []factcheck.Webhook
	err := s.r.WithContext(ctx).Order("id").Find(&ws).Error
	return ws, err
}

// Webhook returns the endpoint with id, or ENOTFOUND.
func (s *Store) Webhook(ctx context.Context, id int64) (*factcheck.Webhook, error) {
	var w factcheck.Webhook
	err := s.r.WithContext(ctx).First(&w, id).Error
	return &w, wrap(err, "Webhook")
}

// DeleteWebhook removes the endpoint with id and its delivery log; its
// queued deliveries are dropped when their turn comes. ENOTFOUND when
// there is no such endpoint.
func (s *Store) DeleteWebhook(ctx context.Context, id int64) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Delete(&factcheck.Webhook{}, id)
		if res.Error != nil {
			return res.Error
		} else if res.RowsAffected == 0 {
			return factcheck.Errorf(factcheck.ENOTFOUND, "Webhook not found.")
		}
		return nil
	})
}

// EnableWebhook turns a disabled endpoint on again with a clean failure
// count. Deliveries cancelled while it was off stay cancelled. ENOTFOUND
// when there is no such endpoint.
func (s *Store) EnableWebhook(ctx context.Context, id int64) error {
	res := s.w.WithContext(ctx).Model(&factcheck.Webhook{}).Where("id = ?", id).
		Updates(map[string]any{"disabled_at": nil, "disabled_reason": "", "failures": 0})
	if res.Error != nil {
		return res.Error
	} else if res.RowsAffected == 0 {
		return factcheck.Errorf(factcheck.ENOTFOUND, "Webhook not found.")
	}
	return nil
}

// RecentDeliveries returns the newest deliveries of each endpoint, at
// most n each, newest first.
func (s *Store) RecentDeliveries(ctx context.Context, webhookIDs []int64, n int) (map[int64][]factcheck.Delivery, error) {
	out := map[int64][]factcheck.Delivery{}
	for _, id := range webhookIDs {
		var ds []factcheck.Delivery
		if err := s.r.WithContext(ctx).Where("webhook_id = ?", id).Order("id DESC").Limit(n).Find(&ds).Error; err != nil {
			return nil, err
		}
		out[id] = ds
	}
	return out, nil
}

// Delivery returns the delivery with id, or ENOTFOUND.
func (s *Store) Delivery(ctx context.Context, id int64) (*factcheck.Delivery, error) {
	var d factcheck.Delivery
	err := s.w.WithContext(ctx).First(&d, id).Error
	return &d, wrap(err, "Delivery")
}

// Outbound is everything one delivery attempt needs: the delivery, its
// endpoint and the event's body and text.
type Outbound struct {
	Delivery factcheck.Delivery
	Webhook  factcheck.Webhook
	Body     []byte
	Text     string
}

// Outbound returns what delivery id sends, read from the primary. It
// returns ENOTFOUND when the delivery is gone (its endpoint was deleted).
func (s *Store) Outbound(ctx context.Context, id int64) (*Outbound, error) {
	db := s.w.WithContext(ctx)
	var o Outbound
	if err := db.First(&o.Delivery, id).Error; err != nil {
		return nil, wrap(err, "Delivery")
	}
	if err := db.First(&o.Webhook, o.Delivery.WebhookID).Error; err != nil {
		return nil, wrap(err, "Webhook")
	}
	var ev webhookEvent
	if err := db.Where("id = ?", o.Delivery.EventID).First(&ev).Error; err != nil {
		return nil, wrap(err, "Event")
	}
	o.Body, o.Text = []byte(ev.Body), ev.Text
	return &o, nil
}

// Attempt is the outcome of one delivery attempt.
type Attempt struct {
	At             time.Time
	OK             bool // the endpoint answered 2xx
	ResponseStatus int
	ResponseBody   string // the start of it
	Error          string // why it failed, for people
	Duration       time.Duration
	// Final says no attempt will follow if this one failed.
	Final bool
}

// ErrWebhookDisabled is what RecordAttempt returns, wrapped, once the
// endpoint is disabled (by this failure or before): its deliveries are
// not tried again.
var ErrWebhookDisabled = errors.New("the endpoint is disabled")

// RecordAttempt writes the outcome of an attempt into the delivery log
// and the endpoint's failure count, in one transaction: a success resets
// the count; a failure adds one, and the failure that reaches
// disableAfter (0: never) disables the endpoint. It returns
// ErrWebhookDisabled when the endpoint is (now) disabled and the attempt
// failed.
func (s *Store) RecordAttempt(ctx context.Context, deliveryID int64, a Attempt, disableAfter int) error {
	disabled := false
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var d factcheck.Delivery
		if err := tx.First(&d, deliveryID).Error; err != nil {
			return wrap(err, "Delivery")
		}
		status := factcheck.DeliveryRetrying
		switch {
		case a.OK:
			status = factcheck.DeliveryDelivered
		case a.Final:
			status = factcheck.DeliveryFailed
		}
		up := map[string]any{"status": status, "attempts": gorm.Expr("attempts + 1"), "response_status": a.ResponseStatus,
			"response_body": a.ResponseBody, "error": a.Error, "duration_ms": int(a.Duration / time.Millisecond), "last_attempt_at": a.At}
		if a.OK {
			up["delivered_at"] = a.At
		}
		if err := tx.Model(&factcheck.Delivery{}).Where("id = ?", d.ID).Updates(up).Error; err != nil {
			return err
		}
		if a.OK {
			return tx.Model(&factcheck.Webhook{}).Where("id = ?", d.WebhookID).Update("failures", 0).Error
		}
		if err := tx.Model(&factcheck.Webhook{}).Where("id = ?", d.WebhookID).Update("failures", gorm.Expr("failures + 1")).Error; err != nil {
			return err
		}
		var w factcheck.Webhook
		if err := tx.First(&w, d.WebhookID).Error; err != nil {
			return wrap(err, "Webhook")
		}
		if w.DisabledAt == nil && disableAfter > 0 && w.Failures >= disableAfter {
			reason := fmt.Sprintf("Disabled after %d failed deliveries in a row; the last: %s", w.Failures, a.Error)
			if err := tx.Model(&factcheck.Webhook{}).Where("id = ?", w.ID).
				Updates(map[string]any{"disabled_at": a.At, "disabled_reason": reason}).Error; err != nil {
				return err
			}
			w.DisabledAt = &a.At
		}
		if w.DisabledAt != nil {
			disabled = true
			return tx.Model(&factcheck.Delivery{}).Where("id = ?", d.ID).Update("status", factcheck.DeliveryCancelled).Error
		}
		return nil
	})
	if err == nil && disabled {
		return ErrWebhookDisabled
	}
	return err
}

// CancelDelivery marks a delivery that will not be attempted (its
// endpoint is disabled) as cancelled, with why.
func (s *Store) CancelDelivery(ctx context.Context, id int64, why string) error {
	return s.w.WithContext(ctx).Model(&factcheck.Delivery{}).Where("id = ? AND status IN ?", id,
		[]string{factcheck.DeliveryQueued, factcheck.DeliveryRetrying}).
		Updates(map[string]any{"status": factcheck.DeliveryCancelled, "error": why}).Error
}

// SendTestEvent raises a webhook.test event for the endpoint with id
// alone, about claim (the latest public claim, or nil for none). It
// returns the delivery's id, ENOTFOUND for an unknown endpoint and
// EINVALID when the store has no sink (the desk is not serving
// webhooks).
func (s *Store) SendTestEvent(ctx context.Context, id int64, claim *factcheck.Claim) (int64, error) {
	if s.eventSink() == nil {
		return 0, factcheck.Errorf(factcheck.EINVALID, "Webhooks are not being delivered by this server.")
	}
	var out int64
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var w factcheck.Webhook
		if err := tx.First(&w, id).Error; err != nil {
			return wrap(err, "Webhook")
		}
		ev := Event{ID: newEventID(), Type: factcheck.EventTest, At: s.now(), Claim: claim, WebhookID: id}
		if err := s.Emit(ctx, tx, ev); err != nil {
			return err
		}
		return tx.Model(&factcheck.Delivery{}).Where("event_id = ?", ev.ID).Select("id").Scan(&out).Error
	})
	return out, err
}

// LatestPublicClaim returns the most recently published claim with its
// associations, or nil when nothing is public yet.
func (s *Store) LatestPublicClaim(ctx context.Context) (*factcheck.Claim, error) {
	hits, _, err := s.ListClaims(ctx, ClaimFilter{Limit: 1})
	if err != nil || len(hits) == 0 {
		return nil, err
	}
	return s.PublicClaim(ctx, hits[0].ID)
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
