package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
)

// publishedAndDraft returns one published (not yet corrected) claim and one
// draft from the seeds.
func (e *env) publishedAndDraft() (*factcheck.Claim, *factcheck.Claim) {
	e.t.Helper()
	ctx := context.Background()
	pub, _, err := e.store.ListClaims(ctx, store.ClaimFilter{Statuses: []factcheck.Status{factcheck.StatusPublished}, Limit: 1})
	if err != nil || len(pub) == 0 {
		e.t.Fatalf("no published claim in seeds: %v", err)
	}
	drafts, _, err := e.store.ListClaims(ctx, store.ClaimFilter{Statuses: []factcheck.Status{factcheck.StatusDraft}, Limit: 1})
	if err != nil || len(drafts) == 0 {
		e.t.Fatalf("no draft in seeds: %v", err)
	}
	cl, err := e.store.PublicClaim(ctx, pub[0].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return cl, &drafts[0].Claim
}

// correct publishes a correction to a claim through the store, as the desk
// does, changing its rating to ratingKey.
func (e *env) correct(id int64, ratingKey, note string) *factcheck.Claim {
	e.t.Helper()
	ctx := context.Background()
	cl, err := e.store.PublicClaim(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	out, err := e.store.UpdateClaim(ctx, id, cl.Version, e.reviewer, note, func(c *factcheck.Claim) error {
		c.RatingKey = ratingKey
		return c.Correct(e.reviewer, note, time.Now())
	})
	if err != nil {
		e.t.Fatalf("correct claim %d: %v", id, err)
	}
	return out
}

func idPath(prefix string, id int64, suffix string) string {
	return prefix + strconv.FormatInt(id, 10) + suffix
}

func TestEmbedCard(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			c := e.client()
			cl, draft := e.publishedAndDraft()
			path := idPath("/embed/claims/", cl.ID, "-"+cl.Slug)

			// Go's client asks for gzip unless told otherwise; start plain.
			status, body, resp := e.get(c, path, "Accept-Encoding", "identity")
			if status != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("embed: %d %s", status, resp.Header.Get("Content-Type"))
			}
			hasAll(t, "embed", body, htmlEscape(cl.Headline()), htmlEscape(cl.Claimant), htmlEscape(cl.Summary), cl.Rating.Label,
				"Read the fact check", `target="_blank" rel="noopener"`, `href="`+e.srv.URL+idPath("/claims/", cl.ID, "-"+cl.Slug)+`"`,
				"Test Desk", "theme-auto", "/static/embed.css")
			if strings.Contains(body, "<style") || strings.Contains(body, "style=") {
				t.Error("embed has inline styles, which the CSP forbids")
			}
			if len(resp.Cookies()) > 0 || resp.Header.Get("Set-Cookie") != "" {
				t.Errorf("embed sets a cookie: %q", resp.Header.Get("Set-Cookie"))
			}
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "frame-ancestors 'self'") {
				t.Errorf("embed CSP: %q", csp)
			}
			if xfo := resp.Header.Values("X-Frame-Options"); len(xfo) > 0 {
				t.Errorf("embed sends X-Frame-Options %q", xfo)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=60, stale-while-revalidate=600, stale-if-error=86400" {
				t.Errorf("Cache-Control %q", cc)
			}
			etag := resp.Header.Get("ETag")
			if !strings.HasPrefix(etag, `"`) {
				t.Fatalf("ETag %q is not a strong tag", etag)
			}
			// Pages other than embeds stay unframeable.
			if _, _, r := e.get(c, idPath("/claims/", cl.ID, "")); !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'self'") {
				t.Errorf("claim page CSP changed: %q", r.Header.Get("Content-Security-Policy"))
			}

			// Revalidation, and a cookie sent by the browser changes nothing.
			status, body, resp = e.get(c, path, "If-None-Match", etag, "Cookie", "claimdesk_session=whatever", "Accept-Encoding", "identity")
			if status != http.StatusNotModified || body != "" || resp.Header.Get("ETag") != etag {
				t.Errorf("revalidate: %d etag %q", status, resp.Header.Get("ETag"))
			}
			if resp.Header.Get("Set-Cookie") != "" {
				t.Error("304 sets a cookie")
			}

			// gzip and brotli are served to clients that ask, each under
			// its own strong tag; a browser's usual header gets brotli.
			plain := body0(t, e, path)
			tags := map[string]bool{etag: true}
			for _, enc := range []struct {
				accept, coding string
				decode         func(io.Reader) (io.Reader, error)
			}{
				{"gzip", "gzip", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
				{"gzip, deflate, br, zstd", "br", func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
			} {
				status, zbody, resp := e.get(c, path, "Accept-Encoding", enc.accept)
				if status != 200 || resp.Header.Get("Content-Encoding") != enc.coding {
					t.Fatalf("Accept-Encoding %q: %d %q", enc.accept, status, resp.Header.Get("Content-Encoding"))
				}
				zr, err := enc.decode(strings.NewReader(zbody))
				if err != nil {
					t.Fatal(err)
				}
				decoded, _ := io.ReadAll(zr)
				if string(decoded) != plain || len(zbody) >= len(decoded) {
					t.Errorf("%s body differs from the plain one or is not smaller", enc.coding)
				}
				tag := resp.Header.Get("ETag")
				if tags[tag] || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
					t.Errorf("%s ETag %q repeats another encoding's, Vary %q", enc.coding, tag, resp.Header.Get("Vary"))
				}
				tags[tag] = true
				if status, _, _ := e.get(c, path, "Accept-Encoding", enc.accept, "If-None-Match", tag); status != http.StatusNotModified {
					t.Errorf("%s revalidation: %d", enc.coding, status)
				}
			}

			// Themes.
			_, body, _ = e.get(c, path+"?theme=dark")
			hasAll(t, "dark embed", body, "theme-dark")
			_, body, _ = e.get(c, path+"?theme=bogus")
			hasAll(t, "bogus theme", body, "theme-auto")

			// Drafts, unknown ids and garbage are 404.
			for _, p := range []string{idPath("/embed/claims/", draft.ID, ""), "/embed/claims/999999", "/embed/claims/abc"} {
				if st, _, _ := e.get(c, p); st != http.StatusNotFound {
					t.Errorf("%s: %d, want 404", p, st)
				}
			}

			// A correction shows on the next load, with a new ETag.
			note := "We misread the table; the figure is lower."
			e.correct(cl.ID, "mostly-false", note)
			status, body, resp = e.get(c, path, "If-None-Match", etag)
			if status != 200 {
				t.Fatalf("after correction, old ETag gave %d", status)
			}
			hasAll(t, "corrected embed", body, "Updated ", htmlEscape(note), "Mostly false", "Corrected")
			if resp.Header.Get("ETag") == etag {
				t.Error("ETag unchanged after correction")
			}

			// A retraction says so, with its note.
			rcl, err := e.store.PublicClaim(t.Context(), cl.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.store.UpdateClaim(t.Context(), cl.ID, rcl.Version, e.reviewer, "retract", func(c *factcheck.Claim) error {
				return c.Retract(e.reviewer, "The source was fabricated.", time.Now())
			})
			if err != nil {
				t.Fatal(err)
			}
			_, body, _ = e.get(c, path)
			hasAll(t, "retracted embed", body, "Retracted", "The source was fabricated.")
		})
	}
}

