package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// deskClaim shows the claim editor, or the claim as JSON (drafts included)
// for Accept: application/json. With ?mode=correct a reviewer gets the
// editor in correction mode; htmx, switching the mode in place, gets the
// editor alone.
func (s *Server) deskClaim(c echo.Context) error {
	cl, err := s.deskClaimOf(c)
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusOK, s.claimJSON(cl, true))
	}
	ctx := c.Request().Context()
	v, err := s.claimEditorView(ctx, c, cl)
	if err != nil {
		return err
	}
	// ?made=N follows "Create claims": N claims came from one selection
	// and this is the first. Only a number the selection could have made
	// is shown, and only as the number read.
	if n, err := strconv.Atoi(c.QueryParam("made")); err == nil && n > 1 && n <= maxSentences && cl.Status == factcheck.StatusDraft {
		v.Made = n
	}
	// ?mode=correct opens the correction mode, with or without script.
	if c.QueryParam("mode") == "correct" {
		if err := s.correctionMode(ctx, &v, cl, &claimInput{}); err != nil {
			return err
		}
	}
	if isHTMX(c) && c.Request().Header.Get("HX-Target") == "editor" {
		return s.render(c, http.StatusOK, views.ClaimEditor(v))
	}
	return s.render(c, http.StatusOK, views.ClaimEditorPage(v))
}

// readinessLabels are the checklist items as the editor's list names them.
var readinessLabels = map[string]string{
	"statement": "Statement", "claimant": "Claimant", "claim_date": "Date of the claim", "rating": "Rating",
	"summary": "One-line summary", "rationale": "Rationale", "evidence": "At least one source",
}

func readinessRows(items []factcheck.ReadinessItem) []views.ReadinessRow {
	rows := make([]views.ReadinessRow, len(items))
	for i, it := range items {
		rows[i] = views.ReadinessRow{Field: it.Field, Label: readinessLabels[it.Field], Done: it.Done}
	}
	return rows
}

// evidenceRow is one source as the editor shows it; i is its place among n.
func evidenceRow(e factcheck.Evidence, i, n int) views.EvidenceRow {
	return views.EvidenceRow{ID: e.ID, URL: e.URL, Title: e.Title, Publisher: e.Publisher, PublishedAt: dateInput(e.PublishedAt),
		Excerpt: e.Excerpt, Stance: string(e.Stance), StanceText: stanceWords(string(e.Stance)), Date: when(e.PublishedAt),
		First: i == 0, Last: i == n-1, Position: i}
}

// words returns the wording of the desk's rating scale.
func (s *Server) words(ctx context.Context) (wording, []factcheck.Rating, error) {
	ratings, err := s.store.Ratings(ctx)
	if err != nil {
		return wording{}, nil, err
	}
	w := wording{ratings: map[string]string{}}
	for _, r := range ratings {
		w.ratings[r.Key] = r.Label
	}
	return w, ratings, nil
}

