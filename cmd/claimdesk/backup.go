package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
)

// runBackup makes a consistent copy of the SQLite database while it serves.
// It never creates the database it is asked to copy.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("backup", stderr)
	dbFlags(fs, &cfg)
	if err := parseFlags(fs, args); err != nil {
		return err
	} else if err := requireArgs(fs, 1); err != nil {
		return err
	}
	if cfg.DatabaseURL != "" {
		return store.ErrBackupPostgres
	}
	st, err := openExisting(ctx, cfg, stderr)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer st.Close()
	if err := st.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	info, err := store.InspectBackup(ctx, fs.Arg(0))
	if err != nil {
		return fmt.Errorf("backup: the copy failed its check: %w", err)
	}
	fmt.Fprintf(stdout, "backup written to %s: %d articles, %d claims, %d users (schema %d)\n", fs.Arg(0), info.Articles, info.Claims, info.Users, info.SchemaVersion)
	return nil
}

// runRestore checks a backup and puts it in place of the database; see
// store.Restore for what it refuses.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("restore", stderr)
	dbFlags(fs, &cfg)
	if err := parseFlags(fs, args); err != nil {
		return err
	} else if err := requireArgs(fs, 1); err != nil {
		return err
	}
	if cfg.DatabaseURL != "" {
		return store.ErrBackupPostgres
	}
	src := fs.Arg(0)
	fmt.Fprintf(stderr, "claimdesk: database %s (sqlite)\n", cfg.dbName())
	res, err := store.Restore(ctx, cfg.DBPath, src)
	if factcheck.ErrorCode(err) == factcheck.EINVALID {
		return fmt.Errorf("restore refused, nothing was changed: %s", factcheck.ErrorMessage(err))
	} else if errors.Is(err, store.ErrInUse) {
		return fmt.Errorf("restore refused, nothing was changed: %s is open in a running claimdesk (serve, or another command). Stop it first, then restore", cfg.dbName())
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s: %d articles, %d claims, %d users (schema %d", cfg.dbName(), src, res.Articles, res.Claims, res.Users, res.SchemaVersion)
	if res.SchemaVersion < store.LatestVersion() {
		fmt.Fprintf(stdout, "; serve will migrate it to %d", store.LatestVersion())
	}
	fmt.Fprintln(stdout, ")")
	if res.Replaced != "" {
		fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", res.Replaced)
	}
	return nil
}
