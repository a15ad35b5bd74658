package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
)

// isHTMX reports whether htmx sent the request, wanting a partial.
func isHTMX(c echo.Context) bool { return c.Request().Header.Get("HX-Request") == "true" }

// wantsJSON reports whether the client should get JSON rather than HTML:
// everything under /api/ and /oembed, and clients that ask for JSON only.
// The public cache keys error pages by this answer (see acceptsJSON).
func wantsJSON(c echo.Context) bool { return acceptsJSON(c.Request()) }

// formatByAccept reports whether wantsJSON's answer for r depends on its
// Accept header, so a response chosen by it must say Vary: Accept.
func formatByAccept(r *http.Request) bool {
	return !strings.HasPrefix(r.URL.Path, "/api/") && !strings.HasPrefix(r.URL.Path, "/oembed")
}

// userOf returns the logged-in user, or nil.
func userOf(c echo.Context) *factcheck.User {
	u, _ := c.Get(ctxUser).(*factcheck.User)
	return u
}

// csrfOf returns the CSRF token the csrf middleware put on the request.
func csrfOf(c echo.Context) string {
	t, _ := c.Get(ctxCSRF).(string)
	return t
}

// claimID parses ":id" (digits, optionally followed by "-slug").
func claimID(c echo.Context) (int64, error) {
	raw := c.Param("id")
	if i := strings.IndexByte(raw, '-'); i >= 0 {
		raw = raw[:i]
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, factcheck.Errorf(factcheck.ENOTFOUND, "Claim not found.")
	}
	return id, nil
}

// publicClaimOf returns the public claim named by ":id": ENOTFOUND for a
// bad id, a draft or a claim in review.
func (s *Server) publicClaimOf(c echo.Context) (*factcheck.Claim, error) {
	id, err := claimID(c)
	if err != nil {
		return nil, err
	}
	return s.store.PublicClaim(c.Request().Context(), id)
}

// deskClaimOf returns the claim named by ":id", drafts included, for the desk.
func (s *Server) deskClaimOf(c echo.Context) (*factcheck.Claim, error) {
	id, err := claimID(c)
	if err != nil {
		return nil, err
	}
	return s.store.ClaimByID(c.Request().Context(), id)
}

// articleOf returns the article named by ":id".
func (s *Server) articleOf(c echo.Context) (*factcheck.Article, error) {
	id, err := articleID(c)
	if err != nil {
		return nil, err
	}
	return s.store.ArticleByID(c.Request().Context(), id)
}

// idParam parses the positive integer path parameter name; anything else
// is ENOTFOUND for what (e.g. "Article").
func idParam(c echo.Context, name, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, factcheck.Errorf(factcheck.ENOTFOUND, "%s not found.", what)
	}
	return id, nil
}

// articleID parses an article's ":id".
func articleID(c echo.Context) (int64, error) { return idParam(c, "id", "Article") }

// bindInput reads a form or JSON body; a body that cannot be parsed is a
// 400 malformed error rather than a silent empty input.
func bindInput(c echo.Context, dst any) error {
	if err := (&echo.DefaultBinder{}).BindBody(c, dst); err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			if he.Code == http.StatusRequestEntityTooLarge {
				return factcheck.Errorf(factcheck.ETOOLARGE, "The request body is too large.")
			}
			return factcheck.Errorf(factcheck.EMALFORMED, "The request body could not be read: send valid JSON or form data.")
		}
		return err
	}
	return nil
}

// parseDate reads an optional YYYY-MM-DD (or RFC 3339) date.
func parseDate(field string, s *string) (*time.Time, error) {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil, nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, strings.TrimSpace(*s)); err == nil {
			return &t, nil
		}
	}
	return nil, factcheck.FieldError(field, "Dates look like 2024-11-20.")
}

// setIf sets *dst to *v when v was sent.
func setIf(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

// pageSize is how many claims a public listing shows per page, and
// maxPage the highest page number asked for that is taken as given: any
// higher one (page=99999999999999999999 included, which does not fit an
// int) reads as maxPage, an empty page past the end, never as page 1.
const (
	pageSize = 20
	maxPage  = 1_000_000
)

// filterFrom reads the public list filters from the query string. A page
// that is missing, not a number or below 1 is page 1; above maxPage it is
// maxPage.
func filterFrom(c echo.Context) (store.ClaimFilter, int) {
	pageNum := 1
	if raw := strings.TrimSpace(c.QueryParam("page")); raw != "" {
		if n, err := strconv.ParseUint(raw, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
			pageNum = int(min(max(n, 1), maxPage)) // ParseUint gives MaxUint64 when out of range
		}
	}
	q := c.QueryParam("q")
	if len(q) > 1000 {
		q = q[:1000]
	}
	return store.ClaimFilter{Query: strings.TrimSpace(q), Rating: c.QueryParam("rating"), Tag: c.QueryParam("tag"),
		Offset: (pageNum - 1) * pageSize, Limit: pageSize}, pageNum
}

// positiveParam reads an optional positive integer query parameter; 0 means
// absent.
func positiveParam(c echo.Context, name string) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, &factcheck.Error{Code: factcheck.EMALFORMED, Field: name, Message: name + " must be a positive number of pixels."}
	}
	return n, nil
}
