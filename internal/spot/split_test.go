package spot

import (
	"slices"
	"testing"
	"unicode/utf8"
)

// sentences returns the texts of Split(text).
func sentences(text string) []string {
	out := []string{}
	for _, sp := range Split(text) {
		out = append(out, text[sp.Start:sp.End])
	}
	return out
}

var splitCases = []struct {
	name string
	in   string
	want []string
}{
	{"empty", "", []string{}},
	{"only space", " \n\t\u00a0\n\ufeff ", []string{}},
	{"trim", "  \n Hello world.  \n\n ", []string{"Hello world."}},
	{"two plain", "The council met. It voted.", []string{"The council met.", "It voted."}},

	// Abbreviations and initials.
	{"U.S. President", "U.S. President Joe Biden spoke on Nov. 17 in Washington. He was brief.",
		[]string{"U.S. President Joe Biden spoke on Nov. 17 in Washington.", "He was brief."}},
	{"U.S. at sentence end", "The talks ended in the U.S. The delegates flew home.",
		[]string{"The talks ended in the U.S.", "The delegates flew home."}},
	{"U.S. lowercase", "Two U.S. officials confirmed it. Nobody else did.",
		[]string{"Two U.S. officials confirmed it.", "Nobody else did."}},
	{"titles", "Dr. Jane Okafor met Mr. Brown and Mrs. Li. They talked.",
		[]string{"Dr. Jane Okafor met Mr. Brown and Mrs. Li.", "They talked."}},
	{"No. 3 and Jan.", "The vote is on Jan. 5. No. 3 seed Ana Ruiz lost.",
		[]string{"The vote is on Jan. 5.", "No. 3 seed Ana Ruiz lost."}},
	{"No. as a word", "He said no. Then he left.", []string{"He said no.", "Then he left."}},
	{"e.g.", "Some countries, e.g. Norway, agreed. Others did not.",
		[]string{"Some countries, e.g. Norway, agreed.", "Others did not."}},
	{"initials", "J. Smith and George W. Bush attended. Justice R. A. Moreno wrote it.",
		[]string{"J. Smith and George W. Bush attended.", "Justice R. A. Moreno wrote it."}},
	{"initial before function word", "They chose Plan B. The rest failed.",
		[]string{"They chose Plan B.", "The rest failed."}},
	{"a.m. p.m.", "Polls closed at 8 p.m. Friday. Counting began at 9 p.m. The result came later.",
		[]string{"Polls closed at 8 p.m. Friday.", "Counting began at 9 p.m.", "The result came later."}},
	{"Inc. mid-sentence", "Apple Inc. said profits rose. The shares fell.",
		[]string{"Apple Inc. said profits rose.", "The shares fell."}},
	{"St.", "She moved to St. Louis in 2010. It was cold.",
		[]string{"She moved to St. Louis in 2010.", "It was cold."}},
	{"Ph.D.", "She earned a Ph.D. in physics. Then she taught.",
		[]string{"She earned a Ph.D. in physics.", "Then she taught."}},

	// Numbers.
	{"decimals and percentages", "Prices rose 2.35% in May. Rates were 10-20% higher. The deal was worth $1.5 billion. It closed.",
		[]string{"Prices rose 2.35% in May.", "Rates were 10-20% higher.", "The deal was worth $1.5 billion.", "It closed."}},
	{"sentence ends in number", "The toll rose to 12. Rescuers kept digging.",
		[]string{"The toll rose to 12.", "Rescuers kept digging."}},
	{"next sentence starts with number", "Voting ended. 12 people were arrested.",
		[]string{"Voting ended.", "12 people were arrested."}},

	// Quotes.
	{"quote continues", `"...we will not accept these transfers," ICBL said Wednesday. Others agreed.`,
		[]string{`"...we will not accept these transfers," ICBL said Wednesday.`, "Others agreed."}},
	{"quote ends", `"We will act." He left.`, []string{`"We will act."`, "He left."}},
	{"curly quotes", "“Is it safe?” she asked. “Yes.” He nodded.",
		[]string{"“Is it safe?” she asked.", "“Yes.”", "He nodded."}},
	{"question then speech tag", `"Why now?" Smith asked. Nobody answered.`,
		[]string{`"Why now?" Smith asked.`, "Nobody answered."}},
	{"exclamation then new sentence", "“Stop!” The crowd froze.", []string{"“Stop!”", "The crowd froze."}},
	{"quoted word then period", "She called it “reckless.” Then she left.",
		[]string{"She called it “reckless.”", "Then she left."}},
	{"single quotes", "He wrote 'It is over.' Nobody replied.", []string{"He wrote 'It is over.'", "Nobody replied."}},
	{"brackets inside quotes", "They called it a “policy decision[] based on the battlefield.” I found nothing else.",
		[]string{"They called it a “policy decision[] based on the battlefield.”", "I found nothing else."}},
	{"parenthesis", "Mines were sent (see below.) Russia objected. (Policy)",
		[]string{"Mines were sent (see below.)", "Russia objected.", "(Policy)"}},
	{"footnote", "It was a matter of policy.[1] The administration declined.",
		[]string{"It was a matter of policy.[1]", "The administration declined."}},

	// Dashes and ellipses.
	{"em dash", "The missiles—ATACMS—were sent to Kyiv. Russia objected — loudly. It warned of retaliation.",
		[]string{"The missiles—ATACMS—were sent to Kyiv.", "Russia objected — loudly.", "It warned of retaliation."}},
	{"ellipsis before lowercase", "He paused... and then continued. It was late.",
		[]string{"He paused... and then continued.", "It was late."}},
	{"unicode ellipsis before lowercase", "Wait… then what? Nothing.", []string{"Wait… then what?", "Nothing."}},
	{"ellipsis before capital", "It ended... The crowd left.", []string{"It ended...", "The crowd left."}},
	{"spaced ellipsis", "a nuclear power . . . .as well as when. Next one.",
		[]string{"a nuclear power . . . .as well as when.", "Next one."}},
	{"doubled period", "He left.. Then he came back.", []string{"He left..", "Then he came back."}},
	{"question then lowercase", "Why? because it rained. Fine.", []string{"Why? because it rained.", "Fine."}},
	{"exclamation in name", "Yahoo! is a company. So is Acme.", []string{"Yahoo! is a company.", "So is Acme."}},

	// Lines, headings and by-lines.
	{"heading", "Policy Background\nAnti-personnel mines are banned. They persist.",
		[]string{"Policy Background", "Anti-personnel mines are banned.", "They persist."}},
	{"byline", "By Jane Doe\nThe council voted.", []string{"By Jane Doe", "The council voted."}},
	{"dateline and reading time", "November 20, 2024 at 9:00 PM\n\n2 minutes read\n\nThe vote passed.",
		[]string{"November 20, 2024 at 9:00 PM", "2 minutes read", "The vote passed."}},
	{"blank line ends paragraph", "First paragraph without a period\n\nsecond paragraph.",
		[]string{"First paragraph without a period", "second paragraph."}},
	{"hard-wrapped prose", "The council approved the budget on Tuesday after a long\ndebate about transit. It passed.",
		[]string{"The council approved the budget on Tuesday after a long\ndebate about transit.", "It passed."}},
	{"section numbers", "I. What happened?\nII. International Humanitarian Law\nA. Violations\n1. Background",
		[]string{"I. What happened?", "II. International Humanitarian Law", "A. Violations", "1. Background"}},
	{"CRLF", "Headline\r\n\r\nBody one. Body two.\r\n", []string{"Headline", "Body one.", "Body two."}},

	// List markers belong to no sentence, but only in a run of list items.
	{"bullet list", "What the law does\n\n- Allows six stories near stations\n- Caps reviews at 90 days\n\nCritics objected.",
		[]string{"What the law does", "Allows six stories near stations", "Caps reviews at 90 days", "Critics objected."}},
	{"bullet list with blank lines and CRLF", "• First item.\r\n\r\n• Second item. It has two sentences.\r\n",
		[]string{"First item.", "Second item.", "It has two sentences."}},
	{"numbered list", "Three things:\n\n1. Signal further cuts.\n2. Stop selling bonds.\n3) Publish forecasts.",
		[]string{"Three things:", "Signal further cuts.", "Stop selling bonds.", "Publish forecasts."}},
	{"lone numbered heading keeps its number", "1. Background\nThe law passed.\n\n2. Reaction\nCritics objected.",
		[]string{"1. Background", "The law passed.", "2. Reaction", "Critics objected."}},
	{"mixed markers are no list", "- One view\n1. Background",
		[]string{"- One view", "1. Background"}},
	{"negative numbers are no markers", "-5C overnight.\n-3C by day.", []string{"-5C overnight.", "-3C by day."}},
	{"marker without text", "-\n- \n-", []string{"-", "-", "-"}},

	// Credits at the end of a caption stay with it.
	{"photo credit with slash", "Children read on Saturday. (Dev Patel/The Courier)\nThe library reopened.",
		[]string{"Children read on Saturday. (Dev Patel/The Courier)", "The library reopened."}},
	{"photo credit with credit word", "Crowds gather outside. (Photo: Jane Doe)",
		[]string{"Crowds gather outside. (Photo: Jane Doe)"}},
	{"parenthetical sentence is no credit", "He left. (See the related story/video.) Then he spoke.",
		[]string{"He left.", "(See the related story/video.)", "Then he spoke."}},
	{"credit not at line end", "He left. (Photo: AP) Then he spoke.",
		[]string{"He left.", "(Photo: AP) Then he spoke."}},
	{"single line break after sentence", "It rained.\nThe match went on.", []string{"It rained.", "The match went on."}},

	// Damaged text.
	{"mojibake apostrophe", "Ukraineâ€™s army said it was ready. It moved.",
		[]string{"Ukraineâ€™s army said it was ready.", "It moved."}},
	{"mojibake closing quote", "He called it â€œshocking.â€\u009d She left.",
		[]string{"He called it â€œshocking.â€\u009d", "She left."}},
	{"mojibake quote opens sentence", "It was late. â€œWe will act,â€ he said.",
		[]string{"It was late.", "â€œWe will act,â€ he said."}},
	{"replacement character", "The town of Kr\ufffdnsby voted. Turnout was high.",
		[]string{"The town of Kr\ufffdnsby voted.", "Turnout was high."}},
	{"invalid byte mid-word", "The caf\xe9 closed. It reopened.", []string{"The caf\xe9 closed.", "It reopened."}},
	{"invalid byte after period", "The caf\xe9 closed.\xff It reopened.", []string{"The caf\xe9 closed.\xff It reopened."}},
	{"Windows-1252 closing quote byte", "He said \x93no.\x94 Then he left.",
		[]string{"He said \x93no.\x94", "Then he left."}},
	{"NBSP line", "One.\n\u00a0\nTwo.", []string{"One.", "Two."}},
	{"CJK", "我们赢了。他们输了。", []string{"我们赢了。", "他们输了。"}},
}

