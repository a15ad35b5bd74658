package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
)

// apiClaim is the public JSON shape of a claim.
type apiClaim struct {
	ID          int64         `json:"id"`
	URL         string        `json:"url"`
	Quote       string        `json:"quote"`
	Claimant    string        `json:"claimant"`
	ClaimDate   *time.Time    `json:"claim_date,omitempty"`
	Status      string        `json:"status"`
	Rating      *apiRating    `json:"rating"`
	Summary     string        `json:"summary"`
	Rationale   string        `json:"rationale,omitempty"`
	Tags        []string      `json:"tags"`
	ArticleID   *int64        `json:"article_id,omitempty"`
	Version     int           `json:"version"`
	PublishedAt *time.Time    `json:"published_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	Correction  string        `json:"correction_note,omitempty"`
	CorrectedAt *time.Time    `json:"corrected_at,omitempty"`
	Evidence    []apiEvidence `json:"evidence,omitempty"`
}

type apiRating struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value *int   `json:"value"`
}

type apiEvidence struct {
	URL         string     `json:"url"`
	Title       string     `json:"title"`
	Publisher   string     `json:"publisher"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	Excerpt     string     `json:"excerpt"`
	Stance      string     `json:"stance"`
}

func (s *Server) toAPI(c *factcheck.Claim, full bool) apiClaim {
	out := apiClaim{ID: c.ID, URL: s.cfg.BaseURL + claimPath(c), Quote: c.Quote, Claimant: c.Claimant, ClaimDate: c.ClaimDate,
		Status: string(c.Status), Summary: c.Summary, Tags: c.Tags, ArticleID: c.ArticleID, Version: c.Version,
		PublishedAt: c.PublishedAt, UpdatedAt: c.UpdatedAt, Correction: c.CorrectionNote, CorrectedAt: c.CorrectedAt}
	if c.Rating != nil {
		out.Rating = &apiRating{Key: c.Rating.Key, Label: c.Rating.Label, Value: c.Rating.Value}
	}
	if full {
		out.Rationale = c.Rationale
		for _, e := range c.Evidence {
			out.Evidence = append(out.Evidence, apiEvidence{URL: e.URL, Title: e.Title, Publisher: e.Publisher, PublishedAt: e.PublishedAt, Excerpt: e.Excerpt, Stance: string(e.Stance)})
		}
	}
	return out
}

// apiClaims lists published claims as JSON: {"claims":[…], "total", "page"}.
func (s *Server) apiClaims(c echo.Context) error {
	f, pageNum := filterFrom(c)
	hits, total, err := s.store.ListClaims(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := make([]apiClaim, 0, len(hits))
	for i := range hits {
		out = append(out, s.toAPI(&hits[i].Claim, false))
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=30, stale-while-revalidate=300")
	return c.JSON(http.StatusOK, map[string]any{"claims": out, "total": total, "page": pageNum, "per_page": pageSize})
}

// apiClaim returns one published claim with its evidence.
func (s *Server) apiClaim(c echo.Context) error {
	id, err := claimID(c)
	if err != nil {
		return err
	}
	cl, err := s.store.PublicClaim(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=60, stale-while-revalidate=600")
	return c.JSON(http.StatusOK, s.toAPI(cl, true))
}
