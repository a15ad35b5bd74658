package spot

import (
	"math"
	"slices"
	"testing"
)

func TestScoreClaims(t *testing.T) {
	cases := []struct {
		sentence string
		reasons  []string // must all be present
	}{
		{"The unemployment rate fell to 3.9% in March, according to the Labor Department.",
			[]string{ReasonNumber, ReasonDate, ReasonAttribution}},
		{"More than 160 countries have signed the Ottawa Convention, which bans antipersonnel mines.",
			[]string{ReasonNumber, ReasonEntity, ReasonComparison, ReasonLegal}},
		{"The factory laid off 1,200 workers last year because orders dropped by a third.",
			[]string{ReasonNumber, ReasonDate}},
		{"NATO said Russian forces fired 40 missiles at Kyiv overnight.",
			[]string{ReasonNumber, ReasonEntity, ReasonAttribution}},
		{"Neither Russia nor the United States has ratified the Mine Ban Treaty.",
			[]string{ReasonEntity, ReasonLegal}},
		{"The drought was the worst since 1976, the Met Office reported on Tuesday.",
			[]string{ReasonDate, ReasonEntity, ReasonAttribution, ReasonComparison}},
		{"Hospital admissions rose 12% in the week to Sunday.",
			[]string{ReasonNumber, ReasonDate, ReasonComparison}},
		{"Ukrainian forces have struggled to hold the line near Pokrovsk since the summer.", nil},
	}
	for _, tc := range cases {
		score, reasons := Score(tc.sentence)
		if score < DefaultThreshold() {
			t.Errorf("Score(%q) = %.2f %v, want >= DefaultThreshold() %.2f", tc.sentence, score, reasons, DefaultThreshold())
		}
		for _, r := range tc.reasons {
			if !slices.Contains(reasons, r) {
				t.Errorf("Score(%q) reasons %v, want %q among them", tc.sentence, reasons, r)
			}
		}
	}
}

func TestScoreNonClaims(t *testing.T) {
	cases := []struct {
		sentence string
		reason   string // must be present
	}{
		{"I think the government should resign.", ReasonOpinion},
		{"This is an outrageous and shocking decision.", ReasonOpinion},
		{"Is the vaccine safe for children?", ReasonQuestion},
		{"Inflation will likely ease next year, analysts forecast.", ReasonPrediction},
		{"The bank is expected to cut rates in June.", ReasonPrediction},
		{"We urge readers to check the facts themselves.", ReasonFirstPerson},
		{"We should not send more weapons.", ReasonFirstPerson},
		{"Perhaps the talks could still succeed.", ReasonHedge},
		{"Breaking News", ReasonHeading},
		{"Climate Talks Collapse in Bonn", ReasonHeading},
		{"By Jane Doe | Updated 5:12 p.m.", ReasonHeading},
		{"Thank you.", ReasonShort},
		{"", ReasonHeading},
		{"!!!", ReasonShort},
	}
	for _, tc := range cases {
		score, reasons := Score(tc.sentence)
		if score >= DefaultThreshold() {
			t.Errorf("Score(%q) = %.2f %v, want < DefaultThreshold() %.2f", tc.sentence, score, reasons, DefaultThreshold())
		}
		if !slices.Contains(reasons, tc.reason) {
			t.Errorf("Score(%q) reasons %v, want %q among them", tc.sentence, reasons, tc.reason)
		}
	}
}

func TestScoreContract(t *testing.T) {
	for _, s := range []string{"", " ", "x", "\xff\xfe", "It rained.", "Why?", "The 2.35% rise was the largest since 1990, officials said."} {
		score, reasons := Score(s)
		if score < 0 || score > 1 {
			t.Errorf("Score(%q) = %v, want within [0, 1]", s, score)
		}
		if reasons == nil {
			t.Errorf("Score(%q) reasons = nil, want non-nil", s)
		}
		// Reasons are known names, each once, at most maxReasons.
		if len(reasons) > maxReasons {
			t.Errorf("Score(%q) gave %d reasons, want at most %d", s, len(reasons), maxReasons)
		}
		for i, r := range reasons {
			if !slices.Contains(reasonName[:], r) || slices.Contains(reasons[:i], r) {
				t.Errorf("Score(%q) reasons %v: %q unknown or repeated", s, reasons, r)
			}
		}
	}
}

