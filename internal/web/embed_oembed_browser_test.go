package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"claimdesk/internal/factcheck"
)

// oembedFor asks the desk for a claim's oEmbed at maxwidth.
func (e *env) oembedFor(cl *factcheck.Claim, maxWidth int) (htmlSnippet string, width, height int) {
	e.t.Helper()
	u := e.srv.URL + "/oembed?format=json&maxwidth=" + strconv.Itoa(maxWidth) + "&url=" + url.QueryEscape(e.srv.URL+"/claims/"+strconv.FormatInt(cl.ID, 10))
	resp, err := http.Get(u)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var o struct {
		HTML          string
		Width, Height int
	}
	if err := json.NewDecoder(resp.Body).Decode(&o); err != nil || resp.StatusCode != 200 {
		e.t.Fatalf("oembed %s: %d %v", u, resp.StatusCode, err)
	}
	return o.HTML, o.Width, o.Height
}

// hardClaims publishes cards that test the height bound: long statements
// and quotes, a word longer than a line, long summaries, long claimants,
// corrections and retractions with long notes.
func (e *env) hardClaims() {
	e.t.Helper()
	long := "The regional transit authority carried more passengers in the first quarter than in any quarter since records began in 1987, and did so while cutting its operating costs per passenger by a fifth"
	cases := []struct {
		statement, quote, claimant, summary, rating string
		fix, retract                                string
	}{
		{statement: long[:140], quote: long, claimant: "Regional Transit Authority press office", summary: strings.Repeat("Ridership rose, but the authority counted transfers twice. ", 4), rating: "mostly-false"},
		{quote: long + ", said the authority's chair in a statement to the council", claimant: "Chair Jane Q. Officeholder-Longname", summary: "Counted twice.", rating: "misleading"},
		{statement: "Pneumonoultramicroscopicsilicovolcanoconiosiscasesdoubledsincetwentytwenty", quote: "Cases doubled.", claimant: "X", summary: strings.Repeat("w ", 200), rating: "unproven"},
		{statement: "Rents doubled", quote: "Rents doubled in ten years.", claimant: "A", summary: "Ten, not twelve.", rating: "true", fix: strings.Repeat("We first said twelve years; the period is ten. ", 5)},
		{statement: long[:90], quote: long, claimant: "B", summary: "Short.", rating: "false", retract: strings.Repeat("The source document was forged, as its publisher later confirmed. ", 4)},
		{statement: "Über 90 % der Bürger — 東京 — sind dafür", quote: "Über 90 % der Bürger sind dafür", claimant: "Ümit Çelik", summary: "Zahlen aus einer Umfrage mit 212 Befragten.", rating: "half-true"},
	}
	for _, c := range cases {
		cl := &factcheck.Claim{Statement: c.statement, Quote: c.quote, Claimant: c.claimant, Summary: c.summary, RatingKey: c.rating}
		ctx := e.t.Context()
		if err := e.store.CreateClaim(ctx, cl, e.editor); err != nil {
			e.t.Fatal(err)
		}
		var err error
		cl, err = e.store.UpdateClaim(ctx, cl.ID, cl.Version, e.editor, "s", func(c *factcheck.Claim) error {
			fillForReview(c)
			return c.Submit(e.editor)
		})
		if err == nil {
			cl, err = e.store.UpdateClaim(ctx, cl.ID, cl.Version, e.reviewer, "p", func(c *factcheck.Claim) error { return c.Publish(e.reviewer, time.Now(), false) })
		}
		if err == nil && c.fix != "" {
			cl, err = e.store.UpdateClaim(ctx, cl.ID, cl.Version, e.reviewer, c.fix, func(c2 *factcheck.Claim) error { return c2.Correct(e.reviewer, c.fix, time.Now()) })
		}
		if err == nil && c.retract != "" {
			_, err = e.store.UpdateClaim(ctx, cl.ID, cl.Version, e.reviewer, c.retract, func(c2 *factcheck.Claim) error { return c2.Retract(e.reviewer, c.retract, time.Now()) })
		}
		if err != nil {
			e.t.Fatal(err)
		}
	}
}

