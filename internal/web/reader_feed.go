package web

import (
	"bytes"
	"encoding/xml"
	"html"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
)

// Atom 1.0 (RFC 4287) shapes.
type (
	atomFeed struct {
		XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
		Title   string      `xml:"title"`
		ID      string      `xml:"id"`
		Updated string      `xml:"updated"`
		Links   []atomLink  `xml:"link"`
		Author  atomPerson  `xml:"author"`
		Entries []atomEntry `xml:"entry"`
	}
	atomLink struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr,omitempty"`
		Type string `xml:"type,attr,omitempty"`
	}
	atomPerson struct {
		Name string `xml:"name"`
		URI  string `xml:"uri,omitempty"`
	}
	atomText struct {
		Type string `xml:"type,attr"`
		Body string `xml:",chardata"`
	}
	atomCategory struct {
		Term  string `xml:"term,attr"`
		Label string `xml:"label,attr,omitempty"`
	}
	atomEntry struct {
		Title      string         `xml:"title"`
		ID         string         `xml:"id"`
		Updated    string         `xml:"updated"`
		Published  string         `xml:"published,omitempty"`
		Links      []atomLink     `xml:"link"`
		Author     *atomPerson    `xml:"author,omitempty"`
		Summary    atomText       `xml:"summary"`
		Content    atomText       `xml:"content"`
		Categories []atomCategory `xml:"category"`
	}
)

// feedSize is how many of the latest published claims the Atom feed carries.
const feedSize = 50

// atomFeed serves the latest public claims as an Atom 1.0 feed.
func (s *Server) atomFeed(c echo.Context) error {
	hits, _, err := s.store.ListClaims(c.Request().Context(), store.ClaimFilter{Limit: feedSize})
	if err != nil {
		return err
	}
	feed := atomFeed{Title: s.cfg.Newsroom + " fact checks", ID: s.cfg.BaseURL + "/feed.atom",
		Updated: "1970-01-01T00:00:00Z", Author: atomPerson{Name: s.cfg.Newsroom, URI: s.cfg.BaseURL + "/"},
		Links: []atomLink{{Href: s.cfg.BaseURL + "/feed.atom", Rel: "self", Type: "application/atom+xml"},
			{Href: s.cfg.BaseURL + "/", Rel: "alternate", Type: "text/html"}}}
	for i := range hits {
		cl := &hits[i].Claim
		e := s.atomEntry(cl)
		if e.Updated > feed.Updated {
			feed.Updated = e.Updated
		}
		feed.Entries = append(feed.Entries, e)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		return err
	}
	buf.WriteByte('\n')
	if err := s.setLastModified(c); err != nil {
		return err
	}
	return sendBytes(c, "application/atom+xml; charset=utf-8", buf.Bytes(), cacheList)
}

func (s *Server) atomEntry(cl *factcheck.Claim) atomEntry {
	label := ratingLabel(cl)
	title := label + ": “" + truncate(cl.Quote, 140) + "” — " + cl.Claimant
	if cl.Statement != "" {
		title = label + ": " + cl.Statement + " (" + cl.Claimant + ")"
	}
	switch cl.Status {
	case factcheck.StatusCorrected:
		title = "[Corrected] " + title
	case factcheck.StatusRetracted:
		title = "[Retracted] " + title
	}
	published := ldTime(cl.PublishedAt)
	if published == "" {
		published = ldTime(&cl.UpdatedAt)
	}
	updated := published
	if cl.CorrectedAt != nil {
		updated = ldTime(cl.CorrectedAt)
	}
	link := s.cfg.BaseURL + claimPath(cl)
	body := "<p><strong>" + html.EscapeString(label) + ".</strong> " + html.EscapeString(cl.Summary) + "</p>" +
		"<blockquote><p>“" + html.EscapeString(cl.Quote) + "”</p><p>— " + html.EscapeString(cl.Claimant) + "</p></blockquote>"
	if cl.Statement != "" {
		body = "<p>" + html.EscapeString(cl.Statement) + "</p>" + body
	}
	if cl.CorrectionNote != "" {
		body += "<p><em>" + html.EscapeString(string(cl.Status)) + ":</em> " + html.EscapeString(cl.CorrectionNote) + "</p>"
	}
	e := atomEntry{Title: title, ID: s.cfg.BaseURL + "/claims/" + strconv.FormatInt(cl.ID, 10), Updated: updated, Published: published,
		Links:   []atomLink{{Href: link, Rel: "alternate", Type: "text/html"}},
		Summary: atomText{Type: "text", Body: label + ". " + cl.Summary},
		Content: atomText{Type: "html", Body: body}}
	if p := cl.Imported; p.Imported() {
		// Another fact-checker's check: by them, and linked to them.
		e.Author = &atomPerson{Name: p.Publisher, URI: p.PublisherURL}
		e.Links = append(e.Links, atomLink{Href: p.URL, Rel: "via", Type: "text/html"})
		e.Content.Body = "<p><em>Fact check by " + html.EscapeString(p.Publisher) + ", first published at <a href=\"" + html.EscapeString(p.URL) + "\">" +
			html.EscapeString(hostOf(p.URL)) + "</a>, where it is rated “" + html.EscapeString(p.Rating) + "”.</em></p>" + e.Content.Body
	}
	e.Categories = append(e.Categories, atomCategory{Term: "rating:" + cl.RatingKey, Label: label})
	for _, t := range cl.Tags {
		e.Categories = append(e.Categories, atomCategory{Term: t})
	}
	return e
}

// hostOf is the host of an absolute URL, without "www.", for people.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}
