package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/spot"
	"claimdesk/internal/store"
	"claimdesk/views"
)

// claimInput is everything a desk write may carry, from a form or JSON.
type claimInput struct {
	Version     *int     `json:"version" form:"version"`
	Quote       *string  `json:"quote" form:"quote"`
	Claimant    *string  `json:"claimant" form:"claimant"`
	ClaimDate   *string  `json:"claim_date" form:"claim_date"`
	Tags        *string  `form:"tags"`
	TagList     []string `json:"tags"`
	Rating      *string  `json:"rating" form:"rating"`
	Summary     *string  `json:"summary" form:"summary"`
	Rationale   *string  `json:"rationale" form:"rationale"`
	Note        string   `json:"note" form:"note"`
	URL         string   `json:"url" form:"url"`
	Title       string   `json:"title" form:"title"`
	Publisher   string   `json:"publisher" form:"publisher"`
	PublishedAt string   `json:"published_at" form:"published_at"`
	Excerpt     string   `json:"excerpt" form:"excerpt"`
	Stance      string   `json:"stance" form:"stance"`
	Dir         string   `json:"dir" form:"dir"`
}

// claimOp is one kind of desk write. It returns the revision note and the
// change to apply inside the store's transaction; status is the HTTP status
// of a JSON success.
type claimOp struct {
	status    int
	needsBody bool
	run       func(s *Server, c echo.Context, u *factcheck.User, in *claimInput) (note string, change func(*factcheck.Claim) error, err error)
}

// claimOps maps each desk write path to its operation.
func (s *Server) claimOps() map[string]claimOp {
	now := func() time.Time { return s.now() }
	return map[string]claimOp{
		"/details": {http.StatusOK, true, func(s *Server, c echo.Context, u *factcheck.User, in *claimInput) (string, func(*factcheck.Claim) error, error) {
			date, err := parseDate("claim_date", in.ClaimDate)
			if err != nil {
				return "", nil, err
			}
			return "Edited the claim", func(cl *factcheck.Claim) error {
				if err := cl.CheckEditable(); err != nil {
					return err
				}
				setIf(&cl.Quote, in.Quote)
				setIf(&cl.Claimant, in.Claimant)
				if in.ClaimDate != nil {
					cl.ClaimDate = date
				}
				if in.Tags != nil {
					cl.Tags = strings.Split(*in.Tags, ",")
				} else if in.TagList != nil {
					cl.Tags = in.TagList
				}
				return nil
			}, nil
		}},
		"/verdict": {http.StatusOK, true, func(s *Server, c echo.Context, u *factcheck.User, in *claimInput) (string, func(*factcheck.Claim) error, error) {
			if in.Version == nil && isJSON(c) {
				return "", nil, factcheck.FieldError("version", "Send the claim's version with every verdict, so a colleague's change is not overwritten.")
			}
			return "Set the verdict", func(cl *factcheck.Claim) error {
				if err := cl.CheckEditable(); err != nil {
					return err
				}
				setIf(&cl.RatingKey, in.Rating)
				setIf(&cl.Summary, in.Summary)
				setIf(&cl.Rationale, in.Rationale)
				return nil
			}, nil
		}},
		"/evidence": {http.StatusCreated, true, func(s *Server, c echo.Context, u *factcheck.User, in *claimInput) (string, func(*factcheck.Claim) error, error) {
			ev, err := evidenceFrom(in)
			if err != nil {
				return "", nil, err
			}
			return "Added a source", func(cl *factcheck.Claim) error {
				if err := cl.CheckEditable(); err != nil {
					return err
				}
				cl.Evidence = append(cl.Evidence, ev)
				return nil
			}, nil
		}},
		"/evidence/:eid": {http.StatusOK, true, func(s *Server, c echo.Context, u *factcheck.User, in *claimInput) (string, func(*factcheck.Claim) error, error) {
			ev, err := evidenceFrom(in)
			if err != nil {
				return "", nil, err
			}
			return "Edited a source", withEvidence(c, func(cl *factcheck.Claim, i int) {
				ev.ID, ev.CreatedAt = cl.Evidence[i].ID, cl.Evidence[i].CreatedAt
				cl.Evidence[i] = ev
			}), nil
		}},
		"/evidence/:eid/delete": {http.StatusOK, false, func(s *Server, c echo.Context, u *factcheck.User, in *claimInput) (string, func(*factcheck.Claim) error, error) {
			return "Removed a source", withEvidence(c, func(cl *factcheck.Claim, i int) {
				cl.Evidence = append(cl.Evidence[:i], cl.Evidence[i+1:]...)
			}), nil
		}},
		"/evidence/:eid/move": {http.StatusOK, false, func(s *Server, c echo.Context, u *factcheck.User, in *claimInput) (string, func(*factcheck.Claim) error, error) {
			return "Reordered the sources", withEvidence(c, func(cl *factcheck.Claim, i int) {
				j := i - 1
				if in.Dir == "down" {
					j = i + 1
				}
				if j >= 0 && j < len(cl.Evidence) {
					cl.Evidence[i], cl.Evidence[j] = cl.Evidence[j], cl.Evidence[i]
				}
			}), nil
		}},
		"/submit": {http.StatusOK, false, func(s *Server, c echo.Context, u *factcheck.User, in *claimInput) (string, func(*factcheck.Claim) error, error) {
			return "Submitted for review", func(cl *factcheck.Claim) error { return cl.Submit(u) }, nil
		}},
		"/return": {http.StatusOK, false, func(s *Server, c echo.Context, u *factcheck.User, in *claimInput) (string, func(*factcheck.Claim) error, error) {
			return "Returned to draft", func(cl *factcheck.Claim) error { return cl.ReturnToDraft(u) }, nil
		}},
		"/publish": {http.StatusOK, false, func(s *Server, c echo.Context, u *factcheck.User, in *claimInput) (string, func(*factcheck.Claim) error, error) {
			return "Published", func(cl *factcheck.Claim) error { return cl.Publish(u, now(), s.cfg.RequireOtherReviewer) }, nil
		}},
		"/correct": {http.StatusOK, true, func(s *Server, c echo.Context, u *factcheck.User, in *claimInput) (string, func(*factcheck.Claim) error, error) {
			return strings.TrimSpace(in.Note), func(cl *factcheck.Claim) error {
				if !u.CanReview() {
					return factcheck.Errorf(factcheck.EFORBIDDEN, "Only reviewers and admins can correct published claims.")
				}
				setIf(&cl.RatingKey, in.Rating)
				setIf(&cl.Summary, in.Summary)
				setIf(&cl.Rationale, in.Rationale)
				return cl.Correct(u, in.Note, now())
			}, nil
		}},
		"/retract": {http.StatusOK, true, func(s *Server, c echo.Context, u *factcheck.User, in *claimInput) (string, func(*factcheck.Claim) error, error) {
			return strings.TrimSpace(in.Note), func(cl *factcheck.Claim) error { return cl.Retract(u, in.Note, now()) }, nil
		}},
	}
}

