package web

import (
	"strings"
	"testing"

	"claimdesk/internal/factcheck"
)

func TestHighlightArticle(t *testing.T) {
	body := "Alpha beta gamma delta.\n\nÉpsilon zeta eta theta.\nIota kappa."
	at := func(s string) (int, int) {
		i := strings.Index(body, s)
		if i < 0 {
			t.Fatalf("%q not in body", s)
		}
		return i, i + len(s)
	}
	claim := func(id int64, exact string) factcheck.Claim {
		s, e := at(exact)
		return factcheck.Claim{ID: id, RatingKey: "false", Anchor: factcheck.Anchor{Start: s, End: e, Exact: exact}}
	}
	outer := claim(1, "beta gamma delta")
	inner := claim(2, "gamma")
	overlap := claim(3, "delta.\n\nÉpsilon zeta") // crosses a paragraph break
	orphan := claim(4, "theta")
	orphan.Anchor.Orphaned = true
	outOfRange := factcheck.Claim{ID: 5, Anchor: factcheck.Anchor{Start: 40, End: 4000}}
	stale := claim(6, "Iota")
	stale.Anchor.Exact = "Kappa"
	splitRune := factcheck.Claim{ID: 7, Anchor: factcheck.Anchor{Start: len("Alpha beta gamma delta.\n\n") + 1, End: len("Alpha beta gamma delta.\n\n") + 5}}

	paras, verdicts := highlightArticle(body, []factcheck.Claim{outer, inner, overlap, orphan, outOfRange, stale, splitRune})
	if len(verdicts) != 7 || len(paras) != 2 {
		t.Fatalf("%d verdicts, %d paragraphs", len(verdicts), len(paras))
	}
	var text []string
	hrefs := map[string]string{}
	refs := map[int]int{}
	for _, p := range paras {
		var b strings.Builder
		for _, s := range p {
			b.WriteString(s.Text)
			if s.Href != "" {
				hrefs[s.Text] = s.Href
			}
			for _, r := range s.Refs {
				refs[r.N]++
			}
		}
		text = append(text, b.String())
	}
	if text[0] != "Alpha beta gamma delta." || text[1] != "Épsilon zeta eta theta.\nIota kappa." {
		t.Fatalf("paragraph text changed: %q", text)
	}
	want := map[string]string{"beta ": "#verdict-1", "gamma": "#verdict-2", " ": "#verdict-1", "delta": "#verdict-3", ".": "#verdict-3", "Épsilon zeta": "#verdict-3"}
	for seg, href := range want {
		if hrefs[seg] != href {
			t.Errorf("segment %q links to %q, want %q (all: %v)", seg, hrefs[seg], href, hrefs)
		}
	}
	for _, bad := range []string{"theta", "Iota", "Iota kappa."} {
		if _, ok := hrefs[bad]; ok {
			t.Errorf("invalid anchor highlighted %q", bad)
		}
	}
	if refs[1] != 1 || refs[2] != 1 || refs[3] != 1 || len(refs) != 3 {
		t.Errorf("markers: %v, want one each for claims 1-3", refs)
	}
}

// The editor's context around a quote starts and ends at word boundaries.
func TestQuoteContext(t *testing.T) {
	body := "Lanes and injuries. According to the city council, the transport budget grew 12% last year. Critics are unconvinced."
	for _, tc := range []struct {
		quote, want string
	}{
		{"the transport budget grew 12%", "…to the city council, [the transport budget grew 12%] last year. Critics are…"},
		{"Lanes and injuries.", "[Lanes and injuries.] According to the city…"},
		{"Critics are unconvinced.", "…grew 12% last year. [Critics are unconvinced.]"},
	} {
		start := strings.Index(body, tc.quote)
		an, err := factcheck.NewAnchor(body, start, start+len(tc.quote))
		if err != nil {
			t.Fatal(err)
		}
		an.Prefix, an.Suffix = shorten(body, start, start+len(tc.quote), 25)
		parts := quoteContext(body, an)
		got := parts[0].Text + "[" + parts[1].Text + "]" + parts[2].Text
		if got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.quote, got, tc.want)
		}
	}
}

// shorten is the anchor's context n bytes either side of start:end, as
// NewAnchor cuts it (mid-word).
func shorten(body string, start, end, n int) (string, string) {
	return body[max(start-n, 0):start], body[end:min(end+n, len(body))]
}
