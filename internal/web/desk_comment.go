package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// addComment adds a message to a claim's thread and answers with the
// thread (htmx), or goes back to the editor. Any desk user may comment on
// any claim, in every status; comments change nothing on the claim.
func (s *Server) addComment(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := claimID(c)
	if err != nil {
		return err
	}
	var in struct {
		Body string `form:"body" json:"body"`
	}
	if err := bindInput(c, &in); err != nil {
		return err
	}
	cerr := s.store.AddComment(ctx, &factcheck.Comment{ClaimID: id, Body: in.Body}, userOf(c))
	if factcheck.ErrorCode(cerr) == factcheck.EINTERNAL || factcheck.ErrorCode(cerr) == factcheck.ENOTFOUND {
		return cerr
	}
	if !isHTMX(c) {
		if cerr != nil {
			return cerr
		}
		return c.Redirect(http.StatusSeeOther, deskClaimPath(id)+"#comments")
	}
	cl, err := s.store.ClaimByID(ctx, id)
	if err != nil {
		return err
	}
	v, err := s.claimEditorView(ctx, c, cl)
	if err != nil {
		return err
	}
	status := http.StatusOK
	v.Feedback = views.Feedback{ID: "comment-feedback", Message: "Comment added."}
	if cerr != nil {
		status = statusOf(factcheck.ErrorCode(cerr))
		v.Feedback = views.Feedback{ID: "comment-feedback", Message: factcheck.ErrorMessage(cerr), Bad: true}
	}
	return s.render(c, status, views.CommentsPanel(v))
}
