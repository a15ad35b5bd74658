package web

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"claimdesk/views"
)

// ratingsPage explains the rating scale: each rating's number, label,
// colour and meaning, in the desk's display order.
func (s *Server) ratingsPage(c echo.Context) error {
	ratings, err := s.store.Ratings(c.Request().Context())
	if err != nil {
		return err
	}
	v := views.RatingsView{Page: s.page(c, "How we rate claims")}
	v.Description = "The rating scale " + s.cfg.Newsroom + " uses for its fact checks, from True (5) to False (1), plus Misleading and Unproven."
	v.Canonical = s.cfg.BaseURL + "/ratings"
	for i := range ratings {
		r := &ratings[i]
		item := views.RatingItem{Badge: badge(r, r.Key), Description: r.Description, URL: "/?rating=" + url.QueryEscape(r.Key)}
		if r.Value != nil {
			item.Value = strconv.Itoa(*r.Value)
		}
		item.Published = strconv.Itoa(r.PublishedValue())
		v.Ratings = append(v.Ratings, item)
	}
	return s.sendPage(c, views.RatingsPage(v), cachePublic)
}
