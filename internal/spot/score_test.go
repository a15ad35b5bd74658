package spot

import (
	"slices"
	"testing"
)

func TestScoreClaims(t *testing.T) {
	cases := []struct {
		sentence string
		reasons  []string // must all be present
	}{
		{"The unemployment rate fell to 3.9% in March, according to the Labor Department.",
			[]string{ReasonNumber, ReasonDate, ReasonEntity, ReasonAttribution, ReasonComparison}},
		{"More than 160 countries have signed the Ottawa Convention, which bans antipersonnel mines.",
			[]string{ReasonNumber, ReasonEntity, ReasonComparison, ReasonLegal}},
		{"The factory laid off 1,200 workers last year because orders dropped by a third.",
			[]string{ReasonNumber, ReasonDate, ReasonCausal}},
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
		if score < Threshold {
			t.Errorf("Score(%q) = %.2f %v, want >= Threshold %.2f", tc.sentence, score, reasons, Threshold)
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
		{"Why did prices rise 10% in a single month?", ReasonQuestion},
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
		if score >= Threshold {
			t.Errorf("Score(%q) = %.2f %v, want < Threshold %.2f", tc.sentence, score, reasons, Threshold)
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
		// Reasons come in the documented order, each once.
		last := -1
		for _, r := range reasons {
			i := slices.Index(reasonName[:], r)
			if i <= last {
				t.Errorf("Score(%q) reasons %v out of order or unknown", s, reasons)
			}
			last = i
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
// Threshold the sentence lands on.
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
		if got := score >= Threshold; got != tc.flagged {
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
