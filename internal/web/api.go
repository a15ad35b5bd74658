package web

import (
	"encoding/json"
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
	return sendJSON(c, map[string]any{"claims": out, "total": total, "page": pageNum, "per_page": pageSize}, cacheList)
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
	return sendJSON(c, s.toAPI(cl, true), cachePublic)
}

// sendJSON marshals v and sends it as a cacheable public response.
func sendJSON(c echo.Context, v any, cacheControl string) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return sendCacheable(c, echo.MIMEApplicationJSON, b, cacheControl)
}

// apiRevision is one public entry of a claim's history in the export.
type apiRevision struct {
	Version      int             `json:"version"`
	CreatedAt    time.Time       `json:"created_at"`
	Note         string          `json:"note"`
	IsCorrection bool            `json:"is_correction"`
	Snapshot     json.RawMessage `json:"snapshot"`
}

// apiExportLine is one line of the open-data export.
type apiExportLine struct {
	apiClaim
	Revisions []apiRevision `json:"revisions"`
}

// apiExport streams every public claim, oldest id first, one JSON object
// per line with its evidence and its history since publication. It pages
// through the store so memory stays flat however many claims there are;
// it carries no ETag, since that would need the whole body in memory.
func (s *Server) apiExport(c echo.Context) error {
	ctx := c.Request().Context()
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "application/x-ndjson")
	w.Header().Set("Cache-Control", cacheList)
	w.Header().Set("Content-Disposition", `inline; filename="claims.jsonl"`)
	enc := json.NewEncoder(w)
	var after int64
	for {
		claims, err := s.store.PublicClaimsAfter(ctx, after, exportPage)
		if err != nil {
			if w.Committed {
				s.logger(c).Error("export aborted", "err", err)
				return nil
			}
			return err
		}
		ids := make([]int64, len(claims))
		for i := range claims {
			ids[i] = claims[i].ID
		}
		revs, err := s.store.PublicRevisions(ctx, ids)
		if err != nil {
			if w.Committed {
				s.logger(c).Error("export aborted", "err", err)
				return nil
			}
			return err
		}
		if !w.Committed {
			w.WriteHeader(http.StatusOK)
		}
		for i := range claims {
			line := apiExportLine{apiClaim: s.toAPI(&claims[i], true), Revisions: []apiRevision{}}
			for _, r := range revs[claims[i].ID] {
				line.Revisions = append(line.Revisions, apiRevision{Version: r.Version, CreatedAt: r.CreatedAt, Note: r.Note,
					IsCorrection: r.IsCorrection, Snapshot: json.RawMessage(r.Snapshot)})
			}
			if err := enc.Encode(line); err != nil {
				return nil // the client went away
			}
		}
		w.Flush()
		if len(claims) < exportPage {
			return nil
		}
		after = claims[len(claims)-1].ID
	}
}
