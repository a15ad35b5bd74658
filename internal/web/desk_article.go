package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/spot"
	"claimdesk/views"
)

// articleInput is an article from the intake form or the JSON API.
type articleInput struct {
	Title       string `json:"title" form:"title"`
	URL         string `json:"url" form:"url"`
	Outlet      string `json:"outlet" form:"outlet"`
	Author      string `json:"author" form:"author"`
	PublishedAt string `json:"published_at" form:"published_at"`
	Body        string `json:"body" form:"body"`
}

func (in *articleInput) apply(a *factcheck.Article) error {
	date, err := parseDate("published_at", &in.PublishedAt)
	if err != nil {
		return err
	}
	a.Title, a.URL, a.Outlet, a.Author, a.Body, a.PublishedAt = in.Title, in.URL, in.Outlet, in.Author, in.Body, date
	return nil
}

func (s *Server) intakePage(c echo.Context) error {
	return s.render(c, http.StatusOK, views.IntakePage(s.newIntake(c)))
}

// newIntake is the empty intake form for a new article.
func (s *Server) newIntake(c echo.Context) views.IntakeView {
	return views.IntakeView{Page: s.page(c, "New article"), Heading: "New article", Action: "/desk/articles", CanFetch: true}
}

// fetchArticle fills the intake form from an article's address. Nothing is
// stored: the editor checks the text and saves the form as usual.
func (s *Server) fetchArticle(c echo.Context) error {
	v := s.newIntake(c)
	v.FetchURL = strings.TrimSpace(c.FormValue("fetch_url"))
	// The form's own fields come along (hx-include): whatever the editor
	// typed stays, unless the page supplies it.
	v.Title, v.URL, v.Outlet, v.Author, v.PublishedAt, v.Body = c.FormValue("title"), c.FormValue("url"),
		c.FormValue("outlet"), c.FormValue("author"), c.FormValue("published_at"), c.FormValue("body")
	a, err := s.fetcher.Article(c.Request().Context(), v.FetchURL)
	if err != nil {
		if factcheck.ErrorCode(err) == factcheck.EINTERNAL {
			return err
		}
		v.Errors = views.FieldErrors{"fetch_url": factcheck.ErrorMessage(err)}
		return s.render(c, statusOf(factcheck.ErrorCode(err)), views.IntakePage(v))
	}
	for _, f := range []struct {
		dst *string
		val string
	}{{&v.Title, a.Title}, {&v.URL, a.URL}, {&v.Outlet, a.Outlet}, {&v.Author, a.Author}, {&v.Body, a.Body}} {
		if f.val != "" {
			*f.dst = f.val
		}
	}
	if a.PublishedAt != nil {
		v.PublishedAt = a.PublishedAt.Format("2006-01-02")
	}
	v.FetchedFrom = a.URL
	return s.render(c, http.StatusOK, views.IntakePage(v))
}

func (s *Server) intakeError(c echo.Context, in *articleInput, action, heading string, err error) error {
	if factcheck.ErrorField(err) == "" && factcheck.ErrorCode(err) == factcheck.EINTERNAL {
		return err
	}
	v := views.IntakeView{Page: s.page(c, heading), Heading: heading, Action: action, Title: in.Title, URL: in.URL, Outlet: in.Outlet,
		Author: in.Author, PublishedAt: in.PublishedAt, Body: in.Body, Errors: views.FieldErrors{factcheck.ErrorField(err): factcheck.ErrorMessage(err)},
		CanFetch: action == "/desk/articles"}
	return s.render(c, statusOf(factcheck.ErrorCode(err)), views.IntakePage(v))
}

// storeArticle reads an article from a form or JSON body and stores it.
// The input comes back with the error so a form can be shown again.
func (s *Server) storeArticle(c echo.Context) (*factcheck.Article, *articleInput, error) {
	var in articleInput
	if err := bindInput(c, &in); err != nil {
		return nil, nil, err
	}
	a := &factcheck.Article{}
	err := in.apply(a)
	if err == nil {
		a.CreatedByID = &userOf(c).ID
		err = s.store.CreateArticle(c.Request().Context(), a)
	}
	return a, &in, err
}

// createArticle stores a pasted article from the intake form and shows it
// on the desk, or the form again with the message by its field.
func (s *Server) createArticle(c echo.Context) error {
	a, in, err := s.storeArticle(c)
	if in == nil {
		return err
	} else if err != nil {
		return s.intakeError(c, in, "/desk/articles", "New article", err)
	}
	return c.Redirect(http.StatusSeeOther, "/desk/articles/"+strconv.FormatInt(a.ID, 10))
}

