package web

import (
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/shareimage"
	"claimdesk/views"
)

// pageMeta fills in what a page's head tells search engines, feed readers
// and social sites, from the request alone; handlers override it where
// they know better (a claim's canonical slug URL and its card image).
//
//   - Public pages get a canonical link (the path; on the home page also
//     the listing's query, normalized), Open Graph and Twitter tags with
//     the site image and its alt text, and Atom discovery.
//   - Search results and filtered listings (/?q=, ?rating=, ?tag=), the
//     report form and /login are noindex; so is the desk, which gets no
//     canonical link and no social tags at all.
func (s *Server) pageMeta(c echo.Context, p *views.Page) {
	req := c.Request()
	path := req.URL.Path
	if path == "/desk" || strings.HasPrefix(path, "/desk/") || path == "/logout" {
		p.NoIndex = true
		return
	}
	base := s.cfg.BaseURL
	p.Canonical = base + path
	p.FeedURL = base + "/feed.atom"
	p.Image = base + siteImagePath
	p.ImageAlt = siteImageAlt(s.cfg.Newsroom)
	p.Article = strings.HasPrefix(path, "/claims/") || strings.HasPrefix(path, "/articles/")
	switch {
	case path == "/":
		in := req.URL.Query()
		q := url.Values{}
		for _, k := range []string{"q", "rating", "tag", "page"} {
			if v := strings.TrimSpace(in.Get(k)); v != "" && !(k == "page" && v == "1") {
				q.Set(k, v)
			}
		}
		if len(q) > 0 {
			p.Canonical = base + "/?" + q.Encode()
		}
		p.NoIndex = q.Has("q") || q.Has("rating") || q.Has("tag")
	case path == "/login" || strings.HasPrefix(path, "/login/"), strings.HasSuffix(path, "/report"):
		p.NoIndex = true
	}
}

// siteImagePath is the site's share image, drawn in Go like the claim cards.
const siteImagePath = "/share.png"

func siteImageAlt(newsroom string) string {
	return newsroom + ": fact checks. Every verdict with its sources, every correction with its note."
}

// siteImage serves the share image of pages that are not about one claim:
// the newsroom's card, drawn by the same drawer as the claims' cards.
func (s *Server) siteImage(c echo.Context) error {
	b, err := s.shares.PNG(shareimage.Card{Label: "Fact checks", Color: "#0b5cad",
		Statement: "Every verdict with its sources, every correction with its note.",
		Newsroom:  s.cfg.Newsroom}, shareimage.Width)
	if err != nil {
		return err
	}
	return sendBytes(c, "image/png", b, cachePublic)
}

// claimImageAlt is the alt text of a claim's share card: what it shows.
func claimImageAlt(verdict, headline, claimant string) string {
	h := strings.TrimSpace(truncate(headline, 200))
	if !strings.HasSuffix(h, ".") && !strings.HasSuffix(h, "?") && !strings.HasSuffix(h, "!") && !strings.HasSuffix(h, "…") {
		h += "."
	}
	return "Fact check card. " + verdict + ": " + h + " Claimed by " + strings.TrimSuffix(claimant, ".") + "."
}