// body0 fetches path without compression.
func body0(t *testing.T, e *env, path string) string {
	t.Helper()
	_, b, _ := e.get(e.client(), path, "Accept-Encoding", "identity")
	return b
}

func TestEmbedScript(t *testing.T) {
	e := newEnv(t, "sqlite")
	status, body, resp := e.get(e.client(), "/embed.js")
	if status != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("embed.js: %d %q", status, resp.Header.Get("Content-Type"))
	}
	hasAll(t, "embed.js", body, "blockquote.claimdesk-card[data-claim]", "event.origin !== origin", "event.source", "/embed/claims/")
	if st, _, _ := e.get(e.client(), "/embed.js", "If-None-Match", resp.Header.Get("ETag")); st != http.StatusNotModified {
		t.Errorf("embed.js revalidate: %d", st)
	}
}

type oembedJSON struct {
	Version         string `json:"version"`
	Type            string `json:"type"`
	HTML            string `json:"html"`
	Width           int    `json:"width"`
	Height          int    `json:"height"`
	Title           string `json:"title"`
	ProviderName    string `json:"provider_name"`
	ProviderURL     string `json:"provider_url"`
	AuthorName      string `json:"author_name"`
	CacheAge        int    `json:"cache_age"`
	ThumbnailURL    string `json:"thumbnail_url"`
	ThumbnailWidth  int    `json:"thumbnail_width"`
	ThumbnailHeight int    `json:"thumbnail_height"`
}

