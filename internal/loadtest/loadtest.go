// Package loadtest drives a running claimdesk with concurrent editors and
// readers and then proves, against the database, that the server kept its
// promises: every acknowledged write is stored, every 409 Conflict answered
// a version that really was stale, and no request failed with a 5xx.
//
// Editors work in pairs on shared claims, so their versioned writes collide
// the way two fact-checkers' saves do; readers hit the public pages at full
// speed meanwhile. Run reports throughput and latency per route.
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/web"
)

// Options shape a run. Zero values take the defaults noted on each field.
type Options struct {
	// Editors is how many concurrent editors write; rounded up to an even
	// number because editors share claims in pairs. Default 20.
	Editors int
	// Readers is how many concurrent readers fetch public pages. Default 4.
	Readers int
	// Duration is how long new requests are started; requests in flight at
	// the end are allowed to finish. Default 10s.
	Duration time.Duration
	// ClaimsPerEditor caps how many claims each editor creates. Default 6.
	ClaimsPerEditor int
	// Users is how many editor accounts the editors share (each editor still
	// has its own API token); bcrypt makes accounts slow to create. Default 4.
	Users int
	// Seed makes the editors' choices repeatable. Default 1.
	Seed uint64
	// Client sends the requests; nil means a keep-alive client with a 30s timeout.
	Client *http.Client
}

func (o *Options) defaults() {
	if o.Editors <= 0 {
		o.Editors = 20
	}
	o.Editors += o.Editors % 2
	if o.Readers <= 0 {
		o.Readers = 4
	}
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	if o.ClaimsPerEditor <= 0 {
		o.ClaimsPerEditor = 6
	}
	if o.Users <= 0 {
		o.Users = 4
	}
	o.Users = min(o.Users, o.Editors)
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxIdleConns: 2 * (o.Editors + o.Readers), MaxIdleConnsPerHost: 2 * (o.Editors + o.Readers), IdleConnTimeout: time.Minute}}
	}
}

// RouteStats summarises the requests to one route.
type RouteStats struct {
	Route    string
	Count    int
	Statuses map[int]int
	P50, P99 time.Duration
	Max      time.Duration
	// PerSecond is Count divided by the run's wall time.
	PerSecond float64
}

// Report is what a run measured and what the checks afterwards found.
type Report struct {
	Editors, Readers int
	Elapsed          time.Duration
	Requests         int
	// Acked counts acknowledged (2xx) writes by kind: article, claim, evidence, verdict.
	Acked map[string]int
	// Conflicts counts 409 answers; RealConflicts those proven stale.
	Conflicts, RealConflicts int
	// ServerErrors counts responses with a 5xx status.
	ServerErrors int
	// TransportErrors counts requests that got no response at all.
	TransportErrors int
	// Problems lists every broken promise found: lost writes, conflicts
	// that were not, 5xx answers, unexpected statuses. Empty means the run passed.
	Problems []string
	Routes   []RouteStats
}

// OK reports whether the run found no problems.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Print writes the figures and any problems as a plain-text table.
func (r *Report) Print(w io.Writer) {
	secs := r.Elapsed.Seconds()
	fmt.Fprintf(w, "%d editors, %d readers, %.1fs: %d requests (%.0f/s); writes acked: %d articles, %d claims, %d evidence, %d verdicts; %d conflicts (%d proven stale); %d 5xx; %d transport errors\n",
		r.Editors, r.Readers, secs, r.Requests, float64(r.Requests)/secs, r.Acked["article"], r.Acked["claim"], r.Acked["evidence"], r.Acked["verdict"],
		r.Conflicts, r.RealConflicts, r.ServerErrors, r.TransportErrors)
	fmt.Fprintf(w, "%-34s %8s %8s %9s %9s %9s  %s\n", "route", "count", "req/s", "p50", "p99", "max", "statuses")
	for _, rs := range r.Routes {
		codes := make([]int, 0, len(rs.Statuses))
		for c := range rs.Statuses {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		var parts []string
		for _, c := range codes {
			parts = append(parts, fmt.Sprintf("%d×%d", c, rs.Statuses[c]))
		}
		fmt.Fprintf(w, "%-34s %8d %8.1f %9s %9s %9s  %s\n", rs.Route, rs.Count, rs.PerSecond,
			rs.P50.Round(10*time.Microsecond), rs.P99.Round(10*time.Microsecond), rs.Max.Round(10*time.Microsecond), strings.Join(parts, " "))
	}
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "checks: every acknowledged write stored, every conflict real, no 5xx")
		return
	}
	fmt.Fprintf(w, "%d problems:\n", len(r.Problems))
	for i, p := range r.Problems {
		if i == 20 {
			fmt.Fprintf(w, "  … and %d more\n", len(r.Problems)-i)
			break
		}
		fmt.Fprintln(w, "  "+p)
	}
}

