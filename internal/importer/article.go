package importer

import (
	"bufio"
	"bytes"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"golang.org/x/net/html"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/fetch"
)

// Errors of article files, worded for the summary.
var (
	errEmpty  = errors.New("the file is empty")
	errBinary = errors.New("not text: the file is binary or not UTF-8")
)

// checkText refuses data that is not UTF-8 text.
func checkText(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errEmpty
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return errBinary
	}
	return nil
}

// titleFromName makes a headline from a file name: "city-budget_2024.md"
// is "city budget 2024".
func titleFromName(name string) string {
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	return strings.Join(strings.FieldsFunc(base, func(r rune) bool { return r == '-' || r == '_' || unicode.IsSpace(r) }), " ")
}

// ParseText reads a plain-text article: its first line is the headline
// when it is short and more text follows, the rest is the body; a text
// of one paragraph keeps all of it as the body, under the file's name.
func ParseText(name string, data []byte) (*factcheck.Article, error) {
	if err := checkText(data); err != nil {
		return nil, err
	}
	text := strings.ReplaceAll(strings.TrimPrefix(string(data), "\ufeff"), "\r\n", "\n")
	text = strings.TrimLeft(text, "\n\t ")
	a := &factcheck.Article{Title: titleFromName(name), Body: strings.TrimSpace(text)}
	if line, rest, ok := strings.Cut(text, "\n"); ok {
		line = strings.TrimSpace(line)
		if rest = strings.TrimSpace(rest); rest != "" && line != "" && utf8.RuneCountInString(line) <= 200 && !strings.HasSuffix(line, ".") {
			a.Title, a.Body = line, rest
		}
	}
	return a, nil
}

// ParseMarkdown reads a Markdown article: an optional front matter block
// (--- … --- with title, url, outlet, author and date), the first
// heading as the headline, and the rest as plain paragraphs.
func ParseMarkdown(name string, data []byte) (*factcheck.Article, error) {
	if err := checkText(data); err != nil {
		return nil, err
	}
	src := strings.ReplaceAll(strings.TrimPrefix(string(data), "\ufeff"), "\r\n", "\n")
	a := &factcheck.Article{}
	if strings.HasPrefix(src, "---\n") {
		if head, rest, ok := strings.Cut(src[4:], "\n---"); ok {
			src = strings.TrimPrefix(strings.TrimPrefix(rest, "-"), "\n")
			frontMatter(a, head)
		}
	}
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if h, ok := strings.CutPrefix(t, "# "); ok {
			if a.Title == "" {
				a.Title = strings.TrimSpace(h)
			}
			lines = append(lines[:i], lines[i+1:]...)
		}
		break
	}
	var out bytes.Buffer
	if err := goldmark.Convert([]byte(strings.Join(lines, "\n")), &out); err != nil {
		return nil, err
	}
	doc, err := html.Parse(&out)
	if err != nil {
		return nil, err
	}
	a.Body = fetch.Text(doc)
	if a.Title == "" {
		a.Title = titleFromName(name)
	}
	if strings.TrimSpace(a.Body) == "" {
		return nil, errors.New("no text below the headline")
	}
	return a, nil
}

// frontMatter reads "key: value" lines into a.
func frontMatter(a *factcheck.Article, head string) {
	sc := bufio.NewScanner(strings.NewReader(head))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "title":
			a.Title = v
		case "url", "link", "canonical":
			a.URL = v
		case "outlet", "publisher", "site":
			a.Outlet = v
		case "author", "byline":
			a.Author = v
		case "date", "published", "published_at":
			if t, ok := parseTime(v); ok {
				a.PublishedAt = &t
			}
		}
	}
}

// ParseHTML reads a saved web page with the same readability parser as
// "fetch article" on the desk. Its URL is the page's canonical link or
// og:url, when it names an http(s) address.
func ParseHTML(name string, data []byte) (*factcheck.Article, error) {
	if err := checkText(data); err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(name)
	base := &url.URL{Scheme: "file", Path: abs}
	canonical := canonicalURL(data)
	if canonical != "" {
		if u, err := url.Parse(canonical); err == nil {
			base = u
		}
	}
	fa, err := fetch.Parse(data, base)
	if err != nil {
		return nil, errors.New("no article text was found in the page")
	}
	a := &factcheck.Article{Title: fa.Title, URL: canonical, Outlet: fa.Outlet, Author: fa.Author, PublishedAt: fa.PublishedAt, Body: fa.Body}
	if a.Title == "" {
		a.Title = titleFromName(name)
	}
	return a, nil
}

// canonicalURL finds <link rel="canonical"> or <meta property="og:url">.
func canonicalURL(data []byte) string {
	z := html.NewTokenizer(bytes.NewReader(data))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) == "body" {
				return ""
			}
			if !hasAttr || string(name) != "link" && string(name) != "meta" {
				continue
			}
			attrs := map[string]string{}
			for {
				k, v, more := z.TagAttr()
				attrs[string(k)] = string(v)
				if !more {
					break
				}
			}
			u := ""
			if string(name) == "link" && strings.EqualFold(attrs["rel"], "canonical") {
				u = attrs["href"]
			} else if string(name) == "meta" && attrs["property"] == "og:url" {
				u = attrs["content"]
			}
			if u = strings.TrimSpace(u); factcheck.ValidHTTPURL(u) {
				return u
			}
		}
	}
}

// URLList returns the addresses in a file of URLs: one per line, blank
// lines and # comments ignored, and ok false when any other line is not
// an http(s) URL (the file is then an article, not a list).
func URLList(data []byte) (urls []string, ok bool) {
	if checkText(data) != nil {
		return nil, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.ContainsAny(line, " \t") || !factcheck.ValidHTTPURL(line) {
			return nil, false
		}
		urls = append(urls, line)
	}
	return urls, len(urls) > 0
}
