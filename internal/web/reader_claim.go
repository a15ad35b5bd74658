package web

import (
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/httpcache"
	"claimdesk/internal/store"
	"claimdesk/views"
)

// claimPageTTL bounds how long a cached claim page may show things its
// card version does not cover (a renamed author, an edited article title).
const claimPageTTL = time.Minute

// claimPage shows one published claim with its verdict, sources, ClaimReview
// JSON-LD and report form. Rendered pages are cached by card version (see
// cardVersion), so a repeat view costs one indexed read of the version.
func (s *Server) claimPage(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := claimID(c)
	if err != nil {
		return err
	}
	version, err := s.cardVersion(c, id)
	if err != nil {
		return err
	}
	key := renderKey{kind: "claim", id: id, version: version, epoch: s.now().UnixNano() / int64(claimPageTTL)}
	return s.sendCached(c, key, cachePublic, func() (*httpcache.Rendition, bool, error) {
		cl, err := s.store.PublicClaim(ctx, id)
		if err != nil {
			return nil, false, err
		}
		revs, err := s.store.Revisions(ctx, cl.ID)
		if err != nil {
			return nil, false, err
		}
		b, err := renderBytes(c, views.ClaimPage(s.claimView(c, cl, revs)))
		if err != nil {
			return nil, false, err
		}
		// Keep the page under the version read first only if the claim
		// rendered is the one it names; a claim edited in between is sent
		// but not kept. (A rating edited in between is kept under the
		// older revision, so the next request renders again.)
		return httpcache.New(echo.MIMETextHTMLCharsetUTF8, b, false), cl.Version == version.Claim, nil
	})
}

// claimView builds the claim page's view: the card, the rationale as
// sanitized HTML, the sources, the public history and the page metadata
// (canonical URL, share image, oEmbed discovery, ClaimReview JSON-LD).
func (s *Server) claimView(c echo.Context, cl *factcheck.Claim, revs []factcheck.Revision) views.ClaimView {
	v := views.ClaimView{Page: s.page(c, "Fact check: "+truncate(cl.Quote, 90)), Card: card(cl, "")}
	v.Description = cl.Summary
	v.Canonical = s.cfg.BaseURL + claimPath(cl)
	v.Image = s.cfg.BaseURL + "/claims/" + strconv.FormatInt(cl.ID, 10) + "/card.png"
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
	if cl.Reviewer != nil {
		v.Reviewer = cl.Reviewer.Name
	}
	for _, e := range cl.Evidence {
		v.Evidence = append(v.Evidence, views.EvidenceItem{URL: e.URL, Title: e.Title, Publisher: e.Publisher, Date: fmtDate(e.PublishedAt), Excerpt: e.Excerpt, Stance: string(e.Stance)})
	}
	for _, r := range revs {
		if r.IsCorrection {
			v.History = append(v.History, views.RevisionItem{Version: r.Version, Date: fmtDate(&r.CreatedAt), Note: r.Note, IsCorrection: true})
		}
	}
	return v
}

// cardVersion is the one version read behind every cached rendition of a
// public claim (its card, share image and page): one indexed single-row
// query, shared by concurrent requests and remembered for VersionTTL.
// Drafts, claims in review and unknown ids are ENOTFOUND.
func (s *Server) cardVersion(c echo.Context, id int64) (v store.CardVersion, err error) {
	return s.versions.Read(c.Request().Context(), id, s.store.PublicClaimVersion)
}
