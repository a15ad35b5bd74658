package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// scaleEditor shows the rating scale to every desk user; admins see the
// forms that edit it.
func (s *Server) scaleEditor(c echo.Context) error {
	return s.renderScale(c, http.StatusOK, "", nil, nil)
}

// renderScale shows the scale; errs are keyed "KEY.FIELD", and a refused
// new rating (added) keeps what was typed in the add form, with its
// messages there.
func (s *Server) renderScale(c echo.Context, status int, notice string, errs views.FieldErrors, added *factcheck.Rating) error {
	rs, err := s.store.Ratings(c.Request().Context())
	if err != nil {
		return err
	}
	v := views.ScaleView{Page: s.page(c, "Rating scale"), CanEdit: userOf(c).IsAdmin(), Notice: notice, Errors: errs, New: views.ScaleRow{Color: "#57606a"}}
	if added != nil {
		known := false
		for _, r := range rs {
			known = known || r.Key == added.Key
		}
		if !known {
			v.New = views.ScaleRow{Key: added.Key, Label: added.Label, Description: added.Description, Color: added.Color}
			if added.Value != nil {
				v.New.Value = strconv.Itoa(*added.Value)
			}
			moved := views.FieldErrors{}
			for k, msg := range errs {
				moved["."+strings.TrimPrefix(k, added.Key+".")] = msg
			}
			v.Errors = moved
		}
	}
	for _, r := range rs {
		row := views.ScaleRow{Key: r.Key, Label: r.Label, Description: r.Description, Color: r.Color}
		if r.Value != nil {
			row.Value = strconv.Itoa(*r.Value)
		}
		v.Rows = append(v.Rows, row)
	}
	return s.render(c, status, views.ScalePage(v))
}

// saveRating adds or edits one rating (admins; the route checks the role).
func (s *Server) saveRating(c echo.Context) error {
	r := factcheck.Rating{Key: strings.TrimSpace(c.FormValue("key")), Label: strings.TrimSpace(c.FormValue("label")),
		Description: strings.TrimSpace(c.FormValue("description")), Color: strings.TrimSpace(c.FormValue("color"))}
	if v := strings.TrimSpace(c.FormValue("value")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return s.renderScale(c, http.StatusUnprocessableEntity, "", views.FieldErrors{r.Key + ".value": "Value must be a whole number from 1 to 5, or empty."}, &r)
		}
		r.Value = &n
	}
	err := r.Validate()
	if _, custom := customColor(&r); err == nil && custom {
		// A built-in rating left at its colour is drawn in the stylesheet's
		// tuned shade, which is readable; only new colours are checked.
		err = badgeReadable(r.Color)
	}
	if err == nil {
		err = s.store.SaveRating(c.Request().Context(), &r)
	}
	if err != nil {
		if factcheck.ErrorCode(err) == factcheck.EINTERNAL {
			return err
		}
		return s.renderScale(c, statusOf(factcheck.ErrorCode(err)), "", views.FieldErrors{r.Key + "." + factcheck.ErrorField(err): factcheck.ErrorMessage(err)}, &r)
	}
	return s.renderScale(c, http.StatusOK, "Saved "+r.Label+".", nil, nil)
}

// minBadgeContrast is the contrast every badge's text needs with its
// colour (WCAG AA for normal text), in light and dark pages alike: a badge
// keeps its colour and its text in both.
const minBadgeContrast = 4.5

// badgeReadable refuses a rating colour on which neither white nor dark
// badge text (see textOn) reaches minBadgeContrast.
func badgeReadable(color string) error {
	if color == "" {
		return nil
	}
	c := strings.ToLower(color)
	if best := max(contrast(c, "#ffffff"), contrast(c, "#1b1f24")); best < minBadgeContrast {
		return factcheck.FieldError("color", "Badge text on %s would be hard to read (%.1f:1 at best; badges need %.1f:1). Choose a darker or a lighter colour.", color, best, minBadgeContrast)
	}
	return nil
}