// apiCreateArticle stores an article sent as JSON: 201 ArticleJSON, with
// its sentences scored by the claim spotter.
func (s *Server) apiCreateArticle(c echo.Context) error {
	a, _, err := s.storeArticle(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, articleJSON(a, spot.Suggest(a.Body)))
}

// deskArticle shows an article split into sentences, check-worthy ones
// marked with their reasons, and the claims already made from it.
func (s *Server) deskArticle(c echo.Context) error {
	return s.renderDeskArticle(c, http.StatusOK, "", "")
}

func (s *Server) renderDeskArticle(c echo.Context, status int, errMsg, claimant string) error {
	ctx := c.Request().Context()
	a, err := s.articleOf(c)
	if err != nil {
		return err
	}
	claims, err := s.store.ArticleClaims(ctx, a.ID)
	if err != nil {
		return err
	}
	v := views.DeskArticleView{Page: s.page(c, a.Title), ID: a.ID, Title: a.Title, SourceURL: a.URL, Error: errMsg, Claimant: claimant}
	var meta []string
	for _, m := range []string{a.Outlet, a.Author, fmtDate(a.PublishedAt)} {
		if m != "" {
			meta = append(meta, m)
		}
	}
	v.Meta = strings.Join(meta, " · ")
	if v.Claimant == "" {
		v.Claimant = a.Outlet
		if a.Author != "" {
			v.Claimant = a.Author
		}
	}
	if c.QueryParam("edited") != "" {
		orphans := 0
		for _, cl := range claims {
			if cl.Anchor.Orphaned {
				orphans++
			}
		}
		v.Notice = "Article text saved and its claims re-anchored."
		if orphans > 0 {
			v.Notice += " " + strconv.Itoa(orphans) + " claim(s) could not be placed and are listed as orphaned."
		}
	}
	for i := range claims {
		cd := deskCard(&claims[i])
		if claims[i].Anchor.Orphaned {
			v.Orphaned = append(v.Orphaned, cd)
		} else {
			v.Claims = append(v.Claims, cd)
		}
	}
	sents := spot.Suggest(a.Body)
	v.Total = len(sents)
	var para views.ParagraphView
	for i, st := range sents {
		if i > 0 && strings.Contains(a.Body[sents[i-1].End:st.Start], "\n") {
			v.Paragraphs = append(v.Paragraphs, para)
			para = views.ParagraphView{}
		}
		sv := views.SentenceView{Start: st.Start, End: st.End, Text: st.Text, Score: strconv.FormatFloat(st.Score, 'f', 2, 64), Checkworthy: st.Checkworthy}
		if st.Checkworthy {
			v.Flagged++
		}
		if len(st.Reasons) > 0 {
			sv.Reasons = "Score " + sv.Score + ": " + strings.Join(st.Reasons, ", ")
		}
		for _, cl := range claims {
			if !cl.Anchor.Orphaned && cl.Anchor.Start < st.End && cl.Anchor.End > st.Start {
				sv.ClaimURL = deskClaimPath(cl.ID)
			}
		}
		para.Sentences = append(para.Sentences, sv)
	}
	if len(para.Sentences) > 0 {
		v.Paragraphs = append(v.Paragraphs, para)
	}
	return s.render(c, status, views.DeskArticlePage(v))
}

func (s *Server) editArticlePage(c echo.Context) error {
	a, err := s.articleOf(c)
	if err != nil {
		return err
	}
	path := "/desk/articles/" + strconv.FormatInt(a.ID, 10)
	return s.render(c, http.StatusOK, views.IntakePage(views.IntakeView{Page: s.page(c, "Edit article"), Heading: "Edit article", Action: path,
		Title: a.Title, URL: a.URL, Outlet: a.Outlet, Author: a.Author, PublishedAt: dateInput(a.PublishedAt), Body: a.Body}))
}

// updateArticle saves an edited article and re-anchors its claims.
func (s *Server) updateArticle(c echo.Context) error {
	id, err := articleID(c)
	if err != nil {
		return err
	}
	var in articleInput
	if err := bindInput(c, &in); err != nil {
		return err
	}
	_, _, err = s.store.UpdateArticle(c.Request().Context(), id, userOf(c), in.apply)
	path := "/desk/articles/" + strconv.FormatInt(id, 10)
	if err != nil {
		return s.intakeError(c, &in, path, "Edit article", err)
	}
	return c.Redirect(http.StatusSeeOther, path+"?edited=1")
}

// claimSpanInput is a new claim in an article: a byte span, ticked
// sentences ("start:end" each), or a quote to find in the body.
type claimSpanInput struct {
	Start     *int     `json:"start" form:"start"`
	End       *int     `json:"end" form:"end"`
	Sel       []string `form:"sel"`
	One       string   `form:"one"`
	Quote     string   `json:"quote" form:"quote"`
	Statement string   `json:"statement" form:"statement"`
	Claimant  string   `json:"claimant" form:"claimant"`
	Tags      []string `json:"tags"`
}

