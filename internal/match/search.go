package match

import (
	"cmp"
	"math"
	"slices"
)

// scratch is one search's working memory, reused through the pool.
type scratch struct {
	score   []float32
	touched []int32
	alive   []int32
	dropped []int32
	top     []int32
	sat1    [numFields][]float32
	mark    []uint32
	gen     uint32
	jobs    []job
	qs      []queryTerm
	terms   []term
	termGen []uint32 // by term id: the generation that marked it
	tgen    uint32
}

// job is one query term in one field, to be added to the scores.
type job struct {
	f      int
	wq, ub float64
	wq32   float32
	avg    float64
	ps     []posting
}

// queryTerm is a distinct term of the query with its weight.
type queryTerm struct {
	id   int32
	w    float64
	kind termKind
	idf  float64 // the highest over the fields
}

// Search returns up to k claims that may check the same thing as text,
// best first, each with a normalized score in [0, 1] and its Level;
// claims below the lower threshold (Level None) are left out, so the
// result may be shorter than k or empty (never nil). Ties are broken by
// the order in which claims were added. It is safe for concurrent use.
func (x *Index) Search(text string, k int) []Result {
	return x.search(text, k, false, nil)
}

// Rank is Search without the lower threshold: the k best claims whatever
// their score, for measuring the ranking (claimdesk match).
func (x *Index) Rank(text string, k int) []Result {
	return x.search(text, k, true, nil)
}

// Candidate is a claim found by the first, BM25, stage of a search, with
// the features the re-scorer reads (see the Feature constants).
type Candidate struct {
	ID       int64
	Features [NumFeatures]float64
}

// Candidates returns the k best claims of the BM25 stage for text, best
// first, with their features: what the re-scorer is trained on (cmd/spoteval
// -match-train). It returns an empty slice when no claim shares a term.
func (x *Index) Candidates(text string, k int) []Candidate {
	var cs []Candidate
	x.search(text, k, true, &cs)
	if cs == nil {
		cs = []Candidate{}
	}
	return cs
}

