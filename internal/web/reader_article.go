package web

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// articlePage shows an article with its public claims highlighted in
// place. Each highlight links to the claim's verdict in the list below the
// body (no script needed). A claim checked before in another article and
// seen again in this one is highlighted with its existing verdict and
// marked as a repeat. Drafts and claims in review never appear, and
// an article with no public claim is not found (404): the desk's intake,
// embargoed text included, is not published by being stored.
func (s *Server) articlePage(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := articleID(c)
	if err != nil {
		return err
	}
	a, err := s.store.ArticleByID(ctx, id)
	if err != nil {
		return err
	}
	claims, err := s.store.PublicArticleClaims(ctx, a.ID)
	if err != nil {
		return err
	} else if len(claims) == 0 {
		return factcheck.Errorf(factcheck.ENOTFOUND, "Article not found.")
	}
	v := views.ArticleView{Page: s.page(c, a.Title), Title: a.Title, Outlet: a.Outlet, Author: a.Author,
		Date: fmtDate(a.PublishedAt), DateISO: isoDate(a.PublishedAt), SourceURL: a.URL}
	v.Description = "Claims we checked in “" + truncate(a.Title, 120) + "”"
	if a.Outlet != "" {
		v.Description += " (" + a.Outlet + ")"
	}
	v.Canonical = s.cfg.BaseURL + "/articles/" + strconv.FormatInt(a.ID, 10)
	v.Paragraphs, v.Verdicts = highlightArticle(a.Body, claims)
	for _, vd := range v.Verdicts {
		v.Repeats = v.Repeats || vd.Repeat
	}
	return s.sendPage(c, views.ArticlePage(v), cachePublic)
}

// span is a claim's place in an article body.
type span struct {
	start, end int
	n          int
	claim      *factcheck.Claim
}

// validAnchor reports whether a claim's anchor still points at its text in
// body: not orphaned, inside the body, on character boundaries and, when
// the anchor recorded its exact text, matching it.
func validAnchor(body string, an factcheck.Anchor) bool {
	if an.Orphaned || an.Start < 0 || an.End > len(body) || an.Start >= an.End {
		return false
	}
	if !utf8.RuneStart(body[an.Start]) || (an.End < len(body) && !utf8.RuneStart(body[an.End])) {
		return false
	}
	return an.Exact == "" || body[an.Start:an.End] == an.Exact
}

// highlightArticle splits body into paragraphs (at blank lines) and those
// into segments cut at every claim boundary, so overlapping and nested
// claims each stay visible. A segment links to the innermost claim covering
// it; every claim gets a numbered marker after its last segment. Claims with
// orphaned or out-of-range anchors are listed but not highlighted.
func highlightArticle(body string, claims []factcheck.Claim) ([][]views.Segment, []views.ArticleVerdict) {
	var spans []*span
	verdicts := make([]views.ArticleVerdict, 0, len(claims))
	for i := range claims {
		cl := &claims[i]
		n := i + 1
		vd := views.ArticleVerdict{N: n, Anchor: verdictAnchor(cl), Card: card(cl, "")}
		if repeated(cl) {
			vd.Repeat, vd.CheckedOn = true, fmtDate(cl.PublishedAt)
		}
		verdicts = append(verdicts, vd)
		if validAnchor(body, cl.Anchor) {
			spans = append(spans, &span{start: cl.Anchor.Start, end: cl.Anchor.End, n: n, claim: cl})
		}
	}
	type pos struct{ para, seg int }
	last := map[*span]pos{}
	var paras [][]views.Segment
	for _, pr := range paragraphRanges(body) {
		a, b := pr[0], pr[1]
		cuts := []int{a, b}
		for _, sp := range spans {
			for _, x := range []int{sp.start, sp.end} {
				if x > a && x < b {
					cuts = append(cuts, x)
				}
			}
		}
		sort.Ints(cuts)
		var segs []views.Segment
		for i := 0; i+1 < len(cuts); i++ {
			x, y := cuts[i], cuts[i+1]
			if x == y {
				continue
			}
			seg := views.Segment{Text: body[x:y]}
			var inner *span
			for _, sp := range spans {
				if sp.start <= x && sp.end >= y {
					last[sp] = pos{len(paras), len(segs)}
					if inner == nil || sp.start > inner.start || sp.start == inner.start && sp.end < inner.end {
						inner = sp
					}
				}
			}
			if inner != nil {
				seg.Href = "#" + verdictAnchor(inner.claim)
				seg.Key = inner.claim.RatingKey
				seg.Label = "Checked claim " + strconv.Itoa(inner.n) + ": " + ratingLabel(inner.claim)
				if repeated(inner.claim) {
					seg.Repeat = true
					seg.Label = "Claim " + strconv.Itoa(inner.n) + ", already checked: " + ratingLabel(inner.claim)
				}
			}
			segs = append(segs, seg)
		}
		paras = append(paras, segs)
	}
	for _, sp := range spans { // spans are in claim order, so markers are too
		if p, ok := last[sp]; ok {
			seg := &paras[p.para][p.seg]
			seg.Refs = append(seg.Refs, views.SegmentRef{N: sp.n, Href: "#" + verdictAnchor(sp.claim),
				Label: "Verdict " + strconv.Itoa(sp.n) + ": " + ratingLabel(sp.claim)})
		}
	}
	return paras, verdicts
}

// paragraphRanges returns the byte ranges of body's paragraphs: text
// between blank lines, without surrounding whitespace.
func paragraphRanges(body string) [][2]int {
	var out [][2]int
	for i := 0; i < len(body); {
		end := len(body)
		j := strings.Index(body[i:], "\n\n")
		if j >= 0 {
			end = i + j
		}
		a, b := i, end
		for a < b && isSpaceByte(body[a]) {
			a++
		}
		for b > a && isSpaceByte(body[b-1]) {
			b--
		}
		if a < b {
			out = append(out, [2]int{a, b})
		}
		if j < 0 {
			break
		}
		i = end + 2
	}
	return out
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\r' }

// repeated reports whether a listed claim was checked elsewhere and seen
// again in this article.
func repeated(c *factcheck.Claim) bool { return c.InArticle != nil && !c.InArticle.First() }

// verdictAnchor is the fragment id of a claim's verdict on its article page.
func verdictAnchor(c *factcheck.Claim) string { return "verdict-" + strconv.FormatInt(c.ID, 10) }
