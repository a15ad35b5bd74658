package web_test

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/vnu"
)

// TestPagesAreValidHTML renders every page the server has, public and
// desk (as an admin), with real data: every GET route with its ids filled
// in, search results and filters, an error page, the report form, the
// embed card and a partner's page carrying the embed snippet and the
// oEmbed html. The W3C Nu HTML Checker (vnu-jar) must report no error on
// any of them; it runs once over all the files.
func TestPagesAreValidHTML(t *testing.T) {
	if testing.Short() {
		t.Skip("the HTML checker starts a JVM; make test runs it")
	}
	if _, err := vnu.Jar(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	e := newEnv(t, "sqlite")
	e.startWebhooks()
	ctx := t.Context()
	// Data for every kind of page: a correction, a retraction, a report,
	// a webhook with a delivery log.
	pub, draft := e.publishedAndDraft()
	corrected := e.correct(pub.ID, "mostly-false", "We misread the table.")
	retracted := e.publishQuote("Ferries carry more people than the bridge, said A. Tester.", "false")
	if _, err := e.store.UpdateClaim(ctx, retracted.ID, retracted.Version, e.reviewer, "r", func(c *factcheck.Claim) error {
		return c.Retract(e.reviewer, "The source was forged.", time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateReport(ctx, &factcheck.Report{ClaimID: corrected.ID, Message: "The year in this card is wrong.", Email: "reader@example.org"}, "ip:1"); err != nil {
		t.Fatal(err)
	}
	rcv, _, _ := hookReceiver(t)
	if st := e.api("POST", "/api/v1/webhooks", e.token(e.admin), map[string]any{"url": rcv.URL, "events": []string{"claim.published"}}, nil); st != 201 {
		t.Fatalf("webhook: %d", st)
	}
	var article int64
	for _, c := range e.publicClaims() {
		if c.ArticleID != nil {
			article = *c.ArticleID
		}
	}

	admin := e.client()
	e.login(admin, e.admin.Email)
	anon := e.client()
	pages := map[string]string{} // file name → HTML
	fetch := func(name, path string, asAdmin bool) {
		t.Helper()
		c := anon
		if asAdmin {
			c = admin
		}
		status, body, resp := e.get(c, path)
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			return
		}
		if status >= 500 {
			t.Errorf("%s: %d", path, status)
		}
		pages[name] = body
	}
	fill := func(p string) string {
		id := pub.ID
		if strings.HasPrefix(p, "/desk/") {
			id = draft.ID
		}
		if strings.Contains(p, "/articles/") {
			id = article
		}
		return strings.ReplaceAll(p, ":id", strconv.FormatInt(id, 10))
	}
	for _, r := range e.web.Routes() {
		if r.Method != "GET" || strings.Contains(r.Path, "*") || strings.HasPrefix(r.Path, "/login/oidc") {
			continue
		}
		path := fill(r.Path)
		name := strings.Trim(strings.NewReplacer("/", "_", ":", "").Replace(r.Path), "_")
		if name == "" {
			name = "home"
		}
		fetch("public-"+name, path, false)
		if strings.HasPrefix(r.Path, "/desk") || r.Path == "/" || strings.HasPrefix(r.Path, "/claims/") {
			fetch("admin-"+name, path, true)
		}
	}
	for name, path := range map[string]string{
		"search":          "/?q=mines",
		"search-none":     "/?q=zzzzqqq",
		"filter-rating":   "/?rating=false",
		"filter-tag":      "/?tag=ukraine&page=1",
		"page-2":          "/?page=2",
		"corrected-claim": "/claims/" + strconv.FormatInt(corrected.ID, 10),
		"retracted-claim": "/claims/" + strconv.FormatInt(retracted.ID, 10),
		"retracted-embed": "/embed/claims/" + strconv.FormatInt(retracted.ID, 10) + "?theme=dark",
		"not-found":       "/claims/999999",
		"desk-published":  "/desk/claims/" + strconv.FormatInt(corrected.ID, 10),
		"desk-correcting": "/desk/claims/" + strconv.FormatInt(corrected.ID, 10) + "?mode=correct",
		"desk-history":    "/desk/claims/" + strconv.FormatInt(corrected.ID, 10) + "/history",
		"desk-mine":       "/desk/claims?mine=1",
	} {
		fetch(name, path, strings.HasPrefix(path, "/desk"))
	}
	// A partner's page with the embed snippet and the oEmbed html.
	snippet := e.web.EmbedSnippet(corrected)
	oe, _, _ := e.oembedFor(corrected, 400)
	pages["partner-embed"] = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>A partner's article</title></head><body><h1>A partner's article</h1><p>What the fact checkers found:</p>` +
		snippet + "\n<p>And through oEmbed:</p>\n" + oe + "\n</body></html>"

	dir := t.TempDir()
	var files []string
	for name, body := range pages {
		f := filepath.Join(dir, url.PathEscape(name)+".html")
		if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) < 30 {
		t.Fatalf("only %d pages rendered", len(files))
	}
	msgs, err := vnu.Check(ctx, files...)
	if errors.Is(err, vnu.ErrNoJar) {
		t.Skip(err)
	} else if err != nil {
		t.Fatal(err)
	}
	var errs int
	for _, m := range msgs {
		if m.IsError() {
			errs++
			t.Errorf("%s", m)
		}
	}
	t.Logf("vnu: %d pages, %d errors, %d other messages", len(files), errs, len(msgs)-errs)
	if testing.Verbose() {
		for _, m := range msgs {
			if !m.IsError() {
				t.Logf("%s", m)
			}
		}
	}

}
