package factcheck

import (
	"slices"
	"strings"
	"time"
)

// EventType names something that happened on the desk that a webhook
// endpoint can subscribe to.
type EventType string

// The events the desk sends. claim.reappeared is fired when a checked
// claim is found again in a new article or URL.
const (
	EventClaimSubmitted  EventType = "claim.submitted"
	EventClaimPublished  EventType = "claim.published"
	EventClaimCorrected  EventType = "claim.corrected"
	EventClaimRetracted  EventType = "claim.retracted"
	EventClaimReappeared EventType = "claim.reappeared"
	EventReportCreated   EventType = "report.created"
	// EventTest is sent only by "send test event", to one endpoint,
	// whatever it subscribed to.
	EventTest EventType = "webhook.test"
)

// EventTypes lists the events an endpoint may subscribe to, in the order
// the desk shows them.
func EventTypes() []EventType {
	return []EventType{EventClaimSubmitted, EventClaimPublished, EventClaimCorrected, EventClaimRetracted,
		EventClaimReappeared, EventReportCreated}
}

// Valid reports whether t is an event endpoints may subscribe to.
func (t EventType) Valid() bool { return slices.Contains(EventTypes(), t) }

// Webhook formats: the desk's JSON event, or a Slack-compatible message
// (a plain "text" field) for chat rooms.
const (
	FormatJSON  = "json"
	FormatSlack = "slack"
)

// Webhook is an endpoint an admin registered to be told about events: a
// signed JSON POST per event (see the webhook package). Secret signs
// every delivery; it is shown once, when the endpoint is created. An
// endpoint whose deliveries keep failing is disabled (DisabledAt) until
// an admin enables it again.
type Webhook struct {
	ID             int64       `json:"id"`
	URL            string      `json:"url"`
	Events         []EventType `gorm:"serializer:json" json:"events"`
	Format         string      `json:"format"`
	Secret         string      `json:"-"`
	CreatedByID    *int64      `json:"-"`
	CreatedAt      time.Time   `json:"created_at"`
	DisabledAt     *time.Time  `json:"disabled_at,omitempty"`
	DisabledReason string      `json:"disabled_reason,omitempty"`
	// Failures counts failed delivery attempts since the last success.
	Failures int `json:"failures"`
}

// MaxWebhooks is how many endpoints one desk may register.
const MaxWebhooks = 50

// Normalize trims the endpoint's fields, drops duplicate events and
// fills in the default format.
func (w *Webhook) Normalize() {
	w.URL = CleanLine(w.URL)
	w.Format = strings.ToLower(CleanLine(w.Format))
	if w.Format == "" {
		w.Format = FormatJSON
	}
	var evs []EventType
	for _, e := range w.Events {
		e = EventType(strings.ToLower(CleanLine(string(e))))
		if !slices.Contains(evs, e) {
			evs = append(evs, e)
		}
	}
	w.Events = evs
}

// Validate returns an EINVALID error naming the first bad field. It does
// not check where the URL leads (the webhook package does, with the
// fetcher's address guard).
func (w *Webhook) Validate() error {
	if !ValidHTTPURL(w.URL) || len(w.URL) > 2000 {
		return FieldError("url", "Enter the endpoint's full http:// or https:// address.")
	} else if len(w.Events) == 0 {
		return FieldError("events", "Choose at least one event.")
	}
	for _, e := range w.Events {
		if !e.Valid() {
			return FieldError("events", "Unknown event %q; the events are %s.", e, strings.Join(eventNames(), ", "))
		}
	}
	if w.Format != FormatJSON && w.Format != FormatSlack {
		return FieldError("format", "Format must be json or slack.")
	}
	return nil
}

func eventNames() []string {
	var out []string
	for _, e := range EventTypes() {
		out = append(out, string(e))
	}
	return out
}

// Wants reports whether the endpoint is active and subscribed to t.
func (w *Webhook) Wants(t EventType) bool {
	return w.DisabledAt == nil && slices.Contains(w.Events, t)
}

// Delivery statuses.
const (
	DeliveryQueued    = "queued"    // waiting for its first attempt
	DeliveryRetrying  = "retrying"  // failed, will be tried again
	DeliveryDelivered = "delivered" // the endpoint answered 2xx
	DeliveryFailed    = "failed"    // every attempt failed
	DeliveryCancelled = "cancelled" // the endpoint was disabled first
)

// Delivery is one event sent (or to be sent) to one endpoint, with the
// outcome of its latest attempt: the endpoint's delivery log.
type Delivery struct {
	ID             int64      `json:"id"`
	WebhookID      int64      `json:"webhook_id"`
	EventID        string     `json:"event_id"`
	EventType      EventType  `json:"event"`
	Status         string     `json:"status"`
	Attempts       int        `json:"attempts"`
	ResponseStatus int        `json:"response_status,omitempty"`
	ResponseBody   string     `json:"response_body,omitempty"`
	Error          string     `json:"error,omitempty"`
	DurationMS     int        `json:"duration_ms,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	LastAttemptAt  *time.Time `json:"last_attempt_at,omitempty"`
	DeliveredAt    *time.Time `json:"delivered_at,omitempty"`
}

// TableName names the delivery log's table.
func (Delivery) TableName() string { return "webhook_deliveries" }
