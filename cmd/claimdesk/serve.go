package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/seed"
	"claimdesk/internal/store"
	"claimdesk/internal/web"
	"claimdesk/seeds"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("serve", stderr)
	fs.StringVar(&cfg.Addr, "addr", env("CLAIMDESK_ADDR", ":8080"), "listen address, HOST:PORT or :PORT (env CLAIMDESK_ADDR)")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", env("CLAIMDESK_METRICS_ADDR", ""), "serve Prometheus metrics at http://HOST:PORT/metrics on this separate address, e.g. 127.0.0.1:9090; off when empty (env CLAIMDESK_METRICS_ADDR)")
	dbFlags(fs, &cfg)
	fs.BoolVar(&cfg.NoSeed, "no-seed", false, "do not load the demo data into an empty database")
	fs.BoolVar(&cfg.RequireOther, "require-other-reviewer", os.Getenv("CLAIMDESK_REQUIRE_OTHER_REVIEWER") == "true", "forbid publishing one's own claims (env CLAIMDESK_REQUIRE_OTHER_REVIEWER=true)")
	if err := parseFlags(fs, args); err != nil {
		return err
	} else if err := requireArgs(fs, 0); err != nil {
		return err
	} else if err := checkAddr(cfg.Addr); err != nil {
		return err
	} else if cfg.MetricsAddr != "" {
		if err := checkAddr(cfg.MetricsAddr); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
	}
	cfg.BaseURL = env("CLAIMDESK_BASE_URL", "")
	cfg.Newsroom = env("CLAIMDESK_NEWSROOM", "claimdesk")
	adminFromEnv(&cfg)
	if err := accountsFromEnv(&cfg); err != nil {
		return err
	}

	// Everything that can be checked without the database is checked,
	// and the ports are bound, before the database is opened: a bad
	// setting or a busy port must not leave a new, empty database behind.
	wcfg, err := webConfig(cfg)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return listenError(cfg.Addr, err)
	}
	defer l.Close()
	// Metrics get a listener of their own, never the public one: they
	// name every route and count logins.
	var ml net.Listener
	if cfg.MetricsAddr != "" {
		if ml, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			return fmt.Errorf("metrics: %w", listenError(cfg.MetricsAddr, err))
		}
		defer ml.Close()
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + displayAddr(l.Addr().String())
		wcfg.BaseURL = cfg.BaseURL
	}

	log := newLogger(stderr)
	scfg := cfg.storeConfig()
	scfg.Logger = log
	st, err := store.Open(ctx, scfg)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Warn("closing the database", "err", err)
		}
	}()
	// A database that cannot be written (read-only file or mount, full
	// disk) is refused at start-up rather than served read-only: every
	// desk action and login would fail, and an operator notices an exit
	// sooner than a desk that half works.
	if err := st.CheckWritable(ctx); err != nil {
		return fmt.Errorf("the database %s cannot be written: %s. Fix that and start again (%w)", cfg.dbName(), store.UnavailableReason(err), err)
	}
	log.Info("database ready", "dialect", st.Dialect(), "database", cfg.dbName())

	if err := bootstrap(ctx, st, cfg, stdout); err != nil {
		return err
	}
	srv, err := web.New(st, wcfg, log)
	if err != nil {
		return err
	}
	hooks, err := startWebhooks(ctx, st, wcfg, log)
	if err != nil {
		return err
	}
	defer stopWebhooks(hooks, log)
	metricsDone := make(chan error, 1)
	serveCtx, stopServing := context.WithCancel(ctx)
	defer stopServing()
	if ml != nil {
		log.Info("serving metrics", "addr", ml.Addr().String())
		fmt.Fprintf(stdout, "metrics on http://%s/metrics\n", ml.Addr().String())
		go func() { metricsDone <- srv.ServeMetrics(serveCtx, ml) }()
	} else {
		metricsDone <- nil
	}
	if cfg.OIDC.Issuer != "" {
		log.Info("single sign-on", "issuer", cfg.OIDC.Issuer, "redirect_uri", strings.TrimRight(cfg.BaseURL, "/")+"/login/oidc/callback",
			"allowed_domains", cfg.OIDC.AllowedDomains, "default_role", cfg.OIDC.DefaultRole)
	}
	log.Info("serving", "addr", l.Addr().String(), "base_url", cfg.BaseURL)
	fmt.Fprintf(stdout, "claimdesk is serving on %s\n", cfg.BaseURL)
	err = srv.Serve(serveCtx, l)
	stopServing()
	if merr := <-metricsDone; err == nil && merr != nil {
		err = fmt.Errorf("metrics: %w", merr)
	}
	log.Info("stopped")
	return err
}

