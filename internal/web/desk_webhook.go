package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// webhooksPage is the admins' page of webhook endpoints and their logs.
func (s *Server) webhooksPage(c echo.Context) error {
	return s.renderWebhooks(c, http.StatusOK, views.WebhooksView{}, webhookInput{})
}

// renderWebhooks renders the page with v's messages and the add form
// filled in from in.
func (s *Server) renderWebhooks(c echo.Context, status int, v views.WebhooksView, in webhookInput) error {
	ctx := c.Request().Context()
	ws, logs, err := s.webhooksWithLogs(ctx)
	if err != nil {
		return err
	}
	v.Page = s.page(c, "Webhooks")
	chosen := map[string]bool{}
	for _, e := range in.Events {
		chosen[e] = true
	}
	v.URL = in.URL
	for _, e := range factcheck.EventTypes() {
		v.Events = append(v.Events, views.Option{Value: string(e), Label: string(e), Selected: chosen[string(e)]})
	}
	format := in.Format
	v.Formats = []views.Option{{Value: factcheck.FormatJSON, Label: "JSON (signed event)", Selected: format != factcheck.FormatSlack},
		{Value: factcheck.FormatSlack, Label: "Slack-compatible text", Selected: format == factcheck.FormatSlack}}
	for _, w := range ws {
		evs := make([]string, len(w.Events))
		for i, e := range w.Events {
			evs[i] = string(e)
		}
		row := views.WebhookRow{ID: w.ID, URL: w.URL, Events: strings.Join(evs, ", "), Format: w.Format, Active: w.DisabledAt == nil,
			DisabledReason: w.DisabledReason, Failures: w.Failures}
		for _, d := range logs[w.ID] {
			dr := views.DeliveryRow{Event: string(d.EventType), EventID: d.EventID, Status: d.Status, Attempts: d.Attempts,
				When: lastAttempt(d.LastAttemptAt), Error: d.Error, Response: truncate(d.ResponseBody, 200), OK: d.Status == factcheck.DeliveryDelivered}
			if d.ResponseStatus != 0 {
				dr.Response = strings.TrimSpace(http.StatusText(d.ResponseStatus) + " " + dr.Response)
			}
			row.Deliveries = append(row.Deliveries, dr)
		}
		v.Webhooks = append(v.Webhooks, row)
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return s.render(c, status, views.WebhooksPage(v))
}

// deskCreateWebhook adds an endpoint from the page's form and shows its
// secret once; bad input comes back next to its field.
func (s *Server) deskCreateWebhook(c echo.Context) error {
	var in webhookInput
	if err := bindInput(c, &in); err != nil {
		return err
	}
	w, err := s.createWebhook(c, in)
	if factcheck.ErrorCode(err) == factcheck.EINVALID {
		field := factcheck.ErrorField(err)
		if field == "" {
			field = "url"
		}
		return s.renderWebhooks(c, http.StatusUnprocessableEntity, views.WebhooksView{
			Errors: map[string]string{field: factcheck.ErrorMessage(err)}}, in)
	} else if err != nil {
		return err
	}
	return s.renderWebhooks(c, http.StatusOK, views.WebhooksView{NewSecret: w.Secret, NewURL: w.URL}, webhookInput{})
}

// deskTestWebhook queues a test event to one endpoint.
func (s *Server) deskTestWebhook(c echo.Context) error {
	if _, err := s.sendTestEvent(c); err != nil {
		return err
	}
	return s.webhooksNotice(c, "Test event queued; its delivery shows below in a moment (reload).")
}

// deskEnableWebhook turns an endpoint that was turned off on again.
func (s *Server) deskEnableWebhook(c echo.Context) error {
	id, err := idParam(c, "id", "Webhook")
	if err != nil {
		return err
	}
	if err := s.store.EnableWebhook(c.Request().Context(), id); err != nil {
		return err
	}
	return s.webhooksNotice(c, "Endpoint turned on again.")
}

// deskDeleteWebhook deletes an endpoint and its log.
func (s *Server) deskDeleteWebhook(c echo.Context) error {
	id, err := idParam(c, "id", "Webhook")
	if err != nil {
		return err
	}
	if err := s.store.DeleteWebhook(c.Request().Context(), id); err != nil {
		return err
	}
	s.logger(c).Info("webhook deleted", "webhook", id, "by", userOf(c).Email)
	return s.webhooksNotice(c, "Endpoint deleted.")
}

// webhooksNotice renders the page with a fresh form and a notice.
func (s *Server) webhooksNotice(c echo.Context, notice string) error {
	return s.renderWebhooks(c, http.StatusOK, views.WebhooksView{Notice: notice}, webhookInput{})
}

// lastAttempt writes when a delivery was last tried, or that it waits.
func lastAttempt(t *time.Time) string {
	if t == nil {
		return "not yet"
	}
	return fmtDateTime(*t)
}
