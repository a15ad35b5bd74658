package web_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
)

// axeScript is axe-core as the npm package ships it (static/package.json's
// devDependencies; make test installs it). It is injected into the pages
// by the test and never served.
func axeScript(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "static", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core is missing (run make test, or npm ci in static/): %v", err)
	}
	return string(b)
}

// colorScheme makes the tab's pages see prefers-color-scheme as scheme.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return err
	})
}

// axeViolation is one rule axe-core found broken, with where.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	Targets []string
	Nodes   []struct {
		Target         []any  `json:"target"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

// accessiblePages are every public and desk page, with the records they
// need, on the seeded desk of e.
func accessiblePages(t *testing.T, e *env) []string {
	t.Helper()
	ctx := t.Context()
	pub, _, err := e.store.ListClaims(ctx, store.ClaimFilter{Statuses: []factcheck.Status{factcheck.StatusPublished}, Limit: 1})
	if err != nil || len(pub) == 0 {
		t.Fatalf("no published claim: %v", err)
	}
	corr, _, _ := e.store.ListClaims(ctx, store.ClaimFilter{Statuses: []factcheck.Status{factcheck.StatusCorrected}, Limit: 1})
	review, _, _ := e.store.ListClaims(ctx, store.ClaimFilter{Statuses: []factcheck.Status{factcheck.StatusInReview}, Limit: 1})
	draft := e.draftClaim(t, func(c *factcheck.Claim) {
		complete(c)
		c.Evidence = append(c.Evidence, factcheck.Evidence{URL: "https://council.example/minutes", Title: "Council minutes", Stance: factcheck.StanceContext})
	})
	if err := e.store.AddComment(ctx, &factcheck.Comment{ClaimID: draft.ID, Body: "Is the 2022 baseline right?"}, e.reviewer); err != nil {
		t.Fatal(err)
	}
	// The webhooks page lists an endpoint, with its controls.
	if err := e.store.CreateWebhook(ctx, &factcheck.Webhook{URL: "https://chat.example/hooks/desk", Events: factcheck.EventTypes(), Format: factcheck.FormatSlack}, e.admin); err != nil {
		t.Fatal(err)
	}
	if len(corr) == 0 || len(review) == 0 || pub[0].ArticleID == nil {
		t.Fatal("the seeds lack a corrected claim, a claim in review or a published claim in an article")
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return []string{
		// Public pages.
		"/", "/?q=mines", "/?rating=true", "/claims/" + id(pub[0].ID), "/claims/" + id(corr[0].ID), "/articles/" + id(*pub[0].ArticleID),
		"/ratings", "/corrections", "/claims/" + id(pub[0].ID) + "/report", "/embed/claims/" + id(pub[0].ID), "/login",
		// Desk pages.
		"/desk", "/desk/claims", "/desk/claims?status=any&q=mines", "/desk/articles", "/desk/articles/new",
		"/desk/articles/" + id(*draft.ArticleID), "/desk/articles/" + id(*pub[0].ArticleID), "/desk/articles/" + id(*draft.ArticleID) + "/edit",
		"/desk/claims/" + id(draft.ID), "/desk/claims/" + id(review[0].ID), "/desk/claims/" + id(review[0].ID) + "/publish",
		"/desk/claims/" + id(pub[0].ID), "/desk/claims/" + id(pub[0].ID) + "?mode=correct", "/desk/claims/" + id(draft.ID) + "/history", "/desk/claims/new",
		"/desk/reports", "/desk/ratings", "/desk/users", "/desk/tokens", "/desk/account", "/desk/dashboard", "/desk/webhooks",
	}
}

// targetSelector finds the controls that stand alone, not inside a
// sentence: buttons, summaries, the suggestions' Select labels and their
// claim links.
const targetSelector = "button, .button, summary, .sugg-pick label, .sugg-actions a, .already-checked a, .maybe a"

// TestPagesAccessible runs axe-core on every public and desk page, in
// light and in dark mode, and fails on any serious or critical violation.
// With CLAIMDESK_SCREENSHOTS=DIR it also saves each page at 1280 and 390
// pixels wide (light and dark).
func TestPagesAccessible(t *testing.T) {
	e := newEnv(t, "sqlite")
	axe := axeScript(t)
	b := e.browse(t, "admin@test.example")
	pages := accessiblePages(t, e)
	shots := os.Getenv("CLAIMDESK_SCREENSHOTS")
	// On a phone, every page fits its width: nothing widens it sideways,
	// and the header folds into its menu.
	b.do("a phone", chromedp.EmulateViewport(390, 900, chromedp.EmulateMobile))
	for _, p := range pages {
		b.open(p)
		if w := b.eval(`String(document.documentElement.scrollWidth)`); w != "390" {
			t.Errorf("%s is %s px wide on a 390 px phone", p, w)
		}
		// Small controls standing alone are at least 24 px tall (WCAG
		// 2.5.8); links inside a sentence are exempt.
		if small := b.eval(`[...document.querySelectorAll(` + jsString(targetSelector) + `)].filter(el => el.getClientRects().length)
			.map(el => [el, el.getBoundingClientRect()]).filter(([el, r]) => r.height < 24)
			.map(([el, r]) => (el.className || el.tagName.toLowerCase()) + " “" + el.textContent.trim().slice(0, 30) + "” " + Math.round(r.width) + "×" + Math.round(r.height)).join("; ")`); small != "" {
			t.Errorf("%s: targets under 24 px tall on a phone: %s", p, small)
		}
		if !strings.HasPrefix(p, "/embed/") {
			if menu := b.eval(`(getComputedStyle(document.querySelector(".menu-toggle")).display !== "none") + " " + getComputedStyle(document.querySelector("#site-nav")).display`); menu != "true none" {
				t.Errorf("%s: the phone header shows %q (menu button, navigation)", p, menu)
			}
		}
	}
	b.open("/desk")
	b.do("open the menu", chromedp.Click(css(".menu-toggle")))
	if got := b.eval(`document.querySelector(".menu-toggle").getAttribute("aria-expanded") + " " + getComputedStyle(document.querySelector("#site-nav")).display`); got != "true flex" {
		t.Errorf("the phone menu did not open: %s", got)
	}
	b.do("a desktop", chromedp.EmulateViewport(1280, 900))
	for _, scheme := range []string{"light", "dark"} {
		b.do("prefer "+scheme, colorScheme(scheme))
		for _, p := range pages {
			b.open(p)
			if shots != "" {
				b.screenshots(shots, p, scheme)
				b.do("back to 1280", chromedp.EmulateViewport(1280, 900))
			}
			// The editor's relative times and htmx settle; let the page rest.
			b.do("settle", chromedp.Sleep(100*time.Millisecond))
			raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](axe+`;
				axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify({violations: r.violations, passes: r.passes.length,
					background: getComputedStyle(document.documentElement).backgroundColor}))`, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("axe on %s: %v", p, err)
			}
			var res struct {
				Violations []axeViolation
				Passes     int
				Background string
			}
			if err := json.Unmarshal([]byte(raw), &res); err != nil {
				t.Fatalf("axe on %s: %v", p, err)
			}
			// axe ran its rules, in the colour scheme asked for.
			if res.Passes < 10 {
				t.Fatalf("axe on %s passed only %d rules", p, res.Passes)
			}
			if !strings.HasPrefix(p, "/embed/") {
				if dark := res.Background != "rgb(251, 250, 247)"; dark != (scheme == "dark") {
					t.Fatalf("%s in %s mode has the background %s", p, scheme, res.Background)
				}
			}
			if len(res.Violations) > 0 {
				t.Logf("%s (%s): %d minor or moderate findings", p, scheme, len(res.Violations))
			}
			for _, v := range res.Violations {
				if v.Impact != "serious" && v.Impact != "critical" {
					continue
				}
				var where []string
				for i, n := range v.Nodes {
					if i == 3 {
						where = append(where, "…")
						break
					}
					where = append(where, strings.TrimSpace(strings.ReplaceAll(n.FailureSummary, "\n", " "))+" @ "+strings.Trim(strings.ReplaceAll(strings.Join(strings.Fields(strings.Trim(jsonString(n.Target), "[]")), " "), `"`, ""), " "))
				}
				t.Errorf("%s (%s): %s %s: %s\n\t%s", p, scheme, v.Impact, v.ID, v.Help, strings.Join(where, "\n\t"))
			}
		}
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// screenshots saves the open page at 1280 and 390 pixels wide.
func (b *tab) screenshots(dir, path, scheme string) {
	b.t.Helper()
	name := strings.Trim(strings.NewReplacer("/", "-", "?", "-", "&", "-", "=", "-").Replace(path), "-")
	if name == "" {
		name = "home"
	}
	for _, w := range []int64{1280, 390} {
		var opts []chromedp.EmulateViewportOption
		if w < 500 {
			opts = append(opts, chromedp.EmulateMobile)
		}
		b.do("width "+strconv.FormatInt(w, 10), chromedp.EmulateViewport(w, 900, opts...), chromedp.Reload())
		b.wait("the page", `document.readyState === "complete"`)
		b.do("rest", chromedp.Sleep(150*time.Millisecond))
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatalf("screenshot %s: %v", path, err)
		}
		file := filepath.Join(dir, name+"-"+strconv.FormatInt(w, 10)+"-"+scheme+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
}
