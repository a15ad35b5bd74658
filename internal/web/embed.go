package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/shareimage"
	"claimdesk/internal/store"
	"claimdesk/static"
	"claimdesk/views"
)

// Embeds are the hottest public responses: one viral article can send every
// reader to /embed/claims/:id. Each request costs one single-row read of the
// claim's version; the rendered bytes (and their gzip form) come from a
// version-keyed in-memory cache, so a correction shows on the next load and
// nothing is kept that another node would need.
const (
	// embedCSP replaces the site-wide policy on embed responses: any site
	// may frame the card, and the card itself loads only our CSS and script.
	embedCSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors *"
	// cacheScript lets browsers and CDNs keep embed.js briefly: it is
	// loaded from a fixed URL on other sites, so it cannot carry a hash.
	cacheScript = "public, max-age=300, stale-while-revalidate=86400"

	embedCacheEntries = 4096
	embedCacheBytes   = 48 << 20

	// Default iframe width of the oEmbed HTML; the card is built for it.
	oembedWidth = 560
	// oembedCacheAge is how long consumers may keep an oEmbed answer: the
	// iframe inside it stays live, so the answer itself rarely changes.
	oembedCacheAge = 3600
)

// thumbWidths are the card.png sizes on offer (?w=), largest first.
var thumbWidths = []int{shareimage.Width, 600, 300}

// embeds serves the routes that put claim cards on other sites.
type embeds struct {
	s        *Server
	cache    *renderCache
	versions *versionGate[store.CardVersion]
	shares   *shareimage.Drawer
	script   *rendition
}

// embedRoutes registers the embed, embed.js, oEmbed and share-image routes.
// None of them looks at cookies or sessions.
func (s *Server) embedRoutes() {
	h := &embeds{s: s, cache: newRenderCache(embedCacheEntries, embedCacheBytes), versions: newVersionGate[store.CardVersion](s.cfg.EmbedVersionTTL)}
	var err error
	if h.shares, err = shareimage.New(); err != nil {
		// The fonts are compiled in; this cannot happen with a sound build.
		panic(err)
	}
	js, err := static.Read("embed.js")
	if err != nil {
		panic(err)
	}
	h.script = newRendition("text/javascript; charset=utf-8", js, true)
	s.embeds = h

	e := s.echo
	e.GET(embedRoute, h.card)
	e.GET("/embed.js", h.embedScript)
	e.GET("/oembed", h.oembed, corsOpen)
	e.GET("/claims/:id/card.png", h.cardImage)
}

// embedRoute is the route pattern of embed cards, as metrics label it.
const embedRoute = "/embed/claims/:id"

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

// card serves the bare claim card for iframes on any site.
func (h *embeds) card(c echo.Context) error {
	h.s.setEmbedHeaders(c.Response().Header())
	ctx := c.Request().Context()
	id, err := claimID(c)
	if err != nil {
		return err
	}
	theme := c.QueryParam("theme")
	if theme != "light" && theme != "dark" {
		theme = ""
	}
	version, err := h.versions.read(ctx, id, h.s.store.PublicClaimVersion)
	if err != nil {
		return err
	}
	key := renderKey{kind: "embed", id: id, version: version, variant: theme}
	r, err := h.cache.getOrFill(key, func() (*rendition, error) {
		// A correction landing between the two reads is rendered here and
		// kept under the older key; the next request reads the new version
		// and renders again, so readers never see the older card.
		cl, err := h.s.store.PublicClaim(ctx, id)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := views.EmbedPage(h.embedView(cl, theme)).Render(ctx, &buf); err != nil {
			return nil, err
		}
		return newRendition(echo.MIMETextHTMLCharsetUTF8, buf.Bytes(), true), nil
	})
	if err != nil {
		return err
	}
	return sendRendition(c, r, cachePublic)
}

