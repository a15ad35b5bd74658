package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/match"
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

// maxSentences caps the sentences of one article. A real article has a
// few hundred at most; a megabyte of "- " lines splits into hundreds of
// thousands, whose JSON answer and desk page run to tens of megabytes.
const maxSentences = 5000

func (in *articleInput) apply(a *factcheck.Article) error {
	date, err := parseDate("published_at", &in.PublishedAt)
	if err != nil {
		return err
	}
	if n := len(spot.Split(in.Body)); n > maxSentences {
		return factcheck.FieldError("body", "This text splits into %d sentences; the desk takes at most %d per article. Paste the article itself, without long lists, tables or logs.", n, maxSentences)
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

// deskArticle shows an article on the desk: the sentences worth checking,
// ranked, with their reasons, speakers and the published claims they may
// repeat; the text with its sentences marked; and its claims.
func (s *Server) deskArticle(c echo.Context) error {
	return s.renderDeskArticle(c, http.StatusOK, "", "")
}

// Sentence strength on the desk: a score at or above strongScore is
// "strong", at or above the spotter's threshold "likely", else "weak"
// (shown quietly, and only when asked for).
const strongScore = 0.75

// reasonWords are the spotter's reasons as the desk's chips say them.
var reasonWords = map[string]string{
	"number": "a figure", "date": "a date", "entity": "names", "attribution": "attributed", "comparison": "a comparison",
	"legal": "law or rules", "causal": "cause and effect", "opinion": "opinion", "hedge": "hedged", "question": "a question",
	"first_person": "first person", "prediction": "a prediction", "short": "short", "heading": "a heading",
}

// sentenceView is one sentence as the desk shows it, split around its
// claim span.
func sentenceView(body string, st spot.Sentence, threshold float64) views.SentenceView {
	sv := views.SentenceView{Start: st.Start, End: st.End, Text: st.Text, Claim: st.Text}
	if cs, ce := st.ClaimStart, st.ClaimEnd; cs >= st.Start && ce <= st.End && cs < ce {
		sv.Pre, sv.Claim, sv.Post = body[st.Start:cs], body[cs:ce], body[ce:st.End]
	}
	switch {
	case st.Score >= max(strongScore, threshold):
		sv.Strength, sv.StrengthText = "strong", "Strong"
	case st.Score >= threshold:
		sv.Strength, sv.StrengthText = "likely", "Likely"
	default:
		sv.Strength, sv.StrengthText = "weak", "Unlikely"
	}
	for _, r := range st.Reasons {
		if w, ok := reasonWords[r]; ok {
			sv.Reasons = append(sv.Reasons, w)
		}
	}
	if st.Claimant != nil {
		sv.Claimant = *st.Claimant
	}
	return sv
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
	v := views.DeskArticleView{Page: s.page(c, a.Title), ID: a.ID, Title: a.Title, SourceURL: a.URL, Error: errMsg, Claimant: claimant, Date: when(a.PublishedAt)}
	var meta []string
	for _, m := range []string{a.Outlet, a.Author} {
		if m != "" {
			meta = append(meta, m)
		}
	}
	v.Meta = strings.Join(meta, " · ")
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
	// ?appeared=ID is the desk's "same claim" coming back: it confirms
	// which claim the sentence now is an appearance of.
	appeared, _ := strconv.ParseInt(c.QueryParam("appeared"), 10, 64)
	skip := map[int64]bool{}
	for i := range claims {
		skip[claims[i].ID] = true
		if ap := claims[i].InArticle; claims[i].ID == appeared && ap != nil && !ap.First() {
			v.Notice = "Added as another appearance of “" + claims[i].Headline() + "”."
		}
		cd := deskCard(&claims[i])
		if claims[i].Anchor.Orphaned {
			v.Orphaned = append(v.Orphaned, cd)
		} else {
			v.Claims = append(v.Claims, cd)
		}
	}
	// "Already checked?" is a help: when the matcher cannot be brought up
	// to date, the sentences are shown without it.
	m, idx, merr := s.matcher(ctx)
	var ratings map[string]*factcheck.Rating
	if merr == nil {
		rs, err := s.store.Ratings(ctx)
		if err != nil {
			return err
		}
		ratings = ratingsByKey(rs)
	}
	threshold := spot.DefaultThreshold()
	sents := spot.Suggest(a.Body)
	v.Total = len(sents)
	all := make([]views.SentenceView, len(sents))
	for i, st := range sents {
		all[i] = sentenceView(a.Body, st, threshold)
	}
	// Weak sentences (headings, asides, opinions) are not matched: a
	// three-word heading is contained in many claims, and would be
	// flagged as checked when it states nothing.
	var hits [][]matchHit
	if merr == nil {
		texts := make([]string, len(all))
		for i, sv := range all {
			if sv.Strength != "weak" {
				texts[i] = sv.Claim
			}
		}
		hits = m.searchAll(idx, texts, 3, skip)
	}
	var para views.ParagraphView
	for i, st := range sents {
		if i > 0 && strings.Contains(a.Body[sents[i-1].End:st.Start], "\n") {
			v.Paragraphs = append(v.Paragraphs, para)
			para = views.ParagraphView{}
		}
		sv := all[i]
		switch sv.Strength {
		case "strong":
			v.Strong++
		case "likely":
			v.Likely++
		}
		for i := range claims {
			cl := &claims[i]
			if !cl.Anchor.Orphaned && cl.Anchor.Start < st.End && cl.Anchor.End > st.Start {
				sv.ClaimURL = deskClaimPath(cl.ID)
				if cl.InArticle != nil && !cl.InArticle.First() {
					mv := views.MatchView{ClaimID: cl.ID, URL: sv.ClaimURL, Statement: cl.Headline(), Badge: badge(cl.Rating, cl.RatingKey)}
					if cl.Status.Public() {
						mv.URL = claimPath(cl) // as "Already checked" links it
					}
					sv.AppearanceOf = &mv
				}
			}
		}
		if hits != nil {
			for _, h := range hits[i] {
				mv := matchView(h, ratings)
				if h.level == match.Same && sv.Checked == nil {
					sv.Checked = &mv
				} else if h.level == match.Maybe && len(sv.Maybe) < 2 {
					sv.Maybe = append(sv.Maybe, mv)
				}
			}
			if sv.AppearanceOf != nil {
				sv.Checked, sv.Maybe = nil, nil
			}
			if sv.Checked != nil {
				v.Checked++
			}
		}
		para.Sentences = append(para.Sentences, sv)
		v.Suggestions = append(v.Suggestions, sv)
	}
	if len(para.Sentences) > 0 {
		v.Paragraphs = append(v.Paragraphs, para)
	}
	ranked := make([]views.SentenceView, len(sents))
	order := make([]int, len(sents))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return sents[order[i]].Score > sents[order[j]].Score })
	for i, k := range order {
		ranked[i] = v.Suggestions[k]
	}
	v.Suggestions = ranked
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
// sentences ("start:end" each; each becomes a claim of its own), a
// phrase inside one sentence (quote and within), or a quote to find in
// the body.
type claimSpanInput struct {
	Start     *int     `json:"start" form:"start"`
	End       *int     `json:"end" form:"end"`
	Sel       []string `form:"sel"`
	One       string   `form:"one"`
	Within    string   `form:"within"`
	Quote     string   `json:"quote" form:"quote"`
	Statement string   `json:"statement" form:"statement"`
	Claimant  string   `json:"claimant" form:"claimant"`
	ClaimDate string   `json:"claim_date" form:"claim_date"`
	Tags      []string `json:"tags"`
}

// parseSpan reads "start:end".
func parseSpan(v string) (int, int, error) {
	a, b, found := strings.Cut(v, ":")
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if !found || err1 != nil || err2 != nil {
		return 0, 0, factcheck.FieldError("start", "The selected sentences could not be read; reload the page and select them again.")
	}
	return x, y, nil
}

// statementFrom drafts a statement from the words of a claim, for the
// editor to reword: no surrounding quotation marks or final full stop, a
// capital first letter, at most factcheck.MaxStatement bytes.
func statementFrom(words string) string {
	st := strings.Join(strings.Fields(words), " ")
	st = strings.Trim(st, "\"“”‘’'«» ")
	st = strings.TrimRight(st, ".,;: ")
	st = capitalFirst(st)
	if len(st) > factcheck.MaxStatement {
		st = strings.TrimSuffix(truncate(st, factcheck.MaxStatement-len("…")), "…")
	}
	return st
}

// sentenceAt returns the suggested sentence that spans [start, end), or
// the one holding it; ok is false when none does.
func sentenceAt(sents []spot.Sentence, start, end int) (spot.Sentence, bool) {
	for _, st := range sents {
		if st.Start <= start && end <= st.End {
			return st, true
		}
	}
	return spot.Sentence{}, false
}

// newArticleClaims makes draft claims anchored in the article named by :id.
// A ticked sentence becomes a claim of its claim span (the claim without
// its "…, she said" frame; for a direct quote, the quoted words) with the
// spotter's speaker; a phrase or an exact span becomes one claim as
// given. Each claim's date is the article's date and its statement is
// drafted from its words, unless sent; the speaker is never the article's
// author: a sentence in the outlet's own voice is the outlet's claim.
// All are stored, or none. The input comes back with the error so the desk
// can show the article again.
func (s *Server) newArticleClaims(c echo.Context) ([]*factcheck.Claim, *claimSpanInput, error) {
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
	date, err := parseDate("claim_date", &in.ClaimDate)
	if err != nil {
		return nil, &in, err
	}
	if date == nil {
		date = a.PublishedAt
	}
	sents := spot.Suggest(a.Body)
	speaker := func(st spot.Sentence, ok bool) string {
		if ok && st.Claimant != nil {
			return capitalFirst(*st.Claimant) // "the city council" mid-sentence heads the claimant field as "The city council"
		}
		return a.Outlet
	}
	newClaim := func(anchor factcheck.Anchor, claimant string) *factcheck.Claim {
		cl := &factcheck.Claim{ArticleID: &a.ID, Anchor: anchor, Quote: anchor.Exact, Statement: in.Statement, Claimant: in.Claimant, ClaimDate: date, Tags: in.Tags}
		if cl.Claimant == "" {
			cl.Claimant = claimant
		}
		if cl.Statement == "" {
			cl.Statement = statementFrom(anchor.Exact)
		}
		return cl
	}
	var out []*factcheck.Claim
	sel := in.Sel
	if in.One != "" {
		sel = []string{in.One}
	}
	switch {
	case len(sel) > 0 && strings.TrimSpace(in.Quote) == "":
		for _, v := range sel {
			start, end, err := parseSpan(v)
			if err != nil {
				return nil, &in, err
			}
			st, ok := sentenceAt(sents, start, end)
			if ok && st.Start == start && st.End == end && st.ClaimStart >= start && st.ClaimEnd <= end && st.ClaimStart < st.ClaimEnd {
				start, end = st.ClaimStart, st.ClaimEnd
			}
			anchor, err := factcheck.NewAnchor(a.Body, start, end)
			if err != nil {
				return nil, &in, err
			}
			cl := newClaim(anchor, speaker(st, ok))
			cl.Claimant = speaker(st, ok) // ticked sentences bring their own speaker
			if cl.Claimant == "" {
				cl.Claimant = in.Claimant
			}
			out = append(out, cl)
		}
	case in.Start != nil && in.End != nil:
		anchor, err := factcheck.NewAnchor(a.Body, *in.Start, *in.End)
		if err != nil {
			return nil, &in, err
		}
		st, ok := sentenceAt(sents, *in.Start, *in.End)
		out = append(out, newClaim(anchor, speaker(st, ok)))
	case strings.TrimSpace(in.Quote) != "":
		anchor, err := s.findPhrase(a.Body, in.Quote, in.Within)
		if err != nil {
			return nil, &in, err
		}
		st, ok := sentenceAt(sents, anchor.Start, anchor.End)
		out = append(out, newClaim(anchor, speaker(st, ok)))
	default:
		return nil, &in, factcheck.FieldError("quote", "Select a sentence or a phrase of the article (or send start and end, or a quote).")
	}
	if err := s.store.CreateClaims(ctx, out, userOf(c)); err != nil {
		return nil, &in, err
	}
	return out, &in, nil
}

// findPhrase anchors a phrase an editor picked: inside the sentence
// within names ("start:end") when it is there, else wherever the quote
// best fits the body.
func (s *Server) findPhrase(body, phrase, within string) (factcheck.Anchor, error) {
	if within != "" {
		if ws, we, err := parseSpan(within); err == nil && ws >= 0 && we <= len(body) && ws < we {
			p := strings.TrimSpace(phrase)
			if i := strings.Index(body[ws:we], p); i >= 0 && p != "" {
				return factcheck.NewAnchor(body, ws+i, ws+i+len(p))
			}
		}
	}
	return factcheck.FindQuote(body, phrase)
}

// createArticleClaim makes claims from the desk's article view and opens
// the first in the editor (the editor links the next), or shows the
// article again with the message.
func (s *Server) createArticleClaim(c echo.Context) error {
	cls, in, err := s.newArticleClaims(c)
	switch {
	case in == nil || factcheck.ErrorCode(err) == factcheck.EINTERNAL:
		return err
	case err != nil:
		return s.renderDeskArticle(c, statusOf(factcheck.ErrorCode(err)), factcheck.ErrorMessage(err), in.Claimant)
	}
	path := deskClaimPath(cls[0].ID)
	if len(cls) > 1 {
		path += "?made=" + strconv.Itoa(len(cls))
	}
	return c.Redirect(http.StatusSeeOther, path)
}

// apiCreateArticleClaim makes a claim from JSON: 201 ClaimJSON.
func (s *Server) apiCreateArticleClaim(c echo.Context) error {
	cls, _, err := s.newArticleClaims(c)
	if err != nil {
		return err
	}
	if len(cls) != 1 {
		return factcheck.FieldError("start", "Send one claim: start and end, or a quote.")
	}
	return c.JSON(http.StatusCreated, s.claimJSON(cls[0], true))
}

// capitalFirst returns s with its first letter in upper case.
func capitalFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
