// Command claimdesk is the fact-checking desk: one binary that serves the
// site and API, and runs the desk's maintenance jobs.
//
//	claimdesk serve [--addr :8080] [--db data/claimdesk.db] [--no-seed]
//	claimdesk seed
//	claimdesk suggest [FILE|-]
//	claimdesk user add --email E --name N --role R   (password on stdin)
//	claimdesk token create --email E
//	claimdesk backup FILE | claimdesk restore FILE
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "claimdesk:", err)
		os.Exit(1)
	}
}

const usage = `claimdesk — the fact-checking desk

Usage:
  claimdesk serve [flags]          serve the site, desk and API
  claimdesk seed [flags]           load the demo data from seeds/ (idempotent)
  claimdesk suggest [--threshold X] [FILE|-]  split an article into sentences and score them (JSON Lines)
  claimdesk match [--k N] FILE     rank already-checked claims for new ones (JSON in, JSON Lines out)
  claimdesk user add --email E --name N --role admin|reviewer|editor   (password on stdin)
  claimdesk token create --email E  print a new API token once
  claimdesk backup FILE            consistent copy of the SQLite database, while serving
  claimdesk restore FILE           check a backup and put it in place (server stopped)

Run "claimdesk COMMAND -h" for a command's flags.
Environment: CLAIMDESK_ADDR, CLAIMDESK_DB, CLAIMDESK_DATABASE_URL, CLAIMDESK_BASE_URL,
CLAIMDESK_ADMIN_EMAIL, CLAIMDESK_ADMIN_PASSWORD, CLAIMDESK_NEWSROOM, CLAIMDESK_LOG_LEVEL.
`

// run dispatches a subcommand. It is main without the process: tests call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "seed":
		return runSeed(ctx, rest, stdout, stderr)
	case "suggest":
		return runSuggest(rest, stdin, stdout, stderr)
	case "match":
		return runMatch(rest, stdin, stdout, stderr)
	case "user":
		if len(rest) > 0 && rest[0] == "add" {
			return runUserAdd(ctx, rest[1:], stdin, stdout, stderr)
		}
	case "token":
		if len(rest) > 0 && rest[0] == "create" {
			return runTokenCreate(ctx, rest[1:], stdout, stderr)
		}
	case "backup":
		return runBackup(ctx, rest, stdout, stderr)
	case "restore":
		return runRestore(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func newLogger(w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	switch os.Getenv("CLAIMDESK_LOG_LEVEL") {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}
