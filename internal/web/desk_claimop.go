package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// claimInput is everything a claim write may carry, from a desk form or
// the JSON API.
type claimInput struct {
	Version     *int     `json:"version" form:"version"`
	Statement   *string  `json:"statement" form:"statement"`
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
	// Position puts an added source at this place in the list (undoing a
	// removal); AssigneeID is a user id, or "" for nobody.
	Position   *int    `json:"position" form:"position"`
	AssigneeID *string `json:"-" form:"assignee_id"`
	// Desk forms only: Undo marks a source put back; Confirm is the
	// retraction's tick box; From is "queue" when the queue sent it.
	Undo    string `json:"-" form:"undo"`
	Confirm string `json:"-" form:"confirm"`
	From    string `json:"-" form:"from"`
}

// hasClaimFields reports whether the input carries any field of the claim
// form (statement through rationale).
func (in *claimInput) hasClaimFields() bool {
	return in.Statement != nil || in.Quote != nil || in.Claimant != nil || in.ClaimDate != nil || in.Tags != nil || in.TagList != nil ||
		in.Rating != nil || in.Summary != nil || in.Rationale != nil
}

// applyFields sets the claim fields the input carries.
func (in *claimInput) applyFields(cl *factcheck.Claim) error {
	date, err := parseDate("claim_date", in.ClaimDate)
	if err != nil {
		return err
	}
	setIf(&cl.Statement, in.Statement)
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
	setIf(&cl.RatingKey, in.Rating)
	setIf(&cl.Summary, in.Summary)
	setIf(&cl.Rationale, in.Rationale)
	return nil
}

// opRequest is one claim write as an operation sees it.
type opRequest struct {
	c    echo.Context
	user *factcheck.User
	in   *claimInput
	// api is set for the JSON API, which must send the claim's version
	// with a verdict; desk forms always carry it.
	api bool
}

// deskAnswer is what the desk sends back after a write that worked.
type deskAnswer int

const (
	// answerEditor swaps the whole editor: a workflow step changed what
	// may be edited.
	answerEditor deskAnswer = iota
	// answerSaved leaves the form as typed and updates the version, the
	// saved time, the checklist and the field messages around it.
	answerSaved
	// answerEvidence swaps the source list (and, after an add, the add
	// form, empty again for the next source).
	answerEvidence
	// answerAssignee swaps the assignee panel, or the queue's row.
	answerAssignee
)

// claimOp is one kind of claim write, served by two thin adapters:
// deskClaimOp (parts of the editor, or a redirect) and apiClaimOp (JSON).
// prepare returns the revision note and the change to apply inside the
// store's transaction, where the domain checks the workflow and roles.
type claimOp struct {
	// created says a JSON success is 201 Created rather than 200.
	created bool
	// needsBody says the write reads a body even when it seems empty.
	needsBody bool
	// answer is what the desk swaps in on success; feedback is the id of
	// the message slot beside the control that sends the write.
	answer   deskAnswer
	feedback string
	// correction says the write comes from the editor's correction mode,
	// which a refused write shows again, open, with what was typed.
	correction bool
	// public says the revision note is the public note of a correction or
	// retraction, which the desk's notice shows as readers see it.
	public bool
	// noteBeside says the op's form shows the note's message under the
	// note, next to the button: the feedback slot then stays empty rather
	// than say it twice.
	noteBeside bool
	prepare    func(s *Server, r opRequest) (note string, change func(*factcheck.Claim) error, err error)
}

