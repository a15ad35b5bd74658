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
	terms   []term
}

// queryTerm is a distinct term of the query with its weight.
type queryTerm struct {
	id int32
	w  float64
}

// Search returns up to k claims that may check the same thing as text,
// best first, each with a normalized score in [0, 1] and its Level;
// claims below the lower threshold (Level None) are left out, so the
// result may be shorter than k or empty (never nil). Ties are broken by
// the order in which claims were added. It is safe for concurrent use.
func (x *Index) Search(text string, k int) []Result {
	return x.search(text, k, false)
}

// Rank is Search without the lower threshold: the k best claims whatever
// their score, for measuring the ranking (claimdesk match).
func (x *Index) Rank(text string, k int) []Result {
	return x.search(text, k, true)
}

func (x *Index) search(text string, k int, all bool) []Result {
	out := []Result{}
	if k <= 0 {
		return out
	}
	sc, _ := x.pool.Get().(*scratch)
	if sc == nil {
		sc = &scratch{}
	}
	defer x.pool.Put(sc)
	sc.terms = analyze(text, sc.terms)

	x.mu.RLock()
	defer x.mu.RUnlock()
	p := &x.p
	qs := make([]queryTerm, 0, len(sc.terms))
	n := float64(x.nLive)
	// upper is the score of a claim holding every query term in its
	// statement: terms no claim has count at their highest idf, so that
	// one shared common word does not make a match.
	upper := 0.0
	maxIDF := math.Log(1 + (n+0.5)/0.5)
	for _, t := range sc.terms {
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
			continue
		}
		if i := slices.IndexFunc(qs, func(q queryTerm) bool { return q.id == id }); i >= 0 {
			qs[i].w = math.Max(qs[i].w, w) + 0.25*w // a repeated term counts a little more
			continue
		}
		qs = append(qs, queryTerm{id, w})
	}
	if len(qs) == 0 || x.nLive == 0 {
		return out
	}
	if cap(sc.score) < len(x.ids) {
		sc.score = make([]float32, len(x.ids))
	}
	score := sc.score[:len(x.ids)]
	touched := sc.touched[:0]
	for f := range x.fields {
		fw := p.FieldWeight[f]
		fl := &x.fields[f]
		if fw == 0 || fl.total == 0 {
			continue
		}
		avg := float64(fl.total) / n
		for _, q := range qs {
			df := float64(fl.df[q.id])
			if df == 0 {
				continue
			}
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			wq := fw * q.w * idf
			if f == fieldStatement {
				upper += wq * (p.K1 + 1)
			}
			for _, ps := range fl.postings[q.id] {
				if !x.live[ps.slot] {
					continue
				}
				tf := float64(ps.tf)
				dl := float64(fl.length[ps.slot])
				s := wq * tf * (p.K1 + 1) / (tf + p.K1*(1-p.B+p.B*dl/avg))
				if score[ps.slot] == 0 {
					touched = append(touched, ps.slot)
				}
				score[ps.slot] += float32(s)
			}
		}
	}
	if upper == 0 {
		// No query term in any statement: normalize by the best field.
		upper = 1
		for _, s := range touched {
			upper = math.Max(upper, float64(score[s]))
		}
	}
	// Top candidates by BM25, ties by slot (the order of adding).
	kk := k
	if p.Coverage > 0 {
		kk = max(k, p.Rerank)
	}
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
	// Re-score them: the BM25 share of the query, plus the share of the
	// claim's own statement (or title) that the query holds. A long
	// spoken sentence holds many words that no claim has; a claim whose
	// every word is in it is likely the one.
	ids := make([]int32, len(qs))
	for i, q := range qs {
		ids[i] = q.id
	}
	slices.Sort(ids)
	res := make([]Result, 0, len(best))
	for _, s := range best {
		norm := math.Min(1, float64(score[s])/upper)
		if p.Coverage > 0 {
			norm = (norm + p.Coverage*x.coverage(s, ids, n)) / (1 + p.Coverage)
		}
		res = append(res, Result{ID: x.ids[s], Score: norm})
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
	sc.touched = touched
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

// coverage returns the larger, over the statement and the title, of the
// idf-weighted share of the field's single-word terms that are among the
// query's term ids (sorted). x.mu is held.
func (x *Index) coverage(slot int32, query []int32, n float64) float64 {
	var have, all [numFields]float64
	for _, u := range x.used[slot] {
		f := u >> 30
		if f != fieldStatement && f != fieldTitle {
			continue
		}
		id := int32(u & (1<<30 - 1))
		df := float64(x.fields[f].df[id])
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		all[f] += idf
		if _, ok := slices.BinarySearch(query, id); ok {
			have[f] += idf
		}
	}
	c := 0.0
	for _, f := range []int{fieldStatement, fieldTitle} {
		if all[f] > 0 {
			c = math.Max(c, have[f]/all[f])
		}
	}
	return c
}
