package web

import "github.com/labstack/echo/v4"

// deskRoutes registers the desk's HTML pages and the authenticated JSON
// API. mw authenticates (session cookie or bearer token), checks CSRF for
// cookie sessions and rejects anonymous requests. Role checks happen in the
// domain (factcheck.Claim.Publish and friends) so every path enforces them.
func (s *Server) deskRoutes(mw []echo.MiddlewareFunc) {
	e := s.echo
	e.GET("/desk", s.deskHome, mw...)
	e.GET("/desk/claims", s.deskClaimList, mw...)
	e.GET("/desk/articles/new", s.intakePage, mw...)
	e.POST("/desk/articles", s.createArticle, mw...)
	e.POST("/desk/articles/fetch", s.fetchArticle, mw...)
	e.GET("/desk/articles/:id", s.deskArticle, mw...)
	e.GET("/desk/articles/:id/edit", s.editArticlePage, mw...)
	e.POST("/desk/articles/:id", s.updateArticle, mw...)
	e.POST("/desk/articles/:id/claims", s.createArticleClaim, mw...)
	e.GET("/desk/claims/new", s.newClaimPage, mw...)
	e.POST("/desk/claims", s.createClaim, mw...)
	e.GET("/desk/claims/:id", s.deskClaim, mw...)
	e.GET("/desk/claims/:id/history", s.claimHistory, mw...)
	e.POST("/desk/preview", s.preview, mw...)
	e.GET("/desk/ratings", s.scaleEditor, mw...)
	e.POST("/desk/ratings", s.saveRating, mw...)
	e.GET("/desk/users", s.usersPage, mw...)
	e.POST("/desk/users", s.addUser, mw...)
	e.POST("/desk/users/:id/role", s.setRole, mw...)
	e.GET("/desk/tokens", s.tokensPage, mw...)
	e.POST("/desk/tokens", s.createToken, mw...)
	e.POST("/desk/tokens/:id/revoke", s.revokeToken, mw...)
	for path, op := range s.claimOps() {
		e.POST("/desk/claims/:id"+path, s.claimWrite(op), mw...)
	}

	// The JSON API drives the same workflow for a CMS.
	e.POST("/api/v1/articles", s.createArticle, mw...)
	e.POST("/api/v1/articles/:id/claims", s.createArticleClaim, mw...)
	e.POST("/api/v1/claims/:id/evidence", s.claimWrite(s.claimOps()["/evidence"]), mw...)
	e.PUT("/api/v1/claims/:id/verdict", s.claimWrite(s.claimOps()["/verdict"]), mw...)
	for _, step := range []string{"submit", "publish", "retract"} {
		e.POST("/api/v1/claims/:id/"+step, s.claimWrite(s.claimOps()["/"+step]), mw...)
	}
	e.POST("/api/v1/claims/:id/corrections", s.claimWrite(s.claimOps()["/correct"]), mw...)
}
