package web_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestEditorFlowInBrowser takes an article through the whole desk in real
// Chromium: login, paste, two claims from sentences, evidence, verdicts,
// submit, publish as a reviewer, and the card on the public page. Evidence
// and verdicts are saved with htmx partial swaps, without a page reload.
func TestEditorFlowInBrowser(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := newBrowser(t)
	base := e.srv.URL
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	login := func(email string) {
		do(t, ctx, "log in as "+email,
			chromedp.Navigate(base+"/login"),
			chromedp.SendKeys(css("#email"), email),
			chromedp.SendKeys(css("#password"), testPassword),
			chromedp.Submit(css("#password")),
			chromedp.WaitVisible(css(".desk-head")),
		)
	}
	login("editor@test.example")

	do(t, ctx, "paste an article",
		chromedp.Click(css(`a[href="/desk/articles/new"]`)),
		chromedp.WaitVisible(css("#body")),
		chromedp.SendKeys(css("#title"), "Mines for Ukraine"),
		chromedp.SendKeys(css("#outlet"), "Example News"),
		chromedp.SetValue(css("#body"), articleBody),
		chromedp.Submit(css("#title")),
		chromedp.WaitVisible(css(".sent.cw")),
	)

	claims := []struct{ sentence, summary, rating string }{
		{"President Joe Biden approved", "Confirmed by the Pentagon the next day.", "true"},
		{"More than 160 countries", "164 states are party to the treaty.", "mostly-true"},
	}
	for i, cl := range claims {
		// Tick the sentence and make the claim from it.
		do(t, ctx, "select sentence "+cl.sentence,
			chromedp.Navigate(base+"/desk/articles/"+articleIDFrom(t, e)),
			chromedp.WaitVisible(css(".sent")),
		)
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
			const s = [...document.querySelectorAll(".sent")].find(x => x.textContent.includes(`+jsString(cl.sentence)+`));
			s.querySelector("input[type=checkbox]").click();
			return true;
		})()`)); err != nil {
			t.Fatal(err)
		}
		do(t, ctx, "create claim "+cl.sentence,
			chromedp.Click(css(`#claim-form button[type=submit]`)),
			chromedp.WaitVisible(css("#editor")),
		)
		// Mark the page: a full reload would lose this.
		chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__noReload = true`))
		if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`typeof htmx + " " + (window.htmx ? htmx.version : "")`)); v != "object 2.0.11" {
			t.Fatalf("htmx not loaded: %q %v", v, err)
		}
		do(t, ctx, "add evidence",
			chromedp.SendKeys(css(`.add-ev input[name=url]`), "https://www.state.gov/landmines"),
			chromedp.SendKeys(css(`.add-ev input[name=title]`), "Source "+string(rune('A'+i))),
			chromedp.SendKeys(css(`.add-ev input[name=publisher]`), "US Department of State"),
			chromedp.Click(css(`.add-ev button[type=submit]`)),
		)
		waitFor(t, ctx, "the source in the list", `document.querySelector(".ev-edit") && document.querySelector(".ev-edit").textContent.includes("Source `+string(rune('A'+i))+`")`)
		do(t, ctx, "set the verdict",
			chromedp.SetValue(css("#rating"), cl.rating),
			chromedp.SendKeys(css("#summary"), cl.summary),
			chromedp.SendKeys(css("#rationale"), "The **record** shows it."),
		)
		waitFor(t, ctx, "the live preview", `document.querySelector("#preview strong") !== null`)
		do(t, ctx, "save the verdict", chromedp.Click(css(`form[action$="/verdict"] button[type=submit]`)))
		waitFor(t, ctx, "the saved verdict", `document.querySelector(".notice.ok") && document.querySelector(".notice.ok").textContent.includes("Set the verdict")`)
		// A person does not click within htmx's settle delay; neither do we.
		do(t, ctx, "submit for review", chromedp.Sleep(300*time.Millisecond), chromedp.Click(css(`form[action$="/submit"] button`)))
		waitFor(t, ctx, "status in review", `document.querySelector(".status-pill").textContent.includes("In review")`)
		if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__noReload === true`)); !ok {
			t.Fatal("the claim editor reloaded the page instead of swapping parts")
		}
	}

	// The reviewer publishes both from the review queue.
	do(t, ctx, "log out", chromedp.Click(css(`form[action="/logout"] button`)), chromedp.WaitVisible(css(".hero")))
	login("reviewer@test.example")
	for _, cl := range claims {
		do(t, ctx, "open the review queue",
			chromedp.Navigate(base+"/desk/claims?status=in_review"),
			chromedp.WaitVisible(css(".desk-list li a")),
		)
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
			[...document.querySelectorAll(".desk-list li a")].find(a => a.textContent.includes(`+jsString(cl.sentence)+`)).click();
			return true;
		})()`)); err != nil {
			t.Fatalf("find %q in the review queue: %v", cl.sentence, err)
		}
		do(t, ctx, "publish "+cl.sentence,
			chromedp.WaitVisible(css(`form[action$="/publish"] button`)),
			chromedp.Click(css(`form[action$="/publish"] button`)),
		)
		waitFor(t, ctx, "status published", `document.querySelector(".status-pill").textContent.includes("Published")`)
	}

	// The home page was visited at logout and may sit in the browser cache
	// for its max-age; a reader arriving now asks for a fresh first page.
	do(t, ctx, "open the public page", chromedp.Navigate(base+"/?page=1"), chromedp.WaitVisible(css(".cards")))
	html, err := chromedp.Run(ctx, chromedp.OuterHTML(css(".cards")))
	if err != nil {
		t.Fatal(err)
	}
	for _, cl := range claims {
		if !strings.Contains(html, cl.sentence) || !strings.Contains(html, cl.summary) {
			t.Errorf("public page lacks the card for %q", cl.sentence)
		}
	}
}

func articleIDFrom(t *testing.T, e *env) string {
	t.Helper()
	as, err := e.store.Articles(t.Context(), 1)
	if err != nil || len(as) == 0 {
		t.Fatalf("no article: %v", err)
	}
	return strconv.FormatInt(as[0].ID, 10)
}

func jsString(s string) string { return "`" + strings.ReplaceAll(s, "`", "") + "`" }
