package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/web"
)

// DefaultDBPath is the SQLite database every command uses without --db or
// CLAIMDESK_DB. It is relative to the working directory.
const DefaultDBPath = "data/claimdesk.db"

// Config is everything claimdesk reads from flags and the environment.
// Flags win over environment variables, which win over defaults.
type Config struct {
	Addr          string
	MetricsAddr   string
	DBPath        string
	DatabaseURL   string
	BaseURL       string
	Newsroom      string
	AdminEmail    string
	AdminPassword string
	NoSeed        bool
	RequireOther  bool
	SQLDebug      bool
	// Accounts: who must use two-factor authentication, the key that
	// seals TOTP secrets, single sign-on, and whether passwords log in
	// (NoPasswordLogin: single sign-on only).
	RequireMFA      []factcheck.Role
	MFAKey          string
	OIDC            web.OIDCConfig
	NoPasswordLogin bool
}

// accountsFromEnv reads the account settings: CLAIMDESK_REQUIRE_MFA,
// CLAIMDESK_MFA_KEY, the CLAIMDESK_OIDC_* variables and
// CLAIMDESK_PASSWORD_LOGIN. It refuses settings that would not work,
// naming the variable.
func accountsFromEnv(cfg *Config) error {
	switch v := strings.ToLower(strings.TrimSpace(os.Getenv("CLAIMDESK_REQUIRE_MFA"))); v {
	case "", "none", "off":
	case "admin", "admins":
		cfg.RequireMFA = []factcheck.Role{factcheck.RoleAdmin}
	case "reviewer", "reviewers":
		cfg.RequireMFA = []factcheck.Role{factcheck.RoleReviewer, factcheck.RoleAdmin}
	case "editor", "editors", "all", "everyone":
		cfg.RequireMFA = []factcheck.Role{factcheck.RoleEditor, factcheck.RoleReviewer, factcheck.RoleAdmin}
	default:
		return fmt.Errorf("CLAIMDESK_REQUIRE_MFA=%s: use admin (admins), reviewer (reviewers and admins), all, or none", v)
	}
	cfg.MFAKey = os.Getenv("CLAIMDESK_MFA_KEY")
	if cfg.MFAKey != "" && len(cfg.MFAKey) < 16 {
		return errors.New("CLAIMDESK_MFA_KEY is too short: use at least 16 random characters (e.g. openssl rand -base64 32)")
	}
	if err := oidcFromEnv(cfg); err != nil {
		return err
	}
	switch v := strings.ToLower(strings.TrimSpace(os.Getenv("CLAIMDESK_PASSWORD_LOGIN"))); v {
	case "", "true", "on", "yes", "1":
	case "false", "off", "no", "0":
		if cfg.OIDC.Issuer == "" {
			return errors.New("CLAIMDESK_PASSWORD_LOGIN=false turns off the only way to log in: set up single sign-on (CLAIMDESK_OIDC_ISSUER, CLAIMDESK_OIDC_CLIENT_ID, CLAIMDESK_OIDC_CLIENT_SECRET) first, or leave passwords on")
		}
		cfg.NoPasswordLogin = true
	default:
		return fmt.Errorf("CLAIMDESK_PASSWORD_LOGIN=%s: use true (passwords and single sign-on) or false (single sign-on only)", v)
	}
	return nil
}

// oidcFromEnv reads the CLAIMDESK_OIDC_* variables into cfg.OIDC (left
// empty when CLAIMDESK_OIDC_ISSUER is unset) for accountsFromEnv.
func oidcFromEnv(cfg *Config) error {
	o := web.OIDCConfig{Issuer: strings.TrimSpace(os.Getenv("CLAIMDESK_OIDC_ISSUER")), ClientID: os.Getenv("CLAIMDESK_OIDC_CLIENT_ID"),
		ClientSecret: os.Getenv("CLAIMDESK_OIDC_CLIENT_SECRET"), DefaultRole: factcheck.Role(strings.TrimSpace(env("CLAIMDESK_OIDC_DEFAULT_ROLE", "editor")))}
	for _, d := range strings.Split(os.Getenv("CLAIMDESK_OIDC_ALLOWED_DOMAINS"), ",") {
		if d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@")); d != "" {
			o.AllowedDomains = append(o.AllowedDomains, d)
		}
	}
	if o.Issuer == "" {
		if o.ClientID != "" || len(o.AllowedDomains) > 0 {
			return errors.New("CLAIMDESK_OIDC_CLIENT_ID or CLAIMDESK_OIDC_ALLOWED_DOMAINS is set without CLAIMDESK_OIDC_ISSUER: set the provider's issuer URL too (e.g. https://accounts.google.com)")
		}
		return nil
	}
	if u, err := url.Parse(o.Issuer); err != nil || u.Host == "" || u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("CLAIMDESK_OIDC_ISSUER=%s is not an http(s) URL", o.Issuer)
	} else if o.ClientID == "" || o.ClientSecret == "" {
		return errors.New("single sign-on needs CLAIMDESK_OIDC_CLIENT_ID and CLAIMDESK_OIDC_CLIENT_SECRET as well as CLAIMDESK_OIDC_ISSUER")
	} else if !o.DefaultRole.Valid() {
		return fmt.Errorf("CLAIMDESK_OIDC_DEFAULT_ROLE=%s: use editor, reviewer or admin", o.DefaultRole)
	}
	cfg.OIDC = o
	return nil
}

