package web

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/store"
	"claimdesk/views"
)

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
	v := views.HomeView{Page: s.page(c, ""), Query: f.Query, Tag: f.Tag, Total: totalText(total)}
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
	return s.sendPage(c, views.HomePage(v), cacheList)
}

// totalText writes a listing's total for people, honest about capped
// counts (see store.MaxTotal).
func totalText(n int64) string {
	if n > store.MaxTotal {
		return "more than " + strconv.Itoa(store.MaxTotal)
	}
	return strconv.FormatInt(n, 10)
}