// TestOEmbedFitsItsCard places every public card's oEmbed html on a page
// of another origin at 300, 400 and 560 pixels, in real Chromium, and
// checks that the declared height is never less than the card's: in the
// iframe embed.js makes (which starts at the declared height), in a
// consumer's frame of the declared size with the script running, and in
// one that drops the script and shows the plain-text fallback.
func TestOEmbedFitsItsCard(t *testing.T) {
	ctx := newBrowser(t)
	e := newEnv(t, "sqlite")
	e.hardClaims()
	claims := e.publicClaims()
	ids := ids(claims)
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })

	type embedCase struct {
		id            int64
		html          string
		width, height int
	}
	var mu sync.Mutex
	pages := map[string]string{}
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		body, ok := pages[r.URL.Path]
		mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, body)
	}))
	t.Cleanup(host.Close)

	for _, width := range []int{300, 400, 560} {
		var cases []embedCase
		for _, id := range ids {
			h, w, ht := e.oembedFor(claims[id], width)
			if w != width {
				t.Errorf("claim %d at %d: oEmbed width %d", id, width, w)
			}
			cases = append(cases, embedCase{id, h, w, ht})
		}
		// The page: each case as a consumer that pastes the html (the
		// script swaps in the iframe), one that frames it at the declared
		// size with the script, and one that frames it without.
		var b strings.Builder
		b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner site</title><style>body{margin:0}.case{margin:0 0 40px}</style>
<script>window.__cards = {}; addEventListener("message", function (ev) {
  if (!ev.data || ev.data.type !== "claimdesk:height") return;
  document.querySelectorAll("iframe.claimdesk-frame").forEach(function (f) {
    if (f.contentWindow === ev.source) window.__cards[f.closest(".case").id] = ev.data.height;
  });
});</script></head><body>`)
		for _, c := range cases {
			noScript := c.html[:strings.Index(c.html, "<script")]
			framed := `<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0}</style></head><body>`
			fmt.Fprintf(&b, `<div class="case" id="pasted-%d" style="width:%dpx">%s</div>`, c.id, c.width, c.html)
			fmt.Fprintf(&b, `<div class="case"><iframe id="framed-%d" class="consumer" data-declared="%d" width="%d" height="%d" style="border:0;display:block" srcdoc="%s"></iframe></div>`,
				c.id, c.height, c.width, c.height, html.EscapeString(framed+c.html+`</body></html>`))
			fmt.Fprintf(&b, `<div class="case"><iframe id="bare-%d" class="consumer" data-declared="%d" width="%d" height="%d" style="border:0;display:block" srcdoc="%s"></iframe></div>`,
				c.id, c.height, c.width, c.height, html.EscapeString(framed+noScript+`</body></html>`))
		}
		b.WriteString(`</body></html>`)
		path := "/w" + strconv.Itoa(width)
		mu.Lock()
		pages[path] = b.String()
		mu.Unlock()

		do(t, ctx, "open the partner page at "+strconv.Itoa(width), chromedp.EmulateViewport(1280, 900), chromedp.Navigate(host.URL+path))
		waitFor(t, ctx, "every card reported its height", fmt.Sprintf(`Object.keys(window.__cards).length === %d`, len(cases)))
		// The framed consumers' inner cards report to their own frames;
		// wait until each has resized its iframe from the declared height.
		waitFor(t, ctx, "every framed card sized", `[...document.querySelectorAll("iframe[id^=framed]")].every(f => {
			const inner = f.contentDocument && f.contentDocument.querySelector("iframe.claimdesk-frame");
			return inner && inner.style.height && inner.getBoundingClientRect().height !== Number(f.dataset.declared);
		})`)
		type result struct {
			ID                     int64
			Declared, Card, Pasted float64
			FramedInner, FramedDoc float64
			BareDoc                float64
		}
		js := `[...document.querySelectorAll("div.case[id^=pasted]")].map(d => {
			const id = Number(d.id.slice(7));
			const framed = document.getElementById("framed-" + id), bare = document.getElementById("bare-" + id);
			const inner = framed.contentDocument.querySelector("iframe.claimdesk-frame");
			return {ID: id, Declared: Number(framed.dataset.declared), Card: window.__cards[d.id],
				Pasted: d.querySelector("iframe.claimdesk-frame").getBoundingClientRect().height,
				FramedInner: inner.getBoundingClientRect().height,
				FramedDoc: framed.contentDocument.documentElement.scrollHeight,
				BareDoc: bare.contentDocument.documentElement.scrollHeight};
		})`
		results, err := chromedp.Run(ctx, chromedp.Evaluate[[]result](js))
		if err != nil {
			t.Fatal(err)
		}
		if len(results) != len(cases) {
			t.Fatalf("at %d: %d results for %d cards", width, len(results), len(cases))
		}
		minSlack, maxSlack := 1e9, -1e9
		for _, r := range results {
			slack := r.Declared - r.Card
			minSlack, maxSlack = min(minSlack, slack), max(maxSlack, slack)
			if testing.Verbose() && slack < 12 {
				t.Logf("at %dpx claim %d: card %.0f, declared %.0f, fallback %.0f", width, r.ID, r.Card, r.Declared, r.BareDoc)
			}
			if r.Card > r.Declared {
				t.Errorf("at %dpx claim %d: card %.0fpx, declared only %.0fpx: cut off by %.0fpx", width, r.ID, r.Card, r.Declared, r.Card-r.Declared)
			}
			if d := r.Pasted - r.Card; d < -1 || d > 1 {
				t.Errorf("at %dpx claim %d: the pasted iframe is %.0fpx, its card %.0fpx", width, r.ID, r.Pasted, r.Card)
			}
			if r.FramedInner > r.Declared || r.FramedDoc > r.Declared {
				t.Errorf("at %dpx claim %d: in a %.0fpx consumer frame the card takes %.0fpx (document %.0fpx)", width, r.ID, r.Declared, r.FramedInner, r.FramedDoc)
			}
			if r.BareDoc > r.Declared {
				t.Errorf("at %dpx claim %d: without the script the fallback takes %.0fpx of %.0fpx", width, r.ID, r.BareDoc, r.Declared)
			}
		}
		t.Logf("at %dpx: %d cards, declared height exceeds the card by %.0f–%.0f px", width, len(results), minSlack, maxSlack)
	}
}
