package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

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

// claimOp is one kind of claim write, served by two thin adapters:
// deskClaimOp (a partial or a redirect) and apiClaimOp (JSON). prepare
// returns the revision note and the change to apply inside the store's
// transaction, where the domain checks the workflow and roles.
type claimOp struct {
	// created says a JSON success is 201 Created rather than 200.
	created bool
	// needsBody says the write reads a body even when it seems empty.
	needsBody bool
	prepare   func(s *Server, r opRequest) (note string, change func(*factcheck.Claim) error, err error)
}

// The claim writes. Routes name them; the compiler checks every name.
var (
	opDetails = claimOp{needsBody: true, prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		in := r.in
		date, err := parseDate("claim_date", in.ClaimDate)
		if err != nil {
			return "", nil, err
		}
		return "Edited the claim", func(cl *factcheck.Claim) error {
			if err := cl.CheckEditable(); err != nil {
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
			return nil
		}, nil
	}}

	opVerdict = claimOp{needsBody: true, prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		in := r.in
		if in.Version == nil && r.api {
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
	}}

	opAddEvidence = claimOp{created: true, needsBody: true, prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		ev, err := evidenceFrom(r.in)
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
	}}

	opEditEvidence = claimOp{needsBody: true, prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		ev, err := evidenceFrom(r.in)
		if err != nil {
			return "", nil, err
		}
		return "Edited a source", withEvidence(r.c, func(cl *factcheck.Claim, i int) {
			ev.ID, ev.CreatedAt = cl.Evidence[i].ID, cl.Evidence[i].CreatedAt
			cl.Evidence[i] = ev
		}), nil
	}}

	opRemoveEvidence = claimOp{prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		return "Removed a source", withEvidence(r.c, func(cl *factcheck.Claim, i int) {
			cl.Evidence = append(cl.Evidence[:i], cl.Evidence[i+1:]...)
		}), nil
	}}

	opMoveEvidence = claimOp{prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
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

	opSubmit = claimOp{prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		return "Submitted for review", func(cl *factcheck.Claim) error { return cl.Submit(r.user) }, nil
	}}

	opReturn = claimOp{needsBody: true, prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		note := strings.TrimSpace(r.in.Note)
		return "Returned to draft: " + note, func(cl *factcheck.Claim) error { return cl.ReturnToDraft(r.user, note) }, nil
	}}

	opPublish = claimOp{prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		return "Published", func(cl *factcheck.Claim) error { return cl.Publish(r.user, s.now(), s.cfg.RequireOtherReviewer) }, nil
	}}

	opCorrect = claimOp{needsBody: true, prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
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

	opRetract = claimOp{needsBody: true, prepare: func(s *Server, r opRequest) (string, func(*factcheck.Claim) error, error) {
		in := r.in
		return strings.TrimSpace(in.Note), func(cl *factcheck.Claim) error { return cl.Retract(r.user, in.Note, s.now()) }, nil
	}}
)

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
	if err == nil {
		res.note = note
		res.after, err = s.store.UpdateClaim(ctx, id, res.version, u, note, change)
	}
	res.err = err
	return res, nil
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

// deskClaimOp serves op on the desk: the claim editor (a partial for
// htmx) with a notice, or a redirect to it for a plain form; on a refused
// write, the editor with the message next to its field or, for a stale
// version, the colleague's changes beside what this editor typed.
func (s *Server) deskClaimOp(op claimOp) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		res, err := s.runClaimOp(c, op, false)
		if err != nil {
			return err
		}
		if werr := res.err; werr != nil {
			if factcheck.ErrorCode(werr) == factcheck.EINTERNAL {
				return werr
			}
			v, verr := s.claimEditorView(ctx, c, res.before)
			if verr != nil {
				return verr
			}
			s.explain(ctx, &v, werr, res.version, &res.in)
			return s.renderEditor(c, statusOf(factcheck.ErrorCode(werr)), v)
		}
		if !isHTMX(c) {
			return c.Redirect(http.StatusSeeOther, deskClaimPath(res.after.ID))
		}
		v, err := s.claimEditorView(ctx, c, res.after)
		if err != nil {
			return err
		}
		v.Notice = res.note + "."
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
		}{{"Statement", in.Statement}, {"Quote", in.Quote}, {"Claimant", in.Claimant}, {"Rating", in.Rating}, {"Summary", in.Summary}, {"Rationale", in.Rationale}, {"Note", &in.Note}, {"Source title", &in.Title}, {"Source URL", &in.URL}, {"Excerpt", &in.Excerpt}} {
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
		setIf(&v.Statement, in.Statement)
		setIf(&v.Quote, in.Quote)
		setIf(&v.Claimant, in.Claimant)
		setIf(&v.Summary, in.Summary)
		setIf(&v.Rationale, in.Rationale)
	}
	v.Error = factcheck.ErrorMessage(err)
}
