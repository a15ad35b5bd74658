// Command webbench load-tests the public pages with wrk — an embed card, a
// claim page, the home page, an article page and the Atom feed — and
// compares each with a bare net/http handler serving the same bytes and
// headers, in one run, on 127.0.0.1 only. It starts claimdesk on a fresh
// seeded SQLite database, then reports for each page requests per second
// and their ratio to the bare handler, server CPU per request, bytes per
// response, p99 latency at the given connection count and a 304
// revalidation run (and gzip and brotli runs of the card), with the
// process's resident memory, against the goals (see goalRatio).
//
// By default the servers and wrk run on separate CPUs (taskset): the
// servers on CPU 0, wrk on the others, so the latencies measure the
// servers rather than their fight with the load generator over the same
// cores. -pin=false lets all of them share every CPU.
//
//	go run -tags sqlite_fts5 ./cmd/webbench [-d 10s] [-c 32] [-pin=false] [-strict]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/seed"
	"claimdesk/internal/store"
	"claimdesk/internal/web"
	"claimdesk/seeds"
)

// Goals: each page at least 0.6× a bare handler serving the same bytes,
// p99 under 2 ms, and under 100 MB of memory.
const (
	goalRatio = 0.6
	goalP99   = 2 * time.Millisecond
	goalRSSMB = 100
)

func main() {
	dur := flag.Duration("d", 4*time.Second, "duration of each wrk run")
	rounds := flag.Int("rounds", 3, "rounds over the targets")
	conns := flag.Int("c", 32, "wrk connections")
	threads := flag.Int("t", 0, "wrk threads (default: one per CPU wrk runs on)")
	pin := flag.Bool("pin", true, "run the servers on CPU 0 and wrk on the other CPUs (needs taskset and 2 or more CPUs)")
	strict := flag.Bool("strict", false, "exit 1 when a goal is missed")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	var wrkCmd []string
	if *pin && runtime.NumCPU() >= 2 && os.Getenv(pinnedEnv) == "" {
		// Start again on CPU 0 alone; that process runs wrk elsewhere.
		os.Exit(repin())
	}
	if cpus := os.Getenv(pinnedEnv); cpus != "" {
		wrkCmd = []string{"taskset", "-c", cpus}
		if *threads == 0 {
			*threads = strings.Count(cpus, ",") + 1
			if a, b, ok := strings.Cut(cpus, "-"); ok {
				lo, _ := strconv.Atoi(a)
				hi, _ := strconv.Atoi(b)
				*threads = hi - lo + 1
			}
		}
	}
	if *threads == 0 {
		*threads = runtime.NumCPU()
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "webbench:", err)
			os.Exit(2)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	ok, err := run(*dur, *rounds, *conns, *threads, wrkCmd)
	if err != nil {
		fmt.Fprintln(os.Stderr, "webbench:", err)
		os.Exit(2)
	}
	if !ok && *strict {
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// result is what one wrk run measured, or a summary of several.
type result struct {
	name           string
	rps            float64
	cpu            time.Duration // server CPU time per request (this process)
	bytes          float64       // response bytes per request, headers included
	p50            time.Duration
	p99            time.Duration
	p99Min, p99Max time.Duration
	errs           string
}

// summarize combines the rounds of one target: mean rate, median
// latencies, the p99 range and every error line.
func summarize(rs []result) result {
	out := result{name: rs[0].name, p99Min: rs[0].p99, p99Max: rs[0].p99}
	var p50s, p99s []time.Duration
	var errs []string
	for _, r := range rs {
		out.rps += r.rps / float64(len(rs))
		out.cpu += r.cpu / time.Duration(len(rs))
		out.bytes += r.bytes / float64(len(rs))
		p50s, p99s = append(p50s, r.p50), append(p99s, r.p99)
		out.p99Min, out.p99Max = min(out.p99Min, r.p99), max(out.p99Max, r.p99)
		if r.errs != "" {
			errs = append(errs, r.errs)
		}
	}
	out.p50, out.p99 = median(p50s), median(p99s)
	out.errs = strings.Join(errs, "; ")
	return out
}

// median returns the middle value (the lower middle of an even count).
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[(len(ds)-1)/2]
}

// pinnedEnv, set in the re-executed process, names the CPUs wrk runs on.
const pinnedEnv = "WEBBENCH_WRK_CPUS"

// repin runs this command again with the same arguments on CPU 0 only, and
// returns its exit code. The servers then have one CPU and wrk the rest.
func repin() int {
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		fmt.Fprintln(os.Stderr, "webbench: taskset not found (util-linux); run with -pin=false")
		return 2
	}
	wrkCPUs := fmt.Sprintf("1-%d", runtime.NumCPU()-1)
	if runtime.NumCPU() == 2 {
		wrkCPUs = "1"
	}
	cmd := exec.Command(taskset, append([]string{"-c", "0", os.Args[0]}, os.Args[1:]...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), pinnedEnv+"="+wrkCPUs)
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "webbench:", err)
		return 2
	}
	return 0
}

