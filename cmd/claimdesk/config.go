package main

import (
	"flag"
	"io"
	"os"

	"claimdesk/internal/store"
)

// Config is everything claimdesk reads from flags and the environment.
// Flags win over environment variables, which win over defaults.
type Config struct {
	Addr          string
	DBPath        string
	DatabaseURL   string
	BaseURL       string
	Newsroom      string
	AdminEmail    string
	AdminPassword string
	NoSeed        bool
	RequireOther  bool
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// dbFlags registers the database flags every command shares.
func dbFlags(fs *flag.FlagSet, cfg *Config) {
	fs.StringVar(&cfg.DBPath, "db", env("CLAIMDESK_DB", "data/claimdesk.db"), "SQLite database path (env CLAIMDESK_DB)")
	cfg.DatabaseURL = os.Getenv("CLAIMDESK_DATABASE_URL")
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("claimdesk "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func (c Config) storeConfig() store.Config {
	return store.Config{DatabaseURL: c.DatabaseURL, Path: c.DBPath}
}