// sample is one finished request.
type sample struct {
	route  string
	status int // 0: no response
	took   time.Duration
}

// write is one acknowledged claim write: the version it produced and what
// it changed, to be found again in the claim's revisions.
type write struct {
	kind    string // "evidence" or "verdict"
	version int
	summary string // verdict
	url     string // evidence
}

// conflict is one 409 answer: the version sent and when the answer came.
type conflict struct {
	claim int64
	sent  int
	at    time.Time
}

// ledger collects what every worker saw. One mutex is plenty: workers
// spend their time waiting on HTTP, not here.
type ledger struct {
	mu        sync.Mutex
	samples   []sample
	articles  []int64
	claims    map[int64]string // claim id → quote
	writes    map[int64][]write
	unknown   map[int64]bool // claims with a write of unknown outcome
	conflicts []conflict
	problems  []string
}

func (l *ledger) problem(format string, args ...any) {
	l.mu.Lock()
	l.problems = append(l.problems, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

// pair is the claims two editors share.
type pair struct {
	mu     sync.Mutex
	claims []int64
}

func (p *pair) add(id int64) {
	p.mu.Lock()
	p.claims = append(p.claims, id)
	p.mu.Unlock()
}

func (p *pair) pick(r *rand.Rand) (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.claims) == 0 {
		return 0, false
	}
	return p.claims[r.IntN(len(p.claims))], true
}

// runner is one run in progress.
type runner struct {
	base   string
	client *http.Client
	opts   Options
	led    *ledger
}

// Run loads the server at baseURL (which must serve the database st) for
// opts.Duration and then checks the database. It creates editor accounts
// and API tokens in st first. The error is for a run that could not start
// (no accounts, no published claims to read); what went wrong during the
// run is in Report.Problems. Cancelling ctx stops the run early.
func Run(ctx context.Context, baseURL string, st *store.Store, opts Options) (*Report, error) {
	opts.defaults()
	baseURL = strings.TrimRight(baseURL, "/")
	tokens, err := makeTokens(ctx, st, opts)
	if err != nil {
		return nil, err
	}
	hits, _, err := st.ListClaims(ctx, store.ClaimFilter{Limit: 100})
	if err != nil {
		return nil, fmt.Errorf("loadtest: list published claims: %w", err)
	}
	published := make([]int64, len(hits))
	for i, h := range hits {
		published[i] = h.ID
	}
	if len(published) == 0 {
		return nil, errors.New("loadtest: readers need at least one published claim (load the seeds)")
	}

	r := &runner{base: baseURL, client: opts.Client, opts: opts,
		led: &ledger{claims: map[int64]string{}, writes: map[int64][]write{}, unknown: map[int64]bool{}}}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	deadline := start.Add(opts.Duration)
	pairs := make([]*pair, opts.Editors/2)
	for i := range pairs {
		pairs[i] = &pair{}
	}
	var wg sync.WaitGroup
	for i := range opts.Editors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.editor(runCtx, i, tokens[i], pairs[i/2], deadline, rand.New(rand.NewPCG(opts.Seed, uint64(i))))
		}()
	}
	for i := range opts.Readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.reader(runCtx, published, deadline, rand.New(rand.NewPCG(opts.Seed, uint64(1000+i))))
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	rep := &Report{Editors: opts.Editors, Readers: opts.Readers, Elapsed: elapsed, Acked: map[string]int{}}
	r.verify(ctx, st, rep)
	r.summarise(rep)
	return rep, nil
}

// makeTokens creates opts.Users editor accounts and one API token per editor.
func makeTokens(ctx context.Context, st *store.Store, opts Options) ([]string, error) {
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	users := make([]*factcheck.User, opts.Users)
	for i := range users {
		u := &factcheck.User{Email: fmt.Sprintf("load-%s-%d@loadtest.example", nonce, i), Name: fmt.Sprintf("Load editor %d", i), Role: factcheck.RoleEditor}
		if err := st.CreateUser(ctx, u, "loadtest password "+nonce); err != nil {
			return nil, fmt.Errorf("loadtest: create editor: %w", err)
		}
		users[i] = u
	}
	tokens := make([]string, opts.Editors)
	for i := range tokens {
		tok, err := st.CreateAPIToken(ctx, users[i%len(users)].ID, "loadtest editor "+strconv.Itoa(i))
		if err != nil {
			return nil, fmt.Errorf("loadtest: create token: %w", err)
		}
		tokens[i] = tok
	}
	return tokens, nil
}

