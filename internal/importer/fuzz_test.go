package importer_test

import (
	"fmt"
	"testing"
	"unicode/utf8"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/importer"
)

// FuzzParseReviews: any input parses or is refused with an error, and
// every review found becomes a valid claim or an EINVALID error.
func FuzzParseReviews(f *testing.F) {
	for _, s := range []string{
		fmt.Sprintf(review, 1, 1, 1, "False", 1),
		`{"@type":"DataFeed","dataFeedElement":[{"item":{"@type":"ClaimReview","url":"https://x.example/1"}}]}`,
		`[{"@type":["ClaimReview"],"reviewRating":{"ratingValue":"NaN","bestRating":"1e400"}}]`,
		`{"@graph":[{"@graph":[{"@type":"ClaimReview","author":[{"name":"A"},"B"],"keywords":["a",1]}]}]}`,
		"{}\n{}\n", `"ClaimReview"`, "",
	} {
		f.Add([]byte(s))
	}
	scale := factcheck.DefaultRatings()
	f.Fuzz(func(t *testing.T, data []byte) {
		reviews, err := importer.ParseReviews(data)
		if err != nil {
			return
		}
		for _, r := range reviews {
			c, err := r.Claim(scale)
			if err != nil {
				if factcheck.ErrorCode(err) != factcheck.EINVALID {
					t.Fatalf("review %+v: %v", r, err)
				}
				continue
			}
			if c.Imported.URL != r.URL || c.RatingKey == "" || c.Summary == "" || c.PublishedAt == nil || !utf8.ValidString(c.Quote) {
				t.Fatalf("claim %+v from %+v", c, r)
			}
		}
	})
}

// FuzzParseArticles: any file either parses into an article whose text is
// UTF-8 or is refused with an error; none panics.
func FuzzParseArticles(f *testing.F) {
	for _, s := range []string{
		"Headline\n\nBody.", "---\ntitle: T\ndate: 2024-01-01\n---\n# H\n\ntext", "<html><head><link rel=canonical href=https://a.example/></head><body><p>x</p></body></html>",
		"\x00", "---\n", "# only a heading",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, parse := range []func(string, []byte) (*factcheck.Article, error){importer.ParseText, importer.ParseMarkdown, importer.ParseHTML} {
			a, err := parse("fuzz.txt", data)
			if err != nil {
				continue
			}
			if !utf8.ValidString(a.Body) || !utf8.ValidString(a.Title) || a.Title == "" {
				t.Fatalf("article %+v", a)
			}
		}
		importer.URLList(data)
	})
}
