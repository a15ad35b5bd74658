package web

import "testing"

// Search snippets, diffs and notices never show markdown syntax, also
// when a snippet cuts a link or an emphasis in half.
func TestStripMarkdown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"The city's **own** report shows a *12%* fall.", "The city's own report shows a 12% fall."},
		{"## Sources\n\n- [The report](https://city.example/r) says so\n1. `tables` too", "Sources\n\nThe report says so\ntables too"},
		{"> Quoted __strongly__ and _lightly_ and ~~struck~~", "Quoted strongly and lightly and struck"},
		{"…cut off [link text](https://exa", "…cut off link text"},
		{"…cut off in [its te", "…cut off in its te"},
		{"an ![image](/img.pn", "an image"},
		{"[one](https://a.example) and [two](https://b.exa", "one and two"},
		{"the rest](https://city.example/r) of it…", "the rest of it…"},
		{"snake_case_name and 3 * 4 = 12 and a\\*literal\\*", "snake_case_name and 3 * 4 = 12 and a*literal*"},
		{"2 ** 10 is 1024, *not* 2 * 10", "2 ** 10 is 1024, not 2 * 10"},
		// A snippet split at its hit: "The city's **own** report".
		{"The city's **", "The city's "},
		{"** report", " report"},
		{"![chart](/img.png) <b>bold</b> <https://city.example>", "chart bold https://city.example"},
		{"[ref]: https://city.example/ref\nText", "\nText"},
	} {
		if got := stripMarkdown(tc.in); got != tc.want {
			t.Errorf("stripMarkdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzStripMarkdown(f *testing.F) {
	for _, s := range []string{"**a**", "[x](y", "](http://a)", "_a_b_", "\\*", "# h\n> q\n- l"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := stripMarkdown(s)
		if len(out) > len(s) {
			t.Fatalf("stripMarkdown grew %q into %q", s, out)
		}
		if stripMarkdown(out) != stripMarkdown(stripMarkdown(out)) {
			t.Fatalf("not stable on %q", s)
		}
	})
}

// A notice or note gets one full stop at its end, never a second.
func TestEndSentence(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Published", "Published."},
		{"We misread the table.", "We misread the table."},
		{"Was it a third?  ", "Was it a third?"},
		{"And then…", "And then…"},
		{"He said “no.”", "He said “no.”"},
		{"(see the report)", "(see the report)."},
		{"", ""},
	} {
		if got := endSentence(tc.in); got != tc.want {
			t.Errorf("endSentence(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
