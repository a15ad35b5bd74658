package main

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeRefusesAccountSettingsThatCannotWork: a typo in the two-factor
// or single sign-on settings stops serve at once, naming the variable,
// rather than serving a desk whose logins do not work as configured.
func TestServeRefusesAccountSettingsThatCannotWork(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"CLAIMDESK_REQUIRE_MFA": "sometimes"}, "CLAIMDESK_REQUIRE_MFA=sometimes"},
		{map[string]string{"CLAIMDESK_MFA_KEY": "short"}, "CLAIMDESK_MFA_KEY is too short"},
		{map[string]string{"CLAIMDESK_OIDC_CLIENT_ID": "desk"}, "without CLAIMDESK_OIDC_ISSUER"},
		{map[string]string{"CLAIMDESK_OIDC_ISSUER": "accounts.google.com", "CLAIMDESK_OIDC_CLIENT_ID": "x", "CLAIMDESK_OIDC_CLIENT_SECRET": "y"}, "is not an http(s) URL"},
		{map[string]string{"CLAIMDESK_OIDC_ISSUER": "https://accounts.google.com"}, "needs CLAIMDESK_OIDC_CLIENT_ID and CLAIMDESK_OIDC_CLIENT_SECRET"},
		{map[string]string{"CLAIMDESK_OIDC_ISSUER": "https://accounts.google.com", "CLAIMDESK_OIDC_CLIENT_ID": "x", "CLAIMDESK_OIDC_CLIENT_SECRET": "y",
			"CLAIMDESK_OIDC_DEFAULT_ROLE": "owner"}, "CLAIMDESK_OIDC_DEFAULT_ROLE=owner"},
		{map[string]string{"CLAIMDESK_PASSWORD_LOGIN": "false"}, "CLAIMDESK_PASSWORD_LOGIN=false turns off the only way to log in: set up single sign-on"},
		{map[string]string{"CLAIMDESK_PASSWORD_LOGIN": "never"}, "CLAIMDESK_PASSWORD_LOGIN=never: use true"},
	}
	for _, c := range cases {
		for _, k := range []string{"CLAIMDESK_REQUIRE_MFA", "CLAIMDESK_MFA_KEY", "CLAIMDESK_OIDC_ISSUER", "CLAIMDESK_OIDC_CLIENT_ID", "CLAIMDESK_OIDC_CLIENT_SECRET",
			"CLAIMDESK_OIDC_ALLOWED_DOMAINS", "CLAIMDESK_OIDC_DEFAULT_ROLE", "CLAIMDESK_PASSWORD_LOGIN"} {
			t.Setenv(k, c.env[k])
		}
		db := filepath.Join(t.TempDir(), "never.db")
		_, _, err := runCLI(t, "", "serve", "--db", db, "--addr", "127.0.0.1:0")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want an error saying %q", c.env, err, c.want)
		}
	}
	// Good settings parse into the config.
	t.Setenv("CLAIMDESK_REQUIRE_MFA", "reviewer")
	t.Setenv("CLAIMDESK_MFA_KEY", "a key of more than sixteen characters")
	t.Setenv("CLAIMDESK_OIDC_ISSUER", "https://accounts.google.com")
	t.Setenv("CLAIMDESK_OIDC_CLIENT_ID", "desk")
	t.Setenv("CLAIMDESK_OIDC_CLIENT_SECRET", "s3cret")
	t.Setenv("CLAIMDESK_OIDC_ALLOWED_DOMAINS", " Paper.example, @news.example ,")
	t.Setenv("CLAIMDESK_OIDC_DEFAULT_ROLE", "reviewer")
	t.Setenv("CLAIMDESK_PASSWORD_LOGIN", "true")
	var cfg Config
	if err := accountsFromEnv(&cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.RequireMFA) != 2 || cfg.OIDC.DefaultRole != "reviewer" || strings.Join(cfg.OIDC.AllowedDomains, ",") != "paper.example,news.example" || cfg.MFAKey == "" || cfg.NoPasswordLogin {
		t.Fatalf("parsed: %+v", cfg)
	}
	// With single sign-on set up, passwords may be turned off.
	t.Setenv("CLAIMDESK_PASSWORD_LOGIN", "false")
	cfg = Config{}
	if err := accountsFromEnv(&cfg); err != nil || !cfg.NoPasswordLogin {
		t.Fatalf("CLAIMDESK_PASSWORD_LOGIN=false with single sign-on: %v %v", err, cfg.NoPasswordLogin)
	}
	if w, err := webConfig(cfg); err != nil || !w.NoPasswordLogin {
		t.Fatalf("web config: %v %v", err, w.NoPasswordLogin)
	}
}

// TestServeChecksBeforeTheDatabase: a bad server setting, a busy port or a
// busy metrics port stops serve before it opens the database, so no new
// database is left behind, and the message says what to change.
func TestServeChecksBeforeTheDatabase(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	vars := []string{"CLAIMDESK_CACHE_MB", "CLAIMDESK_TRUSTED_PROXIES", "CLAIMDESK_ACCESS_LOG"}
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"CLAIMDESK_CACHE_MB": "lots"}, nil, "CLAIMDESK_CACHE_MB=lots"},
		{map[string]string{"CLAIMDESK_CACHE_MB": "0"}, nil, "CLAIMDESK_CACHE_MB=0"},
		{map[string]string{"CLAIMDESK_TRUSTED_PROXIES": "10.0.0.0/8, the-balancer"}, nil, `"the-balancer" is neither a CIDR`},
		{map[string]string{"CLAIMDESK_ACCESS_LOG": "verbose"}, nil, "CLAIMDESK_ACCESS_LOG=verbose"},
		{nil, []string{"--addr", busy.Addr().String()}, "CLAIMDESK_ADDR=:8081 make run"},
		{nil, []string{"--metrics-addr", busy.Addr().String()}, "metrics: " + busy.Addr().String() + " is already in use"},
	} {
		for _, k := range vars {
			t.Setenv(k, c.env[k])
		}
		db := filepath.Join(t.TempDir(), "never.db")
		args := append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, c.args...)
		_, _, err := runCLI(t, "", args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: %v, want an error saying %q", c.env, c.args, err, c.want)
		}
		if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%v %v: the database was created (%v)", c.env, c.args, err)
		}
	}
}