func TestOEmbed(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			c := e.client()
			cl, draft := e.publishedAndDraft()
			page := e.srv.URL + idPath("/claims/", cl.ID, "-"+cl.Slug)
			oembed := func(params url.Values) (int, string, *http.Response) {
				return e.get(c, "/oembed?"+params.Encode())
			}

			status, body, resp := oembed(url.Values{"url": {page}, "format": {"json"}})
			var o oembedJSON
			if err := json.Unmarshal([]byte(body), &o); err != nil || status != 200 {
				t.Fatalf("oembed: %d %v %s", status, err, body)
			}
			if o.Version != "1.0" || o.Type != "rich" || o.ProviderName != "Test Desk" || o.ProviderURL != e.srv.URL+"/" ||
				o.AuthorName == "" || o.CacheAge <= 0 || o.Width != 560 || o.Height < 150 || !strings.Contains(o.Title, cl.Headline()[:20]) {
				t.Errorf("oembed fields: %+v", o)
			}
			// The html is the snippet (plain-text verdict and embed.js),
			// carrying the declared height for the iframe it becomes.
			if !strings.HasPrefix(o.HTML, `<blockquote class="claimdesk-card" data-claim="`+strconv.FormatInt(cl.ID, 10)+`"`) ||
				!strings.Contains(o.HTML, `data-height="`+strconv.Itoa(o.Height)+`"`) || !strings.Contains(o.HTML, `max-width:560px`) ||
				!strings.HasSuffix(o.HTML, `<script async src="`+e.srv.URL+`/embed.js"></script>`) || strings.Contains(o.HTML, "charset") {
				t.Errorf("oembed html: %s", o.HTML)
			}
			if o.ThumbnailURL != e.srv.URL+idPath("/claims/", cl.ID, "/card.png") || o.ThumbnailWidth != 1200 || o.ThumbnailHeight != 630 {
				t.Errorf("thumbnail: %q %dx%d", o.ThumbnailURL, o.ThumbnailWidth, o.ThumbnailHeight)
			}
			if resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Errorf("oembed headers: %v", resp.Header)
			}
			// The thumbnail URL serves what it promises.
			if st, _, r := e.get(c, strings.TrimPrefix(o.ThumbnailURL, e.srv.URL)); st != 200 || r.Header.Get("Content-Type") != "image/png" {
				t.Errorf("thumbnail: %d", st)
			}

			// maxwidth and maxheight bound the iframe and the thumbnail.
			_, body, _ = oembed(url.Values{"url": {page}, "maxwidth": {"400"}, "maxheight": {"200"}})
			o = oembedJSON{}
			json.Unmarshal([]byte(body), &o)
			if o.Width != 400 || o.Height > 200 || !strings.Contains(o.HTML, `max-width:400px`) || o.ThumbnailWidth > 400 || o.ThumbnailHeight > 200 {
				t.Errorf("maxwidth/maxheight: %+v", o)
			}
			if o.ThumbnailURL != "" {
				if st, b, _ := e.get(c, strings.TrimPrefix(o.ThumbnailURL, e.srv.URL)); st != 200 {
					t.Errorf("small thumbnail %s: %d", o.ThumbnailURL, st)
				} else if img, err := png.Decode(strings.NewReader(b)); err != nil || img.Bounds().Dx() != o.ThumbnailWidth || img.Bounds().Dy() != o.ThumbnailHeight {
					t.Errorf("small thumbnail is not %dx%d: %v", o.ThumbnailWidth, o.ThumbnailHeight, err)
				}
			}
			_, body, _ = oembed(url.Values{"url": {page}, "maxwidth": {"100"}})
			o = oembedJSON{}
			json.Unmarshal([]byte(body), &o)
			if o.Width != 100 || o.ThumbnailURL != "" || o.ThumbnailWidth != 0 {
				t.Errorf("maxwidth=100: %+v", o)
			}

			errCases := []struct {
				name   string
				params url.Values
				status int
				code   string
			}{
				{"missing url", url.Values{"format": {"json"}}, 400, "malformed"},
				{"xml", url.Values{"url": {page}, "format": {"xml"}}, 501, "not_implemented"},
				{"bad maxwidth", url.Values{"url": {page}, "maxwidth": {"wide"}}, 400, "malformed"},
				{"draft", url.Values{"url": {e.srv.URL + idPath("/claims/", draft.ID, "")}}, 404, "not_found"},
				{"unknown", url.Values{"url": {e.srv.URL + "/claims/999999"}}, 404, "not_found"},
				{"foreign host", url.Values{"url": {"https://evil.example" + idPath("/claims/", cl.ID, "")}}, 404, "not_found"},
				{"not a claim page", url.Values{"url": {e.srv.URL + "/ratings"}}, 404, "not_found"},
				{"not a URL", url.Values{"url": {"::::"}}, 404, "not_found"},
				{"javascript", url.Values{"url": {"javascript:alert(1)"}}, 404, "not_found"},
			}
			for _, tc := range errCases {
				status, body, resp := oembed(tc.params)
				var eb struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal([]byte(body), &eb); err != nil || status != tc.status || eb.Error.Code != tc.code || eb.Error.Message == "" {
					t.Errorf("%s: %d %s, want %d %s", tc.name, status, body, tc.status, tc.code)
				}
				if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
					t.Errorf("%s: no CORS on error", tc.name)
				}
			}
		})
	}
}

