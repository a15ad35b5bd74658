package web

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
)

// apiClaims lists published claims as JSON (ClaimListJSON), filtered and
// searched like the home page.
func (s *Server) apiClaims(c echo.Context) error {
	f, pageNum := filterFrom(c)
	hits, total, err := s.store.ListClaims(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := ClaimListJSON{Claims: make([]ClaimJSON, 0, len(hits)), Total: total, Page: pageNum, PerPage: pageSize}
	for i := range hits {
		out.Claims = append(out.Claims, s.claimJSON(&hits[i].Claim, false))
	}
	return sendJSON(c, out, cacheList)
}

// apiClaim returns one published claim with its evidence.
func (s *Server) apiClaim(c echo.Context) error {
	cl, err := s.publicClaimOf(c)
	if err != nil {
		return err
	}
	return sendJSON(c, s.claimJSON(cl, true), cachePublic)
}

// exportPage is how many claims the feed and export read per query.
const exportPage = 200

// apiExport streams every public claim, oldest id first, one JSON object
// per line (ExportLineJSON) with its evidence and its history since
// publication. It pages through the store so memory stays flat however
// many claims there are; it carries no ETag, since that would need the
// whole body in memory.
func (s *Server) apiExport(c echo.Context) error {
	ctx := c.Request().Context()
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "application/x-ndjson")
	w.Header().Set("Cache-Control", cacheList.String())
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
			line := ExportLineJSON{ClaimJSON: s.claimJSON(&claims[i], true), Revisions: []RevisionJSON{}}
			for _, r := range revs[claims[i].ID] {
				line.Revisions = append(line.Revisions, RevisionJSON{Version: r.Version, CreatedAt: r.CreatedAt, Note: r.Note,
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
