package factcheck

import "testing"

func TestCleanLineAndText(t *testing.T) {
	cases := []struct{ in, line, text string }{
		{"plain", "plain", "plain"},
		{"  padded\t", "padded", "  padded\t"},
		{"red\x1b[31malert\x1b[0m", "red[31malert[0m", "red[31malert[0m"},
		{"nul\x00byte\x7fdel", "nulbytedel", "nulbytedel"},
		{"c1\u0085next\u009bcsi", "c1nextcsi", "c1nextcsi"},
		{"two\nlines\r\nthree\rfour", "two lines three four", "two\nlines\nthree\nfour"},
		{"tab\tkept", "tab kept", "tab\tkept"},
		{"bell\a", "bell", "bell"},
		{"héllo — “quotes” ✓", "héllo — “quotes” ✓", "héllo — “quotes” ✓"},
	}
	for _, c := range cases {
		if got := CleanLine(c.in); got != c.line {
			t.Errorf("CleanLine(%q) = %q, want %q", c.in, got, c.line)
		}
		if got := CleanText(c.in); got != c.text {
			t.Errorf("CleanText(%q) = %q, want %q", c.in, got, c.text)
		}
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"a\x00b", "x\r\ny", "\u0085", "plain text\n\n\tindented"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range CleanText(s) {
			if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 {
				t.Fatalf("CleanText(%q) kept control %U", s, r)
			}
		}
		for _, r := range CleanLine(s) {
			if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
				t.Fatalf("CleanLine(%q) kept control %U", s, r)
			}
		}
	})
}
