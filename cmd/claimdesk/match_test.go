package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMatchIOContract runs `claimdesk match` on a file and checks the
// output shape of DESIGN.md: one line per query in input order,
// {"query":"ID","ranked":["ID",…]}, ids as given whether strings or
// numbers, best first.
func TestMatchIOContract(t *testing.T) {
	input := `{"claims":[
		{"id":"c-bike","text":"Bike lanes increase traffic deaths in cities.","title":"Do bike lanes make streets deadlier?"},
		{"id":7,"text":"More than 160 countries have signed the Mine Ban Treaty."},
		{"id":"c-carrot","text":"Eating carrots improves night vision."}
	],"queries":[
		{"id":"q1","text":"160 countries signed the treaty that bans landmines"},
		{"id":2,"text":"New bike lanes will mean more traffic deaths, he said."},
		{"id":"q3","text":"zzz qqq"}
	]}`
	file := filepath.Join(t.TempDir(), "in.json")
	if err := os.WriteFile(file, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "", "match", file)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"query":"q1","ranked":["7"]}
{"query":"2","ranked":["c-bike"]}
{"query":"q3","ranked":[]}
`
	if out != want {
		t.Errorf("match printed\n%s\nwant\n%s", out, want)
	}
	// The same from stdin.
	if out2, _, err := runCLI(t, input, "match", "-"); err != nil || out2 != out {
		t.Errorf("match - = %q, %v", out2, err)
	}
}

func TestMatchRejectsBadInput(t *testing.T) {
	for name, in := range map[string]string{
		"not json":    "claims",
		"bad id":      `{"claims":[{"id":true,"text":"x"}],"queries":[]}`,
		"missing id":  `{"claims":[{"text":"x"}],"queries":[]}`,
		"query no id": `{"claims":[],"queries":[{"text":"x"}]}`,
	} {
		if _, _, err := runCLI(t, in, "match", "-"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, _, err := runCLI(t, "", "match"); err == nil || !strings.Contains(err.Error(), "FILE") {
		t.Errorf("no file: %v", err)
	}
}
