package web_test

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The ratingValue policy: every verdict in ClaimReview carries its label
// as name and alternateName and a number from 1 to 5, ratings off the
// scale a mapped one (Misleading 2, Unproven and desk-added ones 3), and
// /ratings says so, rating by rating.
func TestClaimReviewRatingPolicy(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.addRating("satire", "Satire", "#0b5cad")
	for _, k := range []string{"misleading", "unproven", "satire", "false"} {
		e.publishQuote("A claim rated "+k+" for the policy test, said A. Tester.", k)
	}
	status, body, _ := e.get(e.client(), "/api/v1/claimreview")
	if status != 200 {
		t.Fatalf("claimreview feed: %d", status)
	}
	var feed struct {
		DataFeedElement []struct {
			Item []struct {
				ClaimReviewed string
				ReviewRating  map[string]any
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"Misleading": 2, "Unproven": 3, "Satire": 3, "False": 1}
	seen := map[string]bool{}
	for _, el := range feed.DataFeedElement {
		for _, it := range el.Item {
			rr := it.ReviewRating
			label, _ := rr["alternateName"].(string)
			if rr["name"] != label || label == "" {
				t.Errorf("%q: name %v alternateName %v", it.ClaimReviewed, rr["name"], rr["alternateName"])
			}
			v, ok := rr["ratingValue"].(float64)
			if !ok || v < 1 || v > 5 || rr["bestRating"] != float64(5) || rr["worstRating"] != float64(1) {
				t.Errorf("%q: rating %v is not a number on 1–5", it.ClaimReviewed, rr)
			}
			if w, ok := want[label]; ok && strings.Contains(it.ClaimReviewed, "policy test") {
				seen[label] = true
				if v != w {
					t.Errorf("%s published as %v, want %v", label, v, w)
				}
			}
		}
	}
	if len(seen) != len(want) {
		t.Errorf("feed has policy claims for %v, want %v", seen, want)
	}

	// /ratings documents the number of every rating, and marks the ones
	// off the scale without an aria-label on a plain span.
	_, page, _ := e.get(e.client(), "/ratings")
	for label, v := range want {
		re := regexp.MustCompile(`(?s)>` + label + `</span>.*?<td class="scale-num">(\d)</td>`)
		m := re.FindStringSubmatch(page)
		if m == nil || m[1] != strings.TrimSuffix(strings.TrimSuffix(jsonNum(v), ".0"), ".") {
			t.Errorf("/ratings: %s published as %v, page says %v", label, v, m)
		}
	}
	if strings.Contains(page, `<span aria-label`) {
		t.Error("/ratings puts an aria-label on a plain span")
	}
	hasAll(t, "/ratings", page, "Misleading carries 2", "carries 3, the middle of the scale")
}

func jsonNum(v float64) string { b, _ := json.Marshal(v); return string(b) }

// An article pasted without its address still names a claim's
// appearance in ClaimReview, by the article's public page: when it is the
// earliest appearance, it is firstAppearance, not a later page.
func TestClaimReviewNamesPastedArticles(t *testing.T) {
	e := newEnv(t, "sqlite")
	cl := e.publishedInArticle()
	claimID := strconv.FormatInt(cl.ID, 10)
	tok := e.token(e.editor)
	var art struct{ ID int64 }
	if st := e.api("POST", "/api/v1/articles", tok, map[string]string{"title": "Pasted from a newsletter", "outlet": "Kyiv Letter",
		"published_at": "2024-01-05", "body": repeatBody}, &art); st != 201 {
		t.Fatalf("article: %d", st)
	}
	start := strings.Index(repeatBody, repeatSentence)
	if st := e.api("POST", "/api/v1/claims/"+claimID+"/appearances", tok, map[string]any{"article_id": art.ID, "start": start, "end": start + len(repeatSentence)}, nil); st != 201 {
		t.Fatalf("appearance: %d", st)
	}
	full, err := e.store.PublicClaim(t.Context(), cl.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkClaimReviewLD(t, e, e.client(), full)
	_, page, _ := e.get(e.client(), "/claims/"+claimID)
	public := e.srv.URL + "/articles/" + strconv.FormatInt(art.ID, 10)
	if !strings.Contains(page, `"firstAppearance":{"@type":"CreativeWork","url":"`+public+`","name":"Pasted from a newsletter"`) {
		t.Errorf("firstAppearance is not the pasted article's public page %s", public)
	}
}