// claimEditorView builds the editor's view of cl: the claim, its sources,
// checklist, assignee, comments, the reviewer's note, what changed since
// the last submission, and published claims that may check the same.
func (s *Server) claimEditorView(ctx context.Context, c echo.Context, cl *factcheck.Claim) (views.DeskClaimView, error) {
	u := userOf(c)
	v := views.DeskClaimView{Page: s.page(c, "Claim: "+truncate(cl.Headline(), 60)), ID: cl.ID, Version: cl.Version, Statement: cl.Statement,
		StatementLong: cl.LongStatement(), Status: string(cl.Status), StatusLabel: cl.Status.Label(), Editable: cl.Editable(), CanReview: u.CanReview(),
		IsAuthor: cl.AuthorID != nil && u != nil && *cl.AuthorID == u.ID,
		Public:   cl.Status.Public(), PublicURL: claimPath(cl), Quote: cl.Quote, Claimant: cl.Claimant,
		ClaimDate: dateInput(cl.ClaimDate), Tags: strings.Join(cl.Tags, ", "), RatingKey: cl.RatingKey, Summary: cl.Summary,
		Rationale: cl.Rationale, Preview: renderMarkdown(cl.Rationale), Orphaned: cl.Anchor.Orphaned, Author: "unknown",
		ReturnNote: cl.ReturnNote, Readiness: readinessRows(cl.Readiness()), Saved: whenTime(cl.UpdatedAt)}
	v.CanCorrect = u.CanReview() && (cl.Status == factcheck.StatusPublished || cl.Status == factcheck.StatusCorrected)
	if cl.Author != nil {
		v.Author = cl.Author.Name
	}
	switch {
	case v.IsAuthor:
		v.ReturnedTo = "Returned to you"
	case cl.Author != nil:
		v.ReturnedTo = "Returned to " + cl.Author.Name
	default:
		v.ReturnedTo = "Returned to draft"
	}
	if cl.Reviewer != nil {
		v.Reviewer = cl.Reviewer.Name
	}
	if cl.Assignee != nil && cl.AssigneeID != nil {
		v.AssigneeID, v.Assignee = cl.Assignee.ID, cl.Assignee.Name
	}
	_, ratings, err := s.words(ctx)
	if err != nil {
		return v, err
	}
	for _, r := range ratings {
		v.Ratings = append(v.Ratings, views.Option{Value: r.Key, Label: r.Label, Selected: r.Key == cl.RatingKey})
	}
	for i, e := range cl.Evidence {
		v.Evidence = append(v.Evidence, evidenceRow(e, i, len(cl.Evidence)))
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		return v, err
	}
	for _, du := range users {
		if du.Active() {
			v.Assignees = append(v.Assignees, views.Option{Value: strconv.FormatInt(du.ID, 10), Label: du.Name, Selected: cl.AssigneeID != nil && *cl.AssigneeID == du.ID})
		}
	}
	if a := cl.Article; a != nil {
		v.ArticleTitle, v.ArticleURL = a.Title, "/desk/articles/"+strconv.FormatInt(a.ID, 10)
		if an := cl.Anchor; !an.Orphaned && an.End <= len(a.Body) && an.Start < an.End && a.Body[an.Start:an.End] == an.Exact {
			v.Context = quoteContext(a.Body, an)
		}
		if err := s.nextClaim(ctx, &v, cl); err != nil {
			return v, err
		}
	}
	comments, err := s.store.Comments(ctx, cl.ID)
	if err != nil {
		return v, err
	}
	for _, cm := range comments {
		name := "someone"
		if cm.Author != nil {
			name = cm.Author.Name
		}
		v.Comments = append(v.Comments, views.CommentView{Author: name, Body: cm.Body, At: whenTime(cm.CreatedAt)})
	}
	if err := s.reviewHistory(ctx, &v, cl); err != nil {
		return v, err
	}
	v.Similar = s.alreadyChecked(ctx, cl)
	return v, nil
}

// quoteContext is the quote in its article context for the editor: the
// anchor's text around it, cut at word boundaries (an ellipsis marks a
// cut; the body's own start or end is shown as is).
func quoteContext(body string, an factcheck.Anchor) []views.Part {
	pre, post := an.Prefix, an.Suffix
	if ps := an.Start - len(pre); ps > 0 {
		if r, _ := utf8.DecodeLastRuneInString(body[:ps]); !unicode.IsSpace(r) {
			// The context starts inside a word: drop that word's end.
			if i := strings.IndexFunc(pre, unicode.IsSpace); i >= 0 {
				pre = pre[i:]
			} else {
				pre = ""
			}
		}
		pre = "…" + strings.TrimLeftFunc(pre, unicode.IsSpace)
	}
	if se := an.End + len(post); se < len(body) {
		if r, _ := utf8.DecodeRuneInString(body[se:]); !unicode.IsSpace(r) {
			if i := strings.LastIndexFunc(post, unicode.IsSpace); i >= 0 {
				post = post[:i]
			} else {
				post = ""
			}
		}
		post = strings.TrimRightFunc(post, unicode.IsSpace) + "…"
	}
	return []views.Part{{Text: pre}, {Text: an.Exact, Mark: true}, {Text: post}}
}

// nextClaim points the editor at the next open claim from the same
// article, in the order of the text (then the first one before it).
func (s *Server) nextClaim(ctx context.Context, v *views.DeskClaimView, cl *factcheck.Claim) error {
	siblings, err := s.store.ArticleClaims(ctx, *cl.ArticleID, factcheck.StatusDraft)
	if err != nil {
		return err
	}
	var first, next *factcheck.Claim
	for i := range siblings {
		o := &siblings[i]
		if o.ID == cl.ID {
			continue
		}
		if first == nil {
			first = o
		}
		if next == nil && (o.Anchor.Start > cl.Anchor.Start || o.Anchor.Start == cl.Anchor.Start && o.ID > cl.ID) {
			next = o
		}
	}
	if next == nil {
		next = first
	}
	if next != nil {
		v.NextURL, v.NextText = deskClaimPath(next.ID), truncate(next.Headline(), 50)
	}
	return nil
}

