package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/store"
)

// healthz says the process is up.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, statusJSON{Status: "ok"})
}

// readyz says whether this node can serve: it writes to the database (a
// read succeeds on a full disk or a read-only file), and answers 503 with
// the reason when that fails.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	if err := s.store.CheckWritable(ctx); err != nil {
		reason := store.UnavailableReason(err)
		if reason == "" {
			reason = "the database check failed"
		}
		if n, ok := s.errorLog.allow("readyz "+reason, s.now()); ok {
			s.logger(c).Warn("not ready", "err", err, "similar_since_last", n)
		}
		c.Response().Header().Set("Retry-After", retryAfterUnavailable)
		return c.JSON(http.StatusServiceUnavailable, statusJSON{Status: "not ready", Reason: reason})
	}
	return c.JSON(http.StatusOK, statusJSON{Status: "ready"})
}
