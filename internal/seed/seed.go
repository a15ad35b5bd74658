// Package seed loads demo data (seeds/demo.json) into a store through the
// same workflow editors use: claims are created, given a verdict, submitted,
// published and corrected, so revisions and versions are real. Loading is
// idempotent: articles are matched by URL, claims by slug, users by email.
package seed

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
)

// Data is the shape of a seed file.
type Data struct {
	Articles []Article `json:"articles"`
	Claims   []Claim   `json:"claims"`
	Users    []User    `json:"users"`
}

// Article is a seeded article; Key links claims to it.
type Article struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	URL         string `json:"url"`
	Outlet      string `json:"outlet"`
	Author      string `json:"author"`
	PublishedAt string `json:"published_at"`
	Body        string `json:"body"`
}

// Claim is a seeded claim with its verdict, evidence and optional correction.
type Claim struct {
	Slug        string               `json:"slug"`
	Article     string               `json:"article"`
	Statement   string               `json:"statement"`
	Quote       string               `json:"quote"`
	Claimant    string               `json:"claimant"`
	ClaimDate   string               `json:"claim_date"`
	Status      string               `json:"status"`
	Rating      string               `json:"rating"`
	Summary     string               `json:"summary"`
	Rationale   string               `json:"rationale"`
	Tags        []string             `json:"tags"`
	Author      string               `json:"author"`
	Reviewer    string               `json:"reviewer"`
	PublishedAt string               `json:"published_at"`
	Evidence    []factcheck.Evidence `json:"-"`
	RawEvidence []Evidence           `json:"evidence"`
	Correction  *Correction          `json:"correction"`
}

// Evidence is a seeded source.
type Evidence struct {
	URL         string `json:"url"`
	Title       string `json:"title"`
	Publisher   string `json:"publisher"`
	PublishedAt string `json:"published_at"`
	Excerpt     string `json:"excerpt"`
	Stance      string `json:"stance"`
}

// Correction is a public correction applied after publishing.
type Correction struct {
	Note    string            `json:"note"`
	At      string            `json:"at"`
	Changes map[string]string `json:"changes"`
}

// User is a seeded newsroom member. Seeded users get a random password that
// is never shown; an admin can set a real one.
type User struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// Result counts what a Load added.
type Result struct {
	Users, Articles, Claims int
}

// Load reads every *.json file in fsys and adds what is missing to st.
func Load(ctx context.Context, st *store.Store, fsys fs.FS) (Result, error) {
	var res Result
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return res, err
	}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return res, err
		}
		var d Data
		if err := json.Unmarshal(b, &d); err != nil {
			return res, fmt.Errorf("seed %s: %w", name, err)
		}
		if err := load(ctx, st, &d, &res); err != nil {
			return res, fmt.Errorf("seed %s: %w", name, err)
		}
	}
	return res, nil
}

func load(ctx context.Context, st *store.Store, d *Data, res *Result) error {
	users := map[string]*factcheck.User{}
	for _, su := range d.Users {
		u, err := st.UserByEmail(ctx, su.Email)
		if factcheck.ErrorCode(err) == factcheck.ENOTFOUND {
			u = &factcheck.User{Email: su.Email, Name: su.Name, Role: factcheck.Role(su.Role)}
			if err = st.CreateUser(ctx, u, randomPassword()); err == nil {
				res.Users++
			}
		}
		if err != nil {
			return fmt.Errorf("user %s: %w", su.Email, err)
		}
		users[su.Email] = u
	}
	articles := map[string]int64{}
	for _, sa := range d.Articles {
		a, err := st.ArticleByURL(ctx, sa.URL)
		if factcheck.ErrorCode(err) == factcheck.ENOTFOUND {
			a = &factcheck.Article{Title: sa.Title, URL: sa.URL, Outlet: sa.Outlet, Author: sa.Author, Body: sa.Body, PublishedAt: parseTime(sa.PublishedAt)}
			if err = st.CreateArticle(ctx, a); err == nil {
				res.Articles++
			}
		}
		if err != nil {
			return fmt.Errorf("article %s: %w", sa.Key, err)
		}
		articles[sa.Key] = a.ID
	}
	for _, sc := range d.Claims {
		if _, err := st.ClaimBySlug(ctx, sc.Slug); err == nil {
			continue
		} else if factcheck.ErrorCode(err) != factcheck.ENOTFOUND {
			return err
		}
		if err := loadClaim(ctx, st, sc, users, articles); err != nil {
			return fmt.Errorf("claim %s: %w", sc.Slug, err)
		}
		res.Claims++
	}
	return nil
}

func loadClaim(ctx context.Context, st *store.Store, sc Claim, users map[string]*factcheck.User, articles map[string]int64) error {
	author, reviewer := users[sc.Author], users[sc.Reviewer]
	c := &factcheck.Claim{Slug: sc.Slug, Statement: sc.Statement, Quote: sc.Quote, Claimant: sc.Claimant, ClaimDate: parseTime(sc.ClaimDate),
		RatingKey: sc.Rating, Summary: sc.Summary, Rationale: sc.Rationale, Tags: sc.Tags}
	if sc.Article != "" {
		id, ok := articles[sc.Article]
		if !ok {
			return fmt.Errorf("unknown article %q", sc.Article)
		}
		c.ArticleID = &id
	}
	for _, e := range sc.RawEvidence {
		c.Evidence = append(c.Evidence, factcheck.Evidence{URL: e.URL, Title: e.Title, Publisher: e.Publisher,
			PublishedAt: parseTime(e.PublishedAt), Excerpt: e.Excerpt, Stance: factcheck.Stance(e.Stance)})
	}
	if err := st.CreateClaim(ctx, c, author); err != nil {
		return err
	}
	if sc.Status == string(factcheck.StatusDraft) {
		return nil
	}
	c, err := st.UpdateClaim(ctx, c.ID, c.Version, author, "Submitted for review", func(c *factcheck.Claim) error {
		return c.Submit(author)
	})
	if err != nil || sc.Status == string(factcheck.StatusInReview) {
		return err
	}
	at := time.Now()
	if t := parseTime(sc.PublishedAt); t != nil {
		at = *t
	}
	c, err = st.UpdateClaim(ctx, c.ID, c.Version, reviewer, "Published", func(c *factcheck.Claim) error {
		return c.Publish(reviewer, at, false)
	})
	if err != nil || sc.Correction == nil {
		return err
	}
	corr := sc.Correction
	when := at
	if t := parseTime(corr.At); t != nil {
		when = *t
	}
	_, err = st.UpdateClaim(ctx, c.ID, c.Version, reviewer, corr.Note, func(c *factcheck.Claim) error {
		for field, v := range corr.Changes {
			switch field {
			case "summary":
				c.Summary = v
			case "rating":
				c.RatingKey = v
			case "rationale":
				c.Rationale = v
			default:
				return fmt.Errorf("correction changes unknown field %q", field)
			}
		}
		return c.Correct(reviewer, corr.Note, when)
	})
	return err
}

func parseTime(s string) *time.Time {
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return &t
		}
	}
	return nil
}

func randomPassword() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
