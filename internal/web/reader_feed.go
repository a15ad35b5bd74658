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

// feedSize is how many of the latest published claims the Atom feed
// carries; feedReappearances how many of the latest reappearances.
const (
	feedSize          = 50
	feedReappearances = 20
)

// atomFeed serves the latest public claims as an Atom 1.0 feed, with an
// entry for each of the latest reappearances of a public claim (the
// claim.reappeared event), newest first.
func (s *Server) atomFeed(c echo.Context) error {
	hits, _, err := s.store.ListClaims(c.Request().Context(), store.ClaimFilter{Limit: feedSize})
	if err != nil {
		return err
	}
	seen, err := s.store.PublicReappearances(c.Request().Context(), feedReappearances)
	if err != nil {
		return err
	}
	feed := atomFeed{Title: s.cfg.Newsroom + " fact checks", ID: s.cfg.BaseURL + "/feed.atom",
		Updated: "1970-01-01T00:00:00Z", Author: atomPerson{Name: s.cfg.Newsroom, URI: s.cfg.BaseURL + "/"},
		Links: []atomLink{{Href: s.cfg.BaseURL + "/feed.atom", Rel: "self", Type: "application/atom+xml"},
			{Href: s.cfg.BaseURL + "/", Rel: "alternate", Type: "text/html"}}}
	// Reappearances (newest first) go in among the claims (newest
	// published first), each before the first claim published earlier.
	again := make([]atomEntry, len(seen))
	for i := range seen {
		again[i] = s.reappearedEntry(&seen[i])
	}
	for i := range hits {
		e := s.atomEntry(&hits[i].Claim)
		for len(again) > 0 && again[0].Updated >= e.Published {
			feed.Entries, again = append(feed.Entries, again[0]), again[1:]
		}
		feed.Entries = append(feed.Entries, e)
	}
	feed.Entries = append(feed.Entries, again...)
	for _, e := range feed.Entries {
		if e.Updated > feed.Updated {
			feed.Updated = e.Updated
		}
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
		body += "<p><em>" + html.EscapeString(string(cl.Status)) + ":</em> " + html.EscapeString(publicNote(cl.CorrectionNote)) + "</p>"
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

// reappearedEntry is the feed entry of a public claim seen again: its own
// id (the claim's URL with the appearance), the time it was recorded, where
// it appeared and the verdict that stands.
func (s *Server) reappearedEntry(r *store.Reappearance) atomEntry {
	cl := &r.Claim
	label := ratingLabel(cl)
	where := r.Place()
	if where == "" {
		where = "a new place"
	}
	link := s.cfg.BaseURL + claimPath(cl)
	when := ldTime(&r.CreatedAt)
	body := "<p>Seen again in " + html.EscapeString(where)
	if u := r.Link(); u != "" {
		body += " (<a href=\"" + html.EscapeString(u) + "\">" + html.EscapeString(u) + "</a>)"
	}
	body += ", " + html.EscapeString(fmtDate(&r.AppearedAt)) + ".</p>"
	if r.Quote != "" {
		body += "<blockquote><p>“" + html.EscapeString(r.Quote) + "”</p>"
		if r.Claimant != "" {
			body += "<p>— " + html.EscapeString(r.Claimant) + "</p>"
		}
		body += "</blockquote>"
	}
	body += "<p>Our verdict stands: <strong>" + html.EscapeString(label) + ".</strong> " + html.EscapeString(cl.Summary) + "</p>"
	e := atomEntry{Title: "Seen again: " + truncate(cl.Headline(), 140) + " (" + label + ")",
		ID:      link + "#appearance-" + strconv.FormatInt(r.ID, 10),
		Updated: when, Published: when,
		Links:   []atomLink{{Href: link, Rel: "alternate", Type: "text/html"}},
		Summary: atomText{Type: "text", Body: "Seen again in " + where + ". " + label + ". " + cl.Summary},
		Content: atomText{Type: "html", Body: body}}
	e.Categories = append(e.Categories, atomCategory{Term: "claim.reappeared", Label: "Seen again"},
		atomCategory{Term: "rating:" + cl.RatingKey, Label: label})
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
