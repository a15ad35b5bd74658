package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// A correction note is plain words wherever it is shown: the markdown an
// editor types into it out of habit (the rationale takes markdown) never
// reaches readers, and the desk's notice ends it with one full stop.
func TestCorrectionNoteShowsNoMarkdown(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.publishedClaim(t)
	rev, tok := e.deskClient("reviewer@test.example")
	note := "Rated **Mostly true** at first, now *Half true*: see [the report](https://city.example/report)."
	plain := "Rated Mostly true at first, now Half true: see the report."
	st, part, _ := e.htmx(rev, deskPath(cl.ID)+"/correct", "editor", url.Values{"_csrf": {tok}, "version": {version(cl.Version)}, "rating": {"half-true"}, "note": {note}})
	if st != 200 {
		t.Fatalf("correct: %d", st)
	}
	if notice := between(part, `<p class="notice ok" role="status">`, "</p>"); notice != plain {
		t.Errorf("desk notice: %q", notice)
	}
	id := strconv.FormatInt(cl.ID, 10)
	for _, path := range []string{"/claims/" + id, "/corrections", "/embed/claims/" + id, "/feed.atom", deskPath(cl.ID) + "/history"} {
		c := e.client()
		if strings.HasPrefix(path, "/desk") {
			c = rev
		}
		st, body, _ := e.get(c, path)
		if st != 200 {
			t.Fatalf("%s: %d", path, st)
		}
		if !strings.Contains(body, plain) || strings.Contains(body, "**Mostly") || strings.Contains(body, "*Half true*") || strings.Contains(body, "](https://city.example") {
			t.Errorf("%s shows the note's markdown, or not the note: %s", path, between(body, "Rated", "report"))
		}
	}
	// The claim page shows the note twice: the banner and "Corrections
	// and updates".
	if _, body, _ := e.get(e.client(), "/claims/"+id); strings.Count(body, plain) < 2 {
		t.Errorf("the claim page shows the plain note %d times, want the banner and the list", strings.Count(body, plain))
	}
}