// serveFromMemory answers GET /embed/claims/:id when the claim's version
// is in the memo and its card is in the render cache, skipping Echo's
// router and middleware: a viral card is all hits. It writes the response
// the full path would (security and embed headers, request id, metrics, the
// slow-request log line) and reports true; on anything else it writes
// nothing and reports false, and the request takes the full path.
func (h *embeds) serveFromMemory(w http.ResponseWriter, r *http.Request) bool {
	const prefix = "/embed/claims/"
	if h == nil || r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, prefix) {
		return false
	}
	start := time.Now()
	id, err := strconv.ParseInt(r.URL.Path[len(prefix):], 10, 64)
	if err != nil || id <= 0 {
		return false
	}
	var theme string
	switch r.URL.RawQuery {
	case "":
	case "theme=light":
		theme = "light"
	case "theme=dark":
		theme = "dark"
	default:
		return false
	}
	v, ok := h.versions.memo(id, start)
	if !ok || v.err != nil {
		return false
	}
	rend, ok := h.cache.get(renderKey{kind: "embed", id: id, version: v.version, variant: theme})
	if !ok {
		return false
	}
	hdr := w.Header()
	rid := r.Header.Get(echo.HeaderXRequestID)
	if rid == "" {
		rid = h.s.requestID()
	}
	hdr[echo.HeaderXRequestID] = []string{rid}
	copyHeader(hdr, h.s.embedSecure)
	status, n := writeRendition(w, r, rend, cachePublic)
	d := time.Since(start)
	h.s.metrics.observe(embedRoute, method(r), status, d)
	h.s.logRequest(r, embedRoute, rid, status, int64(n), d)
	return true
}

func (h *embeds) embedView(cl *factcheck.Claim, theme string) views.EmbedView {
	v := views.EmbedView{Title: "Fact check: " + truncate(cl.Quote, 90), Newsroom: h.s.cfg.Newsroom, Theme: theme,
		Badge: badge(cl.Rating, cl.RatingKey), Quote: cl.Quote, Claimant: cl.Claimant, ClaimDate: fmtDate(cl.ClaimDate),
		Summary: cl.Summary, Status: string(cl.Status), URL: h.s.cfg.BaseURL + claimPath(cl), HomeURL: h.s.cfg.BaseURL + "/"}
	if cl.Status == factcheck.StatusCorrected || cl.Status == factcheck.StatusRetracted {
		v.NoteDate, v.Note = fmtDate(cl.CorrectedAt), cl.CorrectionNote
	}
	_, v.RatingCSS = customColor(cl.Rating)
	return v
}

// embedScript serves embed.js at the stable URL other sites paste.
func (h *embeds) embedScript(c echo.Context) error {
	return sendRendition(c, h.script, cacheScript)
}

// cardImage serves the 1200×630 share image (or a smaller copy with ?w=600
// or ?w=300, for oEmbed thumbnails).
func (h *embeds) cardImage(c echo.Context) error {
	ctx := c.Request().Context()
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
	version, err := h.versions.read(ctx, id, h.s.store.PublicClaimVersion)
	if err != nil {
		return err
	}
	key := renderKey{kind: "png", id: id, version: version, variant: strconv.Itoa(width)}
	r, err := h.cache.getOrFill(key, func() (*rendition, error) {
		cl, err := h.s.store.PublicClaim(ctx, id)
		if err != nil {
			return nil, err
		}
		b, err := h.shares.PNG(h.shareCard(cl), width)
		if err != nil {
			return nil, err
		}
		return newRendition("image/png", b, false), nil
	})
	if err != nil {
		return err
	}
	return sendRendition(c, r, cachePublic)
}

func (h *embeds) shareCard(cl *factcheck.Claim) shareimage.Card {
	b := badge(cl.Rating, cl.RatingKey)
	card := shareimage.Card{Label: b.Label, Color: b.Color, Quote: cl.Quote, Claimant: cl.Claimant, Newsroom: h.s.cfg.Newsroom}
	switch cl.Status {
	case factcheck.StatusCorrected:
		card.Flag = "Corrected"
	case factcheck.StatusRetracted:
		card.Flag = "Retracted"
	}
	return card
}

