package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/shareimage"
)

const (
	// Default iframe width of the oEmbed HTML; the card is built for it.
	oembedWidth = 560
	// oembedCacheAge is how long consumers may keep an oEmbed answer: the
	// iframe inside it stays live, so the answer itself rarely changes.
	oembedCacheAge = 3600
)

// oembedResponse is the JSON of an oEmbed 1.0 "rich" response.
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
func (s *Server) oembed(c echo.Context) error {
	raw := strings.TrimSpace(c.QueryParam("url"))
	if raw == "" {
		return &factcheck.Error{Code: factcheck.EMALFORMED, Field: "url", Message: "The url parameter is required."}
	}
	if f := c.QueryParam("format"); f != "" && f != "json" {
		// There is no domain error for "not implemented"; oEmbed asks for
		// 501 here, so this one answer is written in the JSON error shape
		// directly.
		return c.JSON(http.StatusNotImplemented, ErrorJSON{ErrorDetailJSON{Code: "not_implemented", Field: "format", Message: "Only format=json is supported."}})
	}
	maxWidth, err := positiveParam(c, "maxwidth")
	if err != nil {
		return err
	}
	maxHeight, err := positiveParam(c, "maxheight")
	if err != nil {
		return err
	}
	id, ok := s.claimIDFromURL(raw)
	if !ok {
		return factcheck.Errorf(factcheck.ENOTFOUND, "No fact check of this desk at that URL.")
	}
	cl, err := s.store.PublicClaim(c.Request().Context(), id)
	if err != nil {
		return err
	}

	base := s.cfg.BaseURL
	width := oembedWidth
	if maxWidth > 0 {
		width = min(width, maxWidth)
	}
	height := embedHeight(cl, width, s.cfg.Newsroom)
	if maxHeight > 0 {
		height = min(height, maxHeight)
	}
	title := "Fact check: " + truncate(cl.Headline(), 90)
	// The html is the embed snippet, as Twitter's is: the verdict in
	// plain text, which embed.js swaps for the live card in an iframe
	// that starts at the declared height and then takes the card's own.
	// A consumer that frames the html at width × height never cuts the
	// card off, with or without the script (see embedHeight).
	resp := oembedResponse{Version: "1.0", Type: "rich", Title: title, ProviderName: s.cfg.Newsroom, ProviderURL: base + "/",
		CacheAge: oembedCacheAge, Width: width, Height: height,
		HTML: s.embedSnippet(cl, fmt.Sprintf(` data-height="%d" style="margin:0;max-width:%dpx"`, height, width))}
	resp.AuthorName, resp.AuthorURL = s.cfg.Newsroom, base+"/"
	if cl.Author != nil && cl.Author.Name != "" {
		resp.AuthorName = cl.Author.Name
	}
	if p := cl.Imported; p.Imported() {
		resp.AuthorName, resp.AuthorURL = p.Publisher, p.PublisherURL
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
	return sendBytes(c, echo.MIMEApplicationJSONCharsetUTF8, buf.Bytes(), cachePublic)
}

// claimIDFromURL returns the claim id of raw if it is a claim page URL on
// this desk's host (http or https).
func (s *Server) claimIDFromURL(raw string) (int64, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return 0, false
	}
	base, err := url.Parse(s.cfg.BaseURL)
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
