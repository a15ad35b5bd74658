package spot

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	text := "Mines Shipped to Ukraine\n\nMore than 160 countries have signed the Mine Ban Treaty, the ICBL said. Should the U.S. join them?"
	got := Suggest(text)
	if len(got) != 3 {
		t.Fatalf("Suggest returned %d sentences, want 3: %+v", len(got), got)
	}
	wantText := []string{"Mines Shipped to Ukraine", "More than 160 countries have signed the Mine Ban Treaty, the ICBL said.", "Should the U.S. join them?"}
	wantFlag := []bool{false, true, false}
	for i, s := range got {
		if s.Text != wantText[i] || text[s.Start:s.End] != s.Text {
			t.Errorf("sentence %d = %q at [%d,%d), want %q", i, s.Text, s.Start, s.End, wantText[i])
		}
		if s.Checkworthy != wantFlag[i] || s.Checkworthy != (s.Score >= DefaultThreshold()) {
			t.Errorf("sentence %d %q: checkworthy %v (score %.2f), want %v", i, s.Text, s.Checkworthy, s.Score, wantFlag[i])
		}
		if s.Reasons == nil {
			t.Errorf("sentence %d: reasons nil", i)
		}
	}
	if s := Suggest(" \n "); s == nil || len(s) != 0 {
		t.Errorf("Suggest(blank) = %#v, want empty non-nil", s)
	}
}

func TestWriteJSONL(t *testing.T) {
	who := "Ana Ruiz"
	sents := []Sentence{
		{Start: 0, End: 12, Text: "A <b> & \"c\"", Score: 0.8349, Checkworthy: true, Reasons: []string{"number", "attribution"}, Claimant: &who, ClaimStart: 9, ClaimEnd: 10},
		{Start: 13, End: 20, Text: "Heading", Score: 0.011, Reasons: nil, ClaimStart: 13, ClaimEnd: 20},
		{Start: 21, End: 24, Text: "x\xffy", Score: 1, ClaimStart: 21, ClaimEnd: 24},
	}
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, sents); err != nil {
		t.Fatal(err)
	}
	want := `{"start":0,"end":12,"text":"A <b> & \"c\"","score":0.83,"checkworthy":true,"reasons":["number","attribution"],"claimant":"Ana Ruiz","claim_start":9,"claim_end":10}
{"start":13,"end":20,"text":"Heading","score":0.01,"checkworthy":false,"reasons":[],"claimant":null,"claim_start":13,"claim_end":20}
{"start":21,"end":24,"text":"x\ufffdy","score":1,"checkworthy":false,"reasons":[],"claimant":null,"claim_start":21,"claim_end":24}
`
	if buf.String() != want {
		t.Errorf("WriteJSONL wrote\n%s\nwant\n%s", buf.String(), want)
	}
	if sents[1].Reasons != nil {
		t.Error("WriteJSONL modified its input")
	}
}

func TestWriteJSONLRoundTrip(t *testing.T) {
	text := "“Prices rose 4.6%,” the agency said.\nIs that bad?\n\nWe think so."
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, Suggest(text)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), buf.String())
	}
	for _, line := range lines {
		var s Sentence
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if text[s.Start:s.End] != s.Text {
			t.Errorf("line %q: text differs from input[%d:%d]", line, s.Start, s.End)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteJSONLError(t *testing.T) {
	if err := WriteJSONL(failWriter{}, Suggest("One. Two.")); err == nil {
		t.Error("WriteJSONL to a failing writer returned nil")
	}
}

func FuzzSplit(f *testing.F) {
	for _, tc := range splitCases {
		f.Add(tc.in)
	}
	for _, tc := range hardCases {
		f.Add(tc.in)
	}
	for _, s := range []string{
		"â€", "â€¦", "x.â€", ". . .", "..", "?!", "“", "”", "[1]", "a.\n",
		"\r", "\r\n\r\n", "\xc3", "\xe2\x80", ".\xe2\x80", "U.S.", "Dr.", "I.",
		"No. 3.", "word\nlowercase continuation of a long long line here\nand more",
		strings.Repeat("a. ", 50), strings.Repeat("\n", 10) + "x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		spans := Split(text)
		checkSpans(t, text, spans)
		sents := Suggest(text)
		if len(sents) != len(spans) {
			t.Fatalf("Suggest gave %d sentences, Split %d spans", len(sents), len(spans))
		}
		for i, s := range sents {
			if s.Start != spans[i].Start || s.End != spans[i].End || text[s.Start:s.End] != s.Text {
				t.Fatalf("sentence %d %+v does not match span %v", i, s, spans[i])
			}
			if s.ClaimStart < s.Start || s.ClaimEnd > s.End || s.ClaimStart > s.ClaimEnd {
				t.Fatalf("sentence %d %+v: claim span outside the sentence", i, s)
			}
			if s.Score < 0 || s.Score > 1 || s.Reasons == nil || s.Checkworthy != (s.Score >= DefaultThreshold()) {
				t.Fatalf("sentence %d %+v breaks the score contract", i, s)
			}
		}
	})
}

// benchParagraphs is original news prose for the benchmark.
var benchParagraphs = []string{
	"Port Authority Reports Record Cargo Year\n\nBy Staff Writer\n\n",
	"The port of Westhaven handled 14.2 million tonnes of cargo in 2024, up 6.5% from the year before and the most since it opened in 1961, the Port Authority said on Monday. Container traffic rose to 812,000 units, while bulk grain shipments fell 3% after a weak harvest.\n\n",
	"“We have never been busier,” said chief executive Dr. Ruth Alvarez. “The new berth paid for itself in two years.” The $310 million berth, built by Harland & Co. Ltd., opened in Feb. 2022 after delays caused by a dispute over dredging permits.\n\n",
	"Critics say the expansion came at a cost. Residents near the terminal filed 240 noise complaints last year, according to city records, and the Westhaven Clean Air Group says diesel pollution has doubled since 2019... a claim the authority disputes. Should the city cap night shifts? Some councillors think it must.\n\n",
	"The authority expects volumes to keep growing and is expected to ask the U.S. Maritime Administration for a $45 million grant next spring. Analysts at Brightline Research forecast that traffic will likely rise another 4% in 2025, though a slowdown in China could change that.\n\n",
}

func benchArticle(size int) string {
	var b strings.Builder
	for b.Len() < size {
		for _, p := range benchParagraphs {
			b.WriteString(p)
		}
	}
	return b.String()
}

func BenchmarkSuggest1MB(b *testing.B) {
	text := benchArticle(1 << 20)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Suggest(text)
	}
}

func BenchmarkSplit1MB(b *testing.B) {
	text := benchArticle(1 << 20)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Split(text)
	}
}

// BenchmarkSuggest5000Words is the desk's intake of a 5,000-word article
// (about 250 sentences): split, score and attribute every sentence.
func BenchmarkSuggest5000Words(b *testing.B) {
	text := benchArticle(32 << 10) // ~5,000 words
	DefaultModel()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Suggest(text)
	}
}

// BenchmarkScore250 scores 250 sentences with the model, without the
// splitter.
func BenchmarkScore250(b *testing.B) {
	text := benchArticle(32 << 10)
	spans := Split(text)
	for len(spans) < 250 {
		spans = append(spans, spans...)
	}
	spans = spans[:250]
	m := DefaultModel()
	b.ResetTimer()
	for b.Loop() {
		for _, sp := range spans {
			m.Score(text[sp.Start:sp.End])
		}
	}
}