// reviewHistory fills in who returned the claim and when, and for a claim
// in review what changed since its previous submission.
func (s *Server) reviewHistory(ctx context.Context, v *views.DeskClaimView, cl *factcheck.Claim) error {
	if cl.ReturnNote == "" && cl.Status != factcheck.StatusInReview {
		return nil
	}
	revs, err := s.store.Revisions(ctx, cl.ID)
	if err != nil {
		return err
	}
	var submissions []snapshotFields
	prevStatus := ""
	for _, r := range revs {
		snap := parseSnapshot(r.Snapshot)
		if snap.Status == string(factcheck.StatusInReview) && prevStatus == string(factcheck.StatusDraft) {
			submissions = append(submissions, snap)
		}
		if snap.Status == string(factcheck.StatusDraft) && prevStatus == string(factcheck.StatusInReview) && strings.HasPrefix(r.Note, "Returned to draft") {
			v.ReturnedBy, v.ReturnedAt = "A reviewer", whenTime(r.CreatedAt)
			if r.Editor != nil {
				v.ReturnedBy = r.Editor.Name
			}
		}
		prevStatus = snap.Status
	}
	if cl.Status == factcheck.StatusInReview {
		if len(submissions) < 2 {
			v.FirstSubmission = true
			return nil
		}
		w, _, err := s.words(ctx)
		if err != nil {
			return err
		}
		var diff []views.FieldChange
		for _, fc := range changes(submissions[len(submissions)-2], submissions[len(submissions)-1], w) {
			if fc.Field != "Status" {
				diff = append(diff, fc)
			}
		}
		v.SinceSubmitted = diff
	}
	return nil
}

// claimHistory lists every revision with what it changed, in words.
func (s *Server) claimHistory(c echo.Context) error {
	ctx := c.Request().Context()
	cl, err := s.deskClaimOf(c)
	if err != nil {
		return err
	}
	revs, err := s.store.Revisions(ctx, cl.ID)
	if err != nil {
		return err
	}
	w, _, err := s.words(ctx)
	if err != nil {
		return err
	}
	v := views.HistoryView{Page: s.page(c, "History"), ID: cl.ID, Quote: cl.Headline()}
	prev := snapshotFields{}
	for _, r := range revs {
		cur := parseSnapshot(r.Snapshot)
		item := views.HistoryItem{Version: r.Version, Date: whenTime(r.CreatedAt), Note: r.Note, IsCorrection: r.IsCorrection, Editor: "system"}
		if r.IsCorrection {
			item.Note = publicNote(r.Note) // as readers see it
		}
		if r.Editor != nil {
			item.Editor = r.Editor.Name
		}
		item.Changes = changes(prev, cur, w)
		prev = cur
		v.Revisions = append([]views.HistoryItem{item}, v.Revisions...)
	}
	return s.render(c, http.StatusOK, views.HistoryPage(v))
}

// preview renders rationale markdown for the live preview.
func (s *Server) preview(c echo.Context) error {
	return s.render(c, http.StatusOK, views.Preview(renderMarkdown(c.FormValue("rationale"))))
}

// publishPreview is the step before publishing: the card as readers will
// see it, with the button that publishes it (a partial for htmx).
func (s *Server) publishPreview(c echo.Context) error {
	cl, err := s.deskClaimOf(c)
	if err != nil {
		return err
	}
	if cl.Status != factcheck.StatusInReview {
		return factcheck.Errorf(factcheck.ECONFLICT, "Only claims in review can be published; this claim is %s.", strings.ToLower(cl.Status.Label()))
	}
	preview := *cl
	now := s.now().UTC()
	preview.PublishedAt = &now
	preview.Status = factcheck.StatusPublished
	v := views.PublishPreviewView{Page: s.page(c, "Publish"), ID: cl.ID, Version: cl.Version, Card: card(&preview, "")}
	if isHTMX(c) {
		return s.render(c, http.StatusOK, views.PublishStep(v))
	}
	return s.render(c, http.StatusOK, views.PublishPreviewPage(v))
}

// correctionPreview shows the card as readers will see it once the
// correction in the form is published; nothing is stored.
func (s *Server) correctionPreview(c echo.Context) error {
	cl, err := s.deskClaimOf(c)
	if err != nil {
		return err
	}
	var in claimInput
	if err := bindInput(c, &in); err != nil {
		return err
	}
	cd, err := s.correctionCard(c.Request().Context(), cl, &in)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, views.CorrectionPreview(cd))
}