func run(dur time.Duration, nRounds, conns, threads int, wrkCmd []string) (bool, error) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return false, errors.New("wrk not found: install it (apt-get install -y wrk); make bench does")
	}
	placement := fmt.Sprintf("servers and wrk share all %d CPUs", runtime.NumCPU())
	if len(wrkCmd) > 0 {
		placement = fmt.Sprintf("servers on CPU 0 (GOMAXPROCS %d), wrk on CPU %s", runtime.GOMAXPROCS(0), wrkCmd[len(wrkCmd)-1])
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	dir, err := os.MkdirTemp("", "webbench")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, store.Config{Path: filepath.Join(dir, "bench.db")})
	if err != nil {
		return false, err
	}
	defer st.Close()
	if _, err := seed.Load(ctx, st, seeds.FS); err != nil {
		return false, err
	}
	hits, _, err := st.ListClaims(ctx, store.ClaimFilter{Statuses: []factcheck.Status{factcheck.StatusPublished}, Limit: 50})
	if err != nil || len(hits) == 0 {
		return false, fmt.Errorf("no published claim in the seeds: %v", err)
	}
	claim := hits[0].Claim
	for _, h := range hits {
		if h.ArticleID != nil {
			claim = h.Claim
			break
		}
	}
	if claim.ArticleID == nil {
		return false, errors.New("no published claim with an article in the seeds")
	}

	deskL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return false, err
	}
	base := "http://" + deskL.Addr().String()
	srv, err := web.New(st, web.Config{BaseURL: base, Newsroom: "Bench Desk", VersionTTL: time.Second}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return false, err
	}
	go srv.Serve(ctx, deskL)

	id := strconv.FormatInt(claim.ID, 10)
	pages := []page{
		{name: "embed card", path: "/embed/claims/" + id},
		{name: "claim page", path: "/claims/" + id + "-" + claim.Slug},
		{name: "home", path: "/"},
		{name: "article page", path: "/articles/" + strconv.FormatInt(*claim.ArticleID, 10)},
		{name: "Atom feed", path: "/feed.atom"},
	}
	// Fetch each page's bytes once, uncompressed, as wrk asks for them.
	for i := range pages {
		p := &pages[i]
		req, _ := http.NewRequest("GET", base+p.path, nil)
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false, err
		}
		p.body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return false, fmt.Errorf("GET %s: %s", p.path, resp.Status)
		}
		p.header = resp.Header.Clone()
	}

	// The bare handler: the same bytes and the same headers per path, with
	// no router, middleware, database or cache.
	bareL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return false, err
	}
	byPath := map[string]*page{}
	for i := range pages {
		byPath[pages[i].path] = &pages[i]
	}
	bare := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := byPath[r.URL.Path]
		if p == nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		for k, v := range p.header {
			if k != "Date" && k != "Content-Length" && k != "X-Request-Id" {
				h[k] = v
			}
		}
		w.Write(p.body)
	})}
	go bare.Serve(bareL)
	defer bare.Close()
	bareBase := "http://" + bareL.Addr().String()

	wrkRun := func(name, url string, d time.Duration, headers ...string) (result, error) {
		args := []string{"-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns), "-d", d.String(), "--latency"}
		for _, h := range headers {
			args = append(args, "-H", h)
		}
		argv := append(append(append(wrkCmd[:len(wrkCmd):len(wrkCmd)], wrk), args...), url)
		cpu0 := cpuTime()
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		cpu1 := cpuTime()
		if err != nil {
			return result{}, fmt.Errorf("wrk %s: %v\n%s", name, err, out)
		}
		r, err := parseWrk(name, string(out))
		if n := r.rps * d.Seconds(); err == nil && n > 0 {
			r.cpu = time.Duration(float64(cpu1-cpu0) / n)
		}
		return r, err
	}

	fmt.Printf("webbench: claim %d; wrk -t%d -c%d -d%s on 127.0.0.1; %s\n", claim.ID, threads, conns, dur, placement)
	for _, p := range pages {
		fmt.Printf("  %-13s %-40s %7d bytes\n", p.name, p.path, len(p.body))
	}
	// Warm both servers (caches, connections).
	for _, p := range pages {
		for _, u := range []string{bareBase + p.path, base + p.path} {
			if _, err := wrkRun("warm-up", u, time.Second); err != nil {
				return false, err
			}
		}
	}
	// Rounds interleave the targets, so a slow stretch of this shared
	// machine falls on all of them rather than on one; each target reports
	// its mean rate and the median of its rounds' latencies.
	type target struct {
		name, url string
		headers   []string
	}
	var targets []target
	for _, p := range pages {
		targets = append(targets,
			target{p.name + ", bare", bareBase + p.path, nil},
			target{p.name, base + p.path, nil},
			target{p.name + " 304", base + p.path, []string{"If-None-Match: " + p.header.Get("Etag")}})
	}
	targets = append(targets,
		target{"embed card gzip", base + pages[0].path, []string{"Accept-Encoding: gzip"}},
		target{"embed card br", base + pages[0].path, []string{"Accept-Encoding: gzip, deflate, br, zstd"}})
	rounds := make([][]result, len(targets))
	for range nRounds {
		for i, t := range targets {
			res, err := wrkRun(t.name, t.url, dur, t.headers...)
			if err != nil {
				return false, err
			}
			rounds[i] = append(rounds[i], res)
		}
	}
	results := make([]result, len(targets))
	for i := range targets {
		results[i] = summarize(rounds[i])
	}
	rss, peak := memory()

	fmt.Printf("\n%d rounds of %s per target; req/s, server CPU and bytes per response are means, p50 and p99 the median of the rounds (p99 range in brackets)\n", nRounds, dur)
	fmt.Printf("\n%-24s %10s %7s %9s %9s %10s %10s  %-20s %s\n", "target", "req/s", "ratio", "CPU/req", "B/resp", "p50", "p99", "p99 range", "errors")
	for i, r := range results {
		ratio := ""
		if i < 3*len(pages) && i%3 != 0 {
			ratio = fmt.Sprintf("%.2fx", r.rps/results[i-i%3].rps)
		}
		fmt.Printf("%-24s %10.0f %7s %9s %9.0f %10s %10s  %-20s %s\n", r.name, r.rps, ratio, r.cpu.Round(100*time.Nanosecond), r.bytes, r.p50, r.p99, "["+r.p99Min.String()+", "+r.p99Max.String()+"]", r.errs)
	}
	fmt.Printf("\nprocess RSS: %.1f MB (peak %.1f MB, server and bare handler in one process)\n\n", rss, peak)

	ok := true
	check := func(pass bool, format string, args ...any) {
		mark := "PASS"
		if !pass {
			mark, ok = "MISS", false
		}
		fmt.Printf("  %s  "+format+"\n", append([]any{mark}, args...)...)
	}
	fmt.Println("goals:")
	for i, p := range pages {
		bareR, real, notMod := results[3*i], results[3*i+1], results[3*i+2]
		ratio := real.rps / bareR.rps
		check(ratio >= goalRatio, "%s >= %.1fx bare rps (%.2fx)", p.name, goalRatio, ratio)
		check(real.p99 < goalP99, "%s p99 < %s at %d connections (%s; bare %s)", p.name, goalP99, conns, real.p99, bareR.p99)
		// On loopback a 304 costs the server about the CPU of a small
		// answer (one read, one write); what it saves is the body.
		check(notMod.bytes < real.bytes && notMod.cpu <= real.cpu*11/10, "%s 304 cheaper than the page (%.0f vs %.0f bytes per response; server CPU %s vs %s)",
			p.name, notMod.bytes, real.bytes, notMod.cpu.Round(100*time.Nanosecond), real.cpu.Round(100*time.Nanosecond))
	}
	check(peak < goalRSSMB, "RSS < %d MB (peak %.1f MB, server and bare handler in one process)", goalRSSMB, peak)
	return ok, nil
}

