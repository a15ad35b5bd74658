package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"claimdesk/internal/factcheck"
)

// ErrPrivate is what a guarded client's request returns (wrapped) when the
// address it dials is inside the desk's own network.
var ErrPrivate = errPrivate

// PublicAddr reports whether a is an address the desk may send requests
// to: global unicast and outside every special-purpose block.
func PublicAddr(a netip.Addr) bool { return public(a) }

// NewClient returns an HTTP client that dials only public addresses
// (unless allowPrivate), checking every address it dials, as the article
// fetcher does; that no redirect is followed (a 3xx is the answer); and
// that gives up after timeout. Webhook deliveries use it.
func NewClient(allowPrivate bool, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		dialer.Control = refusePrivate
	}
	return &http.Client{
		Transport: &http.Transport{Proxy: nil, DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second,
			ResponseHeaderTimeout: timeout, MaxIdleConns: 16, IdleConnTimeout: 60 * time.Second},
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// CheckURL checks that raw is an absolute http(s) URL whose host resolves
// only to public addresses (any address when allowPrivate), so the desk is
// never told to send requests into its own network. It returns EINVALID
// on the field "url", worded for the person who entered it. A guarded
// client checks again at every dial, since DNS answers can change.
func CheckURL(ctx context.Context, raw string, allowPrivate bool) error {
	bad := func(msg string) error { return factcheck.FieldError("url", "%s", msg) }
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return bad("Enter a full http:// or https:// address, without a user name or password.")
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if !public(a) {
			return bad("The desk does not send requests to addresses inside its own network.")
		}
		return nil
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return bad("The desk does not send requests to addresses inside its own network.")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		var de *net.DNSError
		if errors.As(err, &de) && de.IsNotFound {
			return bad("No such host: " + host + ".")
		}
		return bad("The host " + host + " could not be looked up; check the address.")
	}
	for _, a := range addrs {
		if !public(a) {
			return bad("The desk does not send requests to addresses inside its own network (" + host + " is " + a.String() + ").")
		}
	}
	return nil
}
