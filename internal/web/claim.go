package web

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/views"
)

// claimID parses ":id" (digits, optionally followed by "-slug").
func claimID(c echo.Context) (int64, error) {
	raw := c.Param("id")
	if i := strings.IndexByte(raw, '-'); i >= 0 {
		raw = raw[:i]
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, factcheck.Errorf(factcheck.ENOTFOUND, "Claim not found.")
	}
	return id, nil
}

const pageSize = 20

// filterFrom reads the public list filters from the query string.
func filterFrom(c echo.Context) (store.ClaimFilter, int) {
	pageNum, _ := strconv.Atoi(c.QueryParam("page"))
	pageNum = max(pageNum, 1)
	q := c.QueryParam("q")
	if len(q) > 1000 {
		q = q[:1000]
	}
	return store.ClaimFilter{Query: strings.TrimSpace(q), Rating: c.QueryParam("rating"), Tag: c.QueryParam("tag"),
		Offset: (pageNum - 1) * pageSize, Limit: pageSize}, pageNum
}

// home lists the latest published claims, filtered and searched.
func (s *Server) home(c echo.Context) error {
	ctx := c.Request().Context()
	f, pageNum := filterFrom(c)
	hits, total, err := s.store.ListClaims(ctx, f)
	if err != nil {
		return err
	}
	ratings, err := s.store.Ratings(ctx)
	if err != nil {
		return err
	}
	v := views.HomeView{Page: s.page(c, ""), Query: f.Query, Tag: f.Tag, Total: total}
	v.Description = "The latest fact checks from " + s.cfg.Newsroom + ": claims, verdicts and the sources behind them."
	v.FeedURL = s.cfg.BaseURL + "/feed.atom"
	for _, r := range ratings {
		v.Ratings = append(v.Ratings, views.Option{Value: r.Key, Label: r.Label, Selected: r.Key == f.Rating})
	}
	for i := range hits {
		v.Cards = append(v.Cards, card(&hits[i].Claim, hits[i].Snippet))
	}
	v.From, v.To = f.Offset+1, f.Offset+len(hits)
	link := func(p int) string {
		q := url.Values{}
		for k, val := range map[string]string{"q": f.Query, "rating": f.Rating, "tag": f.Tag} {
			if val != "" {
				q.Set(k, val)
			}
		}
		if p > 1 {
			q.Set("page", strconv.Itoa(p))
		}
		if len(q) == 0 {
			return "/"
		}
		return "/?" + q.Encode()
	}
	if pageNum > 1 {
		v.PrevURL = link(pageNum - 1)
	}
	if int64(f.Offset+len(hits)) < total {
		v.NextURL = link(pageNum + 1)
	}
	return s.renderCacheable(c, views.HomePage(v), cacheList)
}

// claimPage shows one published claim with its verdict, sources, ClaimReview
// JSON-LD and report form. Rendered pages are cached per claim version (see
// pageCache), so a repeat view costs one indexed read of the claim's stamp.
func (s *Server) claimPage(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := claimID(c)
	if err != nil {
		return err
	}
	stamp, err := s.store.PublicClaimStamp(ctx, id)
	if err != nil {
		return err
	}
	cache := s.pages
	key := "claim:" + strconv.FormatInt(id, 10)
	if p, ok := cache.get(key, stamp, s.now()); ok {
		return sendRendition(c, p.r, cachePublic)
	}
	cl, err := s.store.PublicClaim(ctx, id)
	if err != nil {
		return err
	}
	revs, err := s.store.Revisions(ctx, cl.ID)
	if err != nil {
		return err
	}
	v, err := s.claimView(c, cl, revs)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := views.ClaimPage(v).Render(ctx, &buf); err != nil {
		return err
	}
	// Cache under the stamp read first only if the claim rendered is the
	// one it describes; a claim edited in between is sent but not kept. (A
	// rating edited in between is kept under the older revision, so the
	// next request renders again.)
	rendered := store.ClaimStamp{ID: cl.ID, Version: cl.Version, Status: cl.Status, UpdatedAt: cl.UpdatedAt, RatingRevision: stamp.RatingRevision}
	if !sameStamp(rendered, stamp) {
		return sendCacheable(c, echo.MIMETextHTMLCharsetUTF8, buf.Bytes(), cachePublic)
	}
	p := cache.put(key, stamp, newRendition(echo.MIMETextHTMLCharsetUTF8, buf.Bytes(), false), s.now())
	return sendRendition(c, p.r, cachePublic)
}

// claimView builds the claim page's view: the card, the rationale as
// sanitized HTML, the sources, the public history and the page metadata
// (canonical URL, share image, oEmbed discovery, ClaimReview JSON-LD).
func (s *Server) claimView(c echo.Context, cl *factcheck.Claim, revs []factcheck.Revision) (views.ClaimView, error) {
	v := views.ClaimView{Page: s.page(c, "Fact check: "+truncate(cl.Quote, 90)), Card: card(cl, "")}
	v.Description = cl.Summary
	v.Canonical = s.cfg.BaseURL + claimPath(cl)
	v.Image = s.cfg.BaseURL + "/claims/" + strconv.FormatInt(cl.ID, 10) + "/card.png"
	v.OEmbedURL = s.cfg.BaseURL + "/oembed?url=" + url.QueryEscape(v.Canonical) + "&format=json"
	v.EmbedSnippet = s.EmbedSnippet(cl)
	ld, err := s.claimReviewJSONLD(cl)
	if err != nil {
		return v, err
	}
	v.JSONLD = ld
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
	return v, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
		for cut > 0 && !utf8RuneStart(s[cut]) {
			cut--
		}
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
