package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"claimdesk/internal/store"
	"claimdesk/internal/web"
	"claimdesk/internal/webhook"
)

// startWebhooks makes the store raise webhook events and starts working
// their deliveries, on this node as on every other serving the database.
// Targets pass the fetcher's address guard (CLAIMDESK_FETCH_ALLOW_PRIVATE
// opens both).
func startWebhooks(ctx context.Context, st *store.Store, w web.Config, log *slog.Logger) (*webhook.Service, error) {
	hooks, err := webhook.New(st, webhook.Config{ClaimData: web.PublicClaimJSON(w.BaseURL), BaseURL: w.BaseURL,
		Newsroom: w.Newsroom, AllowPrivate: w.FetchPrivate, Logger: log.With("part", "webhooks")})
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	st.SetEventSink(hooks)
	// The deliveries' own context: stopping is stopWebhooks' job, after
	// the last request that could raise an event has been served.
	if err := hooks.Start(context.WithoutCancel(ctx)); err != nil {
		st.SetEventSink(nil)
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	return hooks, nil
}

// stopWebhooks lets deliveries in flight finish for up to 10 seconds;
// the rest stay queued in the database for the next start or another node.
func stopWebhooks(hooks *webhook.Service, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hooks.Stop(ctx); err != nil {
		log.Warn("stopping webhook deliveries", "err", err)
	}
}
