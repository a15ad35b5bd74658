package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
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
	}
	return http.StatusInternalServerError
}

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
// logged with the request id and shown only as "Internal error."
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
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
		s.logger(c).Error("request failed", "err", err, "status", status)
	}
	if wantsJSON(c) {
		c.JSON(status, errorJSON(fe))
		return
	}
	s.render(c, status, s.errorPage(c, status, fe.Message))
}
