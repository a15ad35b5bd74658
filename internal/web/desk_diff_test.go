package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"claimdesk/internal/factcheck"
)

// A source added, removed or edited is named in words in the claim's
// history and in what changed since the claim was last submitted.
func TestSourceChangesShowInHistoryAndSinceSubmitted(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.draftClaim(t, func(c *factcheck.Claim) {
		complete(c)
		c.Evidence = append(c.Evidence, factcheck.Evidence{URL: "https://hospital.example/a", Title: "Hospital admissions", Publisher: "Riverton General", Stance: factcheck.StanceContext})
	})
	first, second := cl.Evidence[0].ID, cl.Evidence[1].ID
	ed, tok := e.deskClient("editor@test.example")
	path := deskPath(cl.ID)
	step := func(what, to, target string, form url.Values) {
		t.Helper()
		form.Set("_csrf", tok)
		if st, _, _ := e.htmx(ed, path+to, target, form); st != 200 && st != 201 {
			t.Fatalf("%s: %d", what, st)
		}
	}
	step("submit", "/submit", "editor", url.Values{"version": {"1"}})
	step("withdraw", "/withdraw", "editor", url.Values{"version": {"2"}})
	step("edit the second source", "/evidence/"+strconv.FormatInt(second, 10), "ev-list", url.Values{"version": {"3"},
		"url": {"https://hospital.example/b"}, "title": {"Hospital admissions"}, "publisher": {"Riverton General"}, "stance": {"refutes"}})
	step("add a source", "/evidence", "ev-add", url.Values{"version": {"4"}, "url": {"https://police.example/"}, "title": {"Police crash log"}, "stance": {"context"}})
	step("remove the first source", "/evidence/"+strconv.FormatInt(first, 10)+"/delete", "ev-list", url.Values{"version": {"5"}})
	step("submit again", "/submit", "editor", url.Values{"version": {"6"}})

	_, hist, _ := e.get(ed, path+"/history")
	edited := between(hist, "Edited a source", "</dl>")
	hasAll(t, "the history of the edited source", edited, "<dt>Source 2: address</dt>", "<del>https://hospital.example/a</del>", "<ins>https://hospital.example/b</ins>",
		"<dt>Source 2: how it bears on the claim</dt>", "<del>context</del>", "<ins>contradicts the claim</ins>")
	if strings.Contains(edited, "No visible field changed") {
		t.Error("the edited source shows as no visible change")
	}
	hasAll(t, "the history of the added source", between(hist, "Added a source", "</dl>"), "<dt>Added source</dt>", "Police crash log (https://police.example/)")
	hasAll(t, "the history of the removed source", between(hist, "Removed a source", "</dl>"), "<dt>Removed source</dt>", "Cycling safety report (https://city.example/report)")

	rev, _ := e.deskClient("reviewer@test.example")
	_, page, _ := e.get(rev, path)
	since := between(page, "Changes since it was last submitted", "</details>")
	hasAll(t, "changes since submitted", since, "<dt>Added source</dt>", "Police crash log", "<dt>Removed source</dt>", "Cycling safety report",
		"<dt>Source 1: address</dt>", "<ins>https://hospital.example/b</ins>", "<dt>Source 1: how it bears on the claim</dt>")
}
