package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"claimdesk/internal/labelled"
	"claimdesk/internal/match"
)

// matchSet is one public "Already checked?" dev set.
type matchSet struct {
	name     string // "2A (tweets)"
	prefix   string // "ct22_2a"
	baseline float64
}

var matchSets = []matchSet{
	{"2A tweets", "ct22_2a", 0.8179},
	{"2B debates", "ct22_2b", 0.3207},
}

// readRows reads a tab-separated file with a header, quoted the CSV way.
func readRows(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return rows[1:], nil
}

// matchData is a loaded dev set.
type matchData struct {
	claims  []match.Doc
	idOf    map[int64]string
	queries [][2]string // id, text
	qrels   map[string]map[string]bool
}

func loadMatchSet(dir string, s matchSet) (*matchData, error) {
	vc, err := readRows(filepath.Join(dir, s.prefix+"_vclaims.tsv"))
	if err != nil {
		return nil, err
	}
	qs, err := readRows(filepath.Join(dir, s.prefix+"_dev_queries.tsv"))
	if err != nil {
		return nil, err
	}
	qr, err := readRows(filepath.Join(dir, s.prefix+"_dev_qrels.tsv"))
	if err != nil {
		return nil, err
	}
	d := &matchData{idOf: map[int64]string{}, qrels: map[string]map[string]bool{}}
	for i, r := range vc {
		if len(r) < 3 {
			return nil, fmt.Errorf("%s vclaims row %d: %d columns", s.prefix, i+2, len(r))
		}
		d.claims = append(d.claims, match.Doc{ID: int64(i), Statement: r[1], Title: r[2]})
		d.idOf[int64(i)] = r[0]
	}
	for _, r := range qs {
		if len(r) >= 2 {
			d.queries = append(d.queries, [2]string{r[0], r[1]})
		}
	}
	for _, r := range qr {
		if len(r) >= 2 {
			if d.qrels[r[0]] == nil {
				d.qrels[r[0]] = map[string]bool{}
			}
			d.qrels[r[0]][r[1]] = true
		}
	}
	return d, nil
}

// matchFigures are the measurements of one dev set.
type matchFigures struct {
	mapAt5, mrr, recallAt5 float64
	queries                int
	build                  time.Duration
	relScores, topIrrel    []float64 // normalized scores of relevant results and of wrong top-1 results
	topRel                 []float64 // normalized scores of right top-1 results
}

// measureMatch ranks every query of d with an index built on p and
// computes MAP@5 as the CheckThat! scorer does: the precision at each
// relevant claim in the top 5, summed and divided by the number of
// relevant claims.
func measureMatch(d *matchData, p match.Params) matchFigures {
	var m matchFigures
	start := time.Now()
	x := match.NewIndexParams(p)
	x.AddAll(d.claims)
	m.build = time.Since(start)
	for _, q := range d.queries {
		rel := d.qrels[q[0]]
		if len(rel) == 0 {
			continue
		}
		m.queries++
		res := x.Rank(q[1], 5)
		hits, sum := 0, 0.0
		for i, r := range res {
			if rel[d.idOf[r.ID]] {
				hits++
				sum += float64(hits) / float64(i+1)
				if m.mrr == m.mrr && hits == 1 {
					m.mrr += 1 / float64(i+1)
				}
				m.relScores = append(m.relScores, r.Score)
				if i == 0 {
					m.topRel = append(m.topRel, r.Score)
				}
			} else if i == 0 {
				m.topIrrel = append(m.topIrrel, r.Score)
			}
		}
		m.mapAt5 += sum / float64(len(rel))
		m.recallAt5 += float64(hits) / float64(len(rel))
	}
	n := float64(max(1, m.queries))
	m.mapAt5 /= n
	m.mrr /= n
	m.recallAt5 /= n
	return m
}

