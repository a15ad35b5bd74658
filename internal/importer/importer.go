// Package importer brings a newsroom's existing work into the desk in
// bulk: article files (.txt, .md, .html) and folders of them, files of
// URLs fetched through the desk's guarded fetcher, and ClaimReview JSON-LD
// or DataFeed files from other fact-checkers (or the desk's own export).
//
// Every item is added in a transaction of its own, after checking that the
// desk does not have it yet (articles by URL or text, claims by the
// review's URL), so a run can be stopped and run again: it adds only what
// is missing, and a second run adds nothing. A bad file or item is
// reported with its reason and never stops the rest or leaves half a
// record.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/fetch"
	"claimdesk/internal/store"
)

// Reasons for skipping what the desk has: the item's ID names the record.
const (
	alreadyArticle = "the desk has this article already"
	alreadyClaim   = "imported already"
	alreadyOwn     = "already this desk's"
)

// Outcome is what became of one item.
type Outcome string

// Outcomes. A dry run reports WouldAdd instead of Added.
const (
	Added    Outcome = "added"
	WouldAdd Outcome = "would add"
	Skipped  Outcome = "skipped"
	Failed   Outcome = "failed"
)

// Item is one thing an import found: an article file, a URL of a list,
// or one review of a ClaimReview file.
type Item struct {
	// Source names it: the file, "FILE: URL" for a URL of a list, or
	// "FILE #N" for the Nth review of a file.
	Source  string
	What    string // "article" or "claim"
	Outcome Outcome
	Reason  string // why it was skipped or failed
	ID      int64  // the record added, or the one the desk already had
}

// settle records the outcome of a write: failed with err, added as id, or
// skipped because the desk already had it as existing (reason already).
func (it *Item) settle(added bool, id, existing int64, already string, err error) {
	switch {
	case err != nil:
		it.Outcome, it.Reason = Failed, reasonOf(err)
	case added:
		it.Outcome, it.ID = Added, id
	default:
		it.Outcome, it.ID, it.Reason = Skipped, existing, already
	}
}

// Options tune a run.
type Options struct {
	// DryRun reads and checks everything and writes nothing.
	DryRun bool
	// Fetch fetches an article from a URL list; nil fails URL lists.
	Fetch func(ctx context.Context, url string) (*fetch.Article, error)
	// Progress is called with each item when it is done, and with how
	// many there are so far and in all.
	Progress func(it Item, done, total int)
	// BaseURL is the desk's public address (CLAIMDESK_BASE_URL): a review
	// whose url is under it is the desk's own and is skipped, so importing
	// the desk's own export adds nothing.
	BaseURL string
}

// Summary is the outcome of a run.
type Summary struct {
	Items []Item
	// Counts by outcome and, for added ones, by kind.
	Added, Skipped, Failed int
	Articles, Claims       int
}

// Run imports paths (files and folders, recursively) into st. It returns
// the summary of everything done so far and ctx's error if it was stopped.
func Run(ctx context.Context, st *store.Store, paths []string, opts Options) (*Summary, error) {
	scale, err := st.Ratings(ctx)
	if err != nil {
		return nil, err
	}
	jobs, err := plan(paths)
	if err != nil {
		return nil, err
	}
	r := &runner{st: st, opts: opts, scale: scale, sum: &Summary{}}
	for i, j := range jobs {
		if err := ctx.Err(); err != nil {
			return r.sum, err
		}
		for _, it := range j.do(ctx, r) {
			if ctx.Err() != nil && it.Outcome == Failed {
				return r.sum, ctx.Err() // stopped mid-item: it is not done
			}
			r.record(it, i+1, len(jobs))
		}
	}
	return r.sum, nil
}

type runner struct {
	st    *store.Store
	opts  Options
	scale []factcheck.Rating
	sum   *Summary
}

func (r *runner) record(it Item, done, total int) {
	r.sum.Items = append(r.sum.Items, it)
	switch it.Outcome {
	case Added, WouldAdd:
		r.sum.Added++
		if it.What == "claim" {
			r.sum.Claims++
		} else {
			r.sum.Articles++
		}
	case Skipped:
		r.sum.Skipped++
	case Failed:
		r.sum.Failed++
	}
	if r.opts.Progress != nil {
		r.opts.Progress(it, done, total)
	}
}

// job is one item to import; a page of a URL list may turn out to hold
// several (the fact checks marked up in it), so do returns them all.
type job struct {
	source string
	what   string
	do     func(ctx context.Context, r *runner) []Item
}

// one makes a job of one item.
func one(source, what string, do func(ctx context.Context, r *runner) Item) job {
	return job{source: source, what: what, do: func(ctx context.Context, r *runner) []Item { return []Item{do(ctx, r)} }}
}