// correctionCard is cl's card as readers will see it with the correction
// in (typed in the editor's correction mode) published; a note not yet
// written is shown as a place to write one.
func (s *Server) correctionCard(ctx context.Context, cl *factcheck.Claim, in *claimInput) (views.Card, error) {
	preview := *cl
	setIf(&preview.RatingKey, in.Rating)
	setIf(&preview.Summary, in.Summary)
	if preview.RatingKey != cl.RatingKey {
		preview.Rating = nil
		ratings, err := s.store.Ratings(ctx)
		if err != nil {
			return views.Card{}, err
		}
		for i := range ratings {
			if ratings[i].Key == preview.RatingKey {
				preview.Rating = &ratings[i]
			}
		}
	}
	preview.Status = factcheck.StatusCorrected
	preview.CorrectionNote = strings.TrimSpace(in.Note)
	cd := card(&preview, "")
	if cd.Note == "" {
		cd.Note = "(write the public note)"
	}
	return cd, nil
}

// correctionMode opens the editor's correction mode on v (a reviewer's
// published or corrected claim only; for anyone else it stays closed):
// the verdict becomes editable, with the public note and the card as
// readers will see it, from what in holds.
func (s *Server) correctionMode(ctx context.Context, v *views.DeskClaimView, cl *factcheck.Claim, in *claimInput) error {
	if !v.CanCorrect {
		return nil
	}
	cd, err := s.correctionCard(ctx, cl, in)
	if err != nil {
		return err
	}
	v.Correcting, v.CorrectionNote, v.CorrectionCard = true, in.Note, cd
	return nil
}

// explain puts a refused write on the editor without touching what was
// typed: the message next to the control that sent it, a field's message
// under the field, every missing item of the checklist, or a conflict
// opened in place, field by field.
func (s *Server) explain(ctx context.Context, v *views.DeskClaimView, op claimOp, err error, res *opResult) {
	in := &res.in
	v.Feedback = views.Feedback{ID: op.feedback, Message: factcheck.ErrorMessage(err), Bad: true}
	if factcheck.ErrorCode(err) == factcheck.ECONFLICT && res.version != v.Version {
		v.Conflict = s.conflict(ctx, res)
		v.Feedback.Message = "Not saved: " + v.Conflict.Editor + " saved this claim first. See the fields above."
		return
	}
	if missing := factcheck.ErrorMissing(err); len(missing) > 0 {
		// The list below names every missing item; the message says so
		// once, as the list's lead ("… this claim needs:").
		if lead, _, ok := strings.Cut(v.Feedback.Message, " needs "); ok {
			v.Feedback.Message = lead + " needs:"
		}
		done := map[string]bool{}
		for _, r := range v.Readiness {
			done[r.Field] = true
		}
		for _, m := range missing {
			done[m.Field] = false
			v.Feedback.Items = append(v.Feedback.Items, readinessLabels[m.Field])
		}
		for i := range v.Readiness {
			v.Readiness[i].Done = done[v.Readiness[i].Field]
		}
	}
	if field := factcheck.ErrorField(err); field != "" && field != factcheck.FieldReadiness {
		v.Errors = views.FieldErrors{field: factcheck.ErrorMessage(err)}
		if field == "note" && op.noteBeside {
			v.Feedback.Message = ""
		}
	}
	// A page rendered whole keeps what the editor typed.
	setIf(&v.Statement, in.Statement)
	setIf(&v.Quote, in.Quote)
	setIf(&v.Claimant, in.Claimant)
	setIf(&v.ClaimDate, in.ClaimDate)
	setIf(&v.Tags, in.Tags)
	setIf(&v.Summary, in.Summary)
	setIf(&v.Rationale, in.Rationale)
	if in.Rating != nil {
		for i := range v.Ratings {
			v.Ratings[i].Selected = v.Ratings[i].Value == *in.Rating
		}
	}
	if op.answer == answerEvidence && in.URL != "" {
		v.NewSource = views.EvidenceRow{URL: in.URL, Title: in.Title, Publisher: in.Publisher, PublishedAt: in.PublishedAt, Excerpt: in.Excerpt, Stance: in.Stance}
		if f := factcheck.ErrorField(err); f != "" {
			v.Errors = views.FieldErrors{f: factcheck.ErrorMessage(err)}
		}
	}
}

// formField is one field of the claim form as a conflict compares it:
// its value in a revision snapshot, on the claim, and as typed, each
// normalized the way the store would keep it, and in words.
type formField struct {
	name, label string
	snap        func(snapshotFields) string
	claim       func(*factcheck.Claim) string
	typed       func(*claimInput) *string
}

