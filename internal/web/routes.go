package web

import (
	"sort"

	"github.com/labstack/echo/v4"
)

// Route is one registered method and path pattern, e.g. GET /claims/:id.
type Route struct {
	Method string
	Path   string
}

// Routes lists every route the server answers, sorted by path then method,
// so tests can check each one against an authorization rule. Echo's own
// not-found entries, which groups with middleware add, are left out.
func (s *Server) Routes() []Route {
	var out []Route
	seen := map[Route]bool{}
	for _, r := range s.echo.Routes() {
		rt := Route{Method: r.Method, Path: r.Path}
		if r.Method == echo.RouteNotFound || seen[rt] {
			continue
		}
		seen[rt] = true
		out = append(out, rt)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}
