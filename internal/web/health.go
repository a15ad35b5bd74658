package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// healthz says the process is up.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, statusJSON{Status: "ok"})
}

// readyz says whether this node can serve: 503 when the database does not answer.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.logger(c).Warn("not ready", "err", err)
		return c.JSON(http.StatusServiceUnavailable, statusJSON{Status: "database unavailable"})
	}
	return c.JSON(http.StatusOK, statusJSON{Status: "ready"})
}
