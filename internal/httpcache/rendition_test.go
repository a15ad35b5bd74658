package httpcache

import (
	"strings"
	"testing"
)

func TestEncodingNegotiation(t *testing.T) {
	r := New("text/html", []byte(strings.Repeat("a claim card ", 100)), true)
	for header, want := range map[string]string{
		"":                          "",
		"identity":                  "",
		"gzip":                      "gzip",
		"GZIP":                      "gzip",
		"x-gzip":                    "",
		"br":                        "br",
		"gzip, deflate, br":         "br",
		"gzip, deflate, br, zstd":   "br",
		"gzip;q=1.0, br;q=0.5":      "gzip",
		"br;q=0, gzip":              "gzip",
		"gzip;q=0":                  "",
		"gzip; q=0.000":             "",
		"*":                         "br",
		"*;q=0.5, gzip":             "gzip",
		"*, br;q=0":                 "gzip",
		"deflate":                   "",
		"gzip;q=bogus, br;level=11": "",
	} {
		if got := r.encoding(header).coding; got != want {
			t.Errorf("Accept-Encoding %q: got %q, want %q", header, got, want)
		}
	}
	// Something too small to compress offers only identity, whatever is asked.
	tiny := New("text/plain", []byte("x"), true)
	if len(tiny.enc) != 1 || tiny.encoding("br, gzip").coding != "" {
		t.Errorf("tiny rendition offers %d encodings", len(tiny.enc))
	}
	// Each encoding has its own tag, and If-None-Match with any of them matches.
	seen := map[string]bool{}
	for _, e := range r.enc {
		if seen[e.etag] || !r.Matches(e.etag) {
			t.Errorf("tag %q repeated or not matched", e.etag)
		}
		seen[e.etag] = true
	}
	if r.Matches(`"other"`) || r.Matches("") || r.Matches(`"other", W/"x"`) {
		t.Error("a foreign tag matched")
	}
	for _, h := range []string{"*", "W/" + r.enc[1].etag, `"other", ` + r.enc[2].etag, ` ` + r.enc[0].etag + ` `} {
		if !r.Matches(h) {
			t.Errorf("If-None-Match %q did not match", h)
		}
	}
}
