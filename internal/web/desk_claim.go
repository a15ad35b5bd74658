package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/spot"
	"claimdesk/internal/store"
	"claimdesk/views"
)

// renderEditor answers with the claim editor: the partial for htmx, the
// whole page otherwise.
func (s *Server) renderEditor(c echo.Context, status int, v views.DeskClaimView) error {
	if isHTMX(c) {
		return s.render(c, status, views.ClaimEditor(v))
	}
	return s.render(c, status, views.ClaimEditorPage(v))
}

// deskClaim shows the claim editor, or the claim as JSON (drafts included)
// for Accept: application/json.
func (s *Server) deskClaim(c echo.Context) error {
	cl, err := s.deskClaimOf(c)
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusOK, s.claimJSON(cl, true))
	}
	v, err := s.claimEditorView(c.Request().Context(), c, cl)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.ClaimEditorPage(v))
}

// claimEditorView builds the editor's view of cl.
func (s *Server) claimEditorView(ctx context.Context, c echo.Context, cl *factcheck.Claim) (views.DeskClaimView, error) {
	u := userOf(c)
	v := views.DeskClaimView{Page: s.page(c, "Claim: "+truncate(cl.Headline(), 60)), ID: cl.ID, Version: cl.Version, Statement: cl.Statement,
		StatementLong: cl.LongStatement(),
		Status:        string(cl.Status), StatusLabel: statusLabels[cl.Status], Editable: cl.Editable(), CanReview: u.CanReview(),
		Public: cl.Status.Public(), PublicURL: claimPath(cl), Quote: cl.Quote, Claimant: cl.Claimant,
		ClaimDate: dateInput(cl.ClaimDate), Tags: strings.Join(cl.Tags, ", "), RatingKey: cl.RatingKey, Summary: cl.Summary,
		Rationale: cl.Rationale, Preview: renderMarkdown(cl.Rationale), Orphaned: cl.Anchor.Orphaned, Author: "unknown"}
	if cl.Author != nil {
		v.Author = cl.Author.Name
	}
	if cl.Reviewer != nil {
		v.Reviewer = cl.Reviewer.Name
	}
	ratings, err := s.store.Ratings(ctx)
	if err != nil {
		return v, err
	}
	for _, r := range ratings {
		v.Ratings = append(v.Ratings, views.Option{Value: r.Key, Label: r.Label, Selected: r.Key == cl.RatingKey})
	}
	for i, e := range cl.Evidence {
		v.Evidence = append(v.Evidence, views.EvidenceRow{ID: e.ID, URL: e.URL, Title: e.Title, Publisher: e.Publisher,
			PublishedAt: dateInput(e.PublishedAt), Excerpt: e.Excerpt, Stance: string(e.Stance), First: i == 0, Last: i == len(cl.Evidence)-1})
	}
	if a := cl.Article; a != nil {
		v.ArticleTitle, v.ArticleURL = a.Title, "/desk/articles/"+strconv.FormatInt(a.ID, 10)
		if an := cl.Anchor; !an.Orphaned && an.End <= len(a.Body) && an.Start < an.End && a.Body[an.Start:an.End] == an.Exact {
			v.Context = []views.Part{{Text: "…" + an.Prefix}, {Text: an.Exact, Mark: true}, {Text: an.Suffix + "…"}}
		}
	}
	similar, err := s.store.SimilarClaims(ctx, spot.Terms(cl.Quote), cl.ID, 5)
	if err != nil {
		return v, err
	}
	for i := range similar {
		v.Similar = append(v.Similar, card(&similar[i].Claim, ""))
	}
	return v, nil
}

// claimHistory lists every revision with what it changed.
func (s *Server) claimHistory(c echo.Context) error {
	ctx := c.Request().Context()
	cl, err := s.deskClaimOf(c)
	if err != nil {
		return err
	}
	id := cl.ID
	revs, err := s.store.Revisions(ctx, id)
	if err != nil {
		return err
	}
	v := views.HistoryView{Page: s.page(c, "History"), ID: id, Quote: cl.Headline()}
	prev := snapshotFields{}
	for _, r := range revs {
		cur := parseSnapshot(r.Snapshot)
		item := views.HistoryItem{Version: r.Version, Date: r.CreatedAt.UTC().Format("Jan 2, 2006 15:04 UTC"), Note: r.Note, IsCorrection: r.IsCorrection, Editor: "system"}
		if r.Editor != nil {
			item.Editor = r.Editor.Name
		}
		item.Changes = changes(prev, cur)
		prev = cur
		v.Revisions = append([]views.HistoryItem{item}, v.Revisions...)
	}
	return s.render(c, http.StatusOK, views.HistoryPage(v))
}

// preview renders rationale markdown for the live preview.
func (s *Server) preview(c echo.Context) error {
	return s.render(c, http.StatusOK, views.Preview(renderMarkdown(c.FormValue("rationale"))))
}

// deskClaimList lists claims on the desk by status.
func (s *Server) deskClaimList(c echo.Context) error {
	status := c.QueryParam("status")
	f := store.ClaimFilter{Limit: 100}
	heading := "Published"
	switch status {
	case "draft", "in_review", "corrected", "retracted", "published":
		f.Statuses = []factcheck.Status{factcheck.Status(status)}
		heading = statusLabels[factcheck.Status(status)]
	case "mine":
		f.Statuses = []factcheck.Status{factcheck.StatusDraft, factcheck.StatusInReview}
		f.AuthorID = userOf(c).ID
		heading = "My open claims"
	}
	hits, _, err := s.store.ListClaims(c.Request().Context(), f)
	if err != nil {
		return err
	}
	v := views.DeskListView{Page: s.page(c, heading), Heading: heading}
	for _, st := range []string{"mine", "draft", "in_review", "published", "corrected", "retracted"} {
		label := statusLabels[factcheck.Status(st)]
		if st == "mine" {
			label = "Mine"
		}
		v.Filters = append(v.Filters, views.Option{Value: "/desk/claims?status=" + st, Label: label, Selected: st == status})
	}
	for i := range hits {
		v.Cards = append(v.Cards, deskCard(&hits[i].Claim))
	}
	return s.render(c, http.StatusOK, views.DeskListPage(v))
}