func setIf(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func isJSON(c echo.Context) bool {
	return strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON)
}

// withEvidence finds the evidence named by :eid on the claim and applies fn.
func withEvidence(c echo.Context, fn func(cl *factcheck.Claim, i int)) func(*factcheck.Claim) error {
	eid, _ := strconv.ParseInt(c.Param("eid"), 10, 64)
	return func(cl *factcheck.Claim) error {
		if err := cl.CheckEditable(); err != nil {
			return err
		}
		for i := range cl.Evidence {
			if cl.Evidence[i].ID == eid {
				fn(cl, i)
				return nil
			}
		}
		return factcheck.Errorf(factcheck.ENOTFOUND, "That source is no longer on this claim.")
	}
}

func evidenceFrom(in *claimInput) (factcheck.Evidence, error) {
	date, err := parseDate("published_at", &in.PublishedAt)
	if err != nil {
		return factcheck.Evidence{}, err
	}
	ev := factcheck.Evidence{URL: in.URL, Title: in.Title, Publisher: in.Publisher, PublishedAt: date, Excerpt: in.Excerpt, Stance: factcheck.Stance(in.Stance)}
	ev.Normalize()
	return ev, ev.Validate()
}

// parseDate reads an optional YYYY-MM-DD (or RFC 3339) date.
func parseDate(field string, s *string) (*time.Time, error) {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil, nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, strings.TrimSpace(*s)); err == nil {
			return &t, nil
		}
	}
	return nil, factcheck.FieldError(field, "Dates look like 2024-11-20.")
}

// bindInput reads a form or JSON body; a body that cannot be parsed is a
// 400 malformed error rather than a silent empty input.
func bindInput(c echo.Context, dst any) error {
	if err := (&echo.DefaultBinder{}).BindBody(c, dst); err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			if he.Code == http.StatusRequestEntityTooLarge {
				return factcheck.Errorf(factcheck.ETOOLARGE, "The request body is too large.")
			}
			return factcheck.Errorf(factcheck.EMALFORMED, "The request body could not be read: send valid JSON or form data.")
		}
		return err
	}
	return nil
}

// claimWrite turns a claimOp into a handler serving the desk (htmx partial,
// or a redirect without JavaScript) and the JSON API.
func (s *Server) claimWrite(op claimOp) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		u := userOf(c)
		id, err := claimID(c)
		if err != nil {
			return err
		}
		var in claimInput
		if op.needsBody || c.Request().ContentLength != 0 {
			if err := bindInput(c, &in); err != nil {
				return err
			}
		}
		cur, err := s.store.ClaimByID(ctx, id)
		if err != nil {
			return err
		}
		version := cur.Version
		if in.Version != nil {
			version = *in.Version
		}
		note, change, err := op.run(s, c, u, &in)
		var updated *factcheck.Claim
		if err == nil {
			updated, err = s.store.UpdateClaim(ctx, id, version, u, note, change)
		}
		if wantsJSON(c) || isJSON(c) {
			if err != nil {
				return err
			}
			return c.JSON(op.status, updated)
		}
		if err != nil {
			if factcheck.ErrorCode(err) == factcheck.EINTERNAL {
				return err
			}
			v, verr := s.claimEditorView(ctx, c, cur)
			if verr != nil {
				return verr
			}
			s.explain(ctx, &v, err, version, &in)
			return s.renderEditor(c, statusOf(factcheck.ErrorCode(err)), v)
		}
		if !isHTMX(c) {
			return c.Redirect(http.StatusSeeOther, "/desk/claims/"+strconv.FormatInt(id, 10))
		}
		v, err := s.claimEditorView(ctx, c, updated)
		if err != nil {
			return err
		}
		v.Notice = note + "."
		return s.renderEditor(c, http.StatusOK, v)
	}
}

