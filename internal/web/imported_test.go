package web_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/web"
)

// An imported fact check is shown and published as its publisher's work,
// never the desk's: the page says whose it is and points its canonical
// link there, carries no ClaimReview markup of its own, the feeds and the
// API name the publisher, and the sitemap leaves it to them.
func TestImportedClaimIsAttributed(t *testing.T) {
	e := newEnv(t, "sqlite")
	published := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	c := &factcheck.Claim{Statement: "The harbour doubled its cargo", Quote: "The harbour doubled its cargo", Claimant: "Mayor Lee",
		RatingKey: "false", Summary: "It grew by a tenth.", PublishedAt: &published,
		Imported: factcheck.Provenance{URL: "https://checkers.example/checks/1", Publisher: "Checkers", PublisherURL: "https://checkers.example/", Rating: "Pants on Fire"}}
	added, _, err := e.store.ImportClaim(t.Context(), c)
	if err != nil || !added {
		t.Fatal(added, err)
	}
	id := strconv.FormatInt(c.ID, 10)
	_, page, _ := e.get(e.client(), "/claims/"+id)
	hasAll(t, "imported claim page", page, "Fact check by Checkers.", `href="https://checkers.example/checks/1"`, "rated “Pants on Fire”", "Test Desk did not check it.")
	metas, links := headOf(t, page)
	if canon := linkHref(links, "canonical", ""); canon != "https://checkers.example/checks/1" {
		t.Errorf("canonical %q", canon)
	}
	if _, ok := metaContent(metas, "og:title"); !ok {
		t.Error("no Open Graph tags")
	}
	if jsonLDRe.MatchString(page) {
		t.Error("the desk marks up another fact-checker's review as its own")
	}

	// The DataFeed: their review, their name, their address.
	_, feed, _ := e.get(e.client(), "/api/v1/claimreview")
	var f struct {
		DataFeedElement []struct {
			Item []struct {
				URL          string
				Author       struct{ Name, URL string }
				ReviewRating struct{ AlternateName string }
			}
		}
	}
	json.Unmarshal([]byte(feed), &f)
	found := false
	for _, el := range f.DataFeedElement {
		for _, it := range el.Item {
			if it.URL == c.Imported.URL {
				found = true
				if it.Author.Name != "Checkers" || it.Author.URL != "https://checkers.example/" || it.ReviewRating.AlternateName != "Pants on Fire" {
					t.Errorf("feed item %+v", it)
				}
			}
		}
	}
	if !found {
		t.Error("the DataFeed leaves the imported review out")
	}
	// The API and the Atom feed.
	var cj web.ClaimJSON
	if st := e.api("GET", "/api/v1/claims/"+id, "", nil, &cj); st != 200 || cj.ImportedFrom == nil || cj.ImportedFrom.Publisher != "Checkers" || cj.ImportedFrom.Rating != "Pants on Fire" {
		t.Errorf("API: %d %+v", st, cj.ImportedFrom)
	}
	_, atom, _ := e.get(e.client(), "/feed.atom")
	hasAll(t, "atom", atom, "<name>Checkers</name>", `rel="via"`, "Fact check by Checkers")
	// The sitemap lists the desk's own pages only.
	for loc := range e.sitemap() {
		if strings.Contains(loc, "/claims/"+id+"-") {
			t.Error("the sitemap lists an imported claim")
		}
	}
	// The oEmbed author is the publisher.
	status, body, _ := e.get(e.client(), "/oembed?format=json&url="+e.srv.URL+"/claims/"+id)
	if status != 200 || !strings.Contains(body, `"author_name":"Checkers"`) {
		t.Errorf("oembed: %d %s", status, body)
	}
}