// do sends one request, records its sample and decodes a 2xx body into out.
// It returns the status, 0 when no response arrived.
func (r *runner) do(ctx context.Context, route, method, path, token string, body any, out any) int {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	// Requests are not tied to ctx's cancellation once started, so a write
	// in flight at the deadline gets its answer and can be accounted for.
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), method, r.base+path, rd)
	if err != nil {
		r.led.problem("%s: %v", route, err)
		return 0
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
	}
	t0 := time.Now()
	resp, err := r.client.Do(req)
	took := time.Since(t0)
	status := 0
	var data []byte
	if err == nil {
		data, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			status = resp.StatusCode
		}
	}
	r.led.mu.Lock()
	r.led.samples = append(r.led.samples, sample{route: route, status: status, took: took})
	r.led.mu.Unlock()
	if status >= 500 {
		r.led.problem("%s %s: %d %.200s", method, path, status, data)
	} else if status/100 == 2 && out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			r.led.problem("%s %s: %d with unreadable body: %v", method, path, status, err)
			return 0
		}
	}
	return status
}

// apiArticle is the API's answer to a new article.
type apiArticle struct {
	ID        int64 `json:"id"`
	Sentences []struct {
		Start int    `json:"start"`
		End   int    `json:"end"`
		Text  string `json:"text"`
	} `json:"sentences"`
}

// articleBody is a plain article of numbered, check-worthy sentences.
func articleBody(editor int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Council budget, desk %d\n\n", editor)
	for i := range 24 {
		fmt.Fprintf(&b, "In %d the council of district %d spent %d million dollars on roads, the mayor said. ", 2000+i, editor, 10+i*3)
	}
	return b.String()
}

// editor creates an article, then until the deadline creates claims in it,
// adds evidence and sets verdicts on the claims it shares with its partner,
// always sending the version it last saw.
func (r *runner) editor(ctx context.Context, id int, token string, p *pair, deadline time.Time, rng *rand.Rand) {
	body := articleBody(id)
	var art apiArticle
	st := r.do(ctx, "POST /api/v1/articles", "POST", "/api/v1/articles", token,
		map[string]string{"title": fmt.Sprintf("Load article %d", id), "outlet": "Load Gazette", "body": body}, &art)
	if st != http.StatusCreated {
		if st != 0 && st < 500 {
			r.led.problem("editor %d: create article: status %d", id, st)
		}
		return
	}
	r.led.mu.Lock()
	r.led.articles = append(r.led.articles, art.ID)
	r.led.mu.Unlock()

	seen := map[int64]int{} // claim → version this editor last saw
	created, n := 0, 0
	for time.Now().Before(deadline) && ctx.Err() == nil {
		n++
		claimID, have := p.pick(rng)
		switch {
		case created < r.opts.ClaimsPerEditor && (!have || rng.IntN(6) == 0):
			s := art.Sentences[rng.IntN(len(art.Sentences))]
			var cl web.ClaimJSON
			st := r.do(ctx, "POST /api/v1/articles/:id/claims", "POST", "/api/v1/articles/"+strconv.FormatInt(art.ID, 10)+"/claims", token,
				map[string]any{"start": s.Start, "end": s.End, "claimant": "The mayor"}, &cl)
			if st == http.StatusCreated {
				created++
				r.led.mu.Lock()
				r.led.claims[cl.ID] = cl.Quote
				r.led.mu.Unlock()
				seen[cl.ID] = cl.Version
				p.add(cl.ID)
			} else if st != 0 && st < 500 {
				r.led.problem("editor %d: create claim: status %d", id, st)
			}
		case have:
			version, ok := seen[claimID]
			if !ok {
				version = r.refresh(ctx, token, claimID)
				if version == 0 {
					continue
				}
			}
			path := "/api/v1/claims/" + strconv.FormatInt(claimID, 10)
			var w write
			var st int
			var cl web.ClaimJSON
			if rng.IntN(2) == 0 {
				w = write{kind: "evidence", url: fmt.Sprintf("https://evidence.example/e%d/%d", id, n)}
				st = r.do(ctx, "POST /api/v1/claims/:id/evidence", "POST", path+"/evidence", token,
					map[string]any{"url": w.url, "title": "Budget report " + strconv.Itoa(n), "publisher": "City hall", "excerpt": "Spending table.", "stance": "context", "version": version}, &cl)
			} else {
				ratings := []string{"true", "mostly-true", "half-true", "mostly-false", "false"}
				w = write{kind: "verdict", summary: fmt.Sprintf("Editor %d, step %d", id, n)}
				st = r.do(ctx, "PUT /api/v1/claims/:id/verdict", "PUT", path+"/verdict", token,
					map[string]any{"rating": ratings[rng.IntN(len(ratings))], "summary": w.summary, "rationale": "Checked against the budget.", "version": version}, &cl)
			}
			at := time.Now()
			switch {
			case st/100 == 2:
				w.version = cl.Version
				seen[claimID] = cl.Version
				r.led.mu.Lock()
				r.led.writes[claimID] = append(r.led.writes[claimID], w)
				r.led.mu.Unlock()
			case st == http.StatusConflict:
				r.led.mu.Lock()
				r.led.conflicts = append(r.led.conflicts, conflict{claim: claimID, sent: version, at: at})
				r.led.mu.Unlock()
				delete(seen, claimID) // reload before the next try, as an editor would
			case st == 0:
				r.led.mu.Lock()
				r.led.unknown[claimID] = true
				r.led.mu.Unlock()
				delete(seen, claimID)
			case st < 500:
				r.led.problem("editor %d: %s on claim %d: status %d", id, w.kind, claimID, st)
			}
		}
	}
}