func TestSplit(t *testing.T) {
	for _, tc := range splitCases {
		t.Run(tc.name, func(t *testing.T) {
			got := sentences(tc.in)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Split(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			checkSpans(t, tc.in, Split(tc.in))
		})
	}
}

func TestSplitOffsets(t *testing.T) {
	text := "Headline\n\n  “Quote,” she said.  It fell 2.5%.\n"
	got := Split(text)
	want := []Span{{0, 8}, {12, 34}, {36, 49}}
	if !slices.Equal(got, want) {
		t.Fatalf("Split = %v, want %v", got, want)
	}
}

// checkSpans asserts the contract of Split for any input.
func checkSpans(t *testing.T, text string, spans []Span) {
	t.Helper()
	if spans == nil {
		t.Fatalf("Split(%q) = nil, want non-nil", text)
	}
	prev := 0
	for i, sp := range spans {
		if sp.Start < prev || sp.End <= sp.Start || sp.End > len(text) {
			t.Fatalf("Split(%q): span %d %v out of order, empty or out of bounds (previous end %d)", text, i, sp, prev)
		}
		prev = sp.End
		s := text[sp.Start:sp.End]
		first, _ := utf8.DecodeRuneInString(s)
		last, _ := utf8.DecodeLastRuneInString(s)
		if isSpace(first) || isSpace(last) {
			t.Fatalf("Split(%q): span %d %q has surrounding space", text, i, s)
		}
	}
}