// Extensions by kind of file.
var (
	articleExts = map[string]func(string, []byte) (*factcheck.Article, error){
		".txt": ParseText, ".text": ParseText, ".md": ParseMarkdown, ".markdown": ParseMarkdown, ".html": ParseHTML, ".htm": ParseHTML,
	}
	reviewExts = map[string]bool{".json": true, ".jsonld": true, ".jsonl": true, ".ndjson": true}
	listExts   = map[string]bool{".urls": true, ".list": true}
)

// plan walks paths and lists every item, in order: each path as given,
// a folder's files sorted by name. Files of other kinds are skipped with
// a reason; hidden files and folders are passed over.
func plan(paths []string) ([]job, error) {
	if len(paths) == 0 {
		return nil, errors.New("nothing to import: name files or folders")
	}
	var jobs []job
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			jobs = append(jobs, failedJob(p, "file", "no such file or folder"))
			continue
		}
		if !info.IsDir() {
			jobs = append(jobs, fileJobs(p, true)...)
			continue
		}
		var files []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				jobs = append(jobs, failedJob(path, "file", "cannot be read: "+errors.Unwrap(err).Error()))
				return nil
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		for _, f := range files {
			jobs = append(jobs, fileJobs(f, false)...)
		}
	}
	return jobs, nil
}

func failedJob(source, what, reason string) job {
	return one(source, what, func(context.Context, *runner) Item {
		return Item{Source: source, What: what, Outcome: Failed, Reason: reason}
	})
}

// fileJobs lists the items of one file. named says the file was named on
// the command line, so a file of an unknown kind is an error rather than
// something found in a folder and passed over.
func fileJobs(path string, named bool) []job {
	ext := strings.ToLower(filepath.Ext(path))
	parse, isArticle := articleExts[ext]
	if !isArticle && !reviewExts[ext] && !listExts[ext] {
		reason := "not a file the import reads (.txt, .md, .html, a list of URLs, or ClaimReview .json/.jsonld)"
		if named {
			return []job{failedJob(path, "file", reason)}
		}
		return []job{one(path, "file", func(context.Context, *runner) Item {
			return Item{Source: path, What: "file", Outcome: Skipped, Reason: reason}
		})}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return []job{failedJob(path, "file", "cannot be read: "+pathErr(err))}
	}
	if urls, ok := URLList(data); listExts[ext] || ext == ".txt" && ok {
		if !ok {
			return []job{failedJob(path, "file", "not a list of URLs: every line must be an http(s) address")}
		}
		jobs := make([]job, len(urls))
		for i, u := range urls {
			jobs[i] = urlJob(path, u)
		}
		return jobs
	}
	reviews, err := []Review(nil), error(nil)
	if reviewExts[ext] {
		if reviews, err = ParseReviews(data); err != nil {
			return []job{failedJob(path, "claim", err.Error())}
		}
	} else if ext == ".html" || ext == ".htm" {
		// A saved fact-check page: its ClaimReview markup, not its text.
		reviews = reviewsIn(fetch.LDScripts(data))
	}
	if len(reviews) > 0 {
		jobs := make([]job, len(reviews))
		for i, rv := range reviews {
			src := reviewSource(path, i, len(reviews))
			jobs[i] = one(src, "claim", func(ctx context.Context, r *runner) Item { return r.review(ctx, src, rv) })
		}
		return jobs
	}
	return []job{one(path, "article", func(ctx context.Context, r *runner) Item {
		a, err := parse(path, data)
		if err != nil {
			return Item{Source: path, What: "article", Outcome: Failed, Reason: err.Error()}
		}
		return r.article(ctx, path, a)
	})}
}

// reviewSource names the ith of n reviews found in source.
func reviewSource(source string, i, n int) string {
	if n > 1 {
		return source + " #" + strconv.Itoa(i+1)
	}
	return source
}

// reviewsIn returns the ClaimReviews in a page's JSON-LD scripts, in page
// order; scripts that are not JSON or hold none are passed over.
func reviewsIn(scripts []string) []Review {
	var out []Review
	for _, sc := range scripts {
		if rs, err := ParseReviews([]byte(sc)); err == nil {
			out = append(out, rs...)
		}
	}
	return out
}

func pathErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// article adds a unless the desk has it.
func (r *runner) article(ctx context.Context, source string, a *factcheck.Article) Item {
	it := Item{Source: source, What: "article"}
	a.Normalize()
	if err := a.Validate(); err != nil {
		it.Outcome, it.Reason = Failed, reasonOf(err)
		return it
	}
	if r.opts.DryRun {
		id, err := r.st.FindArticle(ctx, a)
		switch {
		case err != nil:
			it.Outcome, it.Reason = Failed, reasonOf(err)
		case id != 0:
			it.Outcome, it.Reason, it.ID = Skipped, alreadyArticle, id
		default:
			it.Outcome = WouldAdd
		}
		return it
	}
	added, existing, err := r.st.ImportArticle(ctx, a)
	it.settle(added, a.ID, existing, alreadyArticle, err)
	return it
}

