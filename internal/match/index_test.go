package match

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func testIndex() *Index {
	x := NewIndex()
	for _, d := range []Doc{
		{ID: 1, Statement: "Bike lanes increase traffic deaths in cities.", Title: "Do bike lanes make streets deadlier?"},
		{ID: 2, Statement: "The United States sent anti-personnel landmines to Ukraine in November 2024.", Title: "US landmines for Ukraine"},
		{ID: 3, Statement: "More than 160 countries have signed the Mine Ban Treaty.", Quote: "160 nations signed the Ottawa treaty"},
		{ID: 4, Statement: "Unemployment fell to 3.5% in 2019, the lowest in 50 years.", Summary: "The rate did fall to 3.5%."},
		{ID: 5, Statement: "Eating carrots improves night vision.", Title: "Carrots and eyesight"},
	} {
		x.Add(d)
	}
	return x
}

func ids(rs []Result) []int64 {
	out := []int64{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestSearchFindsTheSameClaim(t *testing.T) {
	x := testIndex()
	cases := []struct {
		query string
		want  int64
	}{
		{"Protected bike lanes cause more traffic deaths, a councillor claimed.", 1},
		{"Washington shipped antipersonnel landmines to Ukraine last November.", 2},
		{"160 countries signed the treaty banning mines", 3},
		{"The unemployment rate fell to 3.5 percent, the lowest level in half a century.", 4},
	}
	for _, tc := range cases {
		got := x.Search(tc.query, 3)
		if len(got) == 0 || got[0].ID != tc.want {
			t.Errorf("Search(%q) = %+v, want %d first", tc.query, got, tc.want)
		}
		for i, r := range got {
			if r.Score < 0 || r.Score > 1 || r.Level == None || i > 0 && r.Score > got[i-1].Score {
				t.Errorf("Search(%q): result %d %+v breaks the contract", tc.query, i, r)
			}
		}
	}
	// A sentence about something else shows nothing, not the least bad claim.
	if got := x.Search("The mayor opened a new library on Saturday.", 5); len(got) != 0 {
		t.Errorf("unrelated sentence matched %+v", got)
	}
	if got := x.Search("", 5); got == nil || len(got) != 0 {
		t.Errorf("empty query = %#v, want empty non-nil", got)
	}
}

func TestLevels(t *testing.T) {
	x := testIndex()
	same := x.Search("Eating carrots improves night vision.", 1)
	if len(same) != 1 || same[0].ID != 5 || same[0].Level != Same {
		t.Errorf("verbatim claim = %+v, want claim 5 at level Same", same)
	}
	// Rank shows what Search hides.
	if r := x.Rank("vision", 5); len(r) == 0 || r[0].ID != 5 {
		t.Errorf("Rank(vision) = %+v", r)
	}
	for _, r := range x.Search("carrots", 5) {
		if r.Level == None {
			t.Errorf("Search returned a result below the lower threshold: %+v", r)
		}
	}
}

func TestAddReplacesAndRemove(t *testing.T) {
	x := testIndex()
	x.Add(Doc{ID: 5, Statement: "Sugar makes children hyperactive."})
	if x.Len() != 5 {
		t.Errorf("Len = %d after replacing, want 5", x.Len())
	}
	if got := x.Search("carrots improve night vision", 5); slices.Contains(ids(got), 5) {
		t.Errorf("old text of a replaced claim still matches: %+v", got)
	}
	if got := x.Search("sugar makes kids hyperactive", 5); len(got) == 0 || got[0].ID != 5 {
		t.Errorf("new text not found: %+v", got)
	}
	if !x.Remove(5) || x.Remove(5) || x.Len() != 4 {
		t.Error("Remove: want true once, then false, and Len 4")
	}
	if got := x.Search("sugar makes kids hyperactive", 5); len(got) != 0 {
		t.Errorf("removed claim still found: %+v", got)
	}
}

func TestCompactionKeepsResults(t *testing.T) {
	doc := func(i int) Doc {
		return Doc{ID: int64(i), Statement: fmt.Sprintf("claim number %d about topic%d and subject%d", i, i%97, i%89)}
	}
	x := NewIndex()
	for i := range 3000 {
		x.Add(doc(i))
	}
	fresh := NewIndex()
	for i := range 3000 {
		if i >= 2500 || i%7 == 0 {
			fresh.Add(doc(i))
			continue
		}
		x.Remove(int64(i)) // enough removals to trigger compaction
	}
	if x.Len() != fresh.Len() {
		t.Fatalf("Len %d, want %d", x.Len(), fresh.Len())
	}
	for _, q := range []string{"topic5 subject7", "claim number 2600", "subject12", "topic3"} {
		got, want := x.Rank(q, 5), fresh.Rank(q, 5)
		if !slices.Equal(got, want) {
			t.Errorf("Rank(%q) after removals %+v, fresh index %+v", q, got, want)
		}
	}
}

func TestConcurrentSearchAndAdd(t *testing.T) {
	x := testIndex()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if g == 0 {
					x.Add(Doc{ID: int64(100 + i), Statement: fmt.Sprintf("claim %d about landmines", i)})
					continue
				}
				if got := x.Search("bike lanes increase traffic deaths", 2); len(got) == 0 || got[0].ID != 1 {
					t.Errorf("concurrent search: %+v", got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestAnalyze(t *testing.T) {
	var got []string
	for _, tm := range analyze("RT @jdoe: The U.S. spent $1,000.50 on 3 studies in 2020 https://t.co/x — Jane (@jane) May 1", nil, true) {
		got = append(got, tm.s)
	}
	want := []string{"usa", "spent", "1000.5", "3", "study", "2020"}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("analyze: %q missing from %q", w, got)
		}
	}
	for _, bad := range []string{"jdoe", "jane", "t.co", "https"} {
		if slices.Contains(got, bad) {
			t.Errorf("analyze kept %q: %q", bad, got)
		}
	}
}

// synthetic builds n claims from a Zipf vocabulary, like a newsroom's
// archive in size and word spread: as in English, the most frequent
// words are function words (which the analyzer drops), and the content
// words follow them.
func synthetic(n int) ([]Doc, []string) {
	rng := rand.New(rand.NewPCG(1, 2))
	function := strings.Fields("the of and to a in is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their has been would will if what so about")
	vocab := make([]string, 30000)
	for i := range vocab {
		if i < len(function) {
			vocab[i] = function[i]
			continue
		}
		vocab[i] = fmt.Sprintf("w%dx", i)
	}
	z := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	sentence := func(words int) string {
		var b strings.Builder
		for j := range words {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocab[z.Uint64()])
			if rng.IntN(12) == 0 {
				fmt.Fprintf(&b, " %d", rng.IntN(2000))
			}
		}
		b.WriteByte('.')
		return b.String()
	}
	docs := make([]Doc, n)
	for i := range docs {
		docs[i] = Doc{ID: int64(i), Statement: sentence(12 + rng.IntN(14)), Quote: sentence(10 + rng.IntN(20)),
			Summary: sentence(30 + rng.IntN(30)), Title: sentence(6 + rng.IntN(6))}
	}
	queries := make([]string, 250) // a 5,000-word article
	for i := range queries {
		queries[i] = sentence(20)
	}
	return docs, queries
}

func TestBuild100kIsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	docs, _ := synthetic(100000)
	start := time.Now()
	x := NewIndex()
	x.AddAll(docs)
	t.Logf("built an index of %d claims in %v with AddAll", x.Len(), time.Since(start))
	// AddAll and Add build the same index.
	y := NewIndex()
	for _, d := range docs[:2000] {
		y.Add(d)
	}
	z := NewIndex()
	z.AddAll(docs[:2000])
	for _, q := range []string{docs[5].Statement, docs[1999].Title} {
		if a, b := y.Rank(q, 5), z.Rank(q, 5); !slices.Equal(a, b) {
			t.Errorf("Add %+v, AddAll %+v", a, b)
		}
	}
}

// BenchmarkArticleAgainst100k checks every sentence of a 5,000-word
// article (250 sentences) against 100,000 claims: one op is the whole
// article.
func BenchmarkArticleAgainst100k(b *testing.B) {
	docs, queries := synthetic(100000)
	x := NewIndex()
	x.AddAll(docs)
	b.ResetTimer()
	for b.Loop() {
		for _, q := range queries {
			x.Search(q, 5)
		}
	}
}

// BenchmarkArticleAgainst100kBM25 is the same without the re-scorer: the
// price of re-scoring is the difference.
func BenchmarkArticleAgainst100kBM25(b *testing.B) {
	docs, queries := synthetic(100000)
	p := DefaultParams()
	p.Rescore = nil
	x := NewIndexParams(p)
	x.AddAll(docs)
	b.ResetTimer()
	for b.Loop() {
		for _, q := range queries {
			x.Search(q, 5)
		}
	}
}

func BenchmarkBuild100k(b *testing.B) {
	docs, _ := synthetic(100000)
	for b.Loop() {
		NewIndex().AddAll(docs)
	}
}
