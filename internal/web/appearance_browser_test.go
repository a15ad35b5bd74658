package web_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// shotDir is where TestAppearancesInBrowser saves its screenshots:
// $CLAIMDESK_SCREENSHOTS (e.g. static/screenshots, for the README) or a
// temporary directory.
func shotDir(t *testing.T) string {
	if d := os.Getenv("CLAIMDESK_SCREENSHOTS"); d != "" {
		return d
	}
	return t.TempDir()
}

// shoot saves a full-page PNG of the tab at width px (390: a phone) and,
// with dark, in the dark colour scheme.
func shoot(t *testing.T, ctx context.Context, url, name string, width int64, dark bool) {
	t.Helper()
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	opts := []chromedp.EmulateViewportOption{}
	if width < 500 {
		opts = append(opts, chromedp.EmulateMobile)
	}
	do(t, ctx, "viewport for "+name,
		chromedp.EmulateViewport(width, 900, opts...),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
			return err
		}),
		chromedp.Navigate(url),
		chromedp.WaitVisible(chromedp.CSS("footer.site")),
	)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(shotDir(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// TestAppearancesInBrowser shows, in real Chromium, a claim seen in four
// places: its page lists the three others newest first; an article that
// repeats it highlights the sentence with the existing verdict and the
// highlight leads to it; and the dashboard draws its charts as SVG that
// read without script. Screenshots at 1280 and 390 px (and the dashboard
// in the dark scheme) are saved for people to look at.
func TestAppearancesInBrowser(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := newBrowser(t)
	base := e.srv.URL
	tok := e.token(e.editor)
	cl := e.publishedInArticle()
	id := strconv.FormatInt(cl.ID, 10)

	// A history for the dashboard, then the claim seen again three times.
	f := &dashFixture{t: t, st: e.store, now: time.Now().UTC().Truncate(time.Hour), rnd: rand.New(rand.NewPCG(7, 1)), ed: e.editor, rev: e.reviewer}
	var err error
	if f.ratings, err = e.store.Ratings(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.build()
	start := strings.Index(repeatBody, repeatSentence)
	var repeatArticle int64
	for i, src := range []struct{ title, outlet, link string }{
		{"Kyiv prepares new defences", "Kyiv Daily", "https://kyiv-daily.example/defences"},
		{"What the new aid package contains", "The Morning Ledger", "https://ledger.example/aid-package"},
	} {
		aid := e.newArticle(tok, src.title, src.outlet, src.link, repeatBody)
		if st := e.api("POST", "/api/v1/claims/"+id+"/appearances", tok, map[string]any{"article_id": aid, "start": start, "end": start + len(repeatSentence),
			"appeared_at": time.Now().AddDate(0, 0, -9+i*5).Format("2006-01-02")}, nil); st != 201 {
			t.Fatalf("appearance %d: %d", i, st)
		}
		repeatArticle = aid
	}
	if st := e.api("POST", "/api/v1/claims/"+id+"/appearances", tok, map[string]any{"url": "https://video.example/watch?v=landmines",
		"quote": "These mines stay on Ukrainian soil, full stop.", "claimant": "A defence ministry spokesman",
		"appeared_at": time.Now().AddDate(0, 0, -2).Format("2006-01-02")}, nil); st != 201 {
		t.Fatalf("URL appearance: %d", st)
	}

	// The claim page: three more places, newest first.
	do(t, ctx, "claim page", chromedp.Navigate(base+"/claims/"+id), chromedp.WaitVisible(chromedp.CSS(".seen-again")))
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".appearances .ap-where")].map(x => x.textContent.trim().replace(/\s+/g, " "))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !strings.HasPrefix(got[0], "video.example") || !strings.HasPrefix(got[1], "The Morning Ledger") || !strings.HasPrefix(got[2], "Kyiv Daily") {
		t.Fatalf("where else, newest first: %q", got)
	}
	shoot(t, ctx, base+"/claims/"+id, "claim-appearances", 1280, false)
	shoot(t, ctx, base+"/claims/"+id, "claim-appearances-phone", 390, false)

	// The repeating article: the sentence is highlighted with the verdict,
	// and following the highlight brings the verdict into view.
	aid := strconv.FormatInt(repeatArticle, 10)
	do(t, ctx, "repeating article", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/articles/"+aid), chromedp.WaitVisible(chromedp.CSS("a.hl.hl-repeat")))
	label, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("a.hl.hl-repeat").title`))
	if err != nil || label != "Claim 1, already checked: "+cl.Rating.Label {
		t.Fatalf("highlight label %q %v", label, err)
	}
	do(t, ctx, "follow the highlight", chromedp.Click(chromedp.CSS("a.hl.hl-repeat")))
	waitFor(t, ctx, "the verdict in view", `location.hash === "#verdict-`+id+`" && document.querySelector("#verdict-`+id+` .repeat-note").getBoundingClientRect().top < innerHeight`)
	shoot(t, ctx, base+"/articles/"+aid, "article-repeat", 1280, false)
	shoot(t, ctx, base+"/articles/"+aid, "article-repeat-phone", 390, false)

	// The dashboard, with script off: every chart drawn.
	do(t, ctx, "log in",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), "editor@test.example"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(".desk-head")),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}),
		chromedp.Navigate(base+"/desk/dashboard"),
		chromedp.WaitVisible(chromedp.CSS(".dash-svg")),
	)
	shoot(t, ctx, base+"/desk/dashboard", "dashboard", 1280, false)
	shoot(t, ctx, base+"/desk/dashboard", "dashboard-phone", 390, false)
	shoot(t, ctx, base+"/desk/dashboard", "dashboard-dark", 1280, true)
	do(t, ctx, "script back on", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		return err
	}))
	// Checked in the dark scheme, the last one shot: charts drawn, text
	// readable against the chart's background.
	charts, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[...document.querySelectorAll("svg.dash-svg")].map(s => s.getBoundingClientRect().width * (s.querySelectorAll("rect.dash-bar, circle.dash-mark").length > 0 ? 1 : 0))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) != 6 {
		t.Fatalf("%d charts drawn, want 6", len(charts))
	}
	for i, w := range charts {
		if w < 200 {
			t.Errorf("chart %d is %.0f px wide or has nothing drawn", i, w)
		}
	}
	ratio, err := chromedp.Run(ctx, chromedp.Evaluate[float64](contrastJS))
	if err != nil {
		t.Fatal(err)
	}
	if ratio < 4.5 {
		t.Errorf("chart text contrast in the dark scheme %.2f, want at least 4.5", ratio)
	}
}

// contrastJS returns the lowest WCAG contrast ratio between a chart's tick
// labels or values and the chart's background.
const contrastJS = `(() => {
	const rgb = c => c.match(/[\d.]+/g).slice(0, 3).map(Number);
	const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
	let worst = 21;
	for (const ch of document.querySelectorAll(".dash-chart")) {
		const bg = lum(getComputedStyle(ch).backgroundColor);
		for (const t of ch.querySelectorAll("text.dash-text")) {
			const fg = lum(getComputedStyle(t).fill);
			const r = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
			worst = Math.min(worst, r);
		}
	}
	return worst;
})()`
