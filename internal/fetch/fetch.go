// Package fetch turns the URL of a news article into the fields of the
// desk's intake form: headline, outlet, author, date and the article text,
// found with a readability parser (a Go port of Mozilla's Readability).
//
// The desk fetches on an editor's request from its own network, so the
// fetcher refuses addresses inside it (loopback, private, link-local) unless
// told otherwise, checks every address it dials (redirects and DNS answers
// included), and bounds time, redirects and size.
package fetch

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"

	"claimdesk/internal/factcheck"
)

// Limits of one fetch.
const (
	Timeout      = 15 * time.Second
	MaxBytes     = 5 << 20
	maxRedirects = 5
)

// Article is what a page yielded for the intake form.
type Article struct {
	Title       string
	URL         string // after redirects
	Outlet      string
	Author      string
	PublishedAt *time.Time
	Body        string
	// LD holds the text of the page's <script type="application/ld+json">
	// elements, in page order (a fact check's ClaimReview is one).
	LD []string
}

// Fetcher fetches article pages. The zero value is not usable; use New.
type Fetcher struct {
	client *http.Client
	slots  chan struct{} // bounds concurrent fetches (each holds up to MaxBytes)
}

// maxConcurrent is how many pages one server fetches at once; more wait.
const maxConcurrent = 4

// New returns a fetcher. allowPrivate lets it reach loopback and private
// addresses: for tests, and for desks that check their own intranet.
func New(allowPrivate bool) *Fetcher {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		dialer.Control = refusePrivate
	}
	transport := &http.Transport{
		Proxy:                 nil, // a proxy would hide the address being dialed
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
		MaxIdleConns:          4,
		IdleConnTimeout:       30 * time.Second,
	}
	client := &http.Client{Transport: transport, Timeout: Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return errTooManyRedirects
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return errBadRedirect
			}
			return nil
		}}
	return &Fetcher{client: client, slots: make(chan struct{}, maxConcurrent)}
}

var (
	errTooManyRedirects = errors.New("too many redirects")
	errBadRedirect      = errors.New("it redirects to a non-web address")
)

// errPrivate is what dialing an address inside the desk's network gives.
var errPrivate = errors.New("the address is inside the desk's own network")

// refusePrivate is a dialer Control hook: it sees the resolved address of
// every connection, so neither a redirect nor a DNS answer can lead inside.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !public(ap.Addr()) {
		return errPrivate
	}
	return nil
}

// special are the address blocks of the IANA special-purpose registries
// that are not reachable public hosts, beyond what netip's predicates
// cover: shared (carrier-grade NAT) space, where some clouds keep their
// metadata service; IETF protocol assignments; documentation and
// benchmarking ranges; and the reserved class E.
var special = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "100::/64", "2001::/23", "2001:db8::/32", "fec0::/10"} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

// Prefixes whose addresses carry an IPv4 address to reach through a
// translator or tunnel: the IPv4 address is what must be public.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	nat64Loc  = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// public reports whether a is an address the desk may fetch from: global
// unicast, outside every special-purpose block, and, for IPv6 forms that
// embed an IPv4 address, with that IPv4 address public too.
func public(a netip.Addr) bool {
	a = a.Unmap()
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64.Contains(a):
			return public(netip.AddrFrom4([4]byte(b[12:16])))
		case nat64Loc.Contains(a):
			return false // local-use translation: inside some network
		case sixToFour.Contains(a):
			return public(netip.AddrFrom4([4]byte(b[2:6])))
		case [12]byte(b[:12]) == [12]byte{}:
			return false // IPv4-compatible (deprecated) or ::, ::1
		}
	}
	if !a.IsGlobalUnicast() || a.IsPrivate() {
		return false
	}
	for _, p := range special {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// Article fetches rawURL and extracts the article in it. Every failure is a
// factcheck.Error on the "url" field with a message an editor can act on.
func (f *Fetcher) Article(ctx context.Context, rawURL string) (*Article, error) {
	a, err := f.fetch(ctx, rawURL, "article")
	if err != nil {
		return nil, err
	}
	if len(a.Body) < 200 {
		return nil, bad("No article text was found on that page; paste it instead.")
	}
	return a, nil
}

// Page fetches rawURL for what a source citation needs: its title,
// publisher (the site's name, else its host) and date, where the page
// gives them; Body may be short or empty. Failures are as Article's.
func (f *Fetcher) Page(ctx context.Context, rawURL string) (*Article, error) {
	return f.fetch(ctx, rawURL, "page")
}

// bad is a fetch failure on the "url" field, worded for an editor.
func bad(format string, args ...any) error {
	return &factcheck.Error{Code: factcheck.EINVALID, Field: "url", Message: fmt.Sprintf(format, args...)}
}

// fetch downloads rawURL within the fetcher's limits and reads it with the
// readability parser; what names the thing asked for in messages.
func (f *Fetcher) fetch(ctx context.Context, rawURL, what string) (*Article, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, bad("Enter the full address of the %s, starting with https://.", what)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, bad("Enter the full address of the %s, starting with https://.", what)
	}
	wait := time.NewTimer(Timeout)
	defer wait.Stop()
	select {
	case f.slots <- struct{}{}:
		defer func() { <-f.slots }()
	case <-wait.C:
		return nil, bad("The desk is busy fetching other pages; try again in a moment.")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	req.Header.Set("User-Agent", "claimdesk (fact-checking desk; article intake)")
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
	resp, err := f.client.Do(req)
	if err != nil {
		if errors.Is(err, errPrivate) {
			return nil, bad("The desk does not fetch addresses inside its own network.")
		}
		return nil, bad("The page could not be fetched: %s.", reason(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, bad("The site answered %s; check the address, or paste the text instead.", resp.Status)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/html" && mt != "application/xhtml+xml" {
		return nil, bad("That address is not a web page (it is %s); paste the text instead.", orUnknown(mt))
	}
	page, err := io.ReadAll(io.LimitReader(resp.Body, MaxBytes+1))
	if err != nil {
		return nil, bad("The page could not be read: %s.", reason(err))
	}
	if len(page) > MaxBytes {
		return nil, bad("The page is larger than %d MB; paste the article text instead.", MaxBytes>>20)
	}
	final := resp.Request.URL
	a, err := Parse(page, final)
	if err != nil {
		if what == "page" && a != nil {
			// A page to cite needs only its title, even without article text.
			a.URL, a.Outlet = final.String(), strings.TrimPrefix(final.Hostname(), "www.")
			return a, nil
		}
		return nil, bad("No article text was found on that page; paste it instead.")
	}
	a.URL, a.LD = final.String(), LDScripts(page)
	if a.Outlet == "" {
		a.Outlet = strings.TrimPrefix(final.Hostname(), "www.")
	}
	if len(a.Body) < 200 {
		return nil, bad("No article text was found on that page; paste it instead.")
	}
	return a, nil
}

// LDScripts returns the text of every <script type="application/ld+json">
// element of an HTML page, in page order; none for a page without.
func LDScripts(page []byte) []string {
	var out []string
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "script" || !hasAttr {
				continue
			}
			ld := false
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				if string(k) == "type" {
					mt, _, _ := mime.ParseMediaType(string(v))
					ld = mt == "application/ld+json"
				}
			}
			if ld && z.Next() == html.TextToken {
				out = append(out, string(z.Text()))
			}
		}
	}
}

