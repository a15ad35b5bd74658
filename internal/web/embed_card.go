package web

import (
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/shareimage"
	"claimdesk/views"
)

// Embeds are the hottest public responses: one viral article can send every
// reader to /embed/claims/:id. Like every public page they are answered
// from the render cache (see publiccache.go), so a correction shows within
// VersionTTL and nothing is kept that another node would need.

// embedCSP replaces the site-wide policy on embed responses: any site may
// frame the card, and the card itself loads only our CSS and script.
const embedCSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors *"

// embedRoute is the route pattern of embed cards, as metrics label it.
const embedRoute = "/embed/claims/:id"

// thumbWidths are the card.png sizes on offer (?w=), largest first.
var thumbWidths = []int{shareimage.Width, 600, 300}

// embedHeaderSet returns the security headers of embed responses, taken
// from the site-wide set: any site may frame the card. Headers that apply
// only to top-level pages (X-Frame-Options, Cross-Origin-Opener-Policy)
// are left out, and so is Referrer-Policy, which the card states in its
// own <meta name="referrer">. A viral card pays for every header on every
// response.
func embedHeaderSet(site http.Header) http.Header {
	h := http.Header{"Content-Security-Policy": {embedCSP}}
	for _, k := range []string{"X-Content-Type-Options", "Strict-Transport-Security"} {
		if v, ok := site[k]; ok {
			h[k] = v
		}
	}
	return h
}

// setEmbedHeaders turns the site-wide security headers, already set by
// the middleware, into the embed's.
func (s *Server) setEmbedHeaders(h http.Header) {
	for k := range s.secure {
		if _, ok := s.embedSecure[k]; !ok {
			delete(h, k)
		}
	}
	copyHeader(h, s.embedSecure)
}

// embedTheme reads ?theme=light|dark; anything else follows the reader's
// system setting ("").
func embedTheme(q string) string {
	if q == "light" || q == "dark" {
		return q
	}
	return ""
}

// embedCard serves the bare claim card for iframes on any site.
func (s *Server) embedCard(c echo.Context) error {
	s.setEmbedHeaders(c.Response().Header())
	cl, err := s.publicClaimOf(c)
	if err != nil {
		return err
	}
	return s.sendPage(c, views.EmbedPage(s.embedView(cl, embedTheme(c.QueryParam("theme")))), cachePublic)
}

func (s *Server) embedView(cl *factcheck.Claim, theme string) views.EmbedView {
	v := views.EmbedView{Title: "Fact check: " + truncate(cl.Headline(), 90), Newsroom: s.cfg.Newsroom, Theme: theme,
		Badge: badge(cl.Rating, cl.RatingKey), Headline: cl.Headline(), Quoted: cl.Statement == "", Claimant: cl.Claimant, ClaimDate: fmtDate(cl.ClaimDate),
		Summary: cl.Summary, Status: string(cl.Status), URL: s.cfg.BaseURL + claimPath(cl), HomeURL: s.cfg.BaseURL + "/"}
	if cl.Status == factcheck.StatusCorrected || cl.Status == factcheck.StatusRetracted {
		v.NoteDate, v.Note = fmtDate(cl.CorrectedAt), publicNote(cl.CorrectionNote)
	}
	_, v.RatingCSS = customColor(cl.Rating)
	v.Seen = len(cl.Appearances)
	return v
}

// embedScript serves embed.js at the stable URL other sites paste.
func (s *Server) embedScript(c echo.Context) error {
	return sendRendition(c, s.embedJS, cacheScript)
}

// cardImage serves the 1200×630 share image (or a smaller copy with ?w=600
// or ?w=300, for oEmbed thumbnails).
func (s *Server) cardImage(c echo.Context) error {
	id, err := claimID(c)
	if err != nil {
		return err
	}
	width := shareimage.Width
	if w := c.QueryParam("w"); w != "" {
		width = 0
		for _, tw := range thumbWidths {
			if strconv.Itoa(tw) == w {
				width = tw
			}
		}
		if width == 0 {
			return &factcheck.Error{Code: factcheck.EMALFORMED, Field: "w", Message: "w must be 1200, 600 or 300."}
		}
	}
	cl, err := s.store.PublicClaim(c.Request().Context(), id)
	if err != nil {
		return err
	}
	b, err := s.shares.PNG(s.shareCard(cl), width)
	if err != nil {
		return err
	}
	return sendBytes(c, "image/png", b, cachePublic)
}

func (s *Server) shareCard(cl *factcheck.Claim) shareimage.Card {
	b := badge(cl.Rating, cl.RatingKey)
	card := shareimage.Card{Label: b.Label, Color: b.Color, Quote: cl.Quote, Claimant: cl.Claimant, Newsroom: s.cfg.Newsroom}
	if cl.Statement != "" {
		card.Quote, card.Statement = "", cl.Statement
	}
	switch cl.Status {
	case factcheck.StatusCorrected:
		card.Flag = "Corrected"
	case factcheck.StatusRetracted:
		card.Flag = "Retracted"
	}
	return card
}

// EmbedSnippet returns the HTML another site pastes to embed c: a
// blockquote whose plain text (quote, claimant, verdict and a link) stands
// in for the card until embed.js, loaded by the script tag, replaces it with
// the live card. URLs are absolute, built from the configured BaseURL.
func (s *Server) EmbedSnippet(c *factcheck.Claim) string { return s.embedSnippet(c, "") }

// embedSnippet is EmbedSnippet with more attributes on the blockquote
// (oEmbed adds the card's height).
func (s *Server) embedSnippet(c *factcheck.Claim, attrs string) string {
	b := badge(c.Rating, c.RatingKey)
	verdict := "Verdict: " + b.Label + "."
	switch c.Status {
	case factcheck.StatusCorrected:
		verdict = "Verdict (corrected): " + b.Label + "."
	case factcheck.StatusRetracted:
		verdict = "This fact check was retracted."
	}
	if c.Summary != "" && c.Status != factcheck.StatusRetracted {
		verdict += " " + c.Summary
	}
	// Text needs only &, < and > escaped; leaving quotes alone keeps the
	// snippet readable for the person pasting it. Attributes get the full
	// escape.
	text, attr := snippetText.Replace, html.EscapeString
	claim := "“" + text(c.Quote) + "” — " + text(c.Claimant)
	if c.Statement != "" {
		claim = text(c.Statement) + " (claimed by " + text(c.Claimant) + ")"
	}
	return fmt.Sprintf(`<blockquote class="claimdesk-card" data-claim="%d"%s><p>%s</p><p>%s</p><p><a href="%s">Fact check by %s</a></p></blockquote>`+"\n"+
		`<script async src="%s"></script>`,
		c.ID, attrs, claim, text(verdict), attr(s.cfg.BaseURL+claimPath(c)), text(s.cfg.Newsroom), attr(s.cfg.BaseURL+"/embed.js"))
}

var snippetText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
