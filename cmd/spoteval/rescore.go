package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"claimdesk/internal/match"
)

// rescoreConfig is how the matcher's re-scorer is trained.
type rescoreConfig struct {
	candidates int     // BM25 candidates per query
	lambda     float64 // L2 penalty on the weights (not the bias)
	folds      int
	seed       uint64
}

var defaultRescore = rescoreConfig{candidates: 20, lambda: 0.001, folds: 5, seed: 29}

// rescoreQuery is one dev query with its BM25 candidates.
type rescoreQuery struct {
	set   int
	cands []match.Candidate
	rel   []bool    // by candidate
	nRel  int       // relevant claims, found or not
	cv    []float64 // by candidate: the out-of-fold probability
	// twin marks a query asked of the index without its relevant claims:
	// all its candidates are wrong. The desk asks mostly such questions
	// (most sentences check nothing already published), so the re-scorer
	// learns from them that a first rank alone is no match. A twin follows
	// its query into the same fold and is left out of MAP@5.
	twin bool
}

// rescoreData runs the first stage (BM25 with p, no re-scorer) over every
// query of the dev sets.
func rescoreData(sets []*matchData, p match.Params, k int) []rescoreQuery {
	p.Rescore = nil
	var out []rescoreQuery
	for si, d := range sets {
		x := match.NewIndexParams(p)
		x.AddAll(d.claims)
		docOf := make(map[string]match.Doc, len(d.claims))
		for _, c := range d.claims {
			docOf[d.idOf[c.ID]] = c
		}
		for _, q := range d.queries {
			rel := d.qrels[q[0]]
			if len(rel) == 0 {
				continue
			}
			rq := rescoreQuery{set: si, cands: x.Candidates(q[1], k), nRel: len(rel)}
			for _, c := range rq.cands {
				rq.rel = append(rq.rel, rel[d.idOf[c.ID]])
			}
			out = append(out, rq)
			var gone []match.Doc
			for id := range rel {
				if doc, ok := docOf[id]; ok && x.Remove(doc.ID) {
					gone = append(gone, doc)
				}
			}
			slices.SortFunc(gone, func(a, b match.Doc) int { return cmp.Compare(a.ID, b.ID) })
			tw := rescoreQuery{set: si, cands: x.Candidates(q[1], k), twin: true}
			tw.rel = make([]bool, len(tw.cands))
			out = append(out, tw)
			x.AddAll(gone)
		}
	}
	return out
}

// fitRescore fits a logistic regression of relevance on the candidate
// features of qs by Newton's method, with an L2 penalty lambda on the
// weights (the bias last, unpenalized). Each query weighs the same
// whatever its number of candidates.
func fitRescore(qs []rescoreQuery, lambda float64) []float64 {
	const n = match.NumFeatures + 1
	w := make([]float64, n)
	for it := 0; it < 50; it++ {
		var g [n]float64
		var h [n][n]float64
		for _, q := range qs {
			qw := 1 / float64(len(q.cands))
			for ci, c := range q.cands {
				x := append(c.Features[:], 1)
				z := 0.0
				for i, v := range x {
					z += w[i] * v
				}
				p := 1 / (1 + math.Exp(-z))
				t := 0.0
				if q.rel[ci] {
					t = 1
				}
				for i, v := range x {
					g[i] += qw * (p - t) * v
					for j, u := range x {
						h[i][j] += qw * p * (1 - p) * v * u
					}
				}
			}
		}
		for i := 0; i < n-1; i++ {
			g[i] += lambda * w[i]
			h[i][i] += lambda
		}
		h[n-1][n-1] += 1e-9
		d := solve(h, g)
		step := 0.0
		for i := range w {
			w[i] -= d[i]
			step += math.Abs(d[i])
		}
		if step < 1e-10 {
			break
		}
	}
	return w
}