// explain puts an error on the editor: next to its field, as a banner, or
// for a stale version as a conflict report with the other editor's changes
// and what this editor tried to save.
func (s *Server) explain(ctx context.Context, v *views.DeskClaimView, err error, yourVersion int, in *claimInput) {
	if factcheck.ErrorCode(err) == factcheck.ECONFLICT && yourVersion != v.Version {
		cv := &views.ConflictView{YourVersion: yourVersion, TheirVersion: v.Version, Editor: "A colleague"}
		if revs, rerr := s.store.Revisions(ctx, v.ID); rerr == nil && len(revs) > 0 {
			var mine, theirs *factcheck.Revision
			for i := range revs {
				if revs[i].Version == yourVersion {
					mine = &revs[i]
				}
			}
			theirs = &revs[len(revs)-1]
			if theirs.Editor != nil {
				cv.Editor = theirs.Editor.Name
			}
			if mine != nil {
				cv.Changes = changes(parseSnapshot(mine.Snapshot), parseSnapshot(theirs.Snapshot))
			}
		}
		for _, f := range []struct {
			name string
			val  *string
		}{{"Quote", in.Quote}, {"Claimant", in.Claimant}, {"Rating", in.Rating}, {"Summary", in.Summary}, {"Rationale", in.Rationale}, {"Note", &in.Note}, {"Source title", &in.Title}, {"Source URL", &in.URL}, {"Excerpt", &in.Excerpt}} {
			if f.val != nil && strings.TrimSpace(*f.val) != "" {
				cv.YourInput = append(cv.YourInput, views.FieldChange{Field: f.name, New: *f.val})
			}
		}
		v.Conflict = cv
		return
	}
	if field := factcheck.ErrorField(err); field != "" {
		v.Errors = views.FieldErrors{field: factcheck.ErrorMessage(err)}
		if field == "url" || field == "title" || field == "stance" || field == "excerpt" {
			v.Errors["evidence"] = factcheck.ErrorMessage(err)
		}
		// Keep what the editor typed so nothing is lost.
		setIf(&v.Quote, in.Quote)
		setIf(&v.Claimant, in.Claimant)
		setIf(&v.Summary, in.Summary)
		setIf(&v.Rationale, in.Rationale)
	}
	v.Error = factcheck.ErrorMessage(err)
}

func (s *Server) renderEditor(c echo.Context, status int, v views.DeskClaimView) error {
	if isHTMX(c) {
		return s.render(c, status, views.ClaimEditor(v))
	}
	return s.render(c, status, views.ClaimEditorPage(v))
}

// deskClaim shows the claim editor, or the claim as JSON (drafts included)
// for Accept: application/json.
func (s *Server) deskClaim(c echo.Context) error {
	id, err := claimID(c)
	if err != nil {
		return err
	}
	cl, err := s.store.ClaimByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusOK, cl)
	}
	v, err := s.claimEditorView(c.Request().Context(), c, cl)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.ClaimEditorPage(v))
}

var statusLabels = map[factcheck.Status]string{
	factcheck.StatusDraft: "Draft", factcheck.StatusInReview: "In review", factcheck.StatusPublished: "Published",
	factcheck.StatusCorrected: "Corrected", factcheck.StatusRetracted: "Retracted",
}

// claimEditorView builds the editor's view of cl.
func (s *Server) claimEditorView(ctx context.Context, c echo.Context, cl *factcheck.Claim) (views.DeskClaimView, error) {
	u := userOf(c)
	v := views.DeskClaimView{Page: s.page(c, "Claim: "+truncate(cl.Quote, 60)), ID: cl.ID, Version: cl.Version,
		Status: string(cl.Status), StatusLabel: statusLabels[cl.Status], Editable: cl.Editable(), CanReview: u.CanReview(),
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

func dateInput(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// claimHistory lists every revision with what it changed.
func (s *Server) claimHistory(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := claimID(c)
	if err != nil {
		return err
	}
	cl, err := s.store.ClaimByID(ctx, id)
	if err != nil {
		return err
	}
	revs, err := s.store.Revisions(ctx, id)
	if err != nil {
		return err
	}
	v := views.HistoryView{Page: s.page(c, "History"), ID: id, Quote: cl.Quote}
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
		cd := card(&hits[i].Claim, "")
		cd.URL = "/desk/claims/" + strconv.FormatInt(hits[i].ID, 10)
		v.Cards = append(v.Cards, cd)
	}
	return s.render(c, http.StatusOK, views.DeskListPage(v))
}
