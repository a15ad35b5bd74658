package web

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
)

// Sitemaps (sitemaps.org protocol 0.9), as Google's fact-check guide asks
// for, so a correction gets re-crawled: every public claim, every article
// with a public claim, the home page, /ratings and /corrections, each with
// the time of its latest public change as lastmod.

type (
	sitemapURLSet struct {
		XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []sitemapURL `xml:"url"`
	}
	sitemapURL struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod,omitempty"`
	}
	sitemapIndex struct {
		XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
		Sitemaps []sitemapURL `xml:"sitemap"`
	}
)

// sitemapMaxURLs is the most URLs one sitemap file may list (the
// protocol's limit); a desk with more gets a sitemap index whose parts
// are /sitemap.xml?part=N.
var sitemapMaxURLs = 50000

// sitemap serves /sitemap.xml: the whole list, or, past sitemapMaxURLs,
// an index of its parts (?part=1…N). A part out of range is 404.
func (s *Server) sitemap(c echo.Context) error {
	ctx := c.Request().Context()
	sm, err := s.store.PublicSitemap(ctx)
	if err != nil {
		return err
	}
	base := s.cfg.BaseURL
	var latest time.Time
	for _, cl := range sm.Claims {
		latest = later(latest, cl.LastMod)
	}
	urls := []sitemapURL{{Loc: base + "/", LastMod: sitemapTime(latest)},
		{Loc: base + "/ratings", LastMod: sitemapTime(sm.Ratings)}}
	if !sm.Corrections.IsZero() {
		urls = append(urls, sitemapURL{Loc: base + "/corrections", LastMod: sitemapTime(sm.Corrections)})
	} else {
		urls = append(urls, sitemapURL{Loc: base + "/corrections"})
	}
	for _, cl := range sm.Claims {
		urls = append(urls, sitemapURL{Loc: base + claimPath(&factcheck.Claim{ID: cl.ID, Slug: cl.Slug}), LastMod: sitemapTime(cl.LastMod)})
	}
	articles := make([]int64, 0, len(sm.Articles))
	for id := range sm.Articles {
		articles = append(articles, id)
	}
	slices.Sort(articles)
	for _, id := range articles {
		urls = append(urls, sitemapURL{Loc: base + "/articles/" + strconv.FormatInt(id, 10), LastMod: sitemapTime(sm.Articles[id])})
	}

	var doc any = sitemapURLSet{URLs: urls}
	part := c.QueryParam("part")
	switch {
	case len(urls) > sitemapMaxURLs && part == "":
		idx := sitemapIndex{}
		for i := 0; i*sitemapMaxURLs < len(urls); i++ {
			chunk := urls[i*sitemapMaxURLs : min((i+1)*sitemapMaxURLs, len(urls))]
			var mod string
			for _, u := range chunk {
				mod = max(mod, u.LastMod)
			}
			idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: base + "/sitemap.xml?part=" + strconv.Itoa(i+1), LastMod: mod})
		}
		doc = idx
	case part != "":
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 || (n-1)*sitemapMaxURLs >= len(urls) || len(urls) <= sitemapMaxURLs {
			return factcheck.Errorf(factcheck.ENOTFOUND, "No such part of the sitemap.")
		}
		doc = sitemapURLSet{URLs: urls[(n-1)*sitemapMaxURLs : min(n*sitemapMaxURLs, len(urls))]}
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	buf.WriteByte('\n')
	if err := s.setLastModified(c); err != nil {
		return err
	}
	return sendBytes(c, "application/xml; charset=utf-8", buf.Bytes(), cachePublic)
}

// robots serves /robots.txt: crawl everything public, not the desk, and
// find the sitemap. Search results and filtered listings stay crawlable
// so that crawlers see their noindex.
func (s *Server) robots(c echo.Context) error {
	body := "User-agent: *\nDisallow: /desk\n\nSitemap: " + s.cfg.BaseURL + "/sitemap.xml\n"
	return sendBytes(c, "text/plain; charset=utf-8", []byte(body), cachePublic)
}

// setLastModified sends the time of the latest public change as
// Last-Modified. Responses built from public data use it, so that clients
// revalidating with If-Modified-Since (feed readers, crawlers) get 304
// until something a reader could see has changed.
func (s *Server) setLastModified(c echo.Context) error {
	t, err := s.store.PublicChangedAt(c.Request().Context())
	if err != nil {
		return err
	}
	if !t.IsZero() {
		c.Response().Header().Set("Last-Modified", t.UTC().Format(http.TimeFormat))
	}
	return nil
}

func sitemapTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
