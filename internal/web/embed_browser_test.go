package web_test

import (
	"context"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"claimdesk/internal/web"
)

// TestEmbedOnThirdPartySite pastes the embed snippet into a page served from
// a second origin and checks, in real Chromium, that the card renders in
// its iframe, that the iframe takes the card's height, that messages from
// elsewhere cannot resize it, and that a correction shows on reload.
func TestEmbedOnThirdPartySite(t *testing.T) {
	ctx := newBrowser(t)
	e := newEnv(t, "sqlite")
	cl, _ := e.publishedAndDraft()
	desk := newServer(t, e.store, web.Config{BaseURL: e.srv.URL, Newsroom: "Test Desk"})
	snippet := desk.EmbedSnippet(cl)

	const frameWidth = 520
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html><head><meta charset="utf-8"><title>A viral article</title></head>
<body><h1>A viral article</h1><p>Here is what the fact checkers found:</p>
<div id="col" style="width:520px">`+snippet+`</div><p id="after">More article text.</p></body></html>`)
	}))
	t.Cleanup(host.Close)
	if host.URL == e.srv.URL || !strings.HasPrefix(host.URL, "http://127.0.0.1:") {
		t.Fatalf("host %s must be another origin on 127.0.0.1 than the desk %s", host.URL, e.srv.URL)
	}

	// frameHeight waits until the iframe is no longer the default 150px.
	frameHeight := func() float64 {
		h, err := chromedp.Run(ctx, chromedp.Poll[float64](`(() => {
			const f = document.querySelector("iframe.claimdesk-frame");
			const h = f ? f.getBoundingClientRect().height : 0;
			return h !== 150 ? h : 0;
		})()`, chromedp.WithPollingTimeout(20*time.Second)))
		if err != nil {
			t.Fatalf("iframe never resized from the default 150px: %v", err)
		}
		return h
	}
	// frameText returns the text of sel inside the iframe once it contains
	// want, ignoring case (badges are uppercased by CSS).
	frameText := func(sel, want string) string {
		var text string
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			qctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			nodes, err := chromedp.Run(qctx, chromedp.Nodes(chromedp.CSS("iframe.claimdesk-frame")))
			if err == nil && len(nodes) > 0 {
				text, err = chromedp.Run(qctx, chromedp.Text(chromedp.CSS(sel), chromedp.FromNode(nodes[0])))
			}
			cancel()
			if err == nil && strings.Contains(strings.ToLower(text), strings.ToLower(want)) {
				break
			}
		}
		return text
	}

	do(t, ctx, "open the host page", chromedp.Navigate(host.URL), chromedp.WaitVisible(chromedp.CSS("iframe.claimdesk-frame")))
	src, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("iframe.claimdesk-frame"), "src"))
	if err != nil || !strings.HasPrefix(src.Value, e.srv.URL+"/embed/claims/") {
		t.Fatalf("iframe src %q: %v", src.Value, err)
	}
	if left, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("blockquote.claimdesk-card") !== null`)); left {
		t.Error("the blockquote was not replaced")
	}
	if q := frameText(".cd-quote p", cl.Headline()[:20]); !strings.Contains(q, cl.Headline()[:20]) {
		t.Errorf("iframe shows %q, want the claim's statement", q)
	}
	if b := frameText(".cd-badge", cl.Rating.Label); !strings.EqualFold(b, cl.Rating.Label) {
		t.Errorf("iframe badge %q, want %q", b, cl.Rating.Label)
	}
	got := frameHeight()

	// The card's own height at the iframe's width, measured in a tab of its own.
	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	do(t, tab, "open the embed alone", chromedp.EmulateViewport(frameWidth, 900), chromedp.Navigate(src.Value), chromedp.WaitVisible(chromedp.CSS(".cd-card")))
	want, err := chromedp.Run(tab, chromedp.Evaluate[float64](`Math.ceil(document.body.getBoundingClientRect().height)`))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-want) > 3 {
		t.Errorf("iframe is %.0fpx tall, its card %.0fpx", got, want)
	}
	t.Logf("iframe height %.0fpx, card %.0fpx", got, want)

	// A height message from the host page itself (not the desk) is ignored.
	do(t, ctx, "post a forged height", chromedp.Evaluate[chromedp.Void](`window.postMessage({type: "claimdesk:height", height: 999}, "*")`), chromedp.Sleep(300*time.Millisecond))
	after, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("iframe.claimdesk-frame").getBoundingClientRect().height`))
	if err != nil || after != got {
		t.Errorf("a message from another origin resized the iframe to %.0f (%v)", after, err)
	}

	// A correction published on the desk shows in the embed on reload.
	note := "We misread the table; the figure is far lower."
	e.correct(cl.ID, "mostly-false", note)
	// The embed may be cached for max-age=60 (Cache-Control is part of the
	// contract), so a plain reload within that minute can show the old
	// card. Reload as a reader does once it has expired: the browser must
	// go back to the desk, which answers with the corrected card.
	ignoreCache := true
	do(t, ctx, "reload the host page",
		chromedp.Evaluate[chromedp.Void](`window.__beforeReload = true`),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.Reload, page.ReloadParams{IgnoreCache: &ignoreCache})
			return err
		}))
	waitFor(t, ctx, "the reloaded host page", `!window.__beforeReload && document.readyState === "complete" && document.querySelector("iframe.claimdesk-frame") !== null`)
	if n := frameText(".cd-note", note); !strings.Contains(n, note) || !strings.HasPrefix(n, "Updated ") {
		t.Errorf("after correction the embed shows %q", n)
	}
	if b := frameText(".cd-badge", "Mostly false"); !strings.EqualFold(b, "Mostly false") {
		t.Errorf("after correction the badge is %q", b)
	}
	if h := frameHeight(); h <= got {
		t.Errorf("iframe did not grow for the correction note: %.0f → %.0f", got, h)
	}
}
