// Package factcheck holds claimdesk's domain: articles, claims, evidence,
// ratings, revisions and users, the rules that move a claim from draft to
// published, and the error codes every other layer speaks. It imports nothing
// of ours and no storage, HTTP or template library.
package factcheck

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps each to exactly one HTTP status.
const (
	EINVALID      = "invalid"      // bad input: 400 for malformed, 422 for rule violations
	EMALFORMED    = "malformed"    // the request could not be parsed at all
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	EFORBIDDEN    = "forbidden"    // authenticated but not allowed
	ENOTFOUND     = "not_found"    // no such record (or not visible to the caller)
	ECONFLICT     = "conflict"     // stale version or duplicate
	ETOOLARGE     = "too_large"    // request body over the limit
	ERATELIMIT    = "rate_limited" // too many attempts
	EUNAVAILABLE  = "unavailable"  // the database cannot be reached or written (down, full, read-only); try again later
	EINTERNAL     = "internal"     // anything else; never shown in detail
)

// Error is a domain error with a machine-readable code, a message safe to show
// to the user, and optionally the input field it concerns.
type Error struct {
	Code    string
	Message string
	Field   string
	// Missing lists every readiness item a claim lacks when a submit or
	// publish is refused (Field is FieldReadiness then); nil otherwise.
	Missing []ReadinessItem
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("claimdesk error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("claimdesk error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one input field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, "" for
// nil, and EINTERNAL for anything else.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err. Errors that are not an
// *Error yield a generic message so internal details never leak.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorMissing returns the readiness items a refused submit or publish
// named (see Claim.Readiness), or nil.
func ErrorMissing(err error) []ReadinessItem {
	var e *Error
	if errors.As(err, &e) {
		return e.Missing
	}
	return nil
}

// ErrorField returns the input field an *Error concerns, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