// span resolves the input to one byte span, or ok=false when it names none.
func (in *claimSpanInput) span() (start, end int, ok bool, err error) {
	sel := in.Sel
	if in.One != "" {
		sel = []string{in.One}
	}
	if len(sel) > 0 {
		start, end = -1, -1
		for _, s := range sel {
			a, b, found := strings.Cut(s, ":")
			x, err1 := strconv.Atoi(a)
			y, err2 := strconv.Atoi(b)
			if !found || err1 != nil || err2 != nil {
				return 0, 0, false, factcheck.FieldError("start", "The selected sentences could not be read.")
			}
			if start < 0 || x < start {
				start = x
			}
			end = max(end, y)
		}
		return start, end, true, nil
	}
	if in.Start != nil && in.End != nil {
		return *in.Start, *in.End, true, nil
	}
	return 0, 0, false, nil
}

// newArticleClaim makes a draft claim anchored in the article named by
// :id from a byte span, ticked sentences or a quote. The input comes back
// with the error so the desk can show the article again.
func (s *Server) newArticleClaim(c echo.Context) (*factcheck.Claim, *claimSpanInput, error) {
	ctx := c.Request().Context()
	id, err := articleID(c)
	if err != nil {
		return nil, nil, err
	}
	var in claimSpanInput
	if err := bindInput(c, &in); err != nil {
		return nil, nil, err
	}
	a, err := s.store.ArticleByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	cl := &factcheck.Claim{ArticleID: &a.ID, Statement: in.Statement, Claimant: in.Claimant, Tags: in.Tags}
	start, end, ok, err := in.span()
	switch {
	case err != nil:
	case ok:
		cl.Anchor, err = factcheck.NewAnchor(a.Body, start, end)
		cl.Quote = cl.Anchor.Exact
	case strings.TrimSpace(in.Quote) != "":
		cl.Anchor, err = factcheck.FindQuote(a.Body, in.Quote)
		cl.Quote = cl.Anchor.Exact
	default:
		err = factcheck.FieldError("quote", "Select a sentence or a phrase of the article (or send start and end, or a quote).")
	}
	if err == nil {
		err = s.store.CreateClaim(ctx, cl, userOf(c))
	}
	return cl, &in, err
}

// createArticleClaim makes a claim from the desk's article view and opens
// it in the editor, or shows the article again with the message.
func (s *Server) createArticleClaim(c echo.Context) error {
	cl, in, err := s.newArticleClaim(c)
	switch {
	case in == nil || factcheck.ErrorCode(err) == factcheck.EINTERNAL:
		return err
	case err != nil:
		return s.renderDeskArticle(c, statusOf(factcheck.ErrorCode(err)), factcheck.ErrorMessage(err), in.Claimant)
	}
	return c.Redirect(http.StatusSeeOther, deskClaimPath(cl.ID))
}

// apiCreateArticleClaim makes a claim from JSON: 201 ClaimJSON.
func (s *Server) apiCreateArticleClaim(c echo.Context) error {
	cl, _, err := s.newArticleClaim(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.claimJSON(cl, true))
}

// newClaimPage is the form for a claim without an article, e.g. from a speech.
func (s *Server) newClaimPage(c echo.Context) error {
	return s.render(c, http.StatusOK, views.NewClaimPage(views.NewClaimView{Page: s.page(c, "New claim")}))
}

// createClaim makes a draft claim without an article.
func (s *Server) createClaim(c echo.Context) error {
	var in claimInput
	if err := bindInput(c, &in); err != nil {
		return err
	}
	cl := &factcheck.Claim{}
	setIf(&cl.Statement, in.Statement)
	setIf(&cl.Quote, in.Quote)
	setIf(&cl.Claimant, in.Claimant)
	date, err := parseDate("claim_date", in.ClaimDate)
	if err == nil {
		cl.ClaimDate = date
		err = s.store.CreateClaim(c.Request().Context(), cl, userOf(c))
	}
	switch {
	case factcheck.ErrorCode(err) == factcheck.EINTERNAL:
		return err
	case err != nil:
		v := views.NewClaimView{Page: s.page(c, "New claim"), Statement: cl.Statement, Quote: cl.Quote, Claimant: cl.Claimant, ClaimDate: dateInput(date),
			Errors: views.FieldErrors{factcheck.ErrorField(err): factcheck.ErrorMessage(err)}}
		return s.render(c, statusOf(factcheck.ErrorCode(err)), views.NewClaimPage(v))
	}
	return c.Redirect(http.StatusSeeOther, deskClaimPath(cl.ID))
}
