package web

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// markdown renders rationales: goldmark for CommonMark, bluemonday's UGC
// policy so no script, style or event handler survives.
var (
	md       = goldmark.New()
	sanitize = bluemonday.UGCPolicy().RequireNoFollowOnLinks(true).AddTargetBlankToFullyQualifiedLinks(false)
)

// renderMarkdown returns sanitized HTML for markdown source.
func renderMarkdown(src string) string {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return sanitize.Sanitize(src)
	}
	return sanitize.Sanitize(buf.String())
}

const dateLayout = "Jan 2, 2006"

func fmtDate(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(dateLayout)
}

func isoDate(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// claimPath is a claim's public URL path, with its slug.
func claimPath(c *factcheck.Claim) string {
	p := "/claims/" + strconv.FormatInt(c.ID, 10)
	if c.Slug != "" {
		p += "-" + c.Slug
	}
	return p
}

func badge(r *factcheck.Rating, key string) views.Badge {
	if r == nil {
		return views.Badge{Key: key, Label: key}
	}
	return views.Badge{Key: r.Key, Label: r.Label, Color: r.Color}
}

// card builds the list view of a claim.
func card(c *factcheck.Claim, snippet string) views.Card {
	date := c.PublishedAt
	if date == nil {
		date = &c.UpdatedAt
	}
	v := views.Card{ID: c.ID, URL: claimPath(c), Quote: c.Quote, Claimant: c.Claimant, Summary: c.Summary,
		Date: fmtDate(date), DateISO: isoDate(date), Badge: badge(c.Rating, c.RatingKey), Status: string(c.Status),
		Note: c.CorrectionNote, Tags: c.Tags}
	if snippet != "" {
		v.Snippet = views.SplitMarks(snippet)
	}
	return v
}

func (s *Server) errorPage(c echo.Context, status int, msg string) templ.Component {
	p := s.page(c, http.StatusText(status))
	return views.ErrorPage(views.ErrorView{Page: p, Status: status, Message: msg})
}
