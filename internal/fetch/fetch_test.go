package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
)

// articlePage is a news page as sites serve them: navigation, a share bar,
// the story, related links and a footer. The story is our own text.
const articlePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Harbour town votes to rebuild its sea wall | The Coastal Ledger</title>
<meta property="og:site_name" content="The Coastal Ledger">
<meta property="og:title" content="Harbour town votes to rebuild its sea wall">
<meta name="author" content="Mara Quill">
<meta property="article:published_time" content="2024-03-18T09:30:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a> Subscribe today</nav>
<header><h1>Harbour town votes to rebuild its sea wall</h1><p class="byline">By Mara Quill</p></header>
<div class="share"><button>Share</button><button>Print</button></div>
<article>
<p>The council of Port Avel voted seven to two on Monday night to rebuild the town's sea wall, the first full repair since the structure was finished in 1958.</p>
<p>The plan will cost 14.2 million euros, according to the council's budget office, and most of it is to come from a regional flood fund that was set up after the storms of 2019.</p>
<p>Opponents said the estimate left out the cost of moving the fishing fleet during the works, which the harbour master put at another two million euros.</p>
<blockquote>"We have patched this wall for thirty years and it is time to stop patching," the mayor, Ines Varga, told the meeting.</blockquote>
<p>Work is due to begin in September and to last about three years.</p>
</article>
<aside><h3>Related</h3><ul><li><a href="/a">Ferry fares rise again</a></li><li><a href="/b">Beach cafe reopens</a></li></ul></aside>
<footer>Copyright The Coastal Ledger. Cookie settings. Contact us.</footer>
<script>window.ads = true;</script>
</body></html>`

func site(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/2024/sea-wall", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(articlePage))
	})
	mux.HandleFunc("/old-link", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/2024/sea-wall", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/report.pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.7"))
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body><p>" + strings.Repeat("word ", MaxBytes/5+10) + "</p></body></html>"))
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><head><title>Nothing here</title></head><body><nav>Home</nav></body></html>"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestArticle(t *testing.T) {
	srv := site(t)
	f := New(true)
	a, err := f.Article(context.Background(), srv.URL+"/old-link")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Harbour town votes to rebuild its sea wall" {
		t.Errorf("title %q", a.Title)
	}
	if a.Outlet != "The Coastal Ledger" || a.Author != "Mara Quill" || a.URL != srv.URL+"/2024/sea-wall" {
		t.Errorf("outlet %q, author %q, url %q", a.Outlet, a.Author, a.URL)
	}
	if a.PublishedAt == nil || a.PublishedAt.Format("2006-01-02") != "2024-03-18" {
		t.Errorf("published %v", a.PublishedAt)
	}
	paras := strings.Split(a.Body, "\n\n")
	if len(paras) != 5 || !strings.HasPrefix(paras[0], "The council of Port Avel voted") || !strings.HasPrefix(paras[4], "Work is due to begin") {
		t.Errorf("body has %d paragraphs:\n%s", len(paras), a.Body)
	}
	if !strings.Contains(a.Body, "the mayor, Ines Varga, told the meeting") {
		t.Error("the quoted paragraph is missing")
	}
	for _, junk := range []string{"Subscribe", "Share", "Ferry fares", "Cookie settings", "window.ads"} {
		if strings.Contains(a.Body, junk) {
			t.Errorf("body keeps page furniture %q", junk)
		}
	}
}

func TestArticleFailures(t *testing.T) {
	srv := site(t)
	f := New(true)
	for _, tc := range []struct{ url, want string }{
		{"", "full address"},
		{"example.com/story", "full address"},
		{"ftp://example.com/story", "full address"},
		{"javascript:alert(1)", "full address"},
		{srv.URL + "/missing", "404"},
		{srv.URL + "/report.pdf", "application/pdf"},
		{srv.URL + "/huge", "larger than 5 MB"},
		{srv.URL + "/empty", "No article text"},
		{srv.URL + "/loop", "too many redirects"},
		{"http://no-such-host.invalid/story", "could not be fetched"},
	} {
		_, err := f.Article(context.Background(), tc.url)
		if factcheck.ErrorCode(err) != factcheck.EINVALID || factcheck.ErrorField(err) != "url" || !strings.Contains(factcheck.ErrorMessage(err), tc.want) {
			t.Errorf("%q: %v, want an invalid url error saying %q", tc.url, err, tc.want)
		}
	}
}

// By default the desk does not fetch from its own network, whatever name
// leads there: the check is on the address dialed.
func TestArticleRefusesPrivateAddresses(t *testing.T) {
	srv := site(t)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	f := New(false)
	for _, u := range []string{srv.URL + "/2024/sea-wall", "http://localhost:" + port + "/2024/sea-wall", "http://[::1]:1/x",
		"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1:1/x", "http://192.168.1.1/x", "http://0.0.0.0:" + port + "/",
		"http://100.100.100.200/latest/meta-data/", "http://192.0.0.192/opc/v1/", "http://[64:ff9b::a9fe:a9fe]/", "http://[::ffff:127.0.0.1]:" + port + "/"} {
		_, err := f.Article(context.Background(), u)
		if !strings.Contains(factcheck.ErrorMessage(err), "inside its own network") {
			t.Errorf("%s: %v, want refused", u, err)
		}
	}
}

func TestPublicAddresses(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.215.14": true, "1.1.1.1": true, "2606:4700:4700::1111": true,
		"64:ff9b::5db8:d70e": true, // NAT64 of a public IPv4 address
		"2002:5db8:d70e::1":  true, // 6to4 of a public IPv4 address
		"127.0.0.1":          false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, // cloud metadata
		"100.100.100.200": false, // shared address space (one cloud's metadata service)
		"192.0.0.192":     false, // IETF protocol assignments (another cloud's metadata)
		"198.18.0.1":      false, "240.0.0.1": false, "0.1.2.3": false, "255.255.255.255": false, "224.0.0.1": false,
		"192.0.2.1": false, "203.0.113.9": false,
		"::1": false, "::": false, "fe80::1": false, "fc00::1": false, "fd12::1": false, "ff02::1": false,
		"::ffff:127.0.0.1":    false, // IPv4-mapped loopback
		"::7f00:1":            false, // IPv4-compatible loopback
		"64:ff9b::a9fe:a9fe":  false, // NAT64 of 169.254.169.254
		"64:ff9b::a00:1":      false, // NAT64 of 10.0.0.1
		"64:ff9b:1::1":        false,
		"2002:a9fe:a9fe::1":   false, // 6to4 of 169.254.169.254
		"2001:db8::1":         false,
		"2001:0:4136:e378::1": false, // Teredo
	} {
		if got := public(netip.MustParseAddr(addr)); got != want {
			t.Errorf("public(%s) = %v, want %v", addr, got, want)
		}
	}
}

// At most maxConcurrent pages are fetched at once; the next waits.
func TestArticleConcurrencyBound(t *testing.T) {
	release := make(chan struct{})
	var started atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started.Add(1)
		<-release
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(articlePage))
	}))
	defer slow.Close()
	f := New(true)
	var wg sync.WaitGroup
	for range maxConcurrent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.Article(context.Background(), slow.URL+"/x"); err != nil {
				t.Error(err)
			}
		}()
	}
	for started.Load() < maxConcurrent {
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := f.Article(ctx, slow.URL+"/y"); !errors.Is(err, context.DeadlineExceeded) || started.Load() != maxConcurrent {
		t.Errorf("fetch beyond the bound: %v, %d requests started", err, started.Load())
	}
	close(release)
	wg.Wait()
	if _, err := f.Article(context.Background(), slow.URL+"/z"); err != nil {
		t.Errorf("after the others finished: %v", err)
	}
}

// A failed name lookup says whether the site does not exist or the desk
// could not ask (offline, name server down): the editor's next step
// differs.
func TestReasonOfFailedLookups(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&net.DNSError{Name: "exampel.org", IsNotFound: true}, "no such site (exampel.org): check the address"},
		{&net.DNSError{Name: "example.org", IsTemporary: true}, "the desk could not look up example.org (its network or name server may be down)"},
	} {
		if got := reason(tc.err); got != tc.want {
			t.Errorf("reason(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
