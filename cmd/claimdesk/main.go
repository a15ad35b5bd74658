// Command claimdesk is the fact-checking desk: one binary that serves the
// site and API, and runs the desk's maintenance jobs.
//
//	claimdesk serve [--addr :8080] [--metrics-addr 127.0.0.1:9090] [--db data/claimdesk.db] [--no-seed]
//	claimdesk seed
//	claimdesk suggest [FILE|-]
//	claimdesk user add --email E --name N --role R   (password on stdin)
//	claimdesk user list | user reset-password --email E | user deactivate --email E | user activate --email E | user reset-2fa --email E
//	claimdesk token create --email E
//	claimdesk import [--dry-run] PATH… | claimdesk export claimreview|jsonl
//	claimdesk backup FILE | claimdesk restore FILE
//
// "claimdesk help COMMAND" or "claimdesk COMMAND -h" explains a command.
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
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	interrupted := ctx.Err() != nil
	stop()
	os.Exit(exitCode(err, interrupted, os.Stderr))
}

// exitCode prints err and turns it into the process's exit status: 0 for
// success and for help that was asked for, 2 for a command line that
// could not be understood, 130 for a command stopped by Ctrl-C or
// SIGTERM, 1 for anything else.
func exitCode(err error, interrupted bool, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case interrupted && errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "claimdesk: interrupted")
		return 130
	case errors.As(err, &ue):
		if ue.error != nil {
			fmt.Fprintln(stderr, "claimdesk:", ue.error)
		}
		return 2
	}
	fmt.Fprintln(stderr, "claimdesk:", err)
	return 1
}

// usageError is a command line that could not be understood; its usage
// has already been printed.
type usageError struct{ error }

func (e *usageError) Unwrap() error { return e.error }

func (e *usageError) Error() string {
	if e.error == nil {
		return "usage error"
	}
	return e.error.Error()
}

const usage = `claimdesk — the fact-checking desk

Usage:
  claimdesk serve [flags]          serve the site, desk and API
  claimdesk seed [flags]           load the demo data from seeds/ (idempotent)
  claimdesk suggest [--threshold X] [FILE|-]  split an article into sentences and score them (JSON Lines)
  claimdesk match [--k N] FILE     rank already-checked claims for new ones (JSON in, JSON Lines out)
  claimdesk user add --email E --name N --role admin|reviewer|editor   (password on stdin)
  claimdesk user list              every user with role and status
  claimdesk user reset-password --email E   (new password on stdin)
  claimdesk user deactivate --email E       end the user's sessions and tokens; no more logins
  claimdesk user activate --email E         let a deactivated user log in again
  claimdesk user reset-2fa --email E        turn off a user's two-factor authentication (lost phone and codes)
  claimdesk token create --email E  print a new API token once (expires in 90 days; --expires-days)
  claimdesk import [--dry-run] PATH…  bulk intake: article files and folders, URL lists, ClaimReview files
  claimdesk export claimreview|jsonl  every public claim to stdout (ClaimReview DataFeed, or JSON Lines)
  claimdesk backup FILE            consistent copy of the SQLite database, while serving
  claimdesk restore FILE           check a backup and put it in place (server stopped)
  claimdesk help COMMAND           explain a command and its flags

Every command uses the SQLite database data/claimdesk.db, relative to the
working directory, unless --db FILE or CLAIMDESK_DB names another, or
CLAIMDESK_DATABASE_URL=postgres://… selects PostgreSQL. Only serve creates a
database that does not exist yet.

Environment: CLAIMDESK_ADDR, CLAIMDESK_METRICS_ADDR, CLAIMDESK_DB, CLAIMDESK_DATABASE_URL, CLAIMDESK_BASE_URL,
CLAIMDESK_ADMIN_EMAIL, CLAIMDESK_ADMIN_PASSWORD, CLAIMDESK_NEWSROOM, CLAIMDESK_LOG_LEVEL,
CLAIMDESK_SQL_DEBUG, CLAIMDESK_REQUIRE_MFA, CLAIMDESK_MFA_KEY, CLAIMDESK_OIDC_ISSUER,
CLAIMDESK_OIDC_CLIENT_ID, CLAIMDESK_OIDC_CLIENT_SECRET, CLAIMDESK_OIDC_ALLOWED_DOMAINS,
CLAIMDESK_OIDC_DEFAULT_ROLE, CLAIMDESK_PASSWORD_LOGIN.
`