// refresh reads a claim's current version from the desk API; 0 on failure.
func (r *runner) refresh(ctx context.Context, token string, id int64) int {
	var cl web.ClaimJSON
	if st := r.do(ctx, "GET /desk/claims/:id", "GET", "/desk/claims/"+strconv.FormatInt(id, 10), token, nil, &cl); st != http.StatusOK {
		if st != 0 && st < 500 {
			r.led.problem("read claim %d: status %d", id, st)
		}
		return 0
	}
	return cl.Version
}

// reader fetches public pages round-robin until the deadline.
func (r *runner) reader(ctx context.Context, published []int64, deadline time.Time, rng *rand.Rand) {
	for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
		id := strconv.FormatInt(published[rng.IntN(len(published))], 10)
		var route, path string
		switch i % 4 {
		case 0:
			route, path = "GET /", "/"
		case 1:
			route, path = "GET /claims/:id", "/claims/"+id
		case 2:
			route, path = "GET /api/v1/claims", "/api/v1/claims?page="+strconv.Itoa(1+rng.IntN(2))
		case 3:
			route, path = "GET /embed/claims/:id", "/embed/claims/"+id
		}
		r.do(ctx, route, "GET", path, "", nil, nil)
	}
}

// snapshotOf is the part of a stored revision snapshot the checks read.
type snapshotOf struct {
	Summary  string
	Evidence []struct {
		URL string `json:"url"`
	}
}

// verify checks the database against what the server acknowledged.
func (r *runner) verify(ctx context.Context, st *store.Store, rep *Report) {
	led := r.led
	led.mu.Lock()
	defer led.mu.Unlock()
	rep.Acked["article"] = len(led.articles)
	rep.Acked["claim"] = len(led.claims)
	rep.Conflicts = len(led.conflicts)
	for _, id := range led.articles {
		if _, err := st.ArticleByID(ctx, id); err != nil {
			led.problems = append(led.problems, fmt.Sprintf("lost write: article %d: %v", id, err))
		}
	}
	revisions := map[int64]map[int]factcheck.Revision{}
	for id, quote := range led.claims {
		cl, err := st.ClaimByID(ctx, id)
		if err != nil {
			led.problems = append(led.problems, fmt.Sprintf("lost write: claim %d: %v", id, err))
			continue
		}
		if cl.Quote != quote {
			led.problems = append(led.problems, fmt.Sprintf("claim %d: quote %q, acknowledged %q", id, cl.Quote, quote))
		}
		revs, err := st.Revisions(ctx, id)
		if err != nil {
			led.problems = append(led.problems, fmt.Sprintf("claim %d: revisions: %v", id, err))
			continue
		}
		byVersion := map[int]factcheck.Revision{}
		for _, rv := range revs {
			byVersion[rv.Version] = rv
		}
		revisions[id] = byVersion
		if len(revs) != cl.Version || byVersion[cl.Version].Version != cl.Version {
			led.problems = append(led.problems, fmt.Sprintf("claim %d: version %d but %d revisions", id, cl.Version, len(revs)))
		}
		r.verifyClaim(cl, byVersion, rep)
	}
	for _, cf := range led.conflicts {
		next, ok := revisions[cf.claim][cf.sent+1]
		if ok && !next.CreatedAt.After(cf.at) {
			rep.RealConflicts++
			continue
		}
		led.problems = append(led.problems, fmt.Sprintf("false conflict: claim %d, version %d sent, answered 409 at %s; next version %v", cf.claim, cf.sent, cf.at.Format(time.StampMicro), ok))
	}
}

