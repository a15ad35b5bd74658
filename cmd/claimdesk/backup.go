package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"claimdesk/internal/store"
)

// runBackup makes a consistent copy of the SQLite database while it serves.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("backup", stderr)
	dbFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: claimdesk backup [--db FILE] BACKUP_FILE")
	}
	st, err := store.Open(ctx, cfg.storeConfig())
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", fs.Arg(0))
	return nil
}

// runRestore checks a backup and puts it in place of the database. The
// server must be stopped: the old file is replaced with an atomic rename.
func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("restore", stderr)
	dbFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: claimdesk restore [--db FILE] BACKUP_FILE   (stop the server first)")
	}
	if cfg.DatabaseURL != "" {
		return store.ErrBackupPostgres
	}
	src := fs.Arg(0)
	tmp := cfg.DBPath + ".restore"
	if err := copyFile(src, tmp); err != nil {
		return err
	}
	check, err := store.Open(ctx, store.Config{Path: tmp})
	if err == nil {
		err = check.IntegrityCheck(ctx)
		check.Close()
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("restore: %s is not a usable claimdesk backup: %w", src, err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(cfg.DBPath + suffix)
		os.Remove(tmp + suffix)
	}
	if err := os.Rename(tmp, cfg.DBPath); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s\n", cfg.DBPath, src)
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