// printMatch prints MAP@5 on the public dev sets beside the lab's BM25
// baseline, or says why it cannot.
func printMatch(w io.Writer, dir string) {
	defer printMatchCV(w, dir)
	fmt.Fprintln(w, "\"Already checked?\" matcher on the public CheckThat! 2022 dev sets (tuned on them: development figures)")
	if dir == "" {
		fmt.Fprintln(w, "  skipped: shared/data/matching not found beside the repository")
		return
	}
	p := match.DefaultParams()
	fmt.Fprintf(w, "  %-11s %7s %9s %7s %7s %9s %9s\n", "set", "queries", "claims", "MAP@5", "MRR", "recall@5", "baseline")
	for _, s := range matchSets {
		d, err := loadMatchSet(dir, s)
		if err != nil {
			fmt.Fprintf(w, "  %-11s skipped: %v\n", s.name, err)
			continue
		}
		m := measureMatch(d, p)
		fmt.Fprintf(w, "  %-11s %7d %9d %7.4f %7.4f %9.4f %9.4f  (%+.4f; index built in %v)\n",
			s.name, m.queries, len(d.claims), m.mapAt5, m.mrr, m.recallAt5, s.baseline, m.mapAt5-s.baseline, m.build.Round(time.Millisecond))
		fmt.Fprintf(w, "  %-11s levels: right top-1 at or above \"same\" (%.2f): %s; wrong top-1 at or above \"same\": %s; relevant at or above \"maybe\" (%.2f): %s\n",
			"", p.Upper, share(m.topRel, p.Upper), share(m.topIrrel, p.Upper), p.Lower, share(m.relScores, p.Lower))
		if verboseMatch {
			for t := 0.05; t < 0.96; t += 0.05 {
				fmt.Fprintf(w, "    t=%.2f right top-1 %s wrong top-1 %s relevant %s\n", t, share(m.topRel, t), share(m.topIrrel, t), share(m.relScores, t))
			}
		}
	}
}

func share(xs []float64, t float64) string {
	n := 0
	for _, x := range xs {
		if x >= t {
			n++
		}
	}
	return fmt.Sprintf("%d/%d", n, len(xs))
}

// matchDir finds shared/data/matching above cwd, or "".
func matchDir(cwd string) string {
	if dir, err := labelled.FindUp(cwd, "shared/data/matching"); err == nil {
		return filepath.Join(dir, "shared/data/matching")
	}
	return ""
}

var _ = strings.TrimSpace

// verboseMatch makes printMatch list the levels at every threshold.
var verboseMatch = os.Getenv("SPOTEVAL_MATCH_VERBOSE") != ""

// tuneMatch is a coordinate search over the ranking constants on the dev
// sets, for choosing match.DefaultParams; it prints each improvement.
func tuneMatch(w io.Writer, dir string) error {
	var sets []*matchData
	for _, s := range matchSets {
		d, err := loadMatchSet(dir, s)
		if err != nil {
			return err
		}
		sets = append(sets, d)
	}
	objective := func(p match.Params) (float64, [2]float64) {
		var m [2]float64
		for i, d := range sets {
			m[i] = measureMatch(d, p).mapAt5
		}
		return m[0] + m[1], m
	}
	p := match.DefaultParams()
	best, ms := objective(p)
	fmt.Fprintf(w, "start: %.4f (2A %.4f, 2B %.4f)\n", best, ms[0], ms[1])
	knobs := []struct {
		name string
		ptr  func(*match.Params) *float64
		vals []float64
	}{
		{"K1", func(p *match.Params) *float64 { return &p.K1 }, []float64{0.6, 0.9, 1.2, 1.6, 2.0}},
		{"B", func(p *match.Params) *float64 { return &p.B }, []float64{0.3, 0.5, 0.75, 0.9}},
		{"title", func(p *match.Params) *float64 { return &p.FieldWeight[3] }, []float64{0.2, 0.4, 0.6, 0.8, 1.0}},
		{"numbers", func(p *match.Params) *float64 { return &p.NumberBoost }, []float64{1, 1.5, 2, 3}},
		{"names", func(p *match.Params) *float64 { return &p.NameBoost }, []float64{1, 1.3, 1.6, 2}},
		{"pairs", func(p *match.Params) *float64 { return &p.PairWeight }, []float64{0, 0.25, 0.5}},
	}
	for round := 0; round < 2; round++ {
		for _, k := range knobs {
			for _, v := range k.vals {
				q := p
				*k.ptr(&q) = v
				if o, m := objective(q); o > best+1e-4 {
					best, p, ms = o, q, m
					fmt.Fprintf(w, "%s=%g: %.4f (2A %.4f, 2B %.4f)\n", k.name, v, o, m[0], m[1])
				}
			}
		}
	}
	fmt.Fprintf(w, "best: %+v\n", p)
	return nil
}

// printMatchCV prints the honest matcher figures: the re-scorer refitted
// and measured by 5-fold cross-validation over the dev queries.
func printMatchCV(w io.Writer, dir string) {
	if dir == "" {
		return
	}
	qs, err := rescoreQueries(dir, defaultRescore)
	if err != nil {
		return
	}
	fmt.Fprintln(w, "  The re-scorer's weights were fitted on these queries; out of fold (cmd/spoteval -match-train):")
	printRescoreCV(w, qs, crossValidateRescore(qs, defaultRescore), defaultRescore)
}