func TestScoreOrdersClaimsAboveOpinions(t *testing.T) {
	claim, _ := Score("Exports fell 8.2% in October from a year earlier, the statistics agency said.")
	plain, _ := Score("The minister visited the port and spoke to workers about the new terminal.")
	opinion, _ := Score("It is a disgrace that the minister should waste our time like this.")
	if !(claim > plain && plain > opinion) {
		t.Errorf("want claim %.2f > plain %.2f > opinion %.2f", claim, plain, opinion)
	}
}

func TestScoreMojibake(t *testing.T) {
	clean, cleanReasons := Score("Russia’s army fired 40 missiles, Ukraine’s air force said.")
	damaged, damagedReasons := Score("Russiaâ€™s army fired 40 missiles, Ukraineâ€™s air force said.")
	if clean != damaged || !slices.Equal(cleanReasons, damagedReasons) {
		t.Errorf("mojibake changed the score: %.2f %v vs %.2f %v", clean, cleanReasons, damaged, damagedReasons)
	}
}

// TestScoreRules pins the cues added after the blind evaluation: each case
// states whether a reason must or must not fire and which side of the
// DefaultThreshold() the sentence lands on.
func TestScoreRules(t *testing.T) {
	cases := []struct {
		name     string
		sentence string
		has      string // reason that must be present, if any
		hasNot   string // reason that must be absent, if any
		flagged  bool
	}{
		{"say after a modal reports nothing", `"But we can't say walking causes the lower risk."`, "", ReasonAttribution, false},
		{"say after a subject reports", "Experts say walking cut the risk by 38% in the study.", ReasonAttribution, "", true},
		{"remains to be seen is a hedge", "Whether the new building can win back readers lost during the closure remains to be seen.", ReasonHedge, "", false},
		{"contact line is a by-line", "Contact Karen Oduya at koduya@example.com or 541-555-0142.", ReasonHeading, "", false},
		{"unattributed whole quote", `"The real problem is that nobody wants to pay to keep tanks full in a mild year."`, ReasonOpinion, "", false},
		{"end of a multi-sentence quote", `But people are sleeping in their cars... and we're arguing about parking spaces."`, ReasonOpinion, "", false},
		{"whole quote with a figure stays a claim", "“But our members have lost 12% of their pay to inflation since 2021.”", ReasonOpinion, "", true},
		{"attributed quote is no whole quote", `"We ran out of library cards by 11 o'clock," Ferreira said.`, ReasonAttribution, ReasonOpinion, true},
		{"quoted question with short tag", `"Is it perfect?" Raman asked.`, ReasonQuestion, "", false},
		{"quoted question with long tag", `"Who asked for this?" said Mayor Daniel Ortiz of Glenfield, a suburb of about 40,000 people.`, "", ReasonQuestion, true},
		{"list number is no figure", "1. Publish the forecasts of individual committee members.", "", ReasonNumber, false},
		{"bare source noun is no attribution", "The study has limitations.", "", ReasonAttribution, false},
		{"source noun with a reporting verb", "The study found that 2,131 participants developed dementia.", ReasonAttribution, "", true},
	}
	for _, tc := range cases {
		score, reasons := Score(tc.sentence)
		if tc.has != "" && !slices.Contains(reasons, tc.has) {
			t.Errorf("%s: Score(%q) reasons %v, want %q among them", tc.name, tc.sentence, reasons, tc.has)
		}
		if tc.hasNot != "" && slices.Contains(reasons, tc.hasNot) {
			t.Errorf("%s: Score(%q) reasons %v, want no %q", tc.name, tc.sentence, reasons, tc.hasNot)
		}
		if got := score >= DefaultThreshold(); got != tc.flagged {
			t.Errorf("%s: Score(%q) = %.2f %v, flagged %v, want %v", tc.name, tc.sentence, score, reasons, got, tc.flagged)
		}
	}
}

