package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/httpcache"
	"claimdesk/internal/store"
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
// many claims there are. Its ETag is weak and names the public version
// the export starts from, which every change to its content moves on, so
// it needs no buffered body; Last-Modified is the time of that change.
// A client that has the current version gets 304 without a query for
// claims.
func (s *Server) apiExport(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := s.store.PublicVersion(ctx)
	if err != nil {
		return err
	}
	if err := s.setLastModified(c); err != nil {
		return err
	}
	w := c.Response()
	etag := `W/"export-` + strconv.FormatInt(v, 10) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", cacheList.String())
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" && etagListHas(inm, etag) ||
		httpcache.NotModifiedSince(c.Request(), w.Header().Get("Last-Modified")) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Header().Set(echo.HeaderContentType, "application/x-ndjson")
	w.Header().Set("Content-Disposition", `inline; filename="claims.jsonl"`)
	err = s.writeExport(c.Request().Context(), w, func() {
		if !w.Committed {
			w.WriteHeader(http.StatusOK)
		}
	}, w.Flush)
	if errors.Is(err, errClientGone) {
		return nil
	} else if err != nil && w.Committed {
		s.logger(c).Error("export aborted", "err", err)
		return nil
	}
	return err
}

// ExportJSONL writes every public claim of st to w as JSON Lines, exactly
// as /api/v1/export.jsonl serves them under cfg's base URL (claimdesk
// export jsonl).
func ExportJSONL(ctx context.Context, st *store.Store, cfg Config, w io.Writer) error {
	return exportServer(st, cfg).writeExport(ctx, w, func() {}, func() {})
}

// errClientGone stops an export whose reader went away.
var errClientGone = errors.New("the client went away")

// writeExport writes every public claim as JSON Lines to w, paging
// through the store; start is called before the first line (it commits
// an HTTP answer) and flush after each page.
func (s *Server) writeExport(ctx context.Context, w io.Writer, start, flush func()) error {
	enc := json.NewEncoder(w)
	var after int64
	for {
		claims, err := s.store.PublicClaimsAfter(ctx, after, exportPage)
		if err != nil {
			return err
		}
		ids := make([]int64, len(claims))
		for i := range claims {
			ids[i] = claims[i].ID
		}
		revs, err := s.store.PublicRevisions(ctx, ids)
		if err != nil {
			return err
		}
		start()
		for i := range claims {
			line := ExportLineJSON{ClaimJSON: s.claimJSON(&claims[i], true), Revisions: []RevisionJSON{}}
			for _, r := range revs[claims[i].ID] {
				line.Revisions = append(line.Revisions, RevisionJSON{Version: r.Version, CreatedAt: r.CreatedAt, Note: r.Note,
					IsCorrection: r.IsCorrection, Snapshot: json.RawMessage(r.Snapshot)})
			}
			if err := enc.Encode(line); err != nil {
				return errClientGone
			}
		}
		flush()
		if len(claims) < exportPage {
			return nil
		}
		after = claims[len(claims)-1].ID
	}
}

// etagListHas reports whether an If-None-Match list names tag, comparing
// weakly (as If-None-Match does), or is "*".
func etagListHas(list, tag string) bool {
	tag = strings.TrimPrefix(tag, "W/")
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == tag {
			return true
		}
	}
	return false
}

// corsPreflight answers a CORS preflight (OPTIONS) for the public API:
// any origin may read it with GET or HEAD, sending the usual request
// headers and revalidating; no credentials are involved. Browsers may
// keep the answer for a day.
func corsPreflight(c echo.Context) error {
	h := c.Response().Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
	h.Set("Access-Control-Max-Age", "86400")
	h.Set("Allow", "GET, HEAD, OPTIONS")
	return c.NoContent(http.StatusNoContent)
}

// corsAllowHeaders are the request headers a page on another origin may
// send to the public API.
const corsAllowHeaders = "Accept, Accept-Language, Content-Language, Content-Type, If-None-Match, If-Modified-Since, Cache-Control"