// The claim writes. Routes name them; the compiler checks every name.
var (
	// opDetails and opVerdict are the claim's text and its verdict, as
	// older forms and the API send them; opSave is the editor's one form
	// (and its autosave), any of those fields at once.
	opDetails = claimOp{needsBody: true, answer: answerSaved, feedback: "save-feedback", prepare: editFields("Edited the claim")}
	opSave    = claimOp{needsBody: true, answer: answerSaved, feedback: "save-feedback", prepare: editFields("Saved")}

	opVerdict = claimOp{needsBody: true, answer: answerSaved, feedback: "save-feedback", prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		if r.in.Version == nil && r.api {
			return "", nil, factcheck.FieldError("version", "Send the claim's version with every verdict, so a colleague's change is not overwritten.")
		}
		return editFields("Set the verdict")(s, r)
	}}

	opAddEvidence = claimOp{created: true, needsBody: true, answer: answerEvidence, feedback: "ev-add-feedback", prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		ev, err := evidenceFrom(r.in)
		if err != nil {
			return "", nil, err
		}
		note := "Added a source"
		if r.in.Undo != "" {
			note = "Put back a removed source"
		}
		return note, func(cl *factcheck.Claim) error {
			if err := cl.CheckEditable(); err != nil {
				return err
			}
			at := len(cl.Evidence)
			if p := r.in.Position; p != nil && *p >= 0 && *p < at {
				at = *p
			}
			cl.Evidence = append(cl.Evidence[:at], append([]factcheck.Evidence{ev}, cl.Evidence[at:]...)...)
			return nil
		}, nil
	}}

	opEditEvidence = claimOp{needsBody: true, answer: answerEvidence, feedback: "ev-feedback", prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		ev, err := evidenceFrom(r.in)
		if err != nil {
			return "", nil, err
		}
		return "Edited a source", withEvidence(r.c, func(cl *factcheck.Claim, i int) {
			ev.ID, ev.CreatedAt = cl.Evidence[i].ID, cl.Evidence[i].CreatedAt
			cl.Evidence[i] = ev
		}), nil
	}}

	opRemoveEvidence = claimOp{answer: answerEvidence, feedback: "ev-feedback", prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		return "Removed a source", withEvidence(r.c, func(cl *factcheck.Claim, i int) {
			cl.Evidence = append(cl.Evidence[:i], cl.Evidence[i+1:]...)
		}), nil
	}}

	opMoveEvidence = claimOp{answer: answerEvidence, feedback: "ev-feedback", prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		down := r.in.Dir == "down"
		return "Reordered the sources", withEvidence(r.c, func(cl *factcheck.Claim, i int) {
			j := i - 1
			if down {
				j = i + 1
			}
			if j >= 0 && j < len(cl.Evidence) {
				cl.Evidence[i], cl.Evidence[j] = cl.Evidence[j], cl.Evidence[i]
			}
		}), nil
	}}

	// opSubmit saves whatever the claim form holds (the desk sends it
	// along) and submits the claim, or neither: a claim the checklist
	// finds incomplete is refused with every missing item named.
	opSubmit = claimOp{answer: answerEditor, feedback: "workflow-feedback", prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		return "Submitted for review", func(cl *factcheck.Claim) error {
			if r.in.hasClaimFields() && cl.Editable() {
				if err := r.in.applyFields(cl); err != nil {
					return err
				}
			}
			return cl.Submit(r.user)
		}, nil
	}}

	opReturn = claimOp{needsBody: true, answer: answerEditor, feedback: "workflow-feedback", noteBeside: true, prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		note := strings.TrimSpace(r.in.Note)
		return "Returned to draft: " + note, func(cl *factcheck.Claim) error { return cl.ReturnToDraft(r.user, note) }, nil
	}}

	opWithdraw = claimOp{answer: answerEditor, feedback: "workflow-feedback", prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		return "Withdrawn from review to edit", func(cl *factcheck.Claim) error { return cl.Withdraw(r.user) }, nil
	}}

	opPublish = claimOp{answer: answerEditor, feedback: "workflow-feedback", prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		return "Published", func(cl *factcheck.Claim) error { return cl.Publish(r.user, s.now(), s.cfg.RequireOtherReviewer) }, nil
	}}

	opCorrect = claimOp{needsBody: true, answer: answerEditor, feedback: "correct-feedback", correction: true, public: true, prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		in, u := r.in, r.user
		return strings.TrimSpace(in.Note), func(cl *factcheck.Claim) error {
			if !u.CanReview() {
				return factcheck.Errorf(factcheck.EFORBIDDEN, "Only reviewers and admins can correct published claims.")
			}
			setIf(&cl.RatingKey, in.Rating)
			setIf(&cl.Summary, in.Summary)
			setIf(&cl.Rationale, in.Rationale)
			return cl.Correct(u, in.Note, s.now())
		}, nil
	}}

	opRetract = claimOp{needsBody: true, answer: answerEditor, feedback: "retract-feedback", public: true, prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		in := r.in
		if !r.api && in.Confirm != "yes" {
			return "", nil, factcheck.FieldError("confirm", "Tick the box to confirm: a retraction cannot be undone.")
		}
		return strings.TrimSpace(in.Note), func(cl *factcheck.Claim) error { return cl.Retract(r.user, in.Note, s.now()) }, nil
	}}

	// opAssign gives the claim to a desk user (or nobody), recorded in
	// its history like any other change.
	opAssign = claimOp{needsBody: true, answer: answerAssignee, feedback: "assign-feedback", prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		var u *factcheck.User
		if r.in.AssigneeID != nil && strings.TrimSpace(*r.in.AssigneeID) != "" {
			id, err := strconv.ParseInt(strings.TrimSpace(*r.in.AssigneeID), 10, 64)
			if err != nil {
				return "", nil, factcheck.FieldError("assignee_id", "Choose someone from the list.")
			}
			if u, err = s.store.UserByID(r.c.Request().Context(), id); err != nil {
				if factcheck.ErrorCode(err) == factcheck.ENOTFOUND {
					return "", nil, factcheck.FieldError("assignee_id", "Choose someone from the list.")
				}
				return "", nil, err
			}
		}
		note := "Unassigned"
		if u != nil {
			note = "Assigned to " + u.Name
		}
		return note, func(cl *factcheck.Claim) error { return cl.Assign(u) }, nil
	}}
)