// solve returns a with h·a = g by Gaussian elimination with partial pivoting.
func solve(h [match.NumFeatures + 1][match.NumFeatures + 1]float64, g [match.NumFeatures + 1]float64) []float64 {
	const n = match.NumFeatures + 1
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(h[r][c]) > math.Abs(h[p][c]) {
				p = r
			}
		}
		h[c], h[p] = h[p], h[c]
		g[c], g[p] = g[p], g[c]
		if h[c][c] == 0 {
			continue
		}
		for r := c + 1; r < n; r++ {
			f := h[r][c] / h[c][c]
			for k := c; k < n; k++ {
				h[r][k] -= f * h[c][k]
			}
			g[r] -= f * g[c]
		}
	}
	a := make([]float64, n)
	for c := n - 1; c >= 0; c-- {
		s := g[c]
		for k := c + 1; k < n; k++ {
			s -= h[c][k] * a[k]
		}
		if h[c][c] != 0 {
			a[c] = s / h[c][c]
		}
	}
	return a
}

// rescoreZ returns the re-scorer's logit of every candidate of q.
func rescoreZ(q rescoreQuery, w []float64) []float64 {
	z := make([]float64, len(q.cands))
	for i, c := range q.cands {
		z[i] = w[match.NumFeatures]
		for k, v := range c.Features {
			z[i] += w[k] * v
		}
	}
	return z
}

// rescoreAP returns MAP@5 of q when its candidates are ordered by the
// re-scorer w (BM25 order when w is nil), as the CheckThat! scorer counts.
func rescoreAP(q rescoreQuery, w []float64) float64 {
	var z []float64
	if w != nil {
		z = rescoreZ(q, w)
	} else {
		z = make([]float64, len(q.cands))
		for i := range z {
			z[i] = -float64(i)
		}
	}
	return apOf(q, z)
}

// apOf returns MAP@5 of q with its candidates ordered by z.
func apOf(q rescoreQuery, z []float64) float64 {
	idx := make([]int, len(q.cands))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case z[a] > z[b]:
			return -1
		case z[a] < z[b]:
			return 1
		}
		return 0
	})
	if q.nRel == 0 {
		return 0
	}
	hits, sum := 0, 0.0
	for r, i := range idx[:min(5, len(idx))] {
		if q.rel[i] {
			hits++
			sum += float64(hits) / float64(r+1)
		}
	}
	return sum / float64(q.nRel)
}

// crossValidateRescore returns the out-of-fold MAP@5 of every query, and
// sets its candidates' out-of-fold probabilities: the queries of both sets
// are shuffled with cfg.seed and dealt into folds, and each fold is
// re-scored by weights fitted on the others.
func crossValidateRescore(qs []rescoreQuery, cfg rescoreConfig) []float64 {
	var order []int // the queries that are not twins; a twin follows the query before it
	for i, q := range qs {
		if !q.twin {
			order = append(order, i)
		}
	}
	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x7e5c))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	ap := make([]float64, len(qs))
	for k := 0; k < cfg.folds; k++ {
		var fit []rescoreQuery
		var held []int
		for pos, i := range order {
			group := []int{i}
			if i+1 < len(qs) && qs[i+1].twin {
				group = append(group, i+1)
			}
			for _, j := range group {
				if pos%cfg.folds == k {
					held = append(held, j)
				} else {
					fit = append(fit, qs[j])
				}
			}
		}
		w := fitRescore(fit, cfg.lambda)
		for _, i := range held {
			z := rescoreZ(qs[i], w)
			ap[i] = apOf(qs[i], z)
			qs[i].cv = make([]float64, len(z))
			for c, v := range z {
				qs[i].cv[c] = 1 / (1 + math.Exp(-v))
			}
		}
	}
	return ap
}

