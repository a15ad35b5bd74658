package web

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"claimdesk/internal/httpcache"
	"claimdesk/views"
)

// Cache-Control policies of public responses. stale-while-revalidate lets a
// CDN keep serving while it refetches, stale-if-error while the desk is
// down.
var (
	cachePublic = httpcache.NewPolicy("public, max-age=60, stale-while-revalidate=600, stale-if-error=86400")
	cacheList   = httpcache.NewPolicy("public, max-age=30, stale-while-revalidate=300, stale-if-error=86400")
	// cacheScript lets browsers and CDNs keep embed.js briefly: it is
	// loaded from a fixed URL on other sites, so it cannot carry a hash.
	cacheScript = httpcache.NewPolicy("public, max-age=300, stale-while-revalidate=86400")
)

// render writes a templ component as HTML with the given status. Desk
// pages and forms use it; public pages go through sendPage.
func (s *Server) render(c echo.Context, status int, comp templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	return comp.Render(c.Request().Context(), c.Response())
}

// renderBytes renders a templ component into memory.
func renderBytes(c echo.Context, comp templ.Component) ([]byte, error) {
	var buf bytes.Buffer
	err := comp.Render(c.Request().Context(), &buf)
	return buf.Bytes(), err
}

// sendRendition writes a rendition with its strong ETag and policy (304
// when the client has it already).
func sendRendition(c echo.Context, r *httpcache.Rendition, policy httpcache.Policy) error {
	httpcache.Write(c.Response(), c.Request(), r, policy)
	return nil
}

// sendBytes sends a body rendered for this request through the rendition
// path, uncompressed: compressing a body sent once costs more than it saves.
func sendBytes(c echo.Context, contentType string, body []byte, policy httpcache.Policy) error {
	return sendRendition(c, httpcache.New(contentType, body, false), policy)
}

// sendPage renders a public page for this request and sends it with a
// strong ETag and policy.
func (s *Server) sendPage(c echo.Context, comp templ.Component, policy httpcache.Policy) error {
	b, err := renderBytes(c, comp)
	if err != nil {
		return err
	}
	return sendBytes(c, echo.MIMETextHTMLCharsetUTF8, b, policy)
}

// sendJSON marshals a public JSON body and sends it with a strong ETag.
func sendJSON(c echo.Context, v any, policy httpcache.Policy) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return sendBytes(c, echo.MIMEApplicationJSON, b, policy)
}

// page returns the common view data of a page for this request.
func (s *Server) page(c echo.Context, title string) views.Page {
	p := views.Page{Title: title, Newsroom: s.cfg.Newsroom, User: userOf(c), CSRF: csrfOf(c), Path: c.Request().URL.Path, BaseURL: s.cfg.BaseURL}
	s.pageMeta(c, &p)
	return p
}

func (s *Server) errorPage(c echo.Context, status int, msg string) templ.Component {
	p := s.page(c, http.StatusText(status))
	p.Canonical, p.NoIndex = "", true
	return views.ErrorPage(views.ErrorView{Page: p, Status: status, Message: msg})
}
