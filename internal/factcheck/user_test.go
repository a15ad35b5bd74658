package factcheck

import (
	"strings"
	"testing"
)

func TestValidatePassword(t *testing.T) {
	cases := []struct {
		pw     string
		inputs []string
		want   string // "" when accepted, else part of the message
	}{
		{"correct horse battery", nil, ""},
		{"quartz lantern orbit meadow", []string{"ed@paper.example", "Ed Example"}, ""},
		{"short", nil, "at least 12 characters"},
		{"elevenchars", nil, "at least 12 characters"},
		{"ééééééééééé", nil, "at least 12 characters"}, // 11 characters, 22 bytes
		{"password123!", nil, "common"},
		{"password1234", nil, "common"},
		{"aaaaaaaaaaaa", nil, "repeated"},
		{"qwertyuiop[]", nil, "keyboard"},
		{"abcdefghijklm", nil, "sequences"},
		{"maria.gonzalez@paper.example", []string{"maria.gonzalez@paper.example", "Maria Gonzalez"}, "your name or email"},
		{strings.Repeat("long words ", 7), nil, "at most 72 bytes"},
	}
	for _, c := range cases {
		err := ValidatePassword(c.pw, c.inputs...)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q refused: %v", c.pw, err)
		case c.want != "" && err == nil:
			t.Errorf("%q accepted, want refused (%s)", c.pw, c.want)
		case c.want != "" && (ErrorField(err) != "password" || !strings.Contains(ErrorMessage(err), c.want)):
			t.Errorf("%q: %v, want a password field error saying %q", c.pw, err, c.want)
		}
	}
}