// envVars is every environment variable the commands read, in the order
// of the README's Configuration table; envHelp lists them for help and
// serve -h, and a test holds the list to the README and to the code.
var envVars = []string{
	"CLAIMDESK_ADDR", "CLAIMDESK_METRICS_ADDR", "CLAIMDESK_DB", "CLAIMDESK_DATABASE_URL", "CLAIMDESK_BASE_URL",
	"CLAIMDESK_ADMIN_EMAIL", "CLAIMDESK_ADMIN_PASSWORD", "CLAIMDESK_NEWSROOM", "CLAIMDESK_REQUIRE_OTHER_REVIEWER",
	"CLAIMDESK_FETCH_ALLOW_PRIVATE", "CLAIMDESK_LOG_LEVEL", "CLAIMDESK_SQL_DEBUG", "CLAIMDESK_TRUSTED_PROXIES",
	"CLAIMDESK_CACHE_MB", "CLAIMDESK_ACCESS_LOG", "CLAIMDESK_REQUIRE_MFA", "CLAIMDESK_MFA_KEY",
	"CLAIMDESK_OIDC_ISSUER", "CLAIMDESK_OIDC_CLIENT_ID", "CLAIMDESK_OIDC_CLIENT_SECRET",
	"CLAIMDESK_OIDC_ALLOWED_DOMAINS", "CLAIMDESK_OIDC_DEFAULT_ROLE", "CLAIMDESK_PASSWORD_LOGIN",
}

// envHelp is the "Environment:" paragraph of the help texts: envVars,
// wrapped, with a pointer to what they mean.
var envHelp = func() string {
	var b strings.Builder
	line := "Environment:"
	for i, v := range envVars {
		word := " " + v
		if i < len(envVars)-1 {
			word += ","
		} else {
			word += "."
		}
		if len(line)+len(word) > 80 {
			b.WriteString(line + "\n")
			line, word = "", word[1:]
		}
		line += word
	}
	b.WriteString(line + "\nThe README's Configuration section says what each one does.\n")
	return b.String()
}()

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// dbFlags registers the database flags every command shares.
func dbFlags(fs *flag.FlagSet, cfg *Config) {
	fs.StringVar(&cfg.DBPath, "db", env("CLAIMDESK_DB", DefaultDBPath), "SQLite database file, relative to the working directory (env CLAIMDESK_DB); CLAIMDESK_DATABASE_URL=postgres://… overrides it")
	cfg.DatabaseURL = os.Getenv("CLAIMDESK_DATABASE_URL")
	cfg.SQLDebug = os.Getenv("CLAIMDESK_SQL_DEBUG") != ""
}

func (c Config) storeConfig() store.Config {
	return store.Config{DatabaseURL: c.DatabaseURL, Path: c.DBPath, SQLDebug: c.SQLDebug}
}

// dbName names the database for people: the absolute SQLite path, or the
// PostgreSQL URL without its password.
func (c Config) dbName() string {
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil {
			return "PostgreSQL (CLAIMDESK_DATABASE_URL)"
		}
		if u.User != nil {
			u.User = url.User(u.User.Username())
		}
		u.RawQuery = ""
		return u.String()
	}
	if abs, err := filepath.Abs(c.DBPath); err == nil {
		return abs
	}
	return c.DBPath
}

// errNoDatabase is returned by openExisting when the SQLite file is missing.
var errNoDatabase = errors.New("no database")

// openExisting opens the database for a command other than serve, which
// never creates one: a SQLite file that does not exist is an error naming
// the path (a typo in --db, or a command run from another directory, must
// not leave an empty database behind). It prints the database it opened
// to stderr, on one line.
func openExisting(ctx context.Context, cfg Config, stderr io.Writer) (*store.Store, error) {
	if cfg.DatabaseURL == "" {
		if _, err := os.Stat(cfg.DBPath); errors.Is(err, fs.ErrNotExist) {
			hint := ""
			if cfg.DBPath == DefaultDBPath {
				hint = " (the default, relative to the working directory)"
			}
			return nil, fmt.Errorf("%w at %s%s. Only `claimdesk serve` creates a database; pass --db FILE or set CLAIMDESK_DB (or CLAIMDESK_DATABASE_URL) to use an existing one", errNoDatabase, cfg.dbName(), hint)
		}
	}
	st, err := store.Open(ctx, cfg.storeConfig())
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "claimdesk: database %s (%s)\n", cfg.dbName(), st.Dialect())
	return st, nil
}
