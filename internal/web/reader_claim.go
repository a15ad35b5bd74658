package web

import (
	"net/url"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// claimPage shows one published claim with its verdict, sources, ClaimReview
// JSON-LD and report form (loaded by htmx, so the page stays cookie-free
// and cacheable).
func (s *Server) claimPage(c echo.Context) error {
	cl, err := s.publicClaimOf(c)
	if err != nil {
		return err
	}
	revs, err := s.store.Revisions(c.Request().Context(), cl.ID)
	if err != nil {
		return err
	}
	return s.sendPage(c, views.ClaimPage(s.claimView(c, cl, revs)), cachePublic)
}

// claimView builds the claim page's view: the card, the rationale as
// sanitized HTML, the sources, the public history and the page metadata
// (canonical URL, share image, oEmbed discovery, ClaimReview JSON-LD).
func (s *Server) claimView(c echo.Context, cl *factcheck.Claim, revs []factcheck.Revision) views.ClaimView {
	v := views.ClaimView{Page: s.page(c, "Fact check: "+truncate(cl.Headline(), 90)), Card: card(cl, "")}
	v.Description = cl.Summary
	v.Canonical = s.cfg.BaseURL + claimPath(cl)
	v.Image = s.cfg.BaseURL + "/claims/" + strconv.FormatInt(cl.ID, 10) + "/card.png"
	v.ImageAlt = claimImageAlt(badge(cl.Rating, cl.RatingKey).Label, cl.Headline(), cl.Claimant)
	v.OEmbedURL = s.cfg.BaseURL + "/oembed?url=" + url.QueryEscape(v.Canonical) + "&format=json"
	v.EmbedSnippet = s.EmbedSnippet(cl)
	v.JSONLD = s.claimReviewJSONLD(cl)
	v.Rationale = renderMarkdown(cl.Rationale)
	v.ClaimDate = fmtDate(cl.ClaimDate)
	v.Published = fmtDate(cl.PublishedAt)
	v.Updated = fmtDate(cl.CorrectedAt)
	if cl.Rating != nil {
		v.RatingMeaning = cl.Rating.Description
	}
	if cl.Article != nil {
		v.ArticleTitle, v.ArticleOutlet = cl.Article.Title, cl.Article.Outlet
		v.ArticleURL = "/articles/" + strconv.FormatInt(cl.Article.ID, 10)
		v.SourceURL = cl.Article.URL
	}
	if cl.Author != nil {
		v.Author = cl.Author.Name
	} else {
		v.Author = s.cfg.Newsroom
	}
	if p := cl.Imported; p.Imported() {
		// Another fact-checker's work: theirs by name, and theirs the
		// canonical page.
		v.Author, v.Canonical = p.Publisher, p.URL
		v.Imported = views.ImportedNote{Publisher: p.Publisher, URL: p.URL, Host: hostOf(p.URL), Rating: p.Rating, Date: fmtDate(p.At)}
	}
	if cl.Reviewer != nil {
		v.Reviewer = cl.Reviewer.Name
	}
	v.Seen, v.SeenAgain = len(cl.Appearances), seenAgain(cl)
	for _, e := range cl.Evidence {
		v.Evidence = append(v.Evidence, views.EvidenceItem{URL: e.URL, Title: e.Title, Publisher: e.Publisher, Date: fmtDate(e.PublishedAt), Excerpt: e.Excerpt, Stance: string(e.Stance)})
	}
	for _, r := range revs {
		if r.IsCorrection {
			v.History = append(v.History, views.RevisionItem{Version: r.Version, Date: fmtDate(&r.CreatedAt), DateISO: isoDate(&r.CreatedAt), Note: publicNote(r.Note), IsCorrection: true})
		}
	}
	return v
}

// seenAgain lists where a claim appeared after the article it was checked
// in, newest first: outlet or site, title, date, the original page and,
// for articles on the desk, our page with the claim highlighted (public,
// since this claim is).
func seenAgain(cl *factcheck.Claim) []views.AppearanceItem {
	var aps []factcheck.Appearance
	for _, a := range cl.Appearances {
		if !a.First() {
			aps = append(aps, a)
		}
	}
	sort.SliceStable(aps, func(i, j int) bool {
		if !aps[i].AppearedAt.Equal(aps[j].AppearedAt) {
			return aps[i].AppearedAt.After(aps[j].AppearedAt)
		}
		return aps[i].Position > aps[j].Position
	})
	out := make([]views.AppearanceItem, 0, len(aps))
	for i := range aps {
		a := &aps[i]
		it := views.AppearanceItem{Place: a.Place(), URL: a.Link(), Date: fmtDate(&a.AppearedAt), DateISO: isoDate(&a.AppearedAt), Claimant: a.Claimant, Quote: a.Quote}
		if ar := a.Article; ar != nil {
			it.Place, it.Title = ar.Outlet, ar.Title
			it.ArticleURL = "/articles/" + strconv.FormatInt(ar.ID, 10)
		}
		out = append(out, it)
	}
	return out
}
