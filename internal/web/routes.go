package web

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/static"
)

// routes is the one route table: every path, its method, who may call it
// (the middleware chain) and its handler.
//
// Middleware is attached per route, never per Echo group: a group with
// middleware also claims every unknown path under its prefix. The server-
// wide middleware (request id, metrics, logging, recovery, body limit,
// security headers) runs first, in New. Role rules are checked here by the
// reviewer and admin chains and again by the domain (factcheck.Claim.Publish
// and friends), so no path can skip them.
func (s *Server) routes() {
	e := s.echo
	var (
		// public: anyone. Reads no cookie and sets none.
		public []echo.MiddlewareFunc
		// reader: public pages, answered from memory while nothing public
		// has changed (see publiccache.go), given the query parameters
		// the handler reads (no others reach it). Reads no cookie and
		// sets none.
		reader = func(query ...string) []echo.MiddlewareFunc { return []echo.MiddlewareFunc{s.cached(query...)} }
		// open: public JSON that any origin may read, from memory too;
		// openStream the same, streamed (too big to keep).
		open = func(query ...string) []echo.MiddlewareFunc {
			return []echo.MiddlewareFunc{corsOpen, s.cached(query...)}
		}
		openStream = []echo.MiddlewareFunc{corsOpen}
		// form: a public form; a CSRF cookie, no login.
		form = []echo.MiddlewareFunc{s.csrf}
		// session: logging in and out.
		session = []echo.MiddlewareFunc{s.authenticate, s.csrf}
		// account: a logged-in user's own account (password, two-factor
		// authentication, sessions): the desk chain without requireMFA, so
		// a user the desk requires to turn on two-factor authentication
		// can do so.
		account = []echo.MiddlewareFunc{s.authenticate, s.requireUser, s.csrf}
		// passwordLogin and passwordChange: the password forms, of the
		// session and account chains, refused first (passwordsOn) where
		// Config.NoPasswordLogin lets single sign-on replace passwords.
		passwordLogin  = []echo.MiddlewareFunc{s.authenticate, s.passwordsOn, s.csrf}
		passwordChange = []echo.MiddlewareFunc{s.authenticate, s.requireUser, s.passwordsOn, s.csrf}
		// desk: any logged-in user, by session cookie (CSRF on writes) or
		// bearer token (no CSRF), with two-factor authentication on where
		// Config.RequireMFA asks for it. The desk's JSON API uses the same
		// chain.
		desk = []echo.MiddlewareFunc{s.authenticate, s.requireUser, s.csrf, s.requireMFA}
		// reviewer and admin: desk users of those roles; others get 403.
		reviewer = append(slices.Clip(desk), requireRole(factcheck.RoleReviewer, factcheck.RoleAdmin))
		admin    = append(slices.Clip(desk), requireRole(factcheck.RoleAdmin))
	)

	// Operations.
	e.GET("/healthz", s.healthz, public...)
	e.GET("/readyz", s.readyz, public...)
	e.GET("/static/*", staticFiles(), public...)
	e.GET("/favicon.ico", favicon, public...)

	// Reader pages.
	e.GET("/", s.home, reader("q", "rating", "tag", "page")...)
	e.GET("/claims/:id", s.claimPage, reader()...)
	e.GET("/articles/:id", s.articlePage, reader()...)
	e.GET("/ratings", s.ratingsPage, reader()...)
	e.GET("/ratings.css", s.ratingsCSS, reader()...)
	e.GET("/corrections", s.correctionsPage, reader()...)
	e.GET("/feed.atom", s.atomFeed, reader()...)
	e.GET("/sitemap.xml", s.sitemap, reader("part")...)
	e.GET("/robots.txt", s.robots, reader()...)
	e.GET("/share.png", s.siteImage, reader()...)
	// The report form sets the CSRF cookie itself (private, no-store), so
	// the claim pages that load it stay cookie-free and cacheable.
	e.GET("/claims/:id/report", s.reportForm, form...)
	e.POST("/claims/:id/report", s.createReport, form...)

	// Embeds: cards on other sites. None looks at cookies or sessions.
	e.GET(embedRoute, s.embedCard, reader("theme")...)
	e.GET("/embed.js", s.embedScript, public...)
	e.GET("/oembed", s.oembed, open("url", "format", "maxwidth", "maxheight")...)
	e.GET("/claims/:id/card.png", s.cardImage, reader("w")...)

	// Public JSON API and open data.
	e.GET("/api/v1/claims", s.apiClaims, open("q", "rating", "tag", "page")...)
	e.GET("/api/v1/claims/:id", s.apiClaim, open()...)
	e.GET("/api/v1/claimreview", s.apiClaimReviewFeed, open()...)
	e.GET("/api/v1/export.jsonl", s.apiExport, openStream...)
	e.OPTIONS("/api/v1/claims", corsPreflight, public...)
	e.OPTIONS("/api/v1/claims/:id", corsPreflight, public...)
	e.OPTIONS("/api/v1/claimreview", corsPreflight, public...)
	e.OPTIONS("/api/v1/export.jsonl", corsPreflight, public...)
	e.OPTIONS("/oembed", corsPreflight, public...)

	// Logging in and out.
	e.GET("/login", s.loginPage, session...)
	e.POST("/login", s.login, passwordLogin...)
	e.POST("/logout", s.logout, s.authenticate, s.loggedOutAlready, s.csrf)
	e.GET("/login/totp", s.totpLoginPage, session...)
	e.POST("/login/totp", s.totpLogin, session...)
	e.GET("/login/oidc", s.ssoStart, session...)
	e.GET("/login/oidc/callback", s.ssoCallback, session...)

	// One's own account.
	e.GET("/desk/account", s.accountPage, account...)
	e.POST("/desk/account/password", s.changePassword, passwordChange...)
	e.POST("/desk/account/totp", s.startTOTP, account...)
	e.POST("/desk/account/totp/confirm", s.confirmTOTP, account...)
	e.POST("/desk/account/totp/recovery-codes", s.newRecoveryCodesHandler, account...)
	e.POST("/desk/account/totp/disable", s.disableTOTP, account...)
	e.POST("/desk/account/sessions/:id/end", s.endSession, account...)
	e.POST("/desk/account/sessions/end-all", s.endAllSessions, account...)

	// The desk: pages and forms.
	e.GET("/desk", s.deskHome, desk...)
	e.GET("/desk/articles", s.deskArticleList, desk...)
	e.GET("/desk/articles/new", s.intakePage, desk...)
	e.POST("/desk/articles", s.createArticle, desk...)
	e.POST("/desk/articles/fetch", s.fetchArticle, desk...)
	e.GET("/desk/articles/:id", s.deskArticle, desk...)
	e.GET("/desk/articles/:id/edit", s.editArticlePage, desk...)
	e.POST("/desk/articles/:id", s.updateArticle, desk...)
	e.POST("/desk/articles/:id/claims", s.createArticleClaim, desk...)
	e.GET("/desk/claims", s.deskClaimList, desk...)
	e.GET("/desk/claims/new", s.newClaimPage, desk...)
	e.POST("/desk/claims", s.createClaim, desk...)
	e.GET("/desk/claims/:id", s.deskClaim, desk...)
	e.GET("/desk/claims/:id/history", s.claimHistory, desk...)
	e.POST("/desk/claims/:id/save", s.deskClaimOp(opSave), desk...)
	e.POST("/desk/claims/:id/details", s.deskClaimOp(opDetails), desk...)
	e.POST("/desk/claims/:id/verdict", s.deskClaimOp(opVerdict), desk...)
	e.POST("/desk/claims/:id/evidence", s.deskClaimOp(opAddEvidence), desk...)
	e.POST("/desk/claims/:id/evidence/lookup", s.lookupSource, desk...)
	e.POST("/desk/claims/:id/evidence/:eid", s.deskClaimOp(opEditEvidence), desk...)
	e.POST("/desk/claims/:id/evidence/:eid/delete", s.deskClaimOp(opRemoveEvidence), desk...)
	e.POST("/desk/claims/:id/evidence/:eid/move", s.deskClaimOp(opMoveEvidence), desk...)
	e.POST("/desk/claims/:id/submit", s.deskClaimOp(opSubmit), desk...)
	e.POST("/desk/claims/:id/withdraw", s.deskClaimOp(opWithdraw), desk...)
	e.POST("/desk/claims/:id/assign", s.deskClaimOp(opAssign), desk...)
	e.POST("/desk/claims/:id/comments", s.addComment, desk...)
	e.POST("/desk/claims/:id/return", s.deskClaimOp(opReturn), reviewer...)
	e.GET("/desk/claims/:id/publish", s.publishPreview, reviewer...)
	e.POST("/desk/claims/:id/publish", s.deskClaimOp(opPublish), reviewer...)
	e.POST("/desk/claims/:id/correct", s.deskClaimOp(opCorrect), reviewer...)
	e.POST("/desk/claims/:id/correct/preview", s.correctionPreview, reviewer...)
	e.POST("/desk/claims/:id/retract", s.deskClaimOp(opRetract), reviewer...)
	e.POST("/desk/claims/:id/appearances", s.deskAddAppearance, desk...)
	e.POST("/desk/preview", s.preview, desk...)
	e.GET("/desk/reports", s.deskReports, desk...)
	e.GET("/desk/dashboard", s.dashboard, desk...)
	e.GET("/desk/dashboard.csv", s.dashboardCSV, desk...)
	e.POST("/desk/reports/:id/resolve", s.resolveReport, reviewer...)
	e.GET("/desk/ratings", s.scaleEditor, desk...)
	e.POST("/desk/ratings", s.saveRating, admin...)
	e.GET("/desk/users", s.usersPage, admin...)
	e.POST("/desk/users", s.addUser, admin...)
	e.POST("/desk/users/:id/role", s.setRole, admin...)
	e.POST("/desk/users/:id/deactivate", s.deactivateUser, admin...)
	e.POST("/desk/users/:id/activate", s.activateUser, admin...)
	e.POST("/desk/users/:id/totp/reset", s.resetUserTOTP, admin...)
	e.GET("/desk/tokens", s.tokensPage, desk...)
	e.POST("/desk/tokens", s.createToken, desk...)
	e.POST("/desk/tokens/:id/revoke", s.revokeToken, desk...)
	e.GET("/desk/webhooks", s.webhooksPage, admin...)
	e.POST("/desk/webhooks", s.deskCreateWebhook, admin...)
	e.POST("/desk/webhooks/:id/test", s.deskTestWebhook, admin...)
	e.POST("/desk/webhooks/:id/enable", s.deskEnableWebhook, admin...)
	e.POST("/desk/webhooks/:id/delete", s.deskDeleteWebhook, admin...)

	// The desk's JSON API: the same workflow for a CMS.
	e.POST("/api/v1/articles", s.apiCreateArticle, desk...)
	e.POST("/api/v1/articles/:id/claims", s.apiCreateArticleClaim, desk...)
	e.POST("/api/v1/claims/:id/evidence", s.apiClaimOp(opAddEvidence), desk...)
	e.PUT("/api/v1/claims/:id/verdict", s.apiClaimOp(opVerdict), desk...)
	e.POST("/api/v1/claims/:id/submit", s.apiClaimOp(opSubmit), desk...)
	e.POST("/api/v1/claims/:id/publish", s.apiClaimOp(opPublish), reviewer...)
	e.POST("/api/v1/claims/:id/corrections", s.apiClaimOp(opCorrect), reviewer...)
	e.POST("/api/v1/claims/:id/retract", s.apiClaimOp(opRetract), reviewer...)
	e.POST("/api/v1/claims/:id/appearances", s.apiAddAppearance, desk...)
	e.POST("/api/v1/webhooks", s.apiCreateWebhook, admin...)
	e.GET("/api/v1/webhooks", s.apiWebhooks, admin...)
	e.DELETE("/api/v1/webhooks/:id", s.apiDeleteWebhook, admin...)
	e.POST("/api/v1/webhooks/:id/test", s.apiTestWebhook, admin...)
	e.POST("/api/v1/webhooks/:id/enable", s.apiEnableWebhook, admin...)
}

// favicon sends browsers that ask for /favicon.ico to the SVG icon.
func favicon(c echo.Context) error {
	return c.Redirect(http.StatusMovedPermanently, static.URL("favicon.svg"))
}

// staticFiles serves the files compiled into the binary. A path that names
// no file (/static/ itself, or any path ending in "/") is 404, never a
// listing of what is there.
func staticFiles() echo.HandlerFunc {
	files := http.StripPrefix("/static/", static.Handler())
	return func(c echo.Context) error {
		if name := c.Param("*"); name == "" || strings.HasSuffix(name, "/") {
			return factcheck.Errorf(factcheck.ENOTFOUND, "Page not found.")
		}
		files.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

// Route is one registered method and path pattern, e.g. GET /claims/:id.
type Route struct {
	Method string
	Path   string
}

// Routes lists every route the server answers, sorted by path then method,
// so tests can check each one against an authorization rule. Echo's own
// not-found entries are left out.
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