// run dispatches a subcommand. It is main without the process: tests call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &usageError{}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "seed":
		return runSeed(ctx, rest, stdout, stderr)
	case "suggest":
		return runSuggest(ctx, rest, stdin, stdout, stderr)
	case "match":
		return runMatch(rest, stdin, stdout, stderr)
	case "user":
		return runUser(ctx, rest, stdin, stdout, stderr)
	case "token":
		if len(rest) > 0 && rest[0] == "create" {
			return runTokenCreate(ctx, rest[1:], stdout, stderr)
		}
		fmt.Fprint(stderr, commandHelp["token"])
		return helpOrUsage(rest)
	case "import":
		return runImport(ctx, rest, stdout, stderr)
	case "export":
		return runExport(ctx, rest, stdout, stderr)
	case "backup":
		return runBackup(ctx, rest, stdout, stderr)
	case "restore":
		return runRestore(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		return runHelp(ctx, rest, stdin, stdout)
	}
	fmt.Fprint(stderr, usage)
	return &usageError{fmt.Errorf("unknown command %q", cmd)}
}

// runUser dispatches the user subcommands.
func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "add":
			return runUserAdd(ctx, args[1:], stdin, stdout, stderr)
		case "list":
			return runUserList(ctx, args[1:], stdout, stderr)
		case "reset-password":
			return runUserResetPassword(ctx, args[1:], stdin, stdout, stderr)
		case "deactivate":
			return runUserSetActive(ctx, "deactivate", args[1:], stdout, stderr)
		case "activate":
			return runUserSetActive(ctx, "activate", args[1:], stdout, stderr)
		case "reset-2fa":
			return runUserResetTOTP(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprint(stderr, commandHelp["user"])
	return helpOrUsage(args)
}

// helpOrUsage is the result of a command group called without a known
// subcommand: help when help was asked for, a usage error otherwise.
func helpOrUsage(args []string) error {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		return flag.ErrHelp
	} else if len(args) == 0 {
		return &usageError{errors.New("missing subcommand")}
	}
	return &usageError{fmt.Errorf("unknown subcommand %q", args[0])}
}

