package spot

import (
	"slices"
	"testing"
)

func TestTerms(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"More than 160 countries have signed an international treaty banning their use.",
			[]string{"160", "countries", "signed", "international", "treaty", "banning", "use"}},
		{"Ukraine’s army said the U.S. sent 3 million mines, according to NATO.",
			[]string{"ukraine", "army", "u.s", "sent", "3", "million", "mines", "nato"}},
		{"Inflation slowed to 2.8% from 3.1%; inflation is still high.",
			[]string{"inflation", "slowed", "2.8", "3.1", "high"}},
		{"Bidenâ€™s anti-personnel mines cost $1,000 each.",
			[]string{"biden", "anti-personnel", "mines", "cost", "1,000"}},
		{"", []string{}},
		{"The and of it.", []string{}},
	}
	for _, tc := range cases {
		got := Terms(tc.in)
		if got == nil || !slices.Equal(got, tc.want) {
			t.Errorf("Terms(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
