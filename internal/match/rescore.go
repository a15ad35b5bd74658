package match

import (
	"cmp"
	"math"
	"slices"
)

// The features of a candidate claim that the re-scorer weighs. Shares
// are idf-weighted; every feature is at most a few units.
const (
	FeatStatement     = iota // the BM25 score of the statement and the quote, over the query's own
	FeatTitle                // the same of the title and the summary
	FeatClaimCovered         // share of the statement's (or the title's, if higher) terms that are in the query
	FeatQueryCovered         // share of the query's terms that are in the claim
	FeatNumbersShared        // share of the query's numbers that are in the claim
	FeatNumbersClash         // 1 when both have numbers and share none
	FeatNamesShared          // share of the query's names that are in the claim
	FeatClaimLength          // log(1 + terms in the statement)
	FeatQueryLength          // log(1 + terms in the query)
	FeatRank                 // 1 / (1 + BM25 rank)
	FeatRarest               // the highest idf of a shared term, over the highest possible
	FeatShared               // log(1 + query terms the claim holds)
	// NumFeatures is the number of candidate features.
	NumFeatures
)

// FeatureNames names the candidate features, for reports.
var FeatureNames = [NumFeatures]string{"statement", "title",
	"claim_covered", "query_covered", "numbers_shared", "numbers_clash", "names_shared",
	"claim_length", "query_length", "rank", "rarest", "shared"}

// queryFacts are counts over every term of a query, including terms no
// claim has.
type queryFacts struct {
	terms, numbers, names int
	missing               float64 // idf mass of the terms no claim holds, each at the highest idf
}

func (q *queryFacts) count(t term) {
	switch t.kind {
	case kindPair:
		return
	case kindNumber:
		q.numbers++
	case kindName:
		q.names++
	}
	q.terms++
}

// features computes the candidate features of slot. x.mu is held; jobs
// are the search's (field, term) pairs and score its BM25 sum for slot.
func (x *Index) features(sc *scratch, jobs []job, qs []queryTerm, qf *queryFacts, slot int32, rank int, upper float64, f *[NumFeatures]float64) {
	clear(f[:])
	// The statement and the quote say the claim; the title and the
	// summary talk about it.
	featOf := [numFields]int{fieldStatement: FeatStatement, fieldQuote: FeatStatement, fieldSummary: FeatTitle, fieldTitle: FeatTitle}
	for ji := range jobs {
		j := &jobs[ji]
		if i, ok := slices.BinarySearchFunc(j.ps, slot, func(ps posting, s int32) int { return cmp.Compare(ps.slot, s) }); ok {
			ps := j.ps[i]
			dl := float64(x.fields[j.f].length[slot])
			tf := float64(ps.tf)
			f[featOf[j.f]] += j.wq * tf * (x.p.K1 + 1) / (tf + x.p.K1*(1-x.p.B+x.p.B*dl/j.avg)) / upper
		}
	}
	// Mark the claim's terms.
	if len(sc.termGen) < len(x.terms) {
		sc.termGen = append(sc.termGen, make([]uint32, len(x.terms)-len(sc.termGen))...)
	}
	sc.tgen++
	if sc.tgen == 0 {
		clear(sc.termGen)
		sc.tgen = 1
	}
	gen := sc.tgen
	n := float64(x.nLive)
	var have, all [numFields]float64
	claimNums := 0
	for _, u := range x.used[slot] {
		fl := int(u >> 30)
		id := int32(u & (1<<30 - 1))
		sc.termGen[id] = gen
		if x.isNum[id] {
			claimNums++
		}
		if fl == fieldStatement || fl == fieldTitle {
			df := float64(x.fields[fl].df[id])
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			all[fl] += idf
			if slices.ContainsFunc(qs, func(q queryTerm) bool { return q.id == id }) {
				have[fl] += idf
			}
		}
	}
	for _, fl := range []int{fieldStatement, fieldTitle} {
		if all[fl] > 0 {
			f[FeatClaimCovered] = math.Max(f[FeatClaimCovered], have[fl]/all[fl])
		}
	}
	maxIDF := math.Log(1 + (n+0.5)/0.5)
	qAll, qHave, rarest := qf.missing, 0.0, 0.0
	nums, names, shared := 0, 0, 0
	for _, q := range qs {
		if q.kind == kindPair {
			continue
		}
		if q.idf == 0 { // in no live claim
			qAll += maxIDF
			continue
		}
		qAll += q.idf
		if sc.termGen[q.id] != gen {
			continue
		}
		qHave += q.idf
		rarest = math.Max(rarest, q.idf)
		shared++
		switch q.kind {
		case kindNumber:
			nums++
		case kindName:
			names++
		}
	}
	if qAll > 0 {
		f[FeatQueryCovered] = qHave / qAll
	}
	if qf.numbers > 0 {
		f[FeatNumbersShared] = float64(nums) / float64(qf.numbers)
		if nums == 0 && claimNums > 0 {
			f[FeatNumbersClash] = 1
		}
	}
	if qf.names > 0 {
		f[FeatNamesShared] = float64(names) / float64(qf.names)
	}
	f[FeatClaimLength] = math.Log1p(float64(x.fields[fieldStatement].length[slot]))
	f[FeatQueryLength] = math.Log1p(float64(qf.terms))
	f[FeatRank] = 1 / float64(1+rank)
	f[FeatRarest] = rarest / maxIDF
	f[FeatShared] = math.Log1p(float64(shared))
}