// editFields is the write of the claim form's fields: a draft only.
func editFields(note string) func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
	return func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		if _, err := parseDate("claim_date", r.in.ClaimDate); err != nil {
			return "", nil, err
		}
		return note, func(cl *factcheck.Claim) error {
			if err := cl.CheckEditable(); err != nil {
				return err
			}
			return r.in.applyFields(cl)
		}, nil
	}
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

// opResult is what running a claim write produced.
type opResult struct {
	before  *factcheck.Claim // the claim as read before the write
	after   *factcheck.Claim // the claim as written; nil on failure
	in      claimInput
	version int // the version the write was based on
	note    string
	// err is why the write was refused (nil when it was stored): a
	// conflict, a workflow rule, invalid input.
	err error
}

// runClaimOp reads the request, runs op against the claim named by :id
// and stores the change. An unreadable request or an unknown claim is the
// error; a refused write is the result's err, so the desk can show it next
// to what the editor typed.
func (s *Server) runClaimOp(c echo.Context, op claimOp, api bool) (*opResult, error) {
	id, err := claimID(c)
	if err != nil {
		return nil, err
	}
	res := &opResult{}
	if op.needsBody || c.Request().ContentLength != 0 {
		if err := bindInput(c, &res.in); err != nil {
			return nil, err
		}
	}
	ctx := c.Request().Context()
	if res.before, err = s.store.ClaimByID(ctx, id); err != nil {
		return nil, err
	}
	res.version = res.before.Version
	if res.in.Version != nil {
		res.version = *res.in.Version
	}
	u := userOf(c)
	note, change, err := op.prepare(s, opRequest{c: c, user: u, in: &res.in, api: api})
	if err == nil && op.answer == answerSaved && res.version == res.before.Version && unchanged(res.before, change) {
		// An autosave of what is already stored writes nothing: no new
		// version, no revision.
		res.note, res.after = note, res.before
		return res, nil
	}
	if err == nil {
		res.note = note
		res.after, err = s.store.UpdateClaim(ctx, id, res.version, u, note, change)
	}
	res.err = err
	return res, nil
}

// unchanged reports whether change leaves the claim's stored fields as
// they are (it runs on a copy).
func unchanged(cl *factcheck.Claim, change func(*factcheck.Claim) error) bool {
	cp := *cl
	cp.Tags = slices.Clone(cl.Tags)
	cp.Evidence = slices.Clone(cl.Evidence)
	if change(&cp) != nil {
		return false
	}
	cp.Normalize()
	a, b := *cl, cp
	a.Normalize()
	same := func(x, y *time.Time) bool { return x == nil && y == nil || x != nil && y != nil && x.Equal(*y) }
	return a.Statement == b.Statement && a.Quote == b.Quote && a.Claimant == b.Claimant && same(a.ClaimDate, b.ClaimDate) &&
		slices.Equal(a.Tags, b.Tags) && a.RatingKey == b.RatingKey && a.Summary == b.Summary && a.Rationale == b.Rationale
}

