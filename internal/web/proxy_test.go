package web_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/web"
)

// nginxPath returns Debian's nginx for proxy tests; without it the test is
// skipped, or fails under CI (make test installs it).
func nginxPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"nginx", "/usr/sbin/nginx"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no nginx: make test installs Debian's nginx")
	}
	t.Skip("proxy tests need nginx (apt-get install nginx)")
	return ""
}

// startNginx runs nginx on 127.0.0.1 in front of backend, passing the
// client's address in X-Forwarded-For as usual, and returns its URL.
func startNginx(t *testing.T, backend string) string {
	t.Helper()
	bin := nginxPath(t)
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := fmt.Sprintf(`daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %[1]s/body; proxy_temp_path %[1]s/proxy; fastcgi_temp_path %[1]s/fcgi;
  uwsgi_temp_path %[1]s/uwsgi; scgi_temp_path %[1]s/scgi;
  server {
    listen 127.0.0.1:%[2]d;
    location / {
      proxy_pass %[3]s;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`, dir, port, backend)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		} else if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %v\n%s", err, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "http://" + addr
}

// clientFrom is a browser on the given loopback address.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var formToken = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// post sends a form with the page's CSRF token, and an X-Forwarded-For of
// its own when forged is set.
func post(t *testing.T, c *http.Client, base, page, action string, form url.Values, forged string) int {
	t.Helper()
	resp, err := c.Get(base + page)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := formToken.FindSubmatch(b)
	if m == nil {
		t.Fatalf("no form token on %s (%d)", page, resp.StatusCode)
	}
	form.Set("_csrf", string(m[1]))
	req, _ := http.NewRequest("POST", base+action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if forged != "" {
		req.Header.Set("X-Forwarded-For", forged)
	}
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// Behind nginx, each reader and each login attempt is counted by its own
// address: one client hitting the limits does not stop another, and a
// client cannot dodge them by sending X-Forwarded-For itself. Without a
// trusted proxy, the header is never believed.
func TestLimitsPerClientBehindNginx(t *testing.T) {
	e := newEnv(t, "sqlite")
	claim := e.publishQuote("Behind the proxy, 160 countries have joined the treaty.", "true")
	desk := newServer(t, e.store, web.Config{BaseURL: "http://desk.test", LoginLimit: 5,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	backend := httptest.NewServer(desk)
	t.Cleanup(backend.Close)
	proxy := startNginx(t, backend.URL)

	a, b := clientFrom("127.0.0.2"), clientFrom("127.0.0.3")
	login := func(c *http.Client, base string, n int, forged string) int {
		return post(t, c, base, "/login", "/login", url.Values{"email": {"nobody" + strconv.Itoa(n) + "@test.example"}, "password": {"wrong password"}}, forged)
	}
	for i := range 5 {
		if st := login(a, proxy, i, ""); st != http.StatusUnauthorized {
			t.Fatalf("wrong login %d from A: %d", i, st)
		}
	}
	if st := login(a, proxy, 10, ""); st != http.StatusTooManyRequests {
		t.Errorf("A past its limit: %d, want 429", st)
	}
	if st := login(a, proxy, 11, "198.51.100.7"); st != http.StatusTooManyRequests {
		t.Errorf("A past its limit with a forged X-Forwarded-For: %d, want 429", st)
	}
	if st := login(b, proxy, 20, ""); st != http.StatusUnauthorized {
		t.Errorf("B, behind the same proxy: %d, want 401 (its own limit)", st)
	}

	report := "/claims/" + strconv.FormatInt(claim.ID, 10) + "/report"
	form := url.Values{"message": {"The figure in this card looks out of date to me."}}
	for i := range 5 {
		if st := post(t, a, proxy, report, report, form, ""); st != http.StatusCreated {
			t.Fatalf("report %d from A: %d", i, st)
		}
	}
	if st := post(t, a, proxy, report, report, form, ""); st != http.StatusTooManyRequests {
		t.Errorf("A's sixth report: %d, want 429", st)
	}
	if st := post(t, b, proxy, report, report, form, ""); st != http.StatusCreated {
		t.Errorf("B's first report: %d, want 201", st)
	}

	// Straight to the desk, from an address that is not a trusted proxy:
	// the header is ignored and the peer's address counts.
	direct := clientFrom("127.0.0.4")
	for i := range 5 {
		login(direct, backend.URL, 30+i, "127.0.0.9")
	}
	if st := login(clientFrom("127.0.0.9"), backend.URL, 40, ""); st != http.StatusUnauthorized {
		t.Errorf("a client whose address another forged: %d, want 401", st)
	}
	if st := login(direct, backend.URL, 41, "127.0.0.10"); st != http.StatusTooManyRequests {
		t.Errorf("the forging client past its limit: %d, want 429", st)
	}
}
