package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
)

// statusOf maps an error code to its HTTP status. This is the only place
// where domain errors become status codes.
func statusOf(code string) int {
	switch code {
	case factcheck.EINVALID:
		return http.StatusUnprocessableEntity
	case factcheck.EMALFORMED:
		return http.StatusBadRequest
	case factcheck.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case factcheck.EFORBIDDEN:
		return http.StatusForbidden
	case factcheck.ENOTFOUND:
		return http.StatusNotFound
	case factcheck.ECONFLICT:
		return http.StatusConflict
	case factcheck.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case factcheck.ERATELIMIT:
		return http.StatusTooManyRequests
	case factcheck.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// statusClientClosed is what logs and metrics record for a request whose
// client went away before it was answered (nginx's 499): not a failure of
// the desk, and nothing is sent.
const statusClientClosed = 499

// retryAfterUnavailable is the Retry-After of a 503, in seconds.
const retryAfterUnavailable = "5"

// fromHTTPError turns errors raised by Echo itself (routing, body limit,
// binding) into domain errors so they share the same shape.
func fromHTTPError(he *echo.HTTPError) *factcheck.Error {
	msg := http.StatusText(he.Code)
	if m, ok := he.Message.(string); ok && m != "" {
		msg = m
	}
	switch he.Code {
	case http.StatusNotFound:
		return factcheck.Errorf(factcheck.ENOTFOUND, "Page not found.")
	case http.StatusRequestEntityTooLarge:
		return factcheck.Errorf(factcheck.ETOOLARGE, "The request body is too large.")
	case http.StatusBadRequest:
		return factcheck.Errorf(factcheck.EMALFORMED, "The request could not be read: %s", strings.TrimSuffix(msg, "."))
	case http.StatusUnauthorized:
		return factcheck.Errorf(factcheck.EUNAUTHORIZED, "Log in first.")
	case http.StatusForbidden:
		return factcheck.Errorf(factcheck.EFORBIDDEN, "%s", msg)
	case http.StatusTooManyRequests:
		return factcheck.Errorf(factcheck.ERATELIMIT, "Too many requests. Wait a minute and try again.")
	case http.StatusMethodNotAllowed:
		return &factcheck.Error{Code: "method_not_allowed", Message: "Method not allowed."}
	case http.StatusUnsupportedMediaType:
		return factcheck.Errorf(factcheck.EMALFORMED, "Send JSON with Content-Type: application/json.")
	}
	return factcheck.Errorf(factcheck.EINTERNAL, "Internal error.")
}

// handleError renders any error returned by a handler: JSON for the API and
// clients that ask for it, an HTML page otherwise. Internal errors are
// logged with the request id (one line per kind of error per interval,
// with a count) and shown only as "Internal error."; an unavailable
// database is 503 with Retry-After; a client that went away is recorded
// as 499 and sent nothing.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if c.Request().Context().Err() != nil && (errors.Is(err, context.Canceled) || factcheck.ErrorCode(err) == factcheck.EINTERNAL) {
		c.Response().Status = statusClientClosed
		return
	}
	var fe *factcheck.Error
	var he *echo.HTTPError
	status := http.StatusInternalServerError
	switch {
	case errors.As(err, &fe):
		status = statusOf(fe.Code)
	case errors.As(err, &he):
		fe = fromHTTPError(he)
		status = he.Code
		if fe.Code == factcheck.EINTERNAL {
			status = http.StatusInternalServerError
		}
	default:
		fe = factcheck.Errorf(factcheck.EINTERNAL, "Internal error.")
	}
	if status >= 500 {
		kind := store.UnavailableReason(err)
		if kind == "" {
			kind = c.Path() + ": " + err.Error()
		}
		if n, ok := s.errorLog.allow(kind, s.now()); ok {
			s.logger(c).Error("request failed", "err", err, "status", status, "route", c.Path(), "similar_since_last", n)
		}
	}
	if status == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", retryAfterUnavailable)
	}
	if status == http.StatusRequestEntityTooLarge {
		c.Response().Header().Set("Connection", "close")
		defer drainBody(c)
	}
	if formatByAccept(c.Request()) {
		c.Response().Header().Add("Vary", "Accept")
	}
	if wantsJSON(c) {
		c.JSON(status, errorJSON(fe))
		return
	}
	s.render(c, status, s.errorPage(c, status, fe.Message))
}

// errorLog lets one log line through per kind of error per interval and
// counts the rest, so an outage does not write a line per request.
type errorLog struct {
	mu       sync.Mutex
	interval time.Duration
	kinds    map[string]*errorKind
}

type errorKind struct {
	last       time.Time
	suppressed int
}

// allow reports whether an error of this kind may be logged now, and how
// many of its kind were left out since the last line.
func (l *errorLog) allow(kind string, now time.Time) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.kinds == nil || len(l.kinds) > 1000 {
		l.kinds = map[string]*errorKind{}
	}
	k := l.kinds[kind]
	if k == nil {
		k = &errorKind{}
		l.kinds[kind] = k
	}
	if !k.last.IsZero() && now.Sub(k.last) < l.interval {
		k.suppressed++
		return 0, false
	}
	n := k.suppressed
	k.last, k.suppressed = now, 0
	return n, true
}
