package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"claimdesk/internal/factcheck"
)

// Review is one schema.org ClaimReview as another fact-checker published
// it, reduced to what a claim on the desk can hold. Its fields are the
// plain values found in the JSON-LD, whatever shape it came in (a single
// review, a list, an @graph, or a DataFeed of DataFeedItems).
type Review struct {
	URL           string // the review's own address
	ClaimReviewed string // the claim, in the fact-checker's words
	Claimant      string // itemReviewed.author.name
	ClaimDate     string // itemReviewed.datePublished
	AppearanceURL string // itemReviewed.firstAppearance or appearance
	// Appearances are itemReviewed.appearance in order; FirstAppearance is
	// itemReviewed.firstAppearance (URL empty when there is none).
	Appearances      []Citation
	FirstAppearance  Citation
	Publisher        string   // author.name: the fact-checker
	PublisherURL     string   // author.url
	RatingName       string   // reviewRating.alternateName (or name)
	RatingValue      *float64 // reviewRating.ratingValue
	BestRating       *float64
	WorstRating      *float64
	Description      string
	DatePublished    string
	DateModified     string
	Keywords         []string
	Citations        []Citation
	RatingExplained  string // reviewRating.ratingExplanation
	RatingIsExplicit bool   // the rating has a name
}

// Citation is a source the review cites.
type Citation struct {
	URL, Name, Publisher, DatePublished string
}

// ErrNoReviews is what ParseReviews returns for JSON without a ClaimReview.
var ErrNoReviews = errors.New("no ClaimReview in it (expected a ClaimReview, a list of them, an @graph or a DataFeed)")

// ParseReviews reads ClaimReview JSON-LD: one review, a list, an object
// with an @graph, a DataFeed whose dataFeedElement items hold reviews, or
// JSON Lines of any of these. It returns the reviews in document order,
// or an error saying why the data is not that.
func ParseReviews(data []byte) ([]Review, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not UTF-8 text")
	}
	var docs []any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("not JSON: %w", err)
		}
		docs = append(docs, v)
	}
	if len(docs) == 0 {
		return nil, errors.New("empty file")
	}
	var out []Review
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 8 {
			return
		}
		switch v := v.(type) {
		case []any:
			for _, x := range v {
				walk(x, depth+1)
			}
		case map[string]any:
			if hasType(v, "ClaimReview") {
				out = append(out, reviewOf(v))
				return
			}
			for _, k := range []string{"@graph", "dataFeedElement", "item", "itemListElement", "mainEntity"} {
				if x, ok := v[k]; ok {
					walk(x, depth+1)
				}
			}
		}
	}
	for _, d := range docs {
		walk(d, 0)
	}
	if len(out) == 0 {
		return nil, ErrNoReviews
	}
	return out, nil
}

// hasType reports whether a JSON-LD node's @type is (or includes) t,
// with or without the schema.org prefix.
func hasType(m map[string]any, t string) bool {
	for _, x := range list(m["@type"]) {
		s, _ := x.(string)
		s = strings.TrimPrefix(strings.TrimPrefix(s, "http://schema.org/"), "https://schema.org/")
		if s == t || s == "schema:"+t {
			return true
		}
	}
	return false
}

