package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/spot"
	"claimdesk/views"
)

// appearanceInput is where an already-checked claim was made again, from
// the desk's "same claim" form or the JSON API: a sentence of an article
// on the desk (article_id with start and end, byte offsets into its body,
// or with a quote to find there), or another page (url with the quote).
// Exact, when sent, is the text the sender saw between start and end: if
// the article was edited since, the write is refused (409).
type appearanceInput struct {
	ArticleID  *int64 `json:"article_id" form:"article_id"`
	Start      *int   `json:"start" form:"start"`
	End        *int   `json:"end" form:"end"`
	Exact      string `json:"exact" form:"exact"`
	URL        string `json:"url" form:"url"`
	Quote      string `json:"quote" form:"quote"`
	Claimant   string `json:"claimant" form:"claimant"`
	AppearedAt string `json:"appeared_at" form:"appeared_at"`
}

// addAppearance records the appearance the request describes on the claim
// named by :id. Who made the claim there is, unless the input says, the
// speaker the claim spotter finds in the article's sentence, else the
// article's author or outlet, else the claim's own claimant.
func (s *Server) addAppearance(c echo.Context) (*factcheck.Claim, *appearanceInput, error) {
	id, err := claimID(c)
	if err != nil {
		return nil, nil, err
	}
	var in appearanceInput
	if err := bindInput(c, &in); err != nil {
		return nil, nil, err
	}
	ap := &factcheck.Appearance{ArticleID: in.ArticleID, URL: in.URL, Quote: in.Quote, Claimant: in.Claimant}
	date, err := parseDate("appeared_at", &in.AppearedAt)
	if err != nil {
		return nil, &in, err
	} else if date != nil {
		ap.AppearedAt = *date
	}
	if in.ArticleID != nil {
		switch {
		case in.Start != nil && in.End != nil:
			ap.Anchor = factcheck.Anchor{Start: *in.Start, End: *in.End, Exact: in.Exact}
			if *in.End <= 0 {
				return nil, &in, factcheck.FieldError("start", "Select the sentence of the article where the claim appears.")
			}
		case strings.TrimSpace(in.Quote) == "":
			return nil, &in, factcheck.FieldError("start", "Send the sentence's start and end (or a quote from the article).")
		}
		if in.URL == "" {
			a, err := s.store.ArticleByID(c.Request().Context(), *in.ArticleID)
			if err != nil {
				return nil, &in, err
			}
			// The text at the offsets now, so an edit before the write
			// cannot move the appearance onto other words (see
			// store.AddAppearance).
			if an := &ap.Anchor; an.Exact == "" && an.End > 0 && an.Start >= 0 && an.Start < an.End && an.End <= len(a.Body) {
				an.Exact = a.Body[an.Start:an.End]
			}
			if ap.Claimant == "" {
				ap.Claimant = sentenceClaimant(a, ap.Anchor)
			}
		}
	}
	cl, err := s.store.AddAppearance(c.Request().Context(), id, ap, userOf(c))
	return cl, &in, err
}

// claimantWindow is how much text before a sentence the claim spotter
// reads to find who said it ("…," she said, after a sentence naming her).
const claimantWindow = 2000

// sentenceClaimant is who made the claim at an (a selection of a's body),
// as the claim spotter reads the sentence it starts in; the article's
// author or outlet when the article speaks in its own voice; "" when the
// selection is not in the body.
func sentenceClaimant(a *factcheck.Article, an factcheck.Anchor) string {
	body := a.Body
	if an.Start < 0 || an.End > len(body) || an.Start >= an.End {
		return ""
	}
	from := max(0, an.Start-claimantWindow)
	for from > 0 && !utf8.RuneStart(body[from]) {
		from--
	}
	to := min(len(body), an.End+200)
	for to < len(body) && !utf8.RuneStart(body[to]) {
		to++
	}
	text := body[from:to]
	spans := spot.Split(text)
	for i, at := range spot.Attribute(text, spans) {
		if sp := spans[i]; from+sp.End > an.Start && at.Claimant != nil {
			return *at.Claimant
		} else if from+sp.End > an.Start {
			break
		}
	}
	if a.Author != "" {
		return a.Author
	}
	return a.Outlet
}

// apiAddAppearance records a reappearance from JSON: 201 ClaimJSON, the
// claim with every appearance.
func (s *Server) apiAddAppearance(c echo.Context) error {
	cl, _, err := s.addAppearance(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.claimJSON(cl, true))
}

// deskAddAppearance is the desk's "same claim": it records the sentence as
// a new appearance of the claim and goes back to the article (303), which
// then confirms it, or
// answers htmx with a small partial saying so; a refused one is the
// partial with the message (409 or 422) for htmx, an error page otherwise.
func (s *Server) deskAddAppearance(c echo.Context) error {
	cl, in, err := s.addAppearance(c)
	if in == nil || factcheck.ErrorCode(err) == factcheck.EINTERNAL || err != nil && !isHTMX(c) {
		return err
	}
	if err != nil {
		return s.render(c, statusOf(factcheck.ErrorCode(err)), views.AppearanceResult(views.AppearanceResultView{Error: factcheck.ErrorMessage(err)}))
	}
	back := deskClaimPath(cl.ID)
	if in.ArticleID != nil {
		back = "/desk/articles/" + strconv.FormatInt(*in.ArticleID, 10) + "?appeared=" + strconv.FormatInt(cl.ID, 10)
	}
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, back)
	}
	return s.render(c, http.StatusOK, views.AppearanceResult(views.AppearanceResultView{
		ClaimURL: deskClaimPath(cl.ID), Headline: cl.Headline(), Badge: badge(cl.Rating, cl.RatingKey), Seen: len(cl.Appearances)}))
}
