package web

import "testing"

// Search snippets, diffs and notices never show markdown syntax, also
// when a snippet cuts a link or an emphasis in half.
func TestStripMarkdown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"The city's **own** report shows a *12%* fall.", "The city's own report shows a 12% fall."},
		{"## Sources\n\n- [The report](https://city.example/r) says so\n1. `tables` too", "Sources\n\nThe report says so\ntables too"},
		{"> Quoted __strongly__ and _lightly_ and ~~struck~~", "Quoted strongly and lightly and struck"},
		{"…cut off [link text](https://exa", "…cut off [link text"},
		{"the rest](https://city.example/r) of it…", "the rest of it…"},
		{"snake_case_name and 3 * 4 = 12 and a\\*literal\\*", "snake_case_name and 3  4 = 12 and a*literal*"},
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
