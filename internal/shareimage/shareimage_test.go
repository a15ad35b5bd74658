package shareimage

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPNGSizesAndLongText(t *testing.T) {
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	cards := map[string]Card{
		"short": {Label: "False", Color: "#cf222e", Quote: "Crime doubled last year.", Claimant: "A. Senator", Newsroom: "Test Desk"},
		"long": {Label: "Mostly true", Color: "#4d9a2a", Flag: "Corrected", Quote: strings.Repeat("The unemployment rate fell to its lowest level in fifty years, according to the minister. ", 12),
			Claimant: strings.Repeat("Minister of Everything ", 10), Newsroom: "A newsroom with a very long name indeed"},
		"unbroken": {Label: "", Color: "nonsense", Quote: strings.Repeat("x", 500), Claimant: "", Newsroom: ""},
		"light":    {Label: "Half true", Color: "#ff0", Quote: "Ünïcödé — “quotes” and 12,5 %", Claimant: "Zoë", Newsroom: "Desk"},
	}
	dir := os.Getenv("SHAREIMAGE_OUT") // set to look at the images
	for name, c := range cards {
		for _, w := range []int{Width, 600} {
			b, err := d.PNG(c, w)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: decode: %v", name, err)
			}
			if got := img.Bounds().Size(); got.X != w || got.Y != w*Height/Width {
				t.Errorf("%s at %d: size %v", name, w, got)
			}
			if dir != "" && w == Width {
				os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644)
			}
		}
	}
	if _, err := d.PNG(cards["short"], 0); err == nil {
		t.Error("width 0 accepted")
	}
}

func TestDifferentVerdictsDifferentImages(t *testing.T) {
	d, _ := New()
	a, _ := d.PNG(Card{Label: "False", Color: "#cf222e", Quote: "q", Newsroom: "n"}, Width)
	b, _ := d.PNG(Card{Label: "True", Color: "#1a7f37", Quote: "q", Newsroom: "n"}, Width)
	if bytes.Equal(a, b) {
		t.Error("verdict change did not change the image")
	}
}

func FuzzPNG(f *testing.F) {
	f.Add("False", "#cf222e", "Crime doubled.", "Senator", "Desk")
	f.Add("", "#zzz", "", "", "")
	f.Add("Ünï", "#abc", strings.Repeat("word ", 200), "\x00\xff", "✓")
	d, _ := New()
	f.Fuzz(func(t *testing.T, label, color, quote, claimant, newsroom string) {
		if _, err := d.PNG(Card{Label: label, Color: color, Quote: quote, Claimant: claimant, Newsroom: newsroom}, 300); err != nil {
			t.Fatal(err)
		}
	})
}