func TestCardPNG(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			c := e.client()
			cl, draft := e.publishedAndDraft()
			path := idPath("/claims/", cl.ID, "-"+cl.Slug+"/card.png")
			status, body, resp := e.get(c, path)
			if status != 200 || resp.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("card.png: %d %q", status, resp.Header.Get("Content-Type"))
			}
			img, err := png.Decode(strings.NewReader(body))
			if err != nil || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 630 {
				t.Fatalf("card.png is not a 1200x630 PNG: %v", err)
			}
			etag := resp.Header.Get("ETag")
			if st, _, _ := e.get(c, path, "If-None-Match", etag); st != http.StatusNotModified {
				t.Errorf("card.png revalidate: %d", st)
			}
			if resp.Header.Get("Cache-Control") != "public, max-age=60, stale-while-revalidate=600, stale-if-error=86400" || resp.Header.Get("Set-Cookie") != "" {
				t.Errorf("card.png headers: %v", resp.Header)
			}
			for _, p := range []string{idPath("/claims/", draft.ID, "/card.png"), "/claims/999999/card.png"} {
				if st, _, _ := e.get(c, p); st != http.StatusNotFound {
					t.Errorf("%s: %d, want 404", p, st)
				}
			}
			if st, _, _ := e.get(c, path+"?w=77"); st != http.StatusBadRequest {
				t.Errorf("w=77: %d, want 400", st)
			}

			// A new verdict draws a new image.
			rating := "false"
			if cl.RatingKey == "false" {
				rating = "true"
			}
			e.correct(cl.ID, rating, "New evidence changed the verdict.")
			status, after, resp := e.get(c, path, "If-None-Match", etag)
			if status != 200 || resp.Header.Get("ETag") == etag || bytes.Equal([]byte(after), []byte(body)) {
				t.Errorf("card.png after correction: %d, same image %v", status, after == body)
			}
			if _, err := png.Decode(strings.NewReader(after)); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestEmbedSnippet(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl, _ := e.publishedAndDraft()
	cl.Statement = `Crime <doubled> & "tripled"`
	srv := newServer(t, e.store, web.Config{BaseURL: "https://desk.example/", Newsroom: "Desk & Co"})
	snip := srv.EmbedSnippet(cl)
	hasAll(t, "snippet", snip,
		`<blockquote class="claimdesk-card" data-claim="`+strconv.FormatInt(cl.ID, 10)+`">`,
		`Crime &lt;doubled&gt; &amp; "tripled"`, "Verdict: "+cl.Rating.Label,
		`href="https://desk.example/claims/`+strconv.FormatInt(cl.ID, 10)+"-"+cl.Slug+`"`, "Desk &amp; Co",
		`<script async src="https://desk.example/embed.js"`)
}

// Renaming or recolouring a rating changes every card that shows it, on
// the next request, though no claim changed.
func TestCardsFollowRatingEdits(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			e := newEnv(t, d)
			c := e.client()
			cl, _ := e.publishedAndDraft()
			embed := idPath("/embed/claims/", cl.ID, "")
			png := idPath("/claims/", cl.ID, "/card.png")
			_, before, resp := e.get(c, embed, "Accept-Encoding", "identity")
			embedTag := resp.Header.Get("ETag")
			_, pngBefore, resp := e.get(c, png)
			pngTag := resp.Header.Get("ETag")
			if !strings.Contains(before, ">"+cl.Rating.Label+"<") {
				t.Fatalf("embed lacks the label %q", cl.Rating.Label)
			}

			// Saving the rating unchanged keeps every cached card: the
			// public version does not move.
			v0, err := e.store.PublicVersion(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			same := *cl.Rating
			if err := e.store.SaveRating(context.Background(), &same); err != nil {
				t.Fatal(err)
			}
			if v1, _ := e.store.PublicVersion(context.Background()); v1 != v0 {
				t.Errorf("an unchanged save moved the public version from %+v to %+v", v0, v1)
			}

			r := *cl.Rating
			r.Label, r.Color = "Renamed verdict", "#0b5cad"
			if err := e.store.SaveRating(context.Background(), &r); err != nil {
				t.Fatal(err)
			}
			status, after, resp := e.get(c, embed, "Accept-Encoding", "identity", "If-None-Match", embedTag)
			if status != 200 || !strings.Contains(after, ">Renamed verdict<") || resp.Header.Get("ETag") == embedTag {
				t.Errorf("embed after the rename: %d, new label %v", status, strings.Contains(after, "Renamed verdict"))
			}
			status, pngAfter, resp := e.get(c, png, "If-None-Match", pngTag)
			if status != 200 || pngAfter == pngBefore || resp.Header.Get("ETag") == pngTag {
				t.Errorf("card.png after the rename: %d, same image %v", status, pngAfter == pngBefore)
			}
		})
	}
}