func TestWholeQuote(t *testing.T) {
	for s, want := range map[string]bool{
		`"That ends today."`:            true,
		"“That ends today.”":            true,
		`"No.`:                          true,
		`it ends here."`:                true,
		`"We act," she said.`:           false,
		`She called it "long overdue."`: false,
		"No quotes at all.":             false,
		`""`:                            false, // no words
		`"`:                             false,
		"":                              false,
	} {
		if got := wholeQuote(s); got != want {
			t.Errorf("wholeQuote(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestScorePatterns pins the cue fixes of issue 13 as patterns: each pair
// or case says which way a cue must go, not what number comes out.
func TestScorePatterns(t *testing.T) {
	th := DefaultThreshold()
	cases := []struct {
		name     string
		sentence string
		has      string
		hasNot   string
		flagged  bool
	}{
		{"you is not first person", "Your family got three and a half million dollars.", ReasonNumber, ReasonFirstPerson, true},
		{"spelled-out number is a figure", "He vetoed forty-two bills in his first term.", ReasonNumber, "", true},
		{"OK is no entity", "OK, I'd like to answer.", "", ReasonEntity, false},
		{"idiom is no figure", "We want people to stand on their own two feet.", "", ReasonNumber, false},
		{"rhetorical superlative is no comparison", "This is the greatest country in the world.", "", ReasonComparison, false},
		{"superlative with a date compares", "Unemployment fell to 3.5% last year, the lowest since 1969.", ReasonComparison, "", true},
		{"was going to is no prediction", "I was going to call the governor that night.", "", ReasonPrediction, false},
		{"is going to is a prediction", "The company is going to close 12 plants next year.", ReasonPrediction, "", false},
		{"found the verb is no attribution", "Police found the car in a field near Dayton.", "", ReasonAttribution, false},
		{"a finding is attribution", "The audit found that 40% of contracts were never tendered.", ReasonAttribution, "", true},
		{"say the noun is no attribution", "Residents want a say in how the money is spent.", "", ReasonAttribution, false},
		{"personal anecdote with numbers", "I had two kids and three jobs when I was your age.", "", "", false},
		{"attributed opinion", "Critics said the plan was reckless and would fail.", "", "", false},
		{"headline stating a claim", "Drought Cuts Wheat Harvest to Lowest Level in a Decade", "", ReasonHeading, true},
		{"section heading", "Policy Background", ReasonHeading, "", false},
		{"date line", "March 4, 2025", "", "", false},
	}
	for _, tc := range cases {
		score, reasons := Score(tc.sentence)
		if tc.has != "" && !slices.Contains(reasons, tc.has) {
			t.Errorf("%s: Score(%q) reasons %v, want %q among them", tc.name, tc.sentence, reasons, tc.has)
		}
		if tc.hasNot != "" && slices.Contains(reasons, tc.hasNot) {
			t.Errorf("%s: Score(%q) reasons %v, want no %q", tc.name, tc.sentence, reasons, tc.hasNot)
		}
		if got := score >= th; got != tc.flagged {
			t.Errorf("%s: Score(%q) = %.2f %v, flagged %v, want %v", tc.name, tc.sentence, score, reasons, got, tc.flagged)
		}
	}
	// A fact inside a question or behind a modal still counts: the
	// question scores below the statement but far above a bare question.
	stmt, _ := Score("Unemployment rose 10% last year.")
	q, _ := Score("Why did unemployment rise 10% last year?")
	bare, _ := Score("Why are we here?")
	if !(stmt >= q && q > bare+0.2) {
		t.Errorf("statement %.2f >= question with a fact %.2f > bare question %.2f + 0.2 does not hold", stmt, q, bare)
	}
	// Spelled-out and written figures score alike.
	words, _ := Score("He vetoed forty-two bills in his first term.")
	digits, _ := Score("He vetoed 42 bills in his first term.")
	if math.Abs(words-digits) > 0.1 {
		t.Errorf("forty-two %.2f vs 42 %.2f differ by more than 0.1", words, digits)
	}
}
