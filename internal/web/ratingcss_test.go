package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"claimdesk/internal/factcheck"
)

// addRating saves a rating on e's desk and fails the test if it can't.
func (e *env) addRating(key, label, color string) {
	e.t.Helper()
	if err := e.store.SaveRating(context.Background(), &factcheck.Rating{Key: key, Label: label, Color: color}); err != nil {
		e.t.Fatal(err)
	}
}

func TestRatingsCSS(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	status, css, resp := e.get(c, "/ratings.css")
	if status != 200 || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" || resp.Header.Get("ETag") == "" {
		t.Fatalf("ratings.css: %d %v", status, resp.Header)
	}
	// The built-in scale's colours live in the static stylesheets.
	if strings.Contains(css, ".r-") {
		t.Errorf("default scale produced rules:\n%s", css)
	}

	e.addRating("satire", "Satire", "#0B5CAD")
	e.addRating("needs-context", "Needs context", "#f3e200")
	e.addRating("uncoloured", "No colour", "")
	ratings, _ := e.store.Ratings(context.Background())
	for i := range ratings {
		if ratings[i].Key == "false" {
			ratings[i].Color = "#000000"
			if err := e.store.SaveRating(context.Background(), &ratings[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, css, _ = e.get(c, "/ratings.css")
	for _, want := range []string{
		".r-satire { background: #0b5cad; color: #fff; }", "a.hl-satire { border-bottom-color: #0b5cad; }",
		".r-needs-context { background: #f3e200; color: #1b1f24; }", // dark text on yellow
		".r-false { background: #000000; color: #fff; }",            // an admin's new colour for a built-in key
	} {
		if !strings.Contains(css, want) {
			t.Errorf("ratings.css lacks %q:\n%s", want, css)
		}
	}
	if strings.Contains(css, "uncoloured") || strings.Contains(css, ".r-true ") {
		t.Errorf("rules for ratings without a new colour:\n%s", css)
	}

	// Bad colours never reach the store, so never reach the stylesheet.
	for _, bad := range []string{"red", "#12345", "#1234567", "#12345g", "#fff;}body{display:none"} {
		err := e.store.SaveRating(context.Background(), &factcheck.Rating{Key: "bad", Label: "Bad", Color: bad})
		if factcheck.ErrorCode(err) != factcheck.EINVALID {
			t.Errorf("colour %q: %v, want invalid", bad, err)
		}
	}
}

// A claim with a desk-made rating shows that rating's colour on its page
// and in its embed, in real Chromium.
func TestCustomRatingColourInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	e := newEnv(t, "sqlite")
	cl, _ := e.publishedAndDraft()
	defaultEmbed := idPath("/embed/claims/", cl.ID, "")
	if _, body, _ := e.get(e.client(), defaultEmbed); strings.Contains(body, "/ratings.css") {
		t.Error("an embed with a built-in rating loads /ratings.css")
	}
	e.addRating("satire", "Satire", "#0b5cad")
	e.correct(cl.ID, "satire", "The quote was a joke, as the speaker said later.")

	for _, path := range []string{idPath("/embed/claims/", cl.ID, ""), idPath("/claims/", cl.ID, "")} {
		sel := ".badge.r-satire"
		if strings.HasPrefix(path, "/embed/") {
			sel = ".cd-badge.r-satire"
		}
		do(t, ctx, "open "+path, chromedp.Navigate(e.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(sel)))
		waitFor(t, ctx, "the satire colour on "+path, `getComputedStyle(document.querySelector("`+sel+`")).backgroundColor === "rgb(11, 92, 173)"`)
		fg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("`+sel+`")).color`))
		if err != nil || fg != "rgb(255, 255, 255)" {
			t.Errorf("%s: badge text colour %q (%v)", path, fg, err)
		}
	}
	if status, _, _ := e.get(e.client(), "/ratings.css"); status != http.StatusOK {
		t.Errorf("ratings.css: %d", status)
	}
}
