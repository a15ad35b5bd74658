package spot

import "testing"

// TestAttribute has cases per attribution pattern: each names the
// claimant (or none) and the claim span, as text.
func TestAttribute(t *testing.T) {
	cases := []struct {
		name     string
		text     string // the last sentence is checked
		claimant string // "" for none
		claim    string
	}{
		{"X said that",
			"Alicia Moreno said that the plant would close in March.",
			"Alicia Moreno", "the plant would close in March"},
		{"X said, no that",
			"The Pentagon said 300 mines were shipped last week.",
			"The Pentagon", "300 mines were shipped last week"},
		{"title and descriptor before the name",
			"Opposition finance spokesman Karl Weiss said the rate cut came too late.",
			"Karl Weiss", "the rate cut came too late"},
		{"common-noun source",
			"Two U.S. officials said the transfer was approved on Monday.",
			"Two U.S. officials", "the transfer was approved on Monday"},
		{"claim, X said",
			"Exports fell 8.2% in October, the statistics agency said.",
			"the statistics agency", "Exports fell 8.2% in October"},
		{"claim, X said with a time",
			"More than 160 countries have joined the treaty, officials said on Tuesday.",
			"officials", "More than 160 countries have joined the treaty"},
		{"claim, said X",
			"The dam holds 40 million cubic metres, said Jonas Berg, the site's engineer.",
			"Jonas Berg", "The dam holds 40 million cubic metres"},
		{"according to X, claim",
			"According to the Labor Department, unemployment fell to 3.9% in March.",
			"the Labor Department", "unemployment fell to 3.9% in March"},
		{"claim, according to X",
			"Unemployment fell to 3.9% in March, according to the Labor Department.",
			"the Labor Department", "Unemployment fell to 3.9% in March"},
		{"X told Reuters",
			"Maria Lopez told Reuters the company had cut 1,200 jobs.",
			"Maria Lopez", "the company had cut 1,200 jobs"},
		{"X told reporters that",
			"The minister told reporters on Monday that exports had doubled.",
			"The minister", "exports had doubled"},
		{"quote, X said",
			"“We ran out of cards by 11 o'clock,” Ferreira said.",
			"Ferreira", "We ran out of cards by 11 o'clock"},
		{"quote, said X of Y",
			"“What we are seeing is a collapse,” said glaciologist Karin Edel of the Federal Institute.",
			"Karin Edel", "What we are seeing is a collapse"},
		{"quote, she said, name before",
			"Dr. Ruth Alvarez runs the port. “The new berth paid for itself in two years,” she said.",
			"Dr. Ruth Alvarez", "The new berth paid for itself in two years"},
		{"she said after an attributed sentence",
			"Exports rose, Mayor Ana Ruiz said. She said the port had hired 40 people.",
			"Mayor Ana Ruiz", "the port had hired 40 people"},
		{"the report noted",
			"A report by the Glacier Network was released on Thursday. The report noted that the Alps lost 4% of their ice.",
			"The report", "the Alps lost 4% of their ice"},
		{"the study found",
			"The study found that 2,131 participants developed dementia.",
			"The study", "2,131 participants developed dementia"},
		{"quotation goes on",
			"“What we see is a collapse,” said Karin Edel. “The ice will not come back.”",
			"Karin Edel", "The ice will not come back"},
		{"own voice",
			"The council approved the budget on Tuesday.",
			"", "The council approved the budget on Tuesday."},
		{"found the verb is no attribution",
			"Police found the car in a field near Dayton.",
			"", "Police found the car in a field near Dayton."},
	}
	right := 0
	for _, tc := range cases {
		spans := Split(tc.text)
		attrs := Attribute(tc.text, spans)
		a := attrs[len(attrs)-1]
		got := ""
		if a.Claimant != nil {
			got = *a.Claimant
		}
		claim := tc.text[a.ClaimStart:a.ClaimEnd]
		if got != tc.claimant || claim != tc.claim {
			t.Errorf("%s: %q\n got claimant %q, claim %q\nwant claimant %q, claim %q", tc.name, tc.text, got, claim, tc.claimant, tc.claim)
			continue
		}
		right++
	}
	t.Logf("claimant and span right on %d of %d pattern cases", right, len(cases))
}

// TestAttributeMore covers the shapes news takes around those patterns.
func TestAttributeMore(t *testing.T) {
	cases := []struct{ text, claimant string }{
		{"Dr. Samuel Okafor, who leads the program, said 27 children had been admitted.", "Dr. Samuel Okafor"},
		{"No deaths have been reported.", ""},
		{"Dementia affects an estimated 57 million people worldwide.", ""},
		{"Governor Hannah Brandt has said that the bank should wait.", "Governor Hannah Brandt"},
		{"“Small stores were told to sign,” said attorney Miriam Castellanos of Castellanos & Reed.", "Miriam Castellanos"},
		{"The risk fell up to 9,800 steps, after which there was no benefit, said lead author Dr. Ingrid Solberg.", "Dr. Ingrid Solberg"},
		{"“We want a timetable,” said a spokesman for the Harlow Taxpayers' Alliance.", "the Harlow Taxpayers' Alliance"},
		{"The $4.2 million project added a study area and a makerspace.", ""},
		{"Leila Haddad won the runoff on Sunday, the commission said. “Harlow chose change,” she told supporters.", "Leila Haddad"},
	}
	for _, tc := range cases {
		attrs := Attribute(tc.text, Split(tc.text))
		a := attrs[len(attrs)-1]
		got := ""
		if a.Claimant != nil {
			got = *a.Claimant
		}
		if got != tc.claimant {
			t.Errorf("%q: claimant %q, want %q", tc.text, got, tc.claimant)
		}
	}
}
