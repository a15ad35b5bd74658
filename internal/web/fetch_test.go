package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// newsSite serves one article page the way news sites do, with navigation
// and a footer around the story (our own text).
func newsSite(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/2024/bridge-tolls" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html><head><title>Bridge tolls to double next year | River Post</title>
<meta property="og:site_name" content="River Post"><meta name="author" content="Tomas Reyes">
<meta property="article:published_time" content="2024-05-02T07:00:00Z"></head>
<body><nav>Home · Local · Weather · Sign in</nav>
<article><h1>Bridge tolls to double next year</h1>
<p>The regional transport board said on Thursday that tolls on the Old Span bridge will rise from two to four euros in January, the first increase since 2011.</p>
<p>The board's chair, Lena Ortiz, said the bridge needs 90 million euros of repairs over the next decade and that tolls now cover less than a third of its upkeep.</p>
<p>Commuter groups disputed the figure and said the board had not published the engineering report it relied on.</p>
</article><footer>© River Post · Privacy · Newsletter</footer></body></html>`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFetchArticleIntoIntake(t *testing.T) {
	e := newEnv(t, "sqlite")
	site := newsSite(t)
	c := e.client()
	e.login(c, "editor@test.example")
	token := e.csrfFrom(c, "/desk/articles/new")
	before, err := e.store.Articles(t.Context(), 1000)
	if err != nil {
		t.Fatal(err)
	}

	status, body, _ := e.postForm(c, "/desk/articles/fetch", url.Values{"_csrf": {token}, "fetch_url": {site.URL + "/2024/bridge-tolls"}})
	if status != http.StatusOK {
		t.Fatalf("fetch: %d\n%s", status, body)
	}
	for _, want := range []string{`value="Bridge tolls to double next year"`, `value="River Post"`, `value="Tomas Reyes"`, `value="2024-05-02"`,
		`value="` + site.URL + `/2024/bridge-tolls"`, "The regional transport board said on Thursday", "Filled in from"} {
		if !strings.Contains(body, want) {
			t.Errorf("the filled-in form lacks %s", want)
		}
	}
	if strings.Contains(body, "Sign in</textarea>") || strings.Contains(body, "Newsletter") {
		t.Error("page furniture reached the article text")
	}
	// Failures come back on the form, next to the address.
	for _, tc := range []struct {
		url, want string
		status    int
	}{
		{"not a url", "full address", http.StatusUnprocessableEntity},
		{site.URL + "/missing", "404", http.StatusUnprocessableEntity},
	} {
		status, body, _ := e.postForm(c, "/desk/articles/fetch", url.Values{"_csrf": {token}, "fetch_url": {tc.url}})
		if status != tc.status || !strings.Contains(body, `id="err-fetch_url"`) || !strings.Contains(body, tc.want) {
			t.Errorf("fetch %q: %d, want %d with %q", tc.url, status, tc.status, tc.want)
		}
	}
	// What the editor already typed survives a failed fetch.
	status, body, _ = e.postForm(c, "/desk/articles/fetch", url.Values{"_csrf": {token}, "fetch_url": {site.URL + "/missing"},
		"title": {"My own headline"}, "body": {"Text I pasted before trying the link."}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `value="My own headline"`) || !strings.Contains(body, "Text I pasted before trying the link.") {
		t.Errorf("a failed fetch lost the typed fields: %d", status)
	}

	// Fetching stores nothing: the editor saves the form.
	if after, _ := e.store.Articles(t.Context(), 1000); len(after) != len(before) {
		t.Errorf("fetching stored articles: %d before, %d after", len(before), len(after))
	}
}

// In Chromium the fetch fills the form in place (an htmx swap, no reload),
// and saving it goes on to the sentence view as a pasted article does.
func TestFetchArticleInBrowser(t *testing.T) {
	e := newEnv(t, "sqlite")
	site := newsSite(t)
	ctx := newBrowser(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	do(t, ctx, "log in",
		chromedp.Navigate(e.srv.URL+"/login"),
		chromedp.SendKeys(css("#email"), "editor@test.example"),
		chromedp.SendKeys(css("#password"), testPassword),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css(".desk-head")),
		chromedp.Navigate(e.srv.URL+"/desk/articles/new"),
		chromedp.WaitVisible(css("#fetch_url")),
		chromedp.Evaluate[chromedp.Void](`window.__noReload = true`),
		chromedp.SendKeys(css("#fetch_url"), site.URL+"/2024/bridge-tolls"),
		chromedp.Click(css(".fetch-form button")),
	)
	waitFor(t, ctx, "the fetched headline", `document.querySelector("#title").value === "Bridge tolls to double next year"`)
	if kept, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__noReload === true`)); !kept {
		t.Error("the page reloaded instead of swapping the form")
	}
	body, err := chromedp.Run(ctx, chromedp.Value(css("#body")))
	if err != nil || !strings.HasPrefix(body, "The regional transport board") || strings.Count(body, "\n\n") != 2 {
		t.Errorf("article text %q (%v)", body, err)
	}
	do(t, ctx, "save the fetched article", chromedp.Submit(css("#title")), chromedp.WaitVisible(css(".sent")))
	waitFor(t, ctx, "a check-worthy sentence", `[...document.querySelectorAll(".sent.s-strong, .sent.s-likely")].some(s => s.textContent.includes("90 million euros"))`)
}
