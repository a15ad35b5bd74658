package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/views"
)

// queuePageSize is how many claims or articles a desk list shows per page.
const queuePageSize = 50

// queueParams is the queue's filter as the query string gives it, in the
// words of the URL ("me", "open", "any").
type queueParams struct {
	Status, Assignee, Author, Rating, Tag, Article, Q, Sort string
	Page                                                    int
}

// queueStatuses are the status filter's choices and the statuses each
// selects (nil: every status).
var queueStatuses = []struct {
	key, label string
	statuses   []factcheck.Status
}{
	{"open", "Open (draft or in review)", []factcheck.Status{factcheck.StatusDraft, factcheck.StatusInReview}},
	{"draft", "Draft", []factcheck.Status{factcheck.StatusDraft}},
	{"in_review", "In review", []factcheck.Status{factcheck.StatusInReview}},
	{"public", "Public (published, corrected, retracted)", factcheck.PublicStatuses()},
	{"published", "Published", []factcheck.Status{factcheck.StatusPublished}},
	{"corrected", "Corrected", []factcheck.Status{factcheck.StatusCorrected}},
	{"retracted", "Retracted", []factcheck.Status{factcheck.StatusRetracted}},
	{"any", "Any status", nil},
}

// readQueueParams reads the queue's filter. With no parameters at all the
// queue shows what is assigned to the signed-in user and still open.
func readQueueParams(q url.Values) queueParams {
	p := queueParams{Status: q.Get("status"), Assignee: q.Get("assignee"), Author: q.Get("author"), Rating: q.Get("rating"),
		Tag: strings.TrimSpace(q.Get("tag")), Article: q.Get("article"), Q: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"), Page: 1}
	if len(p.Q) > 1000 {
		p.Q = p.Q[:1000]
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		p.Page = min(n, maxPage)
	}
	if p.Status == "mine" { // the old "My claims" link
		p.Status, p.Author = "open", "me"
	}
	if len(q) == 0 {
		p.Status, p.Assignee = "open", "me"
	}
	if p.Status == "" {
		p.Status = "any"
	}
	if p.Assignee == "" {
		p.Assignee = "any"
	}
	if p.Author == "" {
		p.Author = "any"
	}
	return p
}

// query writes the filter back as a query string, for links and pages.
func (p queueParams) query(page int) string {
	v := url.Values{}
	v.Set("status", p.Status)
	v.Set("assignee", p.Assignee)
	for k, val := range map[string]string{"author": p.Author, "rating": p.Rating, "tag": p.Tag, "article": p.Article, "q": p.Q, "sort": p.Sort} {
		if val != "" && val != "any" {
			v.Set(k, val)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/desk/claims?" + v.Encode()
}

// userFilter reads "me", "none", "any" or an id into a store filter value.
func userFilter(v string, me int64, noneOK bool) int64 {
	switch v {
	case "me":
		return me
	case "none":
		if noneOK {
			return store.NoAssignee
		}
	case "any", "":
		return 0
	}
	id, _ := strconv.ParseInt(v, 10, 64)
	return max(id, 0)
}

// filter turns the parameters into the store's filter for user u.
func (p queueParams) filter(u *factcheck.User) store.QueueFilter {
	f := store.QueueFilter{AssigneeID: userFilter(p.Assignee, u.ID, true), AuthorID: userFilter(p.Author, u.ID, false),
		Rating: p.Rating, Tag: p.Tag, Query: p.Q, Sort: p.Sort, Offset: (p.Page - 1) * queuePageSize, Limit: queuePageSize}
	for _, st := range queueStatuses {
		if st.key == p.Status {
			f.Statuses = st.statuses
		}
	}
	f.ArticleID, _ = strconv.ParseInt(p.Article, 10, 64)
	return f
}

// queueTabs are the queue's ready-made views; "Assigned to me" first, the
// default.
var queueTabs = []struct{ label, path string }{
	{"Assigned to me", "/desk/claims"},
	{"My drafts", "/desk/claims?author=me&status=draft"},
	{"Waiting for review", "/desk/claims?status=in_review&sort=waiting"},
	{"All open", "/desk/claims?status=open"},
	{"Published", "/desk/claims?status=public"},
	{"Everything", "/desk/claims?status=any"},
}

// deskClaimList is the desk's queue: a table of claims with filters by
// status, assignee, author, rating, tag and article, full-text search
// over every status, sort orders and pages with no cap.
func (s *Server) deskClaimList(c echo.Context) error {
	ctx := c.Request().Context()
	u := userOf(c)
	p := readQueueParams(c.QueryParams())
	items, total, err := s.store.Queue(ctx, p.filter(u))
	if err != nil {
		return err
	}
	v := views.QueueView{Page: s.page(c, "Queue"), Heading: "Claims", Q: p.Q, Tag: p.Tag, Total: total}
	current := p.query(1)
	for _, t := range queueTabs {
		tp := readQueueParamsFrom(t.path)
		on := tp.query(1) == current
		if on {
			v.Heading = t.label
		}
		v.Tabs = append(v.Tabs, views.Option{Value: t.path, Label: t.label, Selected: on})
	}
	v.Page.Title = v.Heading
	for _, st := range queueStatuses {
		v.Status = append(v.Status, views.Option{Value: st.key, Label: st.label, Selected: st.key == p.Status})
	}
	if err := s.queueChoices(ctx, &v, p); err != nil {
		return err
	}
	now := s.now()
	for i := range items {
		v.Rows = append(v.Rows, queueRow(&items[i].Claim, items[i].Snippet, now))
	}
	if total > 0 {
		v.From = (p.Page-1)*queuePageSize + 1
		v.To = v.From + len(items) - 1
	}
	if p.Page > 1 {
		v.PrevURL = p.query(p.Page - 1)
	}
	if int64(p.Page*queuePageSize) < total {
		v.NextURL = p.query(p.Page + 1)
	}
	if total == 0 && current == readQueueParamsFrom(queueTabs[0].path).query(1) {
		if err := s.queueElsewhere(ctx, &v, u); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, views.QueuePage(v))
}

// queueElsewhere fills an empty "Assigned to me" with what else waits:
// the claims in review and the user's own drafts, each linked to its view.
func (s *Server) queueElsewhere(ctx context.Context, v *views.QueueView, u *factcheck.User) error {
	v.NothingAssigned = true
	for _, w := range []struct {
		one, many, path string
		f               store.QueueFilter
	}{
		{"1 claim is waiting for review", " claims are waiting for review", queueTabs[2].path, store.QueueFilter{Statuses: []factcheck.Status{factcheck.StatusInReview}, Limit: 1}},
		{"1 draft of yours", " drafts of yours", queueTabs[1].path, store.QueueFilter{AuthorID: u.ID, Statuses: []factcheck.Status{factcheck.StatusDraft}, Limit: 1}},
	} {
		_, n, err := s.store.Queue(ctx, w.f)
		if err != nil {
			return err
		}
		switch {
		case n == 1:
			v.Elsewhere = append(v.Elsewhere, views.Option{Value: w.path, Label: w.one})
		case n > 1:
			v.Elsewhere = append(v.Elsewhere, views.Option{Value: w.path, Label: strconv.FormatInt(n, 10) + w.many})
		}
	}
	return nil
}

// readQueueParamsFrom reads the filter of a queue link.
func readQueueParamsFrom(path string) queueParams {
	u, _ := url.Parse(path)
	return readQueueParams(u.Query())
}

// queueChoices fills the queue's filter menus: people, ratings, sorts and
// recent articles (and the chosen one).
func (s *Server) queueChoices(ctx context.Context, v *views.QueueView, p queueParams) error {
	users, err := s.store.Users(ctx)
	if err != nil {
		return err
	}
	v.Assignee = []views.Option{{Value: "any", Label: "Anyone or nobody"}, {Value: "me", Label: "Me"}, {Value: "none", Label: "Nobody"}}
	v.Author = []views.Option{{Value: "any", Label: "Anyone"}, {Value: "me", Label: "Me"}}
	for _, du := range users {
		id := strconv.FormatInt(du.ID, 10)
		v.Assignee = append(v.Assignee, views.Option{Value: id, Label: du.Name})
		v.Author = append(v.Author, views.Option{Value: id, Label: du.Name})
		if du.Active() {
			v.Assignees = append(v.Assignees, views.Option{Value: id, Label: du.Name})
		}
	}
	for i := range v.Assignee {
		v.Assignee[i].Selected = v.Assignee[i].Value == p.Assignee
	}
	for i := range v.Author {
		v.Author[i].Selected = v.Author[i].Value == p.Author
	}
	ratings, err := s.store.Ratings(ctx)
	if err != nil {
		return err
	}
	v.Rating = []views.Option{{Value: "", Label: "Any rating"}}
	for _, r := range ratings {
		v.Rating = append(v.Rating, views.Option{Value: r.Key, Label: r.Label, Selected: r.Key == p.Rating})
	}
	v.Sort = []views.Option{{Value: "", Label: "Last changed"}, {Value: store.SortWaiting, Label: "Waiting longest"},
		{Value: store.SortCreated, Label: "Newest"}, {Value: store.SortRelevance, Label: "Best match (with a search)"}}
	for i := range v.Sort {
		v.Sort[i].Selected = v.Sort[i].Value == p.Sort
	}
	arts, _, err := s.store.ListArticles(ctx, store.ArticleFilter{Limit: 200})
	if err != nil {
		return err
	}
	v.Article = []views.Option{{Value: "", Label: "Any article"}}
	found := p.Article == ""
	for _, a := range arts {
		id := strconv.FormatInt(a.ID, 10)
		found = found || id == p.Article
		v.Article = append(v.Article, views.Option{Value: id, Label: truncate(a.Title, 60), Selected: id == p.Article})
	}
	if !found {
		if id, err := strconv.ParseInt(p.Article, 10, 64); err == nil {
			if a, err := s.store.ArticleByID(ctx, id); err == nil {
				v.Article = append(v.Article, views.Option{Value: p.Article, Label: truncate(a.Title, 60), Selected: true})
			}
		}
	}
	return nil
}

// queueRow is one claim as the queue and the desk home list it.
func queueRow(cl *factcheck.Claim, snippet string, now time.Time) views.QueueRow {
	r := views.QueueRow{ID: cl.ID, URL: deskClaimPath(cl.ID), Statement: cl.Headline(), Status: string(cl.Status), StatusLabel: cl.Status.Label(),
		Updated: when(&cl.UpdatedAt), CanAssign: cl.Status == factcheck.StatusDraft || cl.Status == factcheck.StatusInReview, Version: cl.Version}
	if cl.RatingKey != "" {
		r.Badge = badge(cl.Rating, cl.RatingKey)
	}
	if cl.Status == factcheck.StatusDraft && cl.ReturnNote != "" {
		r.ReturnNote, r.ReturnExcerpt = cl.ReturnNote, truncate(cl.ReturnNote, 60)
	}
	if cl.Article != nil {
		r.Article, r.ArticleURL = truncate(cl.Article.Title, 60), "/desk/articles/"+strconv.FormatInt(cl.Article.ID, 10)
	}
	if cl.Author != nil {
		r.Author = cl.Author.Name
	}
	if cl.Assignee != nil && cl.AssigneeID != nil {
		r.Assignee, r.AssigneeID = cl.Assignee.Name, cl.Assignee.ID
	}
	if t := cl.StatusChangedAt; t != nil {
		r.Waiting = when(t)
		if r.CanAssign {
			r.WaitingFor = waitingWords(*t, now)
		}
	}
	store.SplitSnippet(snippet, func(text string, hit bool) {
		r.Snippet = append(r.Snippet, views.Part{Text: stripMarkdown(text), Mark: hit})
	})
	return r
}

// renderQueueRow answers an assignment made from the queue with the
// claim's row, and a message in it.
func (s *Server) renderQueueRow(c echo.Context, status int, cl *factcheck.Claim, fb views.Feedback) error {
	ctx := c.Request().Context()
	fresh, err := s.store.ClaimByID(ctx, cl.ID)
	if err != nil {
		return err
	}
	v := views.QueueView{Page: s.page(c, "Queue"), Feedback: fb}
	users, err := s.store.Users(ctx)
	if err != nil {
		return err
	}
	for _, du := range users {
		if du.Active() {
			v.Assignees = append(v.Assignees, views.Option{Value: strconv.FormatInt(du.ID, 10), Label: du.Name})
		}
	}
	return s.render(c, status, views.QueueRowView(v, queueRow(fresh, "", s.now()), false))
}

// deskArticleList lists the desk's articles: search, sort and pages.
func (s *Server) deskArticleList(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	if len(q) > 1000 {
		q = q[:1000]
	}
	sortBy := c.QueryParam("sort")
	page := 1
	if n, err := strconv.Atoi(c.QueryParam("page")); err == nil && n > 1 {
		page = min(n, maxPage)
	}
	rows, total, err := s.store.ListArticles(c.Request().Context(), store.ArticleFilter{Query: q, Sort: sortBy, Offset: (page - 1) * queuePageSize, Limit: queuePageSize})
	if err != nil {
		return err
	}
	v := views.ArticleListView{Page: s.page(c, "Articles"), Q: q, Total: total}
	for _, o := range []views.Option{{Value: "", Label: "Newest first"}, {Value: store.SortOldest, Label: "Oldest first"},
		{Value: store.SortTitle, Label: "Headline"}, {Value: store.SortClaims, Label: "Most claims"}} {
		o.Selected = o.Value == sortBy
		v.Sort = append(v.Sort, o)
	}
	for _, r := range rows {
		id := strconv.FormatInt(r.ID, 10)
		v.Rows = append(v.Rows, views.ArticleListRow{URL: "/desk/articles/" + id, Title: r.Title, Outlet: r.Outlet, Published: when(r.PublishedAt),
			Added: whenTime(r.CreatedAt), Claims: r.Claims, Open: r.Open, QueueURL: "/desk/claims?status=any&assignee=any&article=" + id})
	}
	link := func(page int) string {
		u := url.Values{}
		if q != "" {
			u.Set("q", q)
		}
		if sortBy != "" {
			u.Set("sort", sortBy)
		}
		if page > 1 {
			u.Set("page", strconv.Itoa(page))
		}
		if len(u) == 0 {
			return "/desk/articles"
		}
		return "/desk/articles?" + u.Encode()
	}
	if total > 0 {
		v.From = (page-1)*queuePageSize + 1
		v.To = v.From + len(rows) - 1
	}
	if page > 1 {
		v.PrevURL = link(page - 1)
	}
	if int64(page*queuePageSize) < total {
		v.NextURL = link(page + 1)
	}
	return s.render(c, http.StatusOK, views.ArticleListPage(v))
}