// apiClaimOp serves op on the JSON API: the claim as ClaimJSON, or the
// error in the JSON error shape.
func (s *Server) apiClaimOp(op claimOp) echo.HandlerFunc {
	return func(c echo.Context) error {
		res, err := s.runClaimOp(c, op, true)
		if err != nil {
			return err
		} else if res.err != nil {
			return res.err
		}
		status := http.StatusOK
		if op.created {
			status = http.StatusCreated
		}
		return c.JSON(status, s.claimJSON(res.after, true))
	}
}

// deskClaimOp serves op on the desk. For htmx it answers with the parts of
// the editor the write changed (see deskAnswer), and with a refused write
// it changes nothing the editor typed: the message appears next to the
// control that was pressed, under its field, or as a conflict opened in
// place. A plain form gets a redirect to the editor, or the editor again
// with the message and the input kept.
func (s *Server) deskClaimOp(op claimOp) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		res, err := s.runClaimOp(c, op, false)
		if err != nil {
			return err
		}
		fromQueue := res.in.From == "queue"
		if werr := res.err; werr != nil {
			if factcheck.ErrorCode(werr) == factcheck.EINTERNAL {
				return werr
			}
			status := statusOf(factcheck.ErrorCode(werr))
			if fromQueue && isHTMX(c) {
				return s.renderQueueRow(c, status, res.before, views.Feedback{ID: "q-" + strconv.FormatInt(res.before.ID, 10), Message: factcheck.ErrorMessage(werr), Bad: true})
			}
			v, verr := s.claimEditorView(ctx, c, res.before)
			if verr != nil {
				return verr
			}
			s.explain(ctx, &v, op, werr, res)
			if op.correction {
				if err := s.correctionMode(ctx, &v, res.before, &res.in); err != nil {
					return err
				}
			}
			if !isHTMX(c) {
				return s.render(c, status, views.ClaimEditorPage(v))
			}
			c.Response().Header().Set("HX-Reswap", "none")
			return s.render(c, status, views.EditorRefused(v, op.answer == answerSaved || op.feedback == "workflow-feedback"))
		}
		if !isHTMX(c) {
			if fromQueue {
				return c.Redirect(http.StatusSeeOther, "/desk/claims")
			}
			return c.Redirect(http.StatusSeeOther, deskClaimPath(res.after.ID))
		}
		if fromQueue {
			return s.renderQueueRow(c, http.StatusOK, res.after, views.Feedback{ID: "q-" + strconv.FormatInt(res.after.ID, 10), Message: endSentence(res.note)})
		}
		v, err := s.claimEditorView(ctx, c, res.after)
		if err != nil {
			return err
		}
		switch op.answer {
		case answerSaved:
			v.Feedback = views.Feedback{ID: op.feedback, Message: "Saved."}
			return s.render(c, http.StatusOK, views.EditorSaved(v))
		case answerEvidence:
			v.Feedback = views.Feedback{ID: "ev-feedback", Message: endSentence(res.note)}
			if res.before != nil && strings.HasSuffix(c.Path(), "/delete") {
				v.Removed = removedSource(res.before, res.after)
			}
			if c.Request().Header.Get("HX-Target") == "ev-add" {
				v.Feedback.ID = "ev-add-feedback"
				return s.render(c, http.StatusOK, views.EvidenceAdded(v))
			}
			return s.render(c, http.StatusOK, views.EvidenceChanged(v))
		case answerAssignee:
			v.Feedback = views.Feedback{ID: op.feedback, Message: endSentence(res.note)}
			return s.render(c, http.StatusOK, views.AssigneeChanged(v))
		}
		v.Notice = endSentence(res.note)
		if op.public {
			v.Notice = endSentence(publicNote(res.note))
		}
		if len(v.Notice) > 200 {
			v.Notice = truncate(v.Notice, 200)
		}
		return s.render(c, http.StatusOK, views.ClaimEditor(v))
	}
}

// removedSource is the source that before has and after lacks, with its
// place in the list, for the editor's undo.
func removedSource(before, after *factcheck.Claim) *views.EvidenceRow {
	kept := map[int64]bool{}
	for _, e := range after.Evidence {
		kept[e.ID] = true
	}
	for i, e := range before.Evidence {
		if !kept[e.ID] {
			row := evidenceRow(e, i, len(before.Evidence))
			return &row
		}
	}
	return nil
}