// urlJob fetches one URL of a list, unless the desk has its article. A
// page marked up with ClaimReview JSON-LD (a fact check) is imported as
// those reviews, each an item, instead of as an article.
func urlJob(list, u string) job {
	source := list + ": " + u
	return job{source: source, what: "article", do: func(ctx context.Context, r *runner) []Item {
		fail := func(reason string) []Item {
			return []Item{{Source: source, What: "article", Outcome: Failed, Reason: reason}}
		}
		if a, err := r.st.ArticleByURL(ctx, u); err == nil {
			return []Item{{Source: source, What: "article", Outcome: Skipped, ID: a.ID, Reason: alreadyArticle}}
		}
		if r.opts.Fetch == nil {
			return fail("fetching URLs is off")
		}
		fa, err := r.opts.Fetch(ctx, u)
		if err != nil {
			return fail(reasonOf(err))
		}
		if reviews := reviewsIn(fa.LD); len(reviews) > 0 {
			items := make([]Item, len(reviews))
			for i, rv := range reviews {
				items[i] = r.review(ctx, reviewSource(source, i, len(reviews)), rv)
			}
			return items
		}
		return []Item{r.article(ctx, source, &factcheck.Article{Title: fa.Title, URL: fa.URL, Outlet: fa.Outlet, Author: fa.Author, PublishedAt: fa.PublishedAt, Body: fa.Body})}
	}}
}

// review adds one imported fact check, unless the desk has it.
func (r *runner) review(ctx context.Context, source string, rv Review) Item {
	it := Item{Source: source, What: "claim"}
	if own, id, err := r.own(ctx, rv); err != nil {
		it.Outcome, it.Reason = Failed, reasonOf(err)
		return it
	} else if own {
		it.Outcome, it.ID, it.Reason = Skipped, id, alreadyOwn
		return it
	}
	c, err := rv.Claim(r.scale)
	if err != nil {
		it.Outcome, it.Reason = Failed, reasonOf(err)
		return it
	}
	if r.opts.DryRun {
		id, err := r.st.ImportedClaim(ctx, c.Imported.URL)
		switch {
		case err != nil:
			it.Outcome, it.Reason = Failed, reasonOf(err)
		case id != 0:
			it.Outcome, it.ID, it.Reason = Skipped, id, alreadyClaim
		default:
			c.Normalize()
			c.Imported.Normalize()
			if err := c.Validate(); err != nil {
				it.Outcome, it.Reason = Failed, reasonOf(err)
			} else if err := c.Imported.Validate(); err != nil {
				it.Outcome, it.Reason = Failed, reasonOf(err)
			} else {
				it.Outcome = WouldAdd
			}
		}
		return it
	}
	added, existing, err := r.st.ImportClaim(ctx, c)
	it.settle(added, c.ID, existing, alreadyClaim, err)
	return it
}

// own reports whether rv is one of the desk's own fact checks (say, from
// its own export) and, when the desk has it, the claim's id. A review is
// the desk's when its url is under Options.BaseURL, or when it is the
// canonical address of a public claim of the desk (/claims/ID-SLUG on any
// host, with that claim's slug and statement), which catches an export
// made under another base URL.
func (r *runner) own(ctx context.Context, rv Review) (bool, int64, error) {
	u, err := url.Parse(rv.URL)
	if err != nil || rv.URL == "" {
		return false, 0, nil
	}
	base := strings.TrimRight(r.opts.BaseURL, "/")
	under := base != "" && (rv.URL == base || strings.HasPrefix(rv.URL, base+"/"))
	var id int64
	if rest, ok := strings.CutPrefix(u.Path, "/claims/"); ok {
		num, _, _ := strings.Cut(rest, "-")
		id, _ = strconv.ParseInt(num, 10, 64)
	}
	if id <= 0 {
		return under, 0, nil
	}
	c, err := r.st.PublicClaim(ctx, id)
	if factcheck.ErrorCode(err) == factcheck.ENOTFOUND {
		return under, 0, nil
	} else if err != nil {
		return false, 0, err
	}
	canonical := "/claims/" + strconv.FormatInt(c.ID, 10)
	if c.Slug != "" {
		canonical += "-" + c.Slug
	}
	if under || !c.Imported.Imported() && u.Path == canonical && c.Headline() == rv.ClaimReviewed {
		return true, c.ID, nil
	}
	return false, 0, nil
}

// String is the summary's first line: "added 998 (995 articles, 3
// claims), skipped 1, failed 2".
func (s *Summary) String() string {
	return fmt.Sprintf("added %d (%d articles, %d claims), skipped %d, failed %d", s.Added, s.Articles, s.Claims, s.Skipped, s.Failed)
}

// reasonOf words an error for the summary: the message of the desk's own
// errors, the error itself otherwise (a command-line user needs it).
func reasonOf(err error) string {
	var fe *factcheck.Error
	if errors.As(err, &fe) {
		return fe.Message
	}
	return err.Error()
}
