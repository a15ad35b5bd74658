package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/fetch"
)

// Webhook endpoints, for admins: the JSON API here, the desk page in
// desk_webhook.go. Deliveries are raised by the store and sent by the
// webhook package; this is only their registry and log.

// webhookInput is an endpoint to register, from JSON or a desk form.
type webhookInput struct {
	URL    string   `json:"url" form:"url"`
	Events []string `json:"events" form:"events"`
	Format string   `json:"format" form:"format"`
}

// recentDeliveries is how many deliveries each endpoint's log shows.
const recentDeliveries = 20

// webhooksWithLogs returns every endpoint and, by endpoint id, its
// recentDeliveries latest deliveries: what the API and the desk page list.
func (s *Server) webhooksWithLogs(ctx context.Context) ([]factcheck.Webhook, map[int64][]factcheck.Delivery, error) {
	ws, err := s.store.Webhooks(ctx)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(ws))
	for i := range ws {
		ids[i] = ws[i].ID
	}
	logs, err := s.store.RecentDeliveries(ctx, ids, recentDeliveries)
	return ws, logs, err
}

// createWebhook registers an endpoint after checking that its address is
// outside the desk's own network (the fetcher's guard; with
// FetchPrivate any address).
func (s *Server) createWebhook(c echo.Context, in webhookInput) (*factcheck.Webhook, error) {
	w := &factcheck.Webhook{URL: in.URL, Format: in.Format}
	for _, e := range in.Events {
		for _, part := range strings.Split(e, ",") {
			if part = strings.TrimSpace(part); part != "" {
				w.Events = append(w.Events, factcheck.EventType(part))
			}
		}
	}
	w.Normalize()
	if err := w.Validate(); err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	if err := fetch.CheckURL(ctx, w.URL, s.cfg.FetchPrivate); err != nil {
		return nil, err
	}
	if err := s.store.CreateWebhook(ctx, w, userOf(c)); err != nil {
		return nil, err
	}
	s.logger(c).Info("webhook registered", "webhook", w.ID, "url", w.URL, "events", w.Events, "by", userOf(c).Email)
	return w, nil
}

// apiCreateWebhook answers POST /api/v1/webhooks {url, events, format?}
// with 201 {id, url, events, secret}.
func (s *Server) apiCreateWebhook(c echo.Context) error {
	var in webhookInput
	if err := bindInput(c, &in); err != nil {
		return err
	}
	w, err := s.createWebhook(c, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, WebhookCreatedJSON{ID: w.ID, URL: w.URL, Events: w.Events, Secret: w.Secret})
}

// apiWebhooks answers GET /api/v1/webhooks: every endpoint with its
// recent deliveries. Secrets are never shown again.
func (s *Server) apiWebhooks(c echo.Context) error {
	ctx := c.Request().Context()
	ws, logs, err := s.webhooksWithLogs(ctx)
	if err != nil {
		return err
	}
	out := WebhookListJSON{Webhooks: []WebhookJSON{}}
	for _, w := range ws {
		j := WebhookJSON{ID: w.ID, URL: w.URL, Events: w.Events, Format: w.Format, Active: w.DisabledAt == nil,
			DisabledAt: w.DisabledAt, DisabledReason: w.DisabledReason, Failures: w.Failures, CreatedAt: w.CreatedAt, Deliveries: []DeliveryJSON{}}
		for _, d := range logs[w.ID] {
			j.Deliveries = append(j.Deliveries, DeliveryJSON{ID: d.ID, EventID: d.EventID, Event: d.EventType, Status: d.Status,
				Attempts: d.Attempts, ResponseStatus: d.ResponseStatus, ResponseBody: d.ResponseBody, Error: d.Error,
				DurationMS: d.DurationMS, CreatedAt: d.CreatedAt, LastAttemptAt: d.LastAttemptAt, DeliveredAt: d.DeliveredAt})
		}
		out.Webhooks = append(out.Webhooks, j)
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.JSON(http.StatusOK, out)
}

// apiDeleteWebhook answers DELETE /api/v1/webhooks/:id with 204.
func (s *Server) apiDeleteWebhook(c echo.Context) error {
	id, err := idParam(c, "id", "Webhook")
	if err != nil {
		return err
	}
	if err := s.store.DeleteWebhook(c.Request().Context(), id); err != nil {
		return err
	}
	s.logger(c).Info("webhook deleted", "webhook", id, "by", userOf(c).Email)
	return c.NoContent(http.StatusNoContent)
}

// apiTestWebhook answers POST /api/v1/webhooks/:id/test with 202 and
// the delivery it queued.
func (s *Server) apiTestWebhook(c echo.Context) error {
	id, err := s.sendTestEvent(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, TestEventJSON{DeliveryID: id})
}

// apiEnableWebhook answers POST /api/v1/webhooks/:id/enable with 204.
func (s *Server) apiEnableWebhook(c echo.Context) error {
	id, err := idParam(c, "id", "Webhook")
	if err != nil {
		return err
	}
	if err := s.store.EnableWebhook(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// sendTestEvent queues a webhook.test event, about the latest public
// claim, to the endpoint named by :id alone.
func (s *Server) sendTestEvent(c echo.Context) (int64, error) {
	id, err := idParam(c, "id", "Webhook")
	if err != nil {
		return 0, err
	}
	ctx := c.Request().Context()
	cl, err := s.store.LatestPublicClaim(ctx)
	if err != nil {
		return 0, err
	}
	return s.store.SendTestEvent(ctx, id, cl)
}

// PublicClaimJSON is a claim as webhook payloads carry it: the API's
// public shape (ClaimJSON, with its sources), with URLs under baseURL.
// The webhook package gets it from serve, so payloads and the API never
// drift apart.
func PublicClaimJSON(baseURL string) func(*factcheck.Claim) any {
	s := &Server{cfg: Config{BaseURL: strings.TrimRight(baseURL, "/")}}
	return func(c *factcheck.Claim) any { return s.claimJSON(c, true) }
}