// rescoreQueries loads the dev sets and runs the BM25 stage over them.
func rescoreQueries(dir string, cfg rescoreConfig) ([]rescoreQuery, error) {
	var sets []*matchData
	for _, s := range matchSets {
		d, err := loadMatchSet(dir, s)
		if err != nil {
			return nil, err
		}
		sets = append(sets, d)
	}
	return rescoreData(sets, match.DefaultParams(), cfg.candidates), nil
}

// printRescoreCV prints, per dev set, MAP@5 of the BM25 stage and the
// re-scorer's out-of-fold MAP@5 (cv, by query).
func printRescoreCV(w io.Writer, qs []rescoreQuery, cv []float64, cfg rescoreConfig) {
	for si, s := range matchSets {
		var bm, re, n float64
		for i, q := range qs {
			if q.set == si && !q.twin {
				bm += rescoreAP(q, nil)
				re += cv[i]
				n++
			}
		}
		fmt.Fprintf(w, "  %-11s BM25 MAP@5 %.4f; re-scored, %d-fold cross-validated over the queries: %.4f (%+.4f)\n",
			s.name, bm/n, cfg.folds, re/n, (re-bm)/n)
	}
}

// trainRescore prints the re-scorer's cross-validated MAP@5 on the dev
// sets beside the BM25 stage's, and the weights fitted on all queries.
func trainRescore(w io.Writer, dir string, cfg rescoreConfig) ([]float64, error) {
	qs, err := rescoreQueries(dir, cfg)
	if err != nil {
		return nil, err
	}
	cv := crossValidateRescore(qs, cfg)
	printRescoreCV(w, qs, cv, cfg)
	printLevels(w, qs)
	wts := fitRescore(qs, cfg.lambda)
	var b strings.Builder
	for i, v := range wts {
		name := "bias"
		if i < match.NumFeatures {
			name = match.FeatureNames[i]
		}
		fmt.Fprintf(&b, " %s %+.4f", name, v)
	}
	fmt.Fprintf(w, "  weights fitted on all dev queries:%s\n", b.String())
	fmt.Fprintf(w, "  as Go (match.DefaultParams().Rescore): %#v\n", wts)
	return wts, nil
}

// levelCounts are, for one threshold, what the two levels would show on
// the out-of-fold probabilities of one dev set.
type levelCounts struct {
	relTop5, relKept int // relevant claims in the top five; of which at or above t
	top, topRight    int // top results at or above t; of which right
	twins, alarms    int // queries without their claims; whose top result is at or above t
}

func countLevels(qs []rescoreQuery, set int, t float64) levelCounts {
	var c levelCounts
	for _, q := range qs {
		if q.set != set {
			continue
		}
		if q.twin {
			c.twins++
			if len(q.cands) > 0 && slices.Max(q.cv) >= t {
				c.alarms++
			}
			continue
		}
		if len(q.cands) == 0 {
			continue
		}
		idx := make([]int, len(q.cands))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(q.cv[b], q.cv[a]) })
		for r, i := range idx[:min(5, len(idx))] {
			if q.rel[i] {
				c.relTop5++
				if q.cv[i] >= t {
					c.relKept++
				}
			}
			if r == 0 && q.cv[i] >= t {
				c.top++
				if q.rel[i] {
					c.topRight++
				}
			}
		}
	}
	return c
}

// printLevels prints what each threshold would show, per dev set, on the
// out-of-fold probabilities.
func printLevels(w io.Writer, qs []rescoreQuery) {
	fmt.Fprintln(w, "  threshold: relevant in the top 5 kept | top results at or above it, right | the same query without its claims: top result at or above it (out-of-fold)")
	for _, t := range []float64{0.02, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8} {
		fmt.Fprintf(w, "  %.2f:", t)
		for si, s := range matchSets {
			c := countLevels(qs, si, t)
			fmt.Fprintf(w, "  %s %d/%d | %d/%d | %d/%d", s.name, c.relKept, c.relTop5, c.topRight, c.top, c.alarms, c.twins)
		}
		fmt.Fprintln(w)
	}
}
