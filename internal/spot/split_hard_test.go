package spot

import (
	"slices"
	"testing"
)

// hardCases are hard sentence-boundary cases, written for this project,
// grouped by the class of difficulty they exercise. TestSplitHard
// reports the share split exactly right per class and overall.
var hardCases = []struct {
	class string
	in    string
	want  []string
}{
	// Inline lists.
	{"inline list", "Bring three things: 1.) a permit 2.) a photo 3.) the fee.",
		[]string{"Bring three things:", "1.) a permit", "2.) a photo", "3.) the fee."}},
	{"inline list", "1.) Check the claim 2.) Find the source 3.) Write the verdict",
		[]string{"1.) Check the claim", "2.) Find the source", "3.) Write the verdict"}},
	{"inline list", "a. The first step b. The second step c. The last step",
		[]string{"a. The first step", "b. The second step", "c. The last step"}},
	{"inline list", "The plan has two parts: 1) cut fares 2) add buses. It passed.",
		[]string{"The plan has two parts:", "1) cut fares", "2) add buses.", "It passed."}},
	{"inline list", "i. Read the bill ii. Count the votes iii. Report",
		[]string{"i. Read the bill", "ii. Count the votes", "iii. Report"}},
	{"inline list", "1. Collect the ballots. 2. Count them twice.",
		[]string{"1. Collect the ballots.", "2. Count them twice."}},
	{"inline list", "He placed No. 1 in the race and came 2nd. in the next.",
		[]string{"He placed No. 1 in the race and came 2nd. in the next."}},

	// Ellipses, spaced and not.
	{"ellipsis", "The law says . . . nothing about that. The court agreed.",
		[]string{"The law says . . . nothing about that.", "The court agreed."}},
	{"ellipsis", "It ended with a whimper . . . . The next day was calm.",
		[]string{"It ended with a whimper . . . .", "The next day was calm."}},
	{"ellipsis", "I wanted to say . . . I don't know what I wanted to say.",
		[]string{"I wanted to say . . . I don't know what I wanted to say."}},
	{"ellipsis", "Prices rose. . . . Then they fell again.",
		[]string{"Prices rose. . . .", "Then they fell again."}},
	{"ellipsis", "The minister said she would “consider . . . all options.” Nobody believed her.",
		[]string{"The minister said she would “consider . . . all options.”", "Nobody believed her."}},
	{"ellipsis", "Wait for it… The results are in.", []string{"Wait for it…", "The results are in."}},

	// Numbers after No. and N°.
	{"number abbreviation", "The bill is No. 42 on the list. It passed.",
		[]string{"The bill is No. 42 on the list.", "It passed."}},
	{"number abbreviation", "She lives at N°. 5 Rue Royale. It is small.",
		[]string{"She lives at N°. 5 Rue Royale.", "It is small."}},
	{"number abbreviation", "Form N° 12 is missing. Nos. 13 and 14 are here.",
		[]string{"Form N° 12 is missing.", "Nos. 13 and 14 are here."}},
	{"number abbreviation", "Read Art. 5 and para. 3 of the treaty. Then sign.",
		[]string{"Read Art. 5 and para. 3 of the treaty.", "Then sign."}},
	{"number abbreviation", "The answer was no. 12 people voted against.",
		[]string{"The answer was no.", "12 people voted against."}},

	// Parenthetical citations after a quotation.
	{"citation", "“Mines kill long after wars end.” (Monitor, 2023) The report was cited widely.",
		[]string{"“Mines kill long after wars end.” (Monitor, 2023)", "The report was cited widely."}},
	{"citation", "He wrote that “the treaty failed.” (p. 14) Critics disagreed.",
		[]string{"He wrote that “the treaty failed.” (p. 14)", "Critics disagreed."}},
	{"citation", "“Prices will fall.” (Lee and Park 2021, pp. 3–5). Few agreed.",
		[]string{"“Prices will fall.” (Lee and Park 2021, pp. 3–5).", "Few agreed."}},
	{"citation", "The rate is 4%. (See the table below.) It may change.",
		[]string{"The rate is 4%.", "(See the table below.)", "It may change."}},

	// a.m., p.m. and times.
	{"time", "Polls closed at 8 p.m. Officials began counting.",
		[]string{"Polls closed at 8 p.m.", "Officials began counting."}},
	{"time", "The blast came at 5:40 a.m. Tuesday, police said.",
		[]string{"The blast came at 5:40 a.m. Tuesday, police said."}},
	{"time", "The hearing starts at 10:30 a.m. Eastern time. Bring ID.",
		[]string{"The hearing starts at 10:30 a.m. Eastern time.", "Bring ID."}},
	{"time", "At 9 a.m. Mr. Lee opened the doors. He closed them at 5 P.M. Then he left.",
		[]string{"At 9 a.m. Mr. Lee opened the doors.", "He closed them at 5 P.M.", "Then he left."}},
	{"time", "The train left at 6.15 p.m. and arrived at 9 p.m. The trip was smooth.",
		[]string{"The train left at 6.15 p.m. and arrived at 9 p.m.", "The trip was smooth."}},
	{"time", "It ends at noon. At 12:30 the doors open.",
		[]string{"It ends at noon.", "At 12:30 the doors open."}},

	// Utterances cut off with a dash.
	{"cut off", "“We need to talk about the—” “Not now,” she said.",
		[]string{"“We need to talk about the—”", "“Not now,” she said."}},
	{"cut off", "I was about to say— The line went dead.",
		[]string{"I was about to say—", "The line went dead."}},
	{"cut off", "“If the council votes--” He stopped. Nobody spoke.",
		[]string{"“If the council votes--”", "He stopped.", "Nobody spoke."}},
	{"cut off", "The missiles — ATACMS — were sent. Russia objected.",
		[]string{"The missiles — ATACMS — were sent.", "Russia objected."}},
	{"cut off", "Three cities—Kyiv, Lviv and Odesa—were hit. Power failed.",
		[]string{"Three cities—Kyiv, Lviv and Odesa—were hit.", "Power failed."}},

	// Classic abbreviations and quotes, kept working.
	{"classic", "Dr. Okafor met the U.S. envoy at 3 p.m. on Jan. 5. They talked.",
		[]string{"Dr. Okafor met the U.S. envoy at 3 p.m. on Jan. 5.", "They talked."}},
	{"classic", "She asked, “Why now?” He shrugged.", []string{"She asked, “Why now?”", "He shrugged."}},
	{"classic", "The firm, Acme Inc., grew 5.5% in 2023. Its rival shrank.",
		[]string{"The firm, Acme Inc., grew 5.5% in 2023.", "Its rival shrank."}},
	{"classic", "He holds a Ph.D. from MIT. She does too.", []string{"He holds a Ph.D. from MIT.", "She does too."}},
}

func TestSplitHard(t *testing.T) {
	perClass := map[string][2]int{}
	var classes []string
	right := 0
	for _, tc := range hardCases {
		got := sentences(tc.in)
		c := perClass[tc.class]
		if c[1] == 0 {
			classes = append(classes, tc.class)
		}
		c[1]++
		if slices.Equal(got, tc.want) {
			c[0]++
			right++
		} else {
			t.Errorf("%s: Split(%q)\n got %q\nwant %q", tc.class, tc.in, got, tc.want)
		}
		perClass[tc.class] = c
		checkSpans(t, tc.in, Split(tc.in))
	}
	for _, c := range classes {
		t.Logf("%-20s %d/%d", c, perClass[c][0], perClass[c][1])
	}
	t.Logf("overall %d/%d = %.1f%%", right, len(hardCases), 100*float64(right)/float64(len(hardCases)))
}