// ErrNoArticle is what Parse returns for a page without article text.
var ErrNoArticle = errors.New("no article text found")

// Parse extracts the article in an HTML page with the readability parser:
// headline, outlet, byline, date and text. base resolves the page's
// relative links. URL is left empty: the caller knows where the page came
// from. It returns ErrNoArticle, with what it found besides the text
// (title, outlet, date), when there is no text to speak of.
func Parse(page []byte, base *url.URL) (*Article, error) {
	parsed, err := readability.FromReader(bytes.NewReader(page), base)
	if err != nil {
		return nil, ErrNoArticle
	}
	a := &Article{Title: clean(parsed.Title()), Outlet: clean(parsed.SiteName()),
		Author: strings.TrimSpace(strings.TrimPrefix(clean(parsed.Byline()), "By "))}
	if t, err := parsed.PublishedTime(); err == nil && !t.IsZero() {
		a.PublishedAt = &t
	}
	if parsed.Node != nil {
		a.Body = Text(parsed.Node)
	}
	if strings.TrimSpace(a.Body) == "" {
		return a, ErrNoArticle
	}
	return a, nil
}

// reason says why a fetch failed in words for an editor, without the
// addresses and system calls of the underlying error.
func reason(err error) string {
	var ne net.Error
	var de *net.DNSError
	var ce *tls.CertificateVerificationError
	switch {
	case errors.Is(err, errTooManyRedirects), errors.Is(err, errBadRedirect):
		var ue *url.Error
		if errors.As(err, &ue) {
			return ue.Err.Error()
		}
		return err.Error()
	case errors.As(err, &de) && de.IsNotFound:
		return "no such site (" + de.Name + "): check the address"
	case errors.As(err, &de):
		return "the desk could not look up " + de.Name + " (its network or name server may be down)"
	case errors.As(err, &ne) && ne.Timeout():
		return "the site took too long to answer"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the site refused the connection"
	case errors.As(err, &ce):
		return "the site's security certificate could not be verified"
	}
	return "the site could not be reached"
}

func orUnknown(s string) string {
	if s == "" {
		return "of unknown type"
	}
	return s
}

// clean collapses runs of white space into single spaces.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// blocks are the elements whose text forms its own paragraph.
var blocks = map[string]bool{"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"li": true, "blockquote": true, "pre": true, "figcaption": true, "dd": true, "dt": true, "td": true, "th": true}

// Text returns the plain text of an article node: one paragraph per block
// element, separated by blank lines, white space collapsed. Text outside any
// block (a bare div of prose) forms paragraphs of its own.
func Text(n *html.Node) string {
	var paras []string
	var cur strings.Builder
	flush := func() {
		if p := clean(cur.String()); p != "" {
			paras = append(paras, p)
		}
		cur.Reset()
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "noscript", "template", "svg", "button", "nav", "form":
				return
			case "br":
				cur.WriteString(" ")
				return
			}
		}
		block := n.Type == html.ElementNode && (blocks[n.Data] || n.Data == "div" || n.Data == "section" || n.Data == "article")
		if block {
			flush()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			flush()
		}
	}
	walk(n)
	flush()
	return strings.Join(paras, "\n\n")
}
