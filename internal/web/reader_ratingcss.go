package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
)

// The stylesheets carry colours for the built-in scale, tuned for contrast
// with white text. /ratings.css adds a colour for every rating whose colour
// an admin set to something else, and for ratings the desk added, so a badge
// shows the colour on the scale editor everywhere (the CSP allows no inline
// styles).

// builtinColors are the colours the built-in keys start with.
var builtinColors = func() map[string]string {
	m := map[string]string{}
	for _, r := range factcheck.DefaultRatings() {
		m[r.Key] = strings.ToLower(r.Color)
	}
	return m
}()

// customColor returns the colour /ratings.css gives r's badges, if any: a
// valid colour that is not the one its built-in key starts with.
func customColor(r *factcheck.Rating) (string, bool) {
	if r == nil || !factcheck.ValidColor(r.Color) || !factcheck.ValidKey(r.Key) {
		return "", false
	}
	c := strings.ToLower(r.Color)
	return c, builtinColors[r.Key] != c
}

// ratingsCSS serves the stylesheet of custom rating colours.
func (s *Server) ratingsCSS(c echo.Context) error {
	ratings, err := s.store.Ratings(c.Request().Context())
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("/* Rating colours set on the desk. */\n")
	for i := range ratings {
		color, ok := customColor(&ratings[i])
		if !ok {
			continue
		}
		key := ratings[i].Key
		fmt.Fprintf(&b, ".r-%s { background: %s; color: %s; }\na.hl-%s { border-bottom-color: %s; }\n", key, color, textOn(color), key, color)
	}
	return sendBytes(c, "text/css; charset=utf-8", []byte(b.String()), cacheList)
}

// textOn returns white or near-black, whichever contrasts more with the
// background colour bg (#rrggbb), by the WCAG contrast ratio.
func textOn(bg string) string {
	const dark = "#1b1f24"
	if contrast(bg, "#ffffff") >= contrast(bg, dark) {
		return "#fff"
	}
	return dark
}

// contrast is the WCAG 2 contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// luminance is the WCAG relative luminance of a #rrggbb colour.
func luminance(hex string) float64 {
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}