// oembedResponse is an oEmbed 1.0 "rich" response.
type oembedResponse struct {
	Version         string `json:"version"`
	Type            string `json:"type"`
	Title           string `json:"title"`
	AuthorName      string `json:"author_name,omitempty"`
	AuthorURL       string `json:"author_url,omitempty"`
	ProviderName    string `json:"provider_name"`
	ProviderURL     string `json:"provider_url"`
	CacheAge        int    `json:"cache_age"`
	HTML            string `json:"html"`
	Width           int    `json:"width"`
	Height          int    `json:"height"`
	ThumbnailURL    string `json:"thumbnail_url,omitempty"`
	ThumbnailWidth  int    `json:"thumbnail_width,omitempty"`
	ThumbnailHeight int    `json:"thumbnail_height,omitempty"`
}

// claimURLPath matches a claim page path: /claims/ID or /claims/ID-slug.
var claimURLPath = regexp.MustCompile(`^/claims/([0-9]{1,18})(?:-[^/]*)?/?$`)

// oembed answers oEmbed discovery for this desk's claim pages: 400 without
// url, 501 for a format other than json, 404 for any URL that is not a
// published claim of this desk.
func (h *embeds) oembed(c echo.Context) error {
	raw := strings.TrimSpace(c.QueryParam("url"))
	if raw == "" {
		return &factcheck.Error{Code: factcheck.EMALFORMED, Field: "url", Message: "The url parameter is required."}
	}
	if f := c.QueryParam("format"); f != "" && f != "json" {
		// There is no domain error for "not implemented"; oEmbed asks for
		// 501 here, so this one answer is written in the JSON error shape
		// directly.
		return c.JSON(http.StatusNotImplemented, errorBody{errorDetail{Code: "not_implemented", Field: "format", Message: "Only format=json is supported."}})
	}
	maxWidth, err := positiveParam(c, "maxwidth")
	if err != nil {
		return err
	}
	maxHeight, err := positiveParam(c, "maxheight")
	if err != nil {
		return err
	}
	id, ok := h.claimIDFromURL(raw)
	if !ok {
		return factcheck.Errorf(factcheck.ENOTFOUND, "No fact check of this desk at that URL.")
	}
	cl, err := h.s.store.PublicClaim(c.Request().Context(), id)
	if err != nil {
		return err
	}

	base := h.s.cfg.BaseURL
	width := oembedWidth
	if maxWidth > 0 {
		width = min(width, maxWidth)
	}
	height := embedHeight(cl, width)
	if maxHeight > 0 {
		height = min(height, maxHeight)
	}
	title := "Fact check: " + truncate(cl.Quote, 90)
	resp := oembedResponse{Version: "1.0", Type: "rich", Title: title, ProviderName: h.s.cfg.Newsroom, ProviderURL: base + "/",
		CacheAge: oembedCacheAge, Width: width, Height: height,
		HTML: fmt.Sprintf(`<iframe src="%s" width="%d" height="%d" title="%s" style="border:0;max-width:100%%" loading="lazy"></iframe>`,
			html.EscapeString(base+"/embed/claims/"+strconv.FormatInt(cl.ID, 10)), width, height, html.EscapeString(title))}
	resp.AuthorName, resp.AuthorURL = h.s.cfg.Newsroom, base+"/"
	if cl.Author != nil && cl.Author.Name != "" {
		resp.AuthorName = cl.Author.Name
	}
	// The thumbnail must respect maxwidth and maxheight too: offer the
	// largest size that fits, or none.
	for _, tw := range thumbWidths {
		th := tw * shareimage.Height / shareimage.Width
		if (maxWidth == 0 || tw <= maxWidth) && (maxHeight == 0 || th <= maxHeight) {
			resp.ThumbnailURL = base + "/claims/" + strconv.FormatInt(cl.ID, 10) + "/card.png"
			if tw != shareimage.Width {
				resp.ThumbnailURL += "?w=" + strconv.Itoa(tw)
			}
			resp.ThumbnailWidth, resp.ThumbnailHeight = tw, th
			break
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resp); err != nil {
		return err
	}
	return sendCacheable(c, echo.MIMEApplicationJSONCharsetUTF8, buf.Bytes(), cachePublic)
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

// claimIDFromURL returns the claim id of raw if it is a claim page URL on
// this desk's host (http or https).
func (h *embeds) claimIDFromURL(raw string) (int64, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return 0, false
	}
	base, err := url.Parse(h.s.cfg.BaseURL)
	if err != nil || base.Host == "" || !strings.EqualFold(u.Host, base.Host) {
		return 0, false
	}
	m := claimURLPath.FindStringSubmatch(u.Path)
	if m == nil {
		return 0, false
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	return id, err == nil && id > 0
}

// embedHeight estimates the height in pixels of the embed card at width, for
// the oEmbed iframe. embed.js measures instead; oEmbed consumers cannot.
func embedHeight(cl *factcheck.Claim, width int) int {
	inner := max(width-42, 120) // card padding, border and body padding
	lines := func(s string, charPx float64) int {
		perLine := max(int(float64(inner)/charPx), 10)
		return (len([]rune(s)) + 2 + perLine - 1) / perLine
	}
	h := 4 + 2 + 16 + 14 // body padding, border, card padding
	h += 26              // badge row
	h += 10 + lines(cl.Quote, 10.5)*25 + 4 + 22
	if cl.Summary != "" {
		h += 10 + lines(cl.Summary, 8.4)*24
	}
	if cl.CorrectionNote != "" {
		h += 10 + lines("Updated Jan 02, 2006: "+cl.CorrectionNote, 8)*22 + 18
	}
	h += 10 + 11 + 24 // footer rule, padding and links
	return h
}

// EmbedSnippet returns the HTML another site pastes to embed c: a
// blockquote whose plain text (quote, claimant, verdict and a link) stands
// in for the card until embed.js, loaded by the script tag, replaces it with
// the live card. URLs are absolute, built from the configured BaseURL.
func (s *Server) EmbedSnippet(c *factcheck.Claim) string {
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
	return fmt.Sprintf(`<blockquote class="claimdesk-card" data-claim="%d"><p>“%s” — %s</p><p>%s</p><p><a href="%s">Fact check by %s</a></p></blockquote>`+"\n"+
		`<script async src="%s" charset="utf-8"></script>`,
		c.ID, text(c.Quote), text(c.Claimant), text(verdict), attr(s.cfg.BaseURL+claimPath(c)), text(s.cfg.Newsroom), attr(s.cfg.BaseURL+"/embed.js"))
}

var snippetText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// sendRendition writes a cached rendition with its strong ETag and
// cacheControl, gzipped when the client accepts it, or 304 Not Modified
// when If-None-Match already names it in either encoding.
func sendRendition(c echo.Context, r *rendition, cacheControl string) error {
	writeRendition(c.Response(), c.Request(), r, cacheControl)
	return nil
}

// writeRendition is sendRendition for any ResponseWriter; it returns the
// status and the number of body bytes written. Header values are assigned
// from the rendition's precomputed slices, which nothing modifies in place.
func writeRendition(w http.ResponseWriter, req *http.Request, r *rendition, cacheControl string) (int, int) {
	hdr := w.Header()
	e := r.encoding(req.Header.Get("Accept-Encoding"))
	hdr["Etag"] = e.etagH
	hdr["Cache-Control"] = headerValue(cacheControl)
	hdr["Vary"] = append(hdr["Vary"], "Accept-Encoding")
	if inm := req.Header.Get("If-None-Match"); inm != "" && r.matches(inm) {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified, 0
	}
	if e.codingH != nil {
		hdr["Content-Encoding"] = e.codingH
	}
	hdr["Content-Type"] = r.contentTypeH
	hdr["Content-Length"] = e.lengthH
	w.WriteHeader(http.StatusOK)
	n, _ := w.Write(e.body)
	return http.StatusOK, n
}
