package main

import (
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"claimdesk/internal/web"
)

// webConfig reads the server's settings from the environment, with serve's
// flags in cfg. It fails on a value it cannot use, before anything starts.
func webConfig(cfg Config) (web.Config, error) {
	w := web.Config{BaseURL: cfg.BaseURL, Newsroom: cfg.Newsroom, RequireOtherReviewer: cfg.RequireOther,
		VersionTTL: time.Second, FetchPrivate: os.Getenv("CLAIMDESK_FETCH_ALLOW_PRIVATE") == "true",
		AccessLog:  os.Getenv("CLAIMDESK_ACCESS_LOG"),
		RequireMFA: cfg.RequireMFA, MFAKey: cfg.MFAKey, OIDC: cfg.OIDC, NoPasswordLogin: cfg.NoPasswordLogin}
	switch w.AccessLog {
	case "", web.AccessLogAll, web.AccessLogSample, web.AccessLogErrors:
	default:
		return w, fmt.Errorf("CLAIMDESK_ACCESS_LOG=%s: want all, sample or errors", w.AccessLog)
	}
	if v := os.Getenv("CLAIMDESK_CACHE_MB"); v != "" {
		mb, err := strconv.Atoi(v)
		if err != nil || mb < 1 || mb > 1<<16 {
			return w, fmt.Errorf("CLAIMDESK_CACHE_MB=%s: want a whole number of megabytes, e.g. 64", v)
		}
		w.CacheBytes = mb << 20
	}
	for _, p := range strings.FieldsFunc(os.Getenv("CLAIMDESK_TRUSTED_PROXIES"), func(r rune) bool { return r == ',' || r == ' ' }) {
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return w, fmt.Errorf("CLAIMDESK_TRUSTED_PROXIES: %q is neither a CIDR (10.0.0.0/8) nor an address", p)
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		w.TrustedProxies = append(w.TrustedProxies, prefix.Masked())
	}
	return w, nil
}
