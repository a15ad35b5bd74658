package factcheck

import "time"

// Provenance says where a claim imported from another fact-checker's
// ClaimReview was checked and published: the review's own URL, who
// published it, their verdict in their words, when it was published and
// last changed there, and where the claim appeared. The desk shows it on
// the claim's page and in every feed, and never presents the check as its
// own work. The desk's own claims have none (URL is empty).
type Provenance struct {
	URL           string     `json:"url"`
	Publisher     string     `json:"publisher"`
	PublisherURL  string     `json:"publisher_url,omitempty"`
	Rating        string     `json:"rating"`
	ModifiedAt    *time.Time `json:"modified_at,omitempty"`
	AppearanceURL string     `json:"appearance_url,omitempty"`
	At            *time.Time `json:"imported_at,omitempty"`
}

// Imported reports whether the claim came from another fact-checker.
func (p Provenance) Imported() bool { return p.URL != "" }

// Normalize trims the provenance's fields and drops control characters.
func (p *Provenance) Normalize() {
	p.URL = CleanLine(p.URL)
	p.Publisher = CleanLine(p.Publisher)
	p.PublisherURL = CleanLine(p.PublisherURL)
	p.Rating = CleanLine(p.Rating)
	p.AppearanceURL = CleanLine(p.AppearanceURL)
}

// Validate returns an EINVALID error naming the first bad field of an
// imported claim's provenance.
func (p *Provenance) Validate() error {
	if !ValidHTTPURL(p.URL) || len(p.URL) > 2000 {
		return FieldError("url", "The fact check's own address (url) must be an absolute http or https URL.")
	} else if p.Publisher == "" || len(p.Publisher) > 300 {
		return FieldError("author", "Name the fact-checker who published it (author.name), in at most 300 characters.")
	} else if p.PublisherURL != "" && !ValidHTTPURL(p.PublisherURL) {
		return FieldError("author", "The fact-checker's address (author.url) must be an absolute http or https URL.")
	} else if p.AppearanceURL != "" && !ValidHTTPURL(p.AppearanceURL) {
		p.AppearanceURL = ""
	}
	return nil
}