// adminFromEnv reads the first admin's email and password.
func adminFromEnv(cfg *Config) {
	cfg.AdminEmail = os.Getenv("CLAIMDESK_ADMIN_EMAIL")
	cfg.AdminPassword = os.Getenv("CLAIMDESK_ADMIN_PASSWORD")
}

// checkAddr catches listen addresses net.Listen would reject with a
// message that does not say what to write instead.
func checkAddr(addr string) error {
	if strings.Contains(addr, ":") {
		return nil
	}
	if addr != "" && strings.Trim(addr, "0123456789") == "" {
		return fmt.Errorf("--addr %s has no colon: write :%s to listen on every interface, or 127.0.0.1:%s for this machine only", addr, addr, addr)
	}
	return fmt.Errorf("--addr %q has no port: write HOST:PORT, e.g. %s:8080 or :8080", addr, addr)
}

// listenError explains the usual reasons a listen fails.
func listenError(addr string, err error) error {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("%s is already in use (another claimdesk, or another program, listens there). Pick another port: CLAIMDESK_ADDR=:8081 make run, or claimdesk serve --addr :8081", addr)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("not allowed to listen on %s: ports below 1024 need root; use a higher one such as :8080 (%v)", addr, err)
	}
	return fmt.Errorf("listen on %s: %w", addr, err)
}

// bootstrap prepares an empty database: the first admin and, unless
// --no-seed, the demo data. Only the node that created the admin loads the
// demo data, so nodes starting together do it once.
func bootstrap(ctx context.Context, st *store.Store, cfg Config, stdout io.Writer) error {
	created, err := bootstrapAdmin(ctx, st, cfg, stdout)
	if err != nil || !created || cfg.NoSeed {
		return err
	}
	res, err := seed.Load(ctx, st, seeds.FS)
	if err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	fmt.Fprintf(stdout, "Demo data loaded: %d articles, %d claims, %d users.\n", res.Articles, res.Claims, res.Users)
	return nil
}

// bootstrapAdmin creates the first admin of a database without users, as
// both serve and seed do: from CLAIMDESK_ADMIN_EMAIL and
// CLAIMDESK_ADMIN_PASSWORD, or with a generated password printed once. It
// reports whether this process created the admin; a database that already
// has users (perhaps created a moment ago by another node) is left alone.
func bootstrapAdmin(ctx context.Context, st *store.Store, cfg Config, stdout io.Writer) (bool, error) {
	pw := cfg.AdminPassword
	generated := pw == ""
	if generated {
		b := make([]byte, 15)
		rand.Read(b)
		pw = base64.RawURLEncoding.EncodeToString(b)
	}
	created, err := st.BootstrapAdmin(ctx, cfg.AdminEmail, pw)
	if err != nil {
		if factcheck.ErrorCode(err) == factcheck.EINVALID {
			err = errors.New(factcheck.ErrorMessage(err) + " (CLAIMDESK_ADMIN_EMAIL / CLAIMDESK_ADMIN_PASSWORD)")
		}
		return false, fmt.Errorf("create first admin: %w", err)
	} else if !created {
		return false, nil
	}
	email := cfg.AdminEmail
	if email == "" {
		email = store.DefaultAdminEmail
	}
	if generated {
		fmt.Fprintf(stdout, "\nFirst admin created. Log in at /login with\n  email:    %s\n  password: %s\nThis password is shown only once.\n\n", email, pw)
	} else {
		fmt.Fprintf(stdout, "First admin %s created from CLAIMDESK_ADMIN_PASSWORD.\n", email)
	}
	return true, nil
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