// verifyClaim checks that every acknowledged write on cl is in its history
// and that its current state is what the last acknowledged writes left.
func (r *runner) verifyClaim(cl *factcheck.Claim, revs map[int]factcheck.Revision, rep *Report) {
	led := r.led
	lastVerdict, lastVersion := write{}, 1
	versions := map[int]bool{}
	for _, w := range led.writes[cl.ID] {
		rep.Acked[w.kind]++
		if versions[w.version] {
			led.problems = append(led.problems, fmt.Sprintf("claim %d: two writes acknowledged with version %d", cl.ID, w.version))
		}
		versions[w.version] = true
		lastVersion = max(lastVersion, w.version)
		rv, ok := revs[w.version]
		if !ok {
			led.problems = append(led.problems, fmt.Sprintf("lost write: claim %d: no revision %d for an acknowledged %s", cl.ID, w.version, w.kind))
			continue
		}
		var snap snapshotOf
		if err := json.Unmarshal([]byte(rv.Snapshot), &snap); err != nil {
			led.problems = append(led.problems, fmt.Sprintf("claim %d: revision %d unreadable: %v", cl.ID, w.version, err))
			continue
		}
		switch w.kind {
		case "verdict":
			if snap.Summary != w.summary {
				led.problems = append(led.problems, fmt.Sprintf("lost write: claim %d v%d: summary %q, acknowledged %q", cl.ID, w.version, snap.Summary, w.summary))
			}
			if w.version > lastVerdict.version {
				lastVerdict = w
			}
		case "evidence":
			if !hasEvidence(snap.Evidence, w.url) {
				led.problems = append(led.problems, fmt.Sprintf("lost write: claim %d v%d: evidence %s missing from revision", cl.ID, w.version, w.url))
			}
			found := false
			for _, e := range cl.Evidence {
				found = found || e.URL == w.url
			}
			if !found {
				led.problems = append(led.problems, fmt.Sprintf("lost write: claim %d: evidence %s acknowledged but not stored", cl.ID, w.url))
			}
		}
	}
	if led.unknown[cl.ID] {
		return // a write of unknown outcome may legitimately be the last one
	}
	if cl.Version != lastVersion {
		led.problems = append(led.problems, fmt.Sprintf("claim %d: stored version %d, last acknowledged %d", cl.ID, cl.Version, lastVersion))
	}
	if cl.Summary != lastVerdict.summary {
		led.problems = append(led.problems, fmt.Sprintf("claim %d: final summary %q, last acknowledged verdict %q", cl.ID, cl.Summary, lastVerdict.summary))
	}
}

func hasEvidence(evs []struct {
	URL string `json:"url"`
}, url string) bool {
	for _, e := range evs {
		if e.URL == url {
			return true
		}
	}
	return false
}

// summarise turns the samples into per-route figures.
func (r *runner) summarise(rep *Report) {
	led := r.led
	led.mu.Lock()
	defer led.mu.Unlock()
	byRoute := map[string][]sample{}
	for _, s := range led.samples {
		byRoute[s.route] = append(byRoute[s.route], s)
		rep.Requests++
		switch {
		case s.status == 0:
			rep.TransportErrors++
		case s.status >= 500:
			rep.ServerErrors++
		}
	}
	for route, ss := range byRoute {
		rs := RouteStats{Route: route, Count: len(ss), Statuses: map[int]int{}, PerSecond: float64(len(ss)) / rep.Elapsed.Seconds()}
		took := make([]time.Duration, len(ss))
		for i, s := range ss {
			took[i] = s.took
			rs.Statuses[s.status]++
		}
		sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
		rs.P50, rs.P99, rs.Max = quantile(took, 0.50), quantile(took, 0.99), took[len(took)-1]
		rep.Routes = append(rep.Routes, rs)
	}
	sort.Slice(rep.Routes, func(i, j int) bool { return rep.Routes[i].Route < rep.Routes[j].Route })
	if rep.TransportErrors > 0 {
		led.problems = append(led.problems, fmt.Sprintf("%d requests got no response", rep.TransportErrors))
	}
	rep.Problems = append(rep.Problems, led.problems...)
}

// quantile returns the q-quantile of sorted durations (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