// list turns a JSON-LD value into a list: itself when it is one.
func list(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

// first is a JSON-LD value's first element (a value may be a list).
func first(v any) any {
	if l := list(v); len(l) > 0 {
		return l[0]
	}
	return nil
}

// text is the string of a JSON-LD value: a string, a number, or the
// @value or name of an object.
func text(v any) string {
	switch v := first(v).(type) {
	case string:
		return strings.TrimSpace(v)
	case json.Number:
		return v.String()
	case map[string]any:
		if s := text(v["@value"]); s != "" {
			return s
		}
		return text(v["name"])
	}
	return ""
}

// urlOf is the address of a JSON-LD value: a string, or an object's url
// or @id.
func urlOf(v any) string {
	switch v := first(v).(type) {
	case string:
		return strings.TrimSpace(v)
	case map[string]any:
		if s := text(v["url"]); s != "" {
			return s
		}
		return text(v["@id"])
	}
	return ""
}

// number is a JSON-LD value as a number: a JSON number or a numeric string.
func number(v any) *float64 {
	var s string
	switch x := first(v).(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	case map[string]any:
		return number(x["@value"])
	default:
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

func obj(v any) map[string]any {
	m, _ := first(v).(map[string]any)
	return m
}

// reviewOf reads the fields of one ClaimReview node.
func reviewOf(m map[string]any) Review {
	r := Review{URL: urlOf(m["url"]), ClaimReviewed: text(m["claimReviewed"]), Description: text(m["description"]),
		DatePublished: text(m["datePublished"]), DateModified: text(m["dateModified"])}
	if r.URL == "" {
		r.URL = text(m["@id"])
	}
	if a := m["author"]; a != nil {
		r.Publisher = text(a)
		if o := obj(a); o != nil {
			r.PublisherURL = urlOf(o["url"])
		}
	}
	if r.Publisher == "" {
		r.Publisher = text(m["publisher"])
	}
	if item := obj(m["itemReviewed"]); item != nil {
		r.Claimant = text(item["author"])
		r.ClaimDate = text(item["datePublished"])
		r.AppearanceURL = urlOf(item["firstAppearance"])
		if r.AppearanceURL == "" {
			r.AppearanceURL = urlOf(item["appearance"])
		}
		if fa := first(item["firstAppearance"]); fa != nil {
			r.FirstAppearance = citationOf(fa)
		}
		for _, a := range list(item["appearance"]) {
			r.Appearances = append(r.Appearances, citationOf(a))
		}
		if r.ClaimReviewed == "" {
			r.ClaimReviewed = text(item["name"])
		}
	}
	if rr := obj(m["reviewRating"]); rr != nil {
		r.RatingName = text(rr["alternateName"])
		if r.RatingName == "" {
			r.RatingName = text(rr["name"])
		}
		r.RatingIsExplicit = r.RatingName != ""
		r.RatingValue, r.BestRating, r.WorstRating = number(rr["ratingValue"]), number(rr["bestRating"]), number(rr["worstRating"])
		r.RatingExplained = text(rr["ratingExplanation"])
	}
	switch k := m["keywords"].(type) {
	case string:
		for _, w := range strings.Split(k, ",") {
			if w = strings.TrimSpace(w); w != "" {
				r.Keywords = append(r.Keywords, w)
			}
		}
	case []any:
		for _, w := range k {
			if s := text(w); s != "" {
				r.Keywords = append(r.Keywords, s)
			}
		}
	}
	for _, c := range list(m["citation"]) {
		if _, ok := c.(map[string]any); ok || text(c) != "" {
			r.Citations = append(r.Citations, citationOf(c))
		}
	}
	return r
}

// citationOf reads a CreativeWork (or a bare address) that a review
// cites or where its claim appeared.
func citationOf(v any) Citation {
	co, ok := v.(map[string]any)
	if !ok {
		s := text(v)
		return Citation{URL: s, Name: s}
	}
	return Citation{URL: urlOf(co["url"]), Name: text(co["name"]), Publisher: text(co["publisher"]),
		DatePublished: text(co["datePublished"])}
}

// Claim turns the review into a public claim of the desk marked with its
// provenance, its verdict mapped onto the desk's scale: the rating whose
// label or key is the review's rating name, or else the one whose value is
// the review's number rescaled to 1–5. It returns an EINVALID error
// naming what the review lacks.
func (r Review) Claim(scale []factcheck.Rating) (*factcheck.Claim, error) {
	if r.URL == "" {
		return nil, factcheck.FieldError("url", "The review has no url of its own, which the import needs to add it only once.")
	}
	if r.ClaimReviewed == "" {
		return nil, factcheck.FieldError("claimReviewed", "The review says no claim (claimReviewed).")
	}
	if r.Claimant == "" {
		return nil, factcheck.FieldError("itemReviewed", "The review does not say who made the claim (itemReviewed.author).")
	}
	rating, err := r.mapRating(scale)
	if err != nil {
		return nil, err
	}
	published, ok := parseTime(r.DatePublished)
	if !ok {
		return nil, factcheck.FieldError("datePublished", "The review has no publication date (datePublished).")
	}
	c := &factcheck.Claim{Quote: clip(r.ClaimReviewed, factcheck.MaxQuote), Claimant: clip(r.Claimant, 300), RatingKey: rating.Key,
		Summary: clip(r.Description, 500), Tags: r.Keywords, PublishedAt: &published}
	if len(r.ClaimReviewed) <= factcheck.MaxStatement {
		c.Statement = r.ClaimReviewed
	}
	if c.Summary == "" {
		c.Summary = clip(r.RatingExplained, 500)
	}
	if c.Summary == "" {
		c.Summary = "Rated " + r.ratingWords(rating) + " by " + r.Publisher + "."
	}
	if d, ok := parseTime(r.ClaimDate); ok {
		c.ClaimDate = &d
	}
	c.Imported = factcheck.Provenance{URL: r.URL, Publisher: r.Publisher, PublisherURL: r.PublisherURL, Rating: r.ratingWords(rating),
		AppearanceURL: r.AppearanceURL}
	if d, ok := parseTime(r.DateModified); ok && d.After(published) {
		c.Imported.ModifiedAt = &d
	}
	c.Appearances = r.appearances(c)
	for _, ci := range r.Citations {
		if !factcheck.ValidHTTPURL(ci.URL) {
			continue
		}
		ev := factcheck.Evidence{URL: ci.URL, Title: clip(ci.Name, 300), Publisher: clip(ci.Publisher, 300), Stance: factcheck.StanceContext}
		if ev.Title == "" {
			ev.Title = ci.URL
		}
		if d, ok := parseTime(ci.DatePublished); ok {
			ev.PublishedAt = &d
		}
		c.Evidence = append(c.Evidence, ev)
	}
	if len(c.Tags) > 20 {
		c.Tags = c.Tags[:20]
	}
	return c, nil
}

// appearances lists where the review's claim appeared, for claim c: the
// pages of itemReviewed.appearance in order (firstAppearance ahead of them
// when it is not among them), each with its title, publisher and date
// (else the claim's date, else the review's). Addresses that are not
// http(s) and repeats are left out. The first appearance keeps its date
// and is made the earliest, so the desk names the same one first.
func (r Review) appearances(c *factcheck.Claim) []factcheck.Appearance {
	cites := r.Appearances
	if r.FirstAppearance.URL != "" && !slices.ContainsFunc(cites, func(ci Citation) bool { return ci.URL == r.FirstAppearance.URL }) {
		cites = append([]Citation{r.FirstAppearance}, cites...)
	}
	fallback := *c.PublishedAt
	if c.ClaimDate != nil {
		fallback = *c.ClaimDate
	}
	var out []factcheck.Appearance
	firstAt := -1
	for _, ci := range cites {
		if !factcheck.ValidHTTPURL(ci.URL) || len(ci.URL) > 2000 ||
			slices.ContainsFunc(out, func(a factcheck.Appearance) bool { return a.URL == ci.URL }) {
			continue
		}
		a := factcheck.Appearance{URL: ci.URL, Title: clip(ci.Name, 300), Publisher: clip(ci.Publisher, 300), AppearedAt: fallback}
		if a.Title == a.URL {
			a.Title = ""
		}
		if d, ok := parseTime(ci.DatePublished); ok {
			a.AppearedAt = d
		}
		if ci.URL == r.FirstAppearance.URL {
			firstAt = len(out)
		}
		out = append(out, a)
	}
	if firstAt < 0 {
		return out
	}
	// The desk takes the earliest appearance, the earlier recorded on a
	// tie, as the first: move the others after the first one's time.
	t := out[firstAt].AppearedAt
	for i := range out {
		if i < firstAt && !out[i].AppearedAt.After(t) || i > firstAt && out[i].AppearedAt.Before(t) {
			out[i].AppearedAt = t.Add(time.Second)
		}
	}
	return out
}

// ratingWords is the review's verdict as the fact-checker worded it.
func (r Review) ratingWords(mapped *factcheck.Rating) string {
	if r.RatingName != "" {
		return r.RatingName
	}
	return mapped.Label
}

// mapRating finds the desk's rating for the review's verdict.
func (r Review) mapRating(scale []factcheck.Rating) (*factcheck.Rating, error) {
	if name := strings.ToLower(strings.TrimSpace(r.RatingName)); name != "" {
		slug := factcheck.Slugify(name, 60)
		for i := range scale {
			if strings.ToLower(scale[i].Label) == name || scale[i].Key == slug {
				return &scale[i], nil
			}
		}
	}
	if r.RatingValue != nil {
		best, worst := float64(factcheck.BestRatingValue), float64(factcheck.WorstRatingValue)
		if r.BestRating != nil && r.WorstRating != nil && *r.BestRating != *r.WorstRating {
			best, worst = *r.BestRating, *r.WorstRating
		}
		v := (*r.RatingValue-worst)/(best-worst)*float64(factcheck.BestRatingValue-factcheck.WorstRatingValue) + float64(factcheck.WorstRatingValue)
		if v >= factcheck.WorstRatingValue-0.5 && v <= factcheck.BestRatingValue+0.5 {
			want := int(math.Round(v))
			for i := range scale {
				if scale[i].Value != nil && *scale[i].Value == want {
					return &scale[i], nil
				}
			}
		}
	}
	if r.RatingName != "" {
		return nil, factcheck.FieldError("reviewRating", "The rating %q is not on the desk's scale, and the review gives no number on a scale to map it by. Add it to the scale (/desk/ratings) and import again.", r.RatingName)
	}
	return nil, factcheck.FieldError("reviewRating", "The review has no rating (reviewRating.alternateName or ratingValue).")
}

// parseTime reads an ISO 8601 date or time as JSON-LD writes them.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, f := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", time.DateOnly} {
		if t, err := time.Parse(f, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// clip shortens s to at most n bytes at a character boundary, with an
// ellipsis.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + "…"
}
