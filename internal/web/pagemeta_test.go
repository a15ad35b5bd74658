package web_test

import (
	"bytes"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// headOf returns the <meta> and <link> elements of a page's head as
// attribute maps.
func headOf(t *testing.T, page string) (metas, links []map[string]string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node, inHead bool)
	walk = func(n *html.Node, inHead bool) {
		if n.Type == html.ElementNode {
			if n.Data == "head" {
				inHead = true
			}
			if inHead && (n.Data == "meta" || n.Data == "link") {
				m := map[string]string{}
				for _, a := range n.Attr {
					m[a.Key] = a.Val
				}
				if n.Data == "meta" {
					metas = append(metas, m)
				} else {
					links = append(links, m)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inHead)
		}
	}
	walk(doc, false)
	return metas, links
}

func metaContent(metas []map[string]string, key string) (string, bool) {
	for _, m := range metas {
		if m["property"] == key || m["name"] == key {
			return m["content"], true
		}
	}
	return "", false
}

func linkHref(links []map[string]string, rel, typ string) string {
	for _, l := range links {
		if l["rel"] == rel && (typ == "" || l["type"] == typ) {
			return l["href"]
		}
	}
	return ""
}

// Every public page has a canonical link, Open Graph and Twitter tags
// with an image and its alt text, and Atom discovery; search results,
// filtered listings and /login are noindex; claim pages share their card.
func TestPublicPagesHead(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl, _ := e.publishedAndDraft()
	claimURL := e.srv.URL + "/claims/" + strconv.FormatInt(cl.ID, 10) + "-" + cl.Slug
	var articlePath string
	for _, c := range e.publicClaims() {
		if c.ArticleID != nil {
			articlePath = "/articles/" + strconv.FormatInt(*c.ArticleID, 10)
			break
		}
	}
	cases := []struct {
		path, canonical string
		noindex         bool
		image           string
	}{
		{"/", "/", false, "/share.png"},
		{"/?page=1", "/", false, "/share.png"},
		{"/?page=2", "/?page=2", false, "/share.png"},
		{"/?q=mines", "/?q=mines", true, "/share.png"},
		{"/?rating=false", "/?rating=false", true, "/share.png"},
		{"/?tag=ukraine&page=2", "/?page=2&tag=ukraine", true, "/share.png"},
		{"/claims/" + strconv.FormatInt(cl.ID, 10), strings.TrimPrefix(claimURL, e.srv.URL), false, "/claims/" + strconv.FormatInt(cl.ID, 10) + "/card.png"},
		{articlePath, articlePath, false, "/share.png"},
		{"/ratings", "/ratings", false, "/share.png"},
		{"/corrections", "/corrections", false, "/share.png"},
		{"/login", "/login", true, "/share.png"},
	}
	for _, tc := range cases {
		status, body, _ := e.get(e.client(), tc.path)
		if status != 200 {
			t.Errorf("%s: %d", tc.path, status)
			continue
		}
		metas, links := headOf(t, body)
		if got := linkHref(links, "canonical", ""); got != e.srv.URL+tc.canonical {
			t.Errorf("%s: canonical %q, want %q", tc.path, got, e.srv.URL+tc.canonical)
		}
		robots, _ := metaContent(metas, "robots")
		if (robots == "noindex") != tc.noindex {
			t.Errorf("%s: robots %q, want noindex=%v", tc.path, robots, tc.noindex)
		}
		for _, k := range []string{"og:url", "og:type", "og:title", "og:description", "og:site_name", "og:image", "og:image:alt",
			"twitter:card", "twitter:title", "twitter:description", "twitter:image", "twitter:image:alt"} {
			if v, ok := metaContent(metas, k); !ok || strings.TrimSpace(v) == "" {
				t.Errorf("%s: no %s", tc.path, k)
			}
		}
		if img, _ := metaContent(metas, "og:image"); img != e.srv.URL+tc.image {
			t.Errorf("%s: og:image %q, want %q", tc.path, img, e.srv.URL+tc.image)
		}
		if tw, _ := metaContent(metas, "twitter:image"); tw != e.srv.URL+tc.image {
			t.Errorf("%s: twitter:image %q", tc.path, tw)
		}
		if card, _ := metaContent(metas, "twitter:card"); card != "summary_large_image" {
			t.Errorf("%s: twitter:card %q", tc.path, card)
		}
		if feed := linkHref(links, "alternate", "application/atom+xml"); feed != e.srv.URL+"/feed.atom" {
			t.Errorf("%s: Atom discovery %q", tc.path, feed)
		}
	}

	// The claim page's image alt says what its card shows.
	_, body, _ := e.get(e.client(), "/claims/"+strconv.FormatInt(cl.ID, 10))
	metas, _ := headOf(t, body)
	if alt, _ := metaContent(metas, "og:image:alt"); !strings.Contains(alt, cl.Rating.Label) || !strings.Contains(alt, cl.Claimant) {
		t.Errorf("claim page image alt %q does not describe the card", alt)
	}
	if typ, _ := metaContent(metas, "og:type"); typ != "article" {
		t.Errorf("claim page og:type %q", typ)
	}

	// Desk pages and errors have no canonical link and are noindex.
	c := e.client()
	e.login(c, e.admin.Email)
	for _, path := range []string{"/desk", "/claims/999999"} {
		_, body, _ := e.get(c, path)
		metas, links := headOf(t, body)
		if linkHref(links, "canonical", "") != "" {
			t.Errorf("%s has a canonical link", path)
		}
		if r, _ := metaContent(metas, "robots"); r != "noindex" {
			t.Errorf("%s: robots %q", path, r)
		}
	}

	// The site image is a 1200×630 PNG.
	resp, err := http.Get(e.srv.URL + "/share.png")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	img, err := png.Decode(&buf)
	if resp.StatusCode != 200 || err != nil || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 630 {
		t.Fatalf("/share.png: %d %v %v", resp.StatusCode, err, img)
	}
}
