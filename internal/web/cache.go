package web

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Cache-Control values for public responses. stale-while-revalidate lets a
// CDN keep serving while it refetches.
const (
	cachePublic = "public, max-age=60, stale-while-revalidate=600"
	cacheList   = "public, max-age=30, stale-while-revalidate=300"
)

// etagOf returns a strong ETag for body.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// sendCacheable writes body with a strong ETag and cacheControl, answering
// 304 Not Modified when the client's If-None-Match already has it.
func sendCacheable(c echo.Context, contentType string, body []byte, cacheControl string) error {
	return sendWithETag(c, contentType, body, etagOf(body), cacheControl)
}

// sendWithETag is sendCacheable with a precomputed ETag, for callers that
// cache rendered bytes together with their tag.
func sendWithETag(c echo.Context, contentType string, body []byte, etag, cacheControl string) error {
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", cacheControl)
	h.Add("Vary", "Accept-Encoding")
	if match := c.Request().Header.Get("If-None-Match"); match != "" && etagMatch(match, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, contentType, body)
}

func etagMatch(header, etag string) bool {
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == etag || part == "*" || strings.TrimPrefix(part, "W/") == etag {
			return true
		}
	}
	return false
}
