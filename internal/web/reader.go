package web

import (
	"bytes"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// readerRoutes registers the public reader routes beyond the home page,
// claim pages and claim API: ratings, corrections, articles, feeds, open
// data, the reader's error report form and the desk's queue of reports.
func (s *Server) readerRoutes() {
	e := s.echo
	e.GET("/ratings", s.ratingsPage)
	e.GET("/ratings.css", s.ratingsCSS)
	e.GET("/corrections", s.correctionsPage)
	e.GET("/articles/:id", s.articlePage)
	e.GET("/feed.atom", s.atomFeed)
	e.GET("/api/v1/claimreview", s.apiClaimReviewFeed, corsOpen)
	e.GET("/api/v1/export.jsonl", s.apiExport, corsOpen)

	// The report form sets the CSRF cookie itself (private, no-store), so
	// the claim pages that load it stay cookie-free and cacheable.
	e.GET("/claims/:id/report", s.reportForm, s.csrf)
	e.POST("/claims/:id/report", s.createReport, s.csrf)

	desk := e.Group("/desk/reports", s.authenticate, s.csrf, s.requireUser)
	desk.GET("", s.deskReports)
	desk.POST("/:id/resolve", s.resolveReport)
}

// renderCacheable renders a public page into memory and sends it with a
// strong ETag and cacheControl (304 when the client has it already).
func (s *Server) renderCacheable(c echo.Context, comp templ.Component, cacheControl string) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	return sendCacheable(c, echo.MIMETextHTMLCharsetUTF8, buf.Bytes(), cacheControl)
}
