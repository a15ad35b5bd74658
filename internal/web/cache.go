package web

import (
	"crypto/sha256"
	"encoding/base64"

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
// 304 Not Modified when the client's If-None-Match already has it. It is
// the rendition path without compression: these bodies are rendered per
// request, and compressing each at best level would cost more than it saves.
func sendCacheable(c echo.Context, contentType string, body []byte, cacheControl string) error {
	return sendRendition(c, newRendition(contentType, body, false), cacheControl)
}