// page is one public page under test, with the bytes and headers the
// real server sent for it.
type page struct {
	name, path string
	body       []byte
	header     http.Header
}

var (
	rpsRe  = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	xferRe = regexp.MustCompile(`Transfer/sec:\s+([0-9.]+)(B|KB|MB|GB)`)
	latRe  = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	errRe  = regexp.MustCompile(`(?m)^\s+(Socket errors:.*|Non-2xx or 3xx responses:.*)$`)
)

// parseWrk reads requests per second and the 50th and 99th percentile
// latencies from wrk --latency output.
func parseWrk(name, out string) (result, error) {
	r := result{name: name}
	m := rpsRe.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("wrk %s: no Requests/sec in output:\n%s", name, out)
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	if x := xferRe.FindStringSubmatch(out); x != nil && r.rps > 0 {
		v, _ := strconv.ParseFloat(x[1], 64)
		unit := map[string]float64{"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}[x[2]]
		r.bytes = v * unit / r.rps
	}
	for _, l := range latRe.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(l[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[l[3]]
		d := time.Duration(v * float64(unit)).Round(time.Microsecond)
		if l[1] == "50" {
			r.p50 = d
		} else {
			r.p99 = d
		}
	}
	var errs []string
	for _, e := range errRe.FindAllStringSubmatch(out, -1) {
		errs = append(errs, strings.TrimSpace(e[1]))
	}
	r.errs = strings.Join(errs, "; ")
	return r, nil
}

// cpuTime returns the user and system CPU time this process has used. The
// servers run here and wrk in a child that has not been waited for while
// it runs, so the difference over a wrk run is the servers' work.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// memory returns this process's resident and peak resident set size in MB,
// from /proc/self/status.
func memory() (rss, peak float64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && (f[0] == "VmRSS:" || f[0] == "VmHWM:") {
			kb, _ := strconv.ParseFloat(f[1], 64)
			if f[0] == "VmRSS:" {
				rss = kb / 1024
			} else {
				peak = kb / 1024
			}
		}
	}
	return rss, peak
}
