package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/seed"
	"claimdesk/internal/store"
	"claimdesk/internal/web"
	"claimdesk/seeds"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("serve", stderr)
	fs.StringVar(&cfg.Addr, "addr", env("CLAIMDESK_ADDR", ":8080"), "listen address (env CLAIMDESK_ADDR)")
	dbFlags(fs, &cfg)
	fs.BoolVar(&cfg.NoSeed, "no-seed", false, "do not load the demo data into an empty database")
	fs.BoolVar(&cfg.RequireOther, "require-other-reviewer", os.Getenv("CLAIMDESK_REQUIRE_OTHER_REVIEWER") == "true", "forbid publishing one's own claims (env CLAIMDESK_REQUIRE_OTHER_REVIEWER=true)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.BaseURL = env("CLAIMDESK_BASE_URL", "")
	cfg.Newsroom = env("CLAIMDESK_NEWSROOM", "claimdesk")
	cfg.AdminEmail = os.Getenv("CLAIMDESK_ADMIN_EMAIL")
	cfg.AdminPassword = os.Getenv("CLAIMDESK_ADMIN_PASSWORD")

	log := newLogger(stderr)
	st, err := store.Open(ctx, cfg.storeConfig())
	if err != nil {
		return err
	}
	defer st.Close()
	log.Info("database ready", "dialect", st.Dialect())

	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + displayAddr(l.Addr().String())
	}
	if err := bootstrap(ctx, st, cfg, stdout); err != nil {
		l.Close()
		return err
	}
	srv, err := web.New(st, web.Config{BaseURL: cfg.BaseURL, Newsroom: cfg.Newsroom, RequireOtherReviewer: cfg.RequireOther, VersionTTL: time.Second,
		FetchPrivate: os.Getenv("CLAIMDESK_FETCH_ALLOW_PRIVATE") == "true"}, log)
	if err != nil {
		l.Close()
		return err
	}
	log.Info("serving", "addr", l.Addr().String(), "base_url", cfg.BaseURL)
	fmt.Fprintf(stdout, "claimdesk is serving on %s\n", cfg.BaseURL)
	err = srv.Serve(ctx, l)
	log.Info("stopped")
	return err
}

// bootstrap prepares an empty database: the first admin (from the
// environment, or with a generated password printed once) and the demo data.
func bootstrap(ctx context.Context, st *store.Store, cfg Config, stdout io.Writer) error {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	email, pw := cfg.AdminEmail, cfg.AdminPassword
	if email == "" {
		email = "admin@claimdesk.example"
	}
	generated := pw == ""
	if generated {
		b := make([]byte, 15)
		rand.Read(b)
		pw = base64.RawURLEncoding.EncodeToString(b)
	}
	admin := &factcheck.User{Email: email, Name: "Admin", Role: factcheck.RoleAdmin}
	if err := st.CreateUser(ctx, admin, pw); err != nil {
		return fmt.Errorf("create first admin: %w", err)
	}
	if generated {
		fmt.Fprintf(stdout, "\nFirst admin created. Log in at /login with\n  email:    %s\n  password: %s\nThis password is shown only once.\n\n", email, pw)
	} else {
		fmt.Fprintf(stdout, "First admin %s created from CLAIMDESK_ADMIN_PASSWORD.\n", email)
	}
	if cfg.NoSeed {
		return nil
	}
	res, err := seed.Load(ctx, st, seeds.FS)
	if err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	fmt.Fprintf(stdout, "Demo data loaded: %d articles, %d claims, %d users.\n", res.Articles, res.Claims, res.Users)
	return nil
}

// displayAddr turns ":8080" or "[::]:8080" into "localhost:8080".
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
