package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"claimdesk/internal/fetch"
	"claimdesk/internal/importer"
	"claimdesk/internal/web"
)

// importHelp and exportHelp are the commands' help (commandHelp).
const importHelp = `Usage: claimdesk import [--db FILE] [--dry-run] PATH…

Brings existing work into the desk. PATH is a file or a folder (read
recursively, hidden files passed over):
  .txt .md .html    an article each (Markdown may start with front matter:
                    title, url, outlet, author, date); a saved fact-check
                    page (ClaimReview in its JSON-LD) is its reviews instead
  .urls, or a .txt of http(s) addresses only, one per line
                    articles fetched from the web through the desk's
                    guarded fetcher (CLAIMDESK_FETCH_ALLOW_PRIVATE=true lets
                    it reach private addresses); fact-check pages as above
  .json .jsonld .jsonl
                    ClaimReview JSON-LD or a DataFeed of them, from another
                    fact-checker or claimdesk export claimreview: each
                    becomes a published claim marked as imported from its
                    publisher, with their verdict mapped onto the desk's
                    scale, never shown as the desk's own work; the
                    desk's own reviews (url under CLAIMDESK_BASE_URL, or
                    the address of one of its public claims) are skipped
                    as "already this desk's"

Each item is added in a transaction of its own; the desk's articles (by URL
or text) and imported claims (by the review's URL) are never added twice,
so a second run adds nothing and a stopped run picks up where it left off.
A bad file is reported and the rest go on. Shows a progress bar on a
terminal and one line per item otherwise, then what was added, skipped and
failed, with reasons. Exits 1 when anything failed, 130 when interrupted.
`

const exportHelp = `Usage: claimdesk export [--db FILE] claimreview|jsonl

Writes every public claim to stdout:
  claimreview  the schema.org ClaimReview DataFeed (as /api/v1/claimreview)
  jsonl        one claim per line with its sources and public revisions
               (as /api/v1/export.jsonl)
URLs in it use CLAIMDESK_BASE_URL (default http://localhost:8080) and the
newsroom is CLAIMDESK_NEWSROOM.
`

// runImport runs claimdesk import.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("import", stderr)
	dbFlags(fs, &cfg)
	dryRun := fs.Bool("dry-run", false, "read and check everything, write nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return &usageError{errors.New("import needs at least one file or folder")}
	}
	st, err := openExisting(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close()

	fetcher := fetch.New(os.Getenv("CLAIMDESK_FETCH_ALLOW_PRIVATE") == "true")
	opts := importer.Options{DryRun: *dryRun, Fetch: fetcher.Article, BaseURL: env("CLAIMDESK_BASE_URL", "http://localhost:8080")}
	var bar *progressbar.ProgressBar
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		opts.Progress = func(it importer.Item, done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("importing"),
					progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("items"),
					progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionSetWidth(30),
					progressbar.OptionOnCompletion(func() { fmt.Fprintln(stderr) }))
			}
			bar.Set(done)
		}
	} else {
		opts.Progress = func(it importer.Item, done, total int) {
			line := fmt.Sprintf("[%d/%d] %s %s %s", done, total, it.Outcome, it.What, it.Source)
			if it.ID != 0 {
				line += fmt.Sprintf(" (%s %d)", it.What, it.ID)
			}
			if it.Reason != "" {
				line += ": " + it.Reason
			}
			fmt.Fprintln(stderr, line)
		}
	}
	start := time.Now()
	sum, err := importer.Run(ctx, st, fs.Args(), opts)
	if bar != nil {
		bar.Finish()
	}
	if sum == nil {
		return err
	}
	elapsed := time.Since(start)
	verb := "added"
	if *dryRun {
		verb = "would add"
	}
	fmt.Fprintf(stdout, "%s %d (%d articles, %d claims), skipped %d, failed %d in %.1fs (%.0f items/s)\n", verb, sum.Added, sum.Articles, sum.Claims,
		sum.Skipped, sum.Failed, elapsed.Seconds(), float64(len(sum.Items))/max(elapsed.Seconds(), 0.001))
	reasons := map[string]int{}
	var order []string
	for _, it := range sum.Items {
		switch it.Outcome {
		case importer.Failed:
			fmt.Fprintf(stdout, "failed  %s: %s\n", it.Source, it.Reason)
		case importer.Skipped:
			if reasons[it.Reason] == 0 {
				order = append(order, it.Reason)
			}
			reasons[it.Reason]++
		}
	}
	for _, r := range order {
		fmt.Fprintf(stdout, "skipped %d: %s\n", reasons[r], r)
	}
	switch {
	case err != nil:
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(stdout, "stopped before the end: run the same command again to import the rest (nothing is added twice)")
		}
		return err
	case sum.Failed > 0:
		return fmt.Errorf("%d of %d items failed (listed above); fix them and run the same command again", sum.Failed, len(sum.Items))
	}
	return nil
}

// runExport runs claimdesk export claimreview|jsonl.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("export", stderr)
	dbFlags(fs, &cfg)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || fs.Arg(0) != "claimreview" && fs.Arg(0) != "jsonl" {
		fs.Usage()
		return &usageError{errors.New("export takes claimreview or jsonl")}
	}
	st, err := openExisting(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	wcfg := web.Config{BaseURL: env("CLAIMDESK_BASE_URL", "http://localhost:8080"), Newsroom: env("CLAIMDESK_NEWSROOM", "claimdesk")}
	if fs.Arg(0) == "claimreview" {
		return web.ExportClaimReview(ctx, st, wcfg, stdout)
	}
	return web.ExportJSONL(ctx, st, wcfg, stdout)
}