var formFields = []formField{
	{"statement", "Statement", func(f snapshotFields) string { return f.Statement }, func(c *factcheck.Claim) string { return c.Statement }, func(in *claimInput) *string { return in.Statement }},
	{"quote", "Quote", func(f snapshotFields) string { return f.Quote }, func(c *factcheck.Claim) string { return c.Quote }, func(in *claimInput) *string { return in.Quote }},
	{"claimant", "Claimant", func(f snapshotFields) string { return f.Claimant }, func(c *factcheck.Claim) string { return c.Claimant }, func(in *claimInput) *string { return in.Claimant }},
	{"claim_date", "Date of the claim", func(f snapshotFields) string { return f.ClaimDate }, func(c *factcheck.Claim) string { return dateInput(c.ClaimDate) }, func(in *claimInput) *string { return in.ClaimDate }},
	{"tags", "Tags", func(f snapshotFields) string { return strings.Join(f.Tags, ", ") }, func(c *factcheck.Claim) string { return strings.Join(c.Tags, ", ") }, func(in *claimInput) *string { return in.Tags }},
	{"rating", "Rating", func(f snapshotFields) string { return f.Rating }, func(c *factcheck.Claim) string { return c.RatingKey }, func(in *claimInput) *string { return in.Rating }},
	{"summary", "Summary", func(f snapshotFields) string { return f.Summary }, func(c *factcheck.Claim) string { return c.Summary }, func(in *claimInput) *string { return in.Summary }},
	{"rationale", "Rationale", func(f snapshotFields) string { return f.Rationale }, func(c *factcheck.Claim) string { return c.Rationale }, func(in *claimInput) *string { return in.Rationale }},
}

// normalize puts a typed value of field name into the form the store
// keeps, so only real differences count as conflicts.
func normalize(name, val string) string {
	switch name {
	case "quote", "rationale":
		return strings.TrimSpace(factcheck.CleanText(val))
	case "tags":
		return strings.Join(factcheck.NormalizeTags(strings.Split(val, ",")), ", ")
	case "claim_date":
		if t, err := parseDate(name, &val); err == nil && t != nil {
			return t.Format("2006-01-02")
		}
		return strings.TrimSpace(val)
	}
	return factcheck.CleanLine(val)
}

// conflict compares what the editor typed with the version they started
// from and the colleague's newer one, field by field: both changed it (a
// choice to make), only the colleague did (taken into the form), or only
// the editor did (kept, and saved on the next try).
func (s *Server) conflict(ctx context.Context, res *opResult) *views.ConflictView {
	cur := res.before
	cv := &views.ConflictView{YourVersion: res.version, TheirVersion: cur.Version, Editor: "A colleague", Locked: !cur.Editable(), Status: strings.ToLower(cur.Status.Label())}
	revs, err := s.store.Revisions(ctx, cur.ID)
	w, _, werr := s.words(ctx)
	if err != nil || werr != nil || len(revs) == 0 {
		return cv
	}
	var mine *snapshotFields
	for i := range revs {
		if revs[i].Version == res.version {
			sn := parseSnapshot(revs[i].Snapshot)
			mine = &sn
		}
	}
	last := revs[len(revs)-1]
	if last.Editor != nil {
		cv.Editor = last.Editor.Name
	}
	theirs := parseSnapshot(last.Snapshot)
	if mine == nil {
		return cv
	}
	text := func(name, val string) string {
		switch name {
		case "rating":
			return w.rating(val)
		case "claim_date":
			return dateWords(val)
		}
		return val
	}
	sent := map[string]bool{}
	for _, f := range formFields {
		typed := f.typed(&res.in)
		if typed == nil {
			continue
		}
		sent[f.label] = true
		was, now, yours := normalize(f.name, f.snap(*mine)), normalize(f.name, f.claim(cur)), normalize(f.name, *typed)
		if f.name == "claim_date" && mine.ClaimDate == "" && theirs.ClaimDate == "" {
			was = now // a revision from before dates were kept
		}
		cf := views.ConflictField{Name: f.name, Label: f.label, Yours: *typed, Theirs: f.claim(cur), YoursText: text(f.name, yours), TheirsText: text(f.name, now)}
		switch {
		case was == now, yours == now:
		case yours == was:
			cv.Taken = append(cv.Taken, cf)
		default:
			cv.Fields = append(cv.Fields, cf)
		}
	}
	for _, fc := range changes(*mine, theirs, w) {
		if !sent[fc.Field] {
			cv.Other = append(cv.Other, fc)
		}
	}
	return cv
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

// waitingWords says how long ago t was, roughly: "3 days", "5 hours".
func waitingWords(t time.Time, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Hour:
		return "under an hour"
	case d < 48*time.Hour:
		n := int(d / time.Hour)
		if n == 1 {
			return "1 hour"
		}
		return strconv.Itoa(n) + " hours"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " days"
}