// runHelp prints the usage, or the help of one command, on stdout.
func runHelp(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	// A command asked for -h prints its help on its stderr; here, stdout.
	err := run(ctx, append(args[:len(args):len(args)], "-h"), stdin, stdout, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// commandHelp explains each command's arguments; newFlagSet prints it
// above the flags for -h and "claimdesk help COMMAND".
var commandHelp = map[string]string{
	"serve": `Usage: claimdesk serve [--addr :8080] [--metrics-addr HOST:PORT] [--db FILE] [--no-seed] [--require-other-reviewer]

Serves the site, the desk and the API. A database that does not exist yet is
created; an empty one gets its first admin (CLAIMDESK_ADMIN_EMAIL and
CLAIMDESK_ADMIN_PASSWORD, or a generated password printed once) and the demo
data. Prometheus metrics are served only with --metrics-addr, on that
separate address at /metrics. SIGINT and SIGTERM drain in-flight requests
and exit 0.
`,
	"seed": `Usage: claimdesk seed [--db FILE]

Loads the demo data from seeds/ into an existing database (idempotent). On a
database without users it first creates the admin exactly as serve does.
`,
	"suggest": `Usage: claimdesk suggest [FILE|-]

Splits an article (UTF-8 text from FILE, or stdin when FILE is - or missing)
into sentences and prints one JSON line per sentence with its byte offsets,
check-worthiness score and reasons. Binary input is refused.
`,
	"user": `Usage:
  claimdesk user add --email E --name N --role admin|reviewer|editor   (password on stdin)
  claimdesk user list
  claimdesk user reset-password --email E   (new password on stdin)
  claimdesk user deactivate --email E
  claimdesk user activate --email E
  claimdesk user reset-2fa --email E

Passwords are read from stdin: typed without echo after a prompt on a
terminal, or the first line of a pipe. Run "claimdesk help user add" for flags.
`,
	"user add": `Usage: claimdesk user add --email E --name N --role admin|reviewer|editor

Adds a user. The password is read from stdin (asked twice, without echo, on
a terminal; the first line of a pipe otherwise).
`,
	"user list": `Usage: claimdesk user list [--db FILE]

Lists every user: id, email, role, status and name.
`,
	"user reset-password": `Usage: claimdesk user reset-password --email E

Sets a new password, read from stdin (asked twice, without echo, on a
terminal), and ends every session of the user.
`,
	"user deactivate": `Usage: claimdesk user deactivate --email E

Switches an account off: it can no longer log in, and its sessions end and
its API tokens are revoked at once. The last active admin cannot be
deactivated.
`,
	"user activate": `Usage: claimdesk user activate --email E

Lets a deactivated user log in again (revoked API tokens stay revoked).
`,
	"user reset-2fa": `Usage: claimdesk user reset-2fa --email E

Turns off the user's two-factor authentication and deletes their recovery
codes, for someone who lost both their phone and their codes (an admin can
do the same on /desk/users). They log in with their password alone until
they set it up again; where the desk requires it, they are asked to at once.
`,
	"token": `Usage: claimdesk token create --email E [--name LABEL] [--expires-days 90]

Prints a new API token for the user, once.
`,
	"token create": `Usage: claimdesk token create --email E [--name LABEL] [--expires-days 90]

Prints a new API token for the user, once; send it as
Authorization: Bearer TOKEN. It expires after 90 days unless
--expires-days says otherwise (0: never).
`,
	"import": importHelp,
	"export": exportHelp,
	"backup": `Usage: claimdesk backup [--db FILE] BACKUP_FILE

Writes a consistent copy of the SQLite database to BACKUP_FILE while the
server keeps running. BACKUP_FILE must not exist; it appears only once the
copy is complete. On PostgreSQL use pg_dump --format=custom.
`,
	"restore": `Usage: claimdesk restore [--db FILE] BACKUP_FILE

Puts a backup in place of the SQLite database. It refuses while a server (or
any claimdesk command) has the database open, and refuses an empty, foreign,
truncated or damaged file and one from a newer claimdesk. The replaced
database is kept as FILE.bak.
`,
}

// newFlagSet returns the flag set of a command whose -h prints the
// command's help (commandHelp[name]) and flags to stderr.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("claimdesk "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		if h, ok := commandHelp[name]; ok {
			fmt.Fprint(fs.Output(), h)
		} else {
			fmt.Fprintf(fs.Output(), "Usage: claimdesk %s [flags]\n", name)
		}
		var any bool
		fs.VisitAll(func(*flag.Flag) { any = true })
		if any {
			fmt.Fprintln(fs.Output(), "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses a command's flags; a bad flag is a usage error (the
// flag package has printed the command's help), -h is flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return &usageError{}
	}
	return err
}

// requireArgs checks the number of positional arguments.
func requireArgs(fs *flag.FlagSet, n int) error {
	if fs.NArg() != n {
		fs.Usage()
		return &usageError{fmt.Errorf("%s takes %d argument(s), got %d: %s", fs.Name(), n, fs.NArg(), strings.Join(fs.Args(), " "))}
	}
	return nil
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
