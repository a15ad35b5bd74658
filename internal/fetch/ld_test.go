package fetch

import (
	"strings"
	"testing"
)

// LDScripts finds only JSON-LD scripts, with their text as written.
func TestLDScripts(t *testing.T) {
	page := `<html><head><script>var x = "<b>";</script>
<script type="application/ld+json; charset=utf-8">{"@type":"ClaimReview"}</script>
<script type="text/json">{"no":1}</script></head>
<body><script type="application/ld+json">[1, "</p>"]</script><script type="application/ld+json"></script></body></html>`
	got := LDScripts([]byte(page))
	if strings.Join(got, "|") != `{"@type":"ClaimReview"}|[1, "</p>"]` {
		t.Errorf("LDScripts = %q", got)
	}
}

// LDScripts reads any page without panicking.
func FuzzLDScripts(f *testing.F) {
	f.Add([]byte(`<script type="application/ld+json">{"@type":"ClaimReview"}</script>`))
	f.Add([]byte(`<script type=application/ld+json>`))
	f.Add([]byte("<script type=\"application/ld+json\">\xff</script"))
	f.Fuzz(func(t *testing.T, page []byte) {
		LDScripts(page)
	})
}