func (x *Index) search(text string, k int, all bool, cands *[]Candidate) []Result {
	out := []Result{}
	if k <= 0 {
		return out
	}
	sc, _ := x.pool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	defer x.pool.Put(sc)
	sc.terms = analyze(text, sc.terms, x.p.PairWeight > 0)

	x.mu.RLock()
	defer x.mu.RUnlock()
	p := &x.p
	qs := sc.qs[:0]
	n := float64(x.nLive)
	// upper is the score of a claim holding every query term in its
	// statement: terms no claim has count at their highest idf, so that
	// one shared common word does not make a match.
	upper := 0.0
	maxIDF := math.Log(1 + (n+0.5)/0.5)
	var qf queryFacts
	for _, t := range sc.terms {
		qf.count(t)
		w := 1.0
		switch t.kind {
		case kindNumber:
			w = p.NumberBoost
		case kindName:
			w = p.NameBoost
		case kindPair:
			w = p.PairWeight
		}
		id, ok := x.terms[t.s]
		if !ok || x.fields[fieldStatement].df[id] == 0 {
			upper += p.FieldWeight[fieldStatement] * w * maxIDF * (p.K1 + 1)
		}
		if !ok {
			if t.kind != kindPair {
				qf.missing += maxIDF
			}
			continue
		}
		if i := slices.IndexFunc(qs, func(q queryTerm) bool { return q.id == id }); i >= 0 {
			qs[i].w = math.Max(qs[i].w, w) + 0.25*w // a repeated term counts a little more
			continue
		}
		qs = append(qs, queryTerm{id: id, w: w, kind: t.kind})
	}
	if len(qs) == 0 || x.nLive == 0 {
		return out
	}
	if cap(sc.score) < len(x.ids) {
		sc.score = make([]float32, len(x.ids))
		sc.mark = make([]uint32, len(x.ids))
	}
	score := sc.score[:len(x.ids)]
	mark := sc.mark[:len(x.ids)]
	touched := sc.touched[:0]
	// MaxScore, term at a time: terms go from the highest possible
	// contribution (the rarest) down. While the terms still to come could
	// together lift a new claim into the top kk, every posting is read and
	// makes a candidate; after that only candidates that can still reach
	// the top kk are updated, looked up by binary search. The result is
	// the exact top kk of the full sum, at a fraction of the reading.
	jobs := sc.jobs[:0]
	for f := range x.fields {
		fw := p.FieldWeight[f]
		fl := &x.fields[f]
		if fw == 0 || fl.total == 0 {
			continue
		}
		avg := float64(fl.total) / n
		for qi, q := range qs {
			df := float64(fl.df[q.id])
			if df == 0 {
				continue
			}
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			qs[qi].idf = max(qs[qi].idf, idf)
			wq := fw * q.w * idf
			if f == fieldStatement {
				upper += wq * (p.K1 + 1)
			}
			// The most this term can add: its highest frequency in the
			// shortest document.
			tf := float64(fl.maxTF[q.id])
			ub := wq * tf * (p.K1 + 1) / (tf + p.K1*(1-p.B+p.B*float64(fl.minLen)/avg))
			jobs = append(jobs, job{f, wq, ub*1.0001 + 1e-9, float32(wq), avg, fl.postings[q.id]})
		}
	}
	slices.SortStableFunc(jobs, func(a, b job) int { return cmp.Compare(b.ub, a.ub) })
	remaining := 0.0
	for _, j := range jobs {
		remaining += j.ub
	}
	kk := k
	if p.Rescore != nil && cands == nil {
		kk = max(k, p.Rerank)
	}
	// sat1[f][dl] is the BM25 saturation of a term met once in a field of
	// length dl, which is nearly every posting: a table saves a division.
	for f := range x.fields {
		fl := &x.fields[f]
		t := sc.sat1[f][:0]
		if fl.total > 0 {
			avg := float64(fl.total) / n
			for dl := 0; dl <= int(fl.maxLen); dl++ {
				t = append(t, float32((p.K1+1)/(1+p.K1*(1-p.B+p.B*float64(dl)/avg))))
			}
		}
		sc.sat1[f] = t
	}
	bm25 := func(j *job, ps posting) float32 {
		dl := x.fields[j.f].length[ps.slot]
		if ps.tf == 1 {
			return j.wq32 * sc.sat1[j.f][dl]
		}
		tf := float64(ps.tf)
		return float32(j.wq * tf * (p.K1 + 1) / (tf + p.K1*(1-p.B+p.B*float64(dl)/j.avg)))
	}
	// top holds kk candidates with the best scores seen; since scores
	// only grow, the least of theirs is a lower bound of the final kk-th
	// best score (theta).
	top := sc.top[:0]
	theta := float32(0)
	offer := func(slot int32) {
		v := score[slot]
		if len(top) == kk && v <= theta {
			return
		}
		if !slices.Contains(top, slot) {
			if len(top) < kk {
				top = append(top, slot)
			} else {
				worst := 0
				for i, t := range top {
					if score[t] < score[top[worst]] {
						worst = i
					}
				}
				top[worst] = slot
			}
		}
		if len(top) == kk {
			theta = score[top[0]]
			for _, t := range top[1:] {
				theta = min(theta, score[t])
			}
		}
	}
	var alive []int32 // candidates still able to reach the top kk
	pruned := false
	for ji := range jobs {
		j := &jobs[ji]
		if !pruned && float32(remaining) >= theta {
			for _, ps := range j.ps {
				if !x.live[ps.slot] {
					continue
				}
				if score[ps.slot] == 0 {
					touched = append(touched, ps.slot)
				}
				score[ps.slot] += bm25(j, ps)
				offer(ps.slot)
			}
			remaining -= j.ub
			continue
		}
		if !pruned {
			pruned = true
			alive = append(sc.alive[:0], touched...)
		}
		// Drop the candidates that can no longer reach the top kk, and
		// mark the others with a new generation.
		sc.gen++
		if sc.gen == 0 {
			clear(sc.mark)
			sc.gen = 1
		}
		kept := alive[:0]
		for _, s := range alive {
			if score[s]+float32(remaining) >= theta {
				kept = append(kept, s)
				mark[s] = sc.gen
			}
		}
		alive = kept
		if len(alive)*16 > len(j.ps) {
			// Many candidates: one pass over the postings.
			for _, ps := range j.ps {
				if mark[ps.slot] == sc.gen {
					score[ps.slot] += bm25(j, ps)
					offer(ps.slot)
				}
			}
		} else {
			slices.Sort(alive)
			lo := 0
			for _, slot := range alive {
				// Postings are in slot order, and so are the candidates.
				i, found := slices.BinarySearchFunc(j.ps[lo:], slot, func(ps posting, s int32) int { return cmp.Compare(ps.slot, s) })
				lo += i
				if found {
					score[slot] += bm25(j, j.ps[lo])
					offer(slot)
				}
			}
		}
		remaining -= j.ub
	}
	if pruned {
		// Candidates left behind can no longer reach the top: rank only
		// the ones that were kept up to date, but clear all of them.
		sc.dropped = append(sc.dropped[:0], touched...)
		touched = alive
	} else {
		sc.dropped = sc.dropped[:0]
	}
	if upper == 0 {
		// No query term in any statement: normalize by the best field.
		upper = 1
		for _, s := range touched {
			upper = math.Max(upper, float64(score[s]))
		}
	}
	// Top candidates by BM25, ties by slot (the order of adding).
	best := make([]int32, 0, kk+1)
	less := func(a, b int32) int {
		if c := cmp.Compare(score[b], score[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	}
	for _, s := range touched {
		if len(best) == kk && less(s, best[kk-1]) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(best, s, less)
		best = slices.Insert(best, i, s)
		if len(best) > kk {
			best = best[:kk]
		}
	}
	res := make([]Result, 0, len(best))
	if cands != nil || p.Rescore != nil {
		var f [NumFeatures]float64
		for rank, s := range best {
			x.features(sc, jobs, qs, &qf, s, rank, upper, &f)
			if cands != nil {
				*cands = append(*cands, Candidate{ID: x.ids[s], Features: f})
				continue
			}
			z := p.Rescore[NumFeatures]
			for i, v := range f {
				z += p.Rescore[i] * v
			}
			res = append(res, Result{ID: x.ids[s], Score: 1 / (1 + math.Exp(-z))})
		}
	} else {
		for _, s := range best {
			res = append(res, Result{ID: x.ids[s], Score: math.Min(1, float64(score[s])/upper)})
		}
	}
	slices.SortStableFunc(res, func(a, b Result) int { return cmp.Compare(b.Score, a.Score) })
	for _, r := range res[:min(k, len(res))] {
		r.Level = x.level(r.Score)
		if r.Level == None && !all {
			break
		}
		out = append(out, r)
	}
	for _, s := range touched {
		score[s] = 0
	}
	for _, s := range sc.dropped {
		score[s] = 0
	}
	sc.top = top[:0]
	if pruned {
		sc.alive = touched[:0]
	} else {
		sc.touched = touched
	}
	sc.jobs = jobs[:0]
	sc.qs = qs[:0]
	return out
}

func (x *Index) level(norm float64) Level {
	switch {
	case norm >= x.p.Upper:
		return Same
	case norm >= x.p.Lower:
		return Maybe
	}
	return None
}
