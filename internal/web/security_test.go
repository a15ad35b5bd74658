package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/web"
)

// routeAccess says who may call a route.
type routeAccess int

const (
	// accessPublic: anyone, no login; a state-changing public route still needs
	// the CSRF token because it uses cookies.
	accessPublic routeAccess = iota
	// accessSession: the login and logout routes; anyone, CSRF on POST.
	accessSession
	// accessDesk: logged-in users, with a session cookie (and CSRF on writes) or
	// a bearer token.
	accessDesk
)

// routeRule is the authorization contract of one route.
type routeRule struct {
	access routeAccess
	// roles, when set, are the only roles that may use a desk route; others get 403.
	roles []factcheck.Role
}

var roleReviewers = []factcheck.Role{factcheck.RoleReviewer, factcheck.RoleAdmin}
var roleAdmins = []factcheck.Role{factcheck.RoleAdmin}

// routeRules lists every route the server may register. A route missing
// here fails TestEveryRouteHasAnAuthorizationRule: decide who may call it,
// then add it.
var routeRules = map[string]routeRule{
	"GET /":                                      {access: accessPublic},
	"GET /healthz":                               {access: accessPublic},
	"GET /readyz":                                {access: accessPublic},
	"GET /static/*":                              {access: accessPublic},
	"GET /favicon.ico":                           {access: accessPublic},
	"GET /claims/:id":                            {access: accessPublic},
	"GET /claims/:id/report":                     {access: accessPublic},
	"POST /claims/:id/report":                    {access: accessPublic},
	"GET /claims/:id/card.png":                   {access: accessPublic},
	"GET /articles/:id":                          {access: accessPublic},
	"GET /ratings":                               {access: accessPublic},
	"GET /ratings.css":                           {access: accessPublic},
	"GET /corrections":                           {access: accessPublic},
	"GET /feed.atom":                             {access: accessPublic},
	"GET /embed/claims/:id":                      {access: accessPublic},
	"GET /embed.js":                              {access: accessPublic},
	"GET /oembed":                                {access: accessPublic},
	"GET /api/v1/claims":                         {access: accessPublic},
	"GET /api/v1/claims/:id":                     {access: accessPublic},
	"GET /api/v1/claimreview":                    {access: accessPublic},
	"GET /api/v1/export.jsonl":                   {access: accessPublic},
	"OPTIONS /api/v1/claims":                     {access: accessPublic},
	"OPTIONS /api/v1/claims/:id":                 {access: accessPublic},
	"OPTIONS /api/v1/claimreview":                {access: accessPublic},
	"OPTIONS /api/v1/export.jsonl":               {access: accessPublic},
	"OPTIONS /oembed":                            {access: accessPublic},
	"GET /sitemap.xml":                           {access: accessPublic},
	"GET /robots.txt":                            {access: accessPublic},
	"GET /share.png":                             {access: accessPublic},
	"GET /login":                                 {access: accessSession},
	"POST /login":                                {access: accessSession},
	"POST /logout":                               {access: accessSession},
	"GET /login/totp":                            {access: accessSession},
	"POST /login/totp":                           {access: accessSession},
	"GET /login/oidc":                            {access: accessSession},
	"GET /login/oidc/callback":                   {access: accessSession},
	"GET /desk/account":                          {access: accessDesk},
	"POST /desk/account/password":                {access: accessDesk},
	"POST /desk/account/totp":                    {access: accessDesk},
	"POST /desk/account/totp/confirm":            {access: accessDesk},
	"POST /desk/account/totp/recovery-codes":     {access: accessDesk},
	"POST /desk/account/totp/disable":            {access: accessDesk},
	"POST /desk/account/sessions/:id/end":        {access: accessDesk},
	"POST /desk/account/sessions/end-all":        {access: accessDesk},
	"POST /desk/users/:id/deactivate":            {access: accessDesk, roles: roleAdmins},
	"POST /desk/users/:id/activate":              {access: accessDesk, roles: roleAdmins},
	"POST /desk/users/:id/totp/reset":            {access: accessDesk, roles: roleAdmins},
	"GET /desk":                                  {access: accessDesk},
	"GET /desk/claims":                           {access: accessDesk},
	"GET /desk/articles":                         {access: accessDesk},
	"GET /desk/articles/new":                     {access: accessDesk},
	"POST /desk/articles":                        {access: accessDesk},
	"POST /desk/articles/fetch":                  {access: accessDesk},
	"GET /desk/articles/:id":                     {access: accessDesk},
	"GET /desk/articles/:id/edit":                {access: accessDesk},
	"POST /desk/articles/:id":                    {access: accessDesk},
	"POST /desk/articles/:id/claims":             {access: accessDesk},
	"GET /desk/claims/new":                       {access: accessDesk},
	"POST /desk/claims":                          {access: accessDesk},
	"GET /desk/claims/:id":                       {access: accessDesk},
	"GET /desk/claims/:id/history":               {access: accessDesk},
	"POST /desk/claims/:id/save":                 {access: accessDesk},
	"POST /desk/claims/:id/details":              {access: accessDesk},
	"POST /desk/claims/:id/verdict":              {access: accessDesk},
	"POST /desk/claims/:id/evidence":             {access: accessDesk},
	"POST /desk/claims/:id/evidence/lookup":      {access: accessDesk},
	"POST /desk/claims/:id/evidence/:eid":        {access: accessDesk},
	"POST /desk/claims/:id/evidence/:eid/delete": {access: accessDesk},
	"POST /desk/claims/:id/evidence/:eid/move":   {access: accessDesk},
	"POST /desk/claims/:id/submit":               {access: accessDesk},
	"POST /desk/claims/:id/withdraw":             {access: accessDesk},
	"POST /desk/claims/:id/assign":               {access: accessDesk},
	"POST /desk/claims/:id/comments":             {access: accessDesk},
	"POST /desk/claims/:id/return":               {access: accessDesk, roles: roleReviewers},
	"GET /desk/claims/:id/publish":               {access: accessDesk, roles: roleReviewers},
	"POST /desk/claims/:id/publish":              {access: accessDesk, roles: roleReviewers},
	"POST /desk/claims/:id/correct":              {access: accessDesk, roles: roleReviewers},
	"POST /desk/claims/:id/correct/preview":      {access: accessDesk, roles: roleReviewers},
	"POST /desk/claims/:id/retract":              {access: accessDesk, roles: roleReviewers},
	"POST /desk/claims/:id/appearances":          {access: accessDesk},
	"GET /desk/dashboard":                        {access: accessDesk},
	"GET /desk/dashboard.csv":                    {access: accessDesk},
	"POST /desk/preview":                         {access: accessDesk},
	"GET /desk/ratings":                          {access: accessDesk},
	"POST /desk/ratings":                         {access: accessDesk, roles: roleAdmins},
	"GET /desk/users":                            {access: accessDesk, roles: roleAdmins},
	"GET /desk/webhooks":                         {access: accessDesk, roles: roleAdmins},
	"POST /desk/webhooks":                        {access: accessDesk, roles: roleAdmins},
	"POST /desk/webhooks/:id/test":               {access: accessDesk, roles: roleAdmins},
	"POST /desk/webhooks/:id/enable":             {access: accessDesk, roles: roleAdmins},
	"POST /desk/webhooks/:id/delete":             {access: accessDesk, roles: roleAdmins},
	"POST /api/v1/webhooks":                      {access: accessDesk, roles: roleAdmins},
	"GET /api/v1/webhooks":                       {access: accessDesk, roles: roleAdmins},
	"DELETE /api/v1/webhooks/:id":                {access: accessDesk, roles: roleAdmins},
	"POST /api/v1/webhooks/:id/test":             {access: accessDesk, roles: roleAdmins},
	"POST /api/v1/webhooks/:id/enable":           {access: accessDesk, roles: roleAdmins},
	"POST /desk/users":                           {access: accessDesk, roles: roleAdmins},
	"POST /desk/users/:id/role":                  {access: accessDesk, roles: roleAdmins},
	"GET /desk/tokens":                           {access: accessDesk},
	"POST /desk/tokens":                          {access: accessDesk},
	"POST /desk/tokens/:id/revoke":               {access: accessDesk},
	"GET /desk/reports":                          {access: accessDesk},
	"POST /desk/reports/:id/resolve":             {access: accessDesk, roles: roleReviewers},
	"POST /api/v1/articles":                      {access: accessDesk},
	"POST /api/v1/articles/:id/claims":           {access: accessDesk},
	"POST /api/v1/claims/:id/evidence":           {access: accessDesk},
	"PUT /api/v1/claims/:id/verdict":             {access: accessDesk},
	"POST /api/v1/claims/:id/submit":             {access: accessDesk},
	"POST /api/v1/claims/:id/publish":            {access: accessDesk, roles: roleReviewers},
	"POST /api/v1/claims/:id/retract":            {access: accessDesk, roles: roleReviewers},
	"POST /api/v1/claims/:id/corrections":        {access: accessDesk, roles: roleReviewers},
	"POST /api/v1/claims/:id/appearances":        {access: accessDesk},
}

// secEnv is a seeded server plus the records the route walk points at.
type secEnv struct {
	*env
	routes                              []web.Route
	published, draft, evidence, article int64
	spareUser, report, spareToken       int64
	adminTok, editorTok, reviewerTok    string
	// webhook is an endpoint the routes under /:id find; the two delete
	// routes get endpoints of their own, so that neither finds the other's
	// already gone.
	webhook, webhookAPIDelete, webhookDeskDelete int64
	// sessions holds one session of each test user, by role: a user may
	// end only their own.
	sessions map[factcheck.Role]int64
}

func newSecEnv(t *testing.T) *secEnv {
	e := newEnv(t, "sqlite")
	s := &secEnv{env: e, adminTok: e.token(e.admin), editorTok: e.token(e.editor), reviewerTok: e.token(e.reviewer)}
	s.routes = newServer(t, e.store, web.Config{}).Routes()
	ctx := t.Context()
	hits, _, err := e.store.ListClaims(ctx, store.ClaimFilter{})
	if err != nil || len(hits) == 0 {
		t.Fatalf("no published claims: %v", err)
	}
	s.published = hits[0].ID
	var art struct{ ID int64 }
	if st := e.api("POST", "/api/v1/articles", s.editorTok, map[string]string{"title": "T", "body": articleBody}, &art); st != 201 {
		t.Fatalf("article: %d", st)
	}
	s.article = art.ID
	var cl web.ClaimJSON
	if st := e.api("POST", "/api/v1/articles/"+secID(art.ID)+"/claims", s.editorTok, map[string]any{"quote": "Critics think the move is a mistake.", "claimant": "Critics"}, &cl); st != 201 {
		t.Fatalf("claim: %d", st)
	}
	s.draft = cl.ID
	if st := e.api("POST", "/api/v1/claims/"+secID(cl.ID)+"/evidence", s.editorTok, map[string]string{"url": "https://a.example/", "title": "A", "stance": "supports"}, &cl); st != 201 {
		t.Fatalf("evidence: %d", st)
	}
	s.evidence = cl.Evidence[0].ID
	spare := &factcheck.User{Email: "spare@test.example", Name: "Spare", Role: factcheck.RoleEditor}
	if err := e.store.CreateUser(ctx, spare, testPassword); err != nil {
		t.Fatal(err)
	}
	s.spareUser = spare.ID
	if _, err := e.store.CreateAPIToken(ctx, spare.ID, "spare"); err != nil {
		t.Fatal(err)
	}
	toks, _ := e.store.APITokens(ctx, spare.ID)
	s.spareToken = toks[0].ID
	r := &factcheck.Report{ClaimID: s.published, Message: "The date in this card looks wrong to me."}
	if err := e.store.CreateReport(ctx, r, "test"); err != nil {
		t.Fatal(err)
	}
	s.report = r.ID
	for _, id := range []*int64{&s.webhook, &s.webhookAPIDelete, &s.webhookDeskDelete} {
		w := &factcheck.Webhook{URL: "https://hooks.example/claimdesk", Events: []factcheck.EventType{factcheck.EventClaimPublished}}
		if err := e.store.CreateWebhook(ctx, w, e.admin); err != nil {
			t.Fatal(err)
		}
		*id = w.ID
	}
	s.sessions = map[factcheck.Role]int64{}
	for _, u := range []*factcheck.User{e.admin, e.editor, e.reviewer} {
		if _, err := e.store.CreateSession(ctx, u.ID, time.Hour); err != nil {
			t.Fatal(err)
		}
		ss, err := e.store.Sessions(ctx, u.ID, time.Hour)
		if err != nil || len(ss) != 1 {
			t.Fatalf("sessions of %s: %d %v", u.Email, len(ss), err)
		}
		s.sessions[u.Role] = ss[0].ID
	}
	return s
}

// realObject reports whether the route walk points the :id of a route at
// an object that route serves (not a claim's id, whose 404 would pass for
// an allowed role getting through): an allowed role must not get 404.
func realObject(r web.Route) bool {
	for _, p := range []string{"/desk/webhooks/:id", "/api/v1/webhooks/:id", "/desk/account/sessions/:id"} {
		if strings.HasPrefix(r.Path, p) {
			return true
		}
	}
	return false
}

func secID(n int64) string { return strconv.FormatInt(n, 10) }

// fill turns a route pattern into a concrete path naming real records,
// the admin's own where a record belongs to its user.
func (s *secEnv) fill(r web.Route) string { return s.fillAs(r, factcheck.RoleAdmin) }

// fillAs is fill for the test user of role.
func (s *secEnv) fillAs(r web.Route, role factcheck.Role) string {
	p := r.Path
	claim := s.draft
	if strings.HasPrefix(p, "/claims/") || strings.HasPrefix(p, "/embed/") || r.Method == "GET" && strings.HasPrefix(p, "/api/v1/claims/") {
		claim = s.published
	}
	switch {
	case strings.HasPrefix(p, "/static/"):
		return "/static/app.css"
	case strings.Contains(p, "/articles/:id"):
		p = strings.Replace(p, ":id", secID(s.article), 1)
	case strings.HasPrefix(p, "/desk/users/:id"):
		p = strings.Replace(p, ":id", secID(s.spareUser), 1)
	case strings.HasPrefix(p, "/desk/tokens/:id"):
		p = strings.Replace(p, ":id", secID(s.spareToken), 1)
	case strings.HasPrefix(p, "/desk/reports/:id"):
		p = strings.Replace(p, ":id", secID(s.report), 1)
	case strings.HasPrefix(p, "/desk/account/sessions/:id"):
		p = strings.Replace(p, ":id", secID(s.sessions[role]), 1)
	case r.Method == "DELETE" && p == "/api/v1/webhooks/:id":
		p = strings.Replace(p, ":id", secID(s.webhookAPIDelete), 1)
	case p == "/desk/webhooks/:id/delete":
		p = strings.Replace(p, ":id", secID(s.webhookDeskDelete), 1)
	case strings.Contains(p, "/webhooks/:id"):
		p = strings.Replace(p, ":id", secID(s.webhook), 1)
	default:
		p = strings.Replace(p, ":id", secID(claim), 1)
	}
	p = strings.Replace(p, ":eid", secID(s.evidence), 1)
	if r.Path == "/oembed" {
		p += "?format=json&url=" + url.QueryEscape(s.srv.URL+"/claims/"+secID(s.published))
	}
	return p
}

// do sends one request; token is a bearer token, csrf a form token.
func (s *secEnv) do(c *http.Client, method, path, token, csrf string, header ...string) (int, string, *http.Response) {
	s.t.Helper()
	var body io.Reader
	if method != "GET" {
		form := url.Values{}
		if csrf != "" {
			form.Set("_csrf", csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, s.srv.URL+path, body)
	if method != "GET" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

func TestEveryRouteHasAnAuthorizationRule(t *testing.T) {
	s := newSecEnv(t)
	if len(s.routes) < 40 {
		t.Fatalf("only %d routes listed", len(s.routes))
	}
	for _, r := range s.routes {
		if _, ok := routeRules[r.Method+" "+r.Path]; !ok {
			t.Errorf("route %s %s has no authorization rule: add it to routeRules in security_test.go", r.Method, r.Path)
		}
	}
}

func TestRouteAuthorization(t *testing.T) {
	s := newSecEnv(t)
	anon := s.client()
	anonCSRF := s.csrfFrom(anon, "/login")
	for _, r := range s.routes {
		ru, ok := routeRules[r.Method+" "+r.Path]
		if !ok {
			continue // reported by TestEveryRouteHasAnAuthorizationRule
		}
		path := s.fill(r)
		name := r.Method + " " + r.Path
		switch ru.access {
		case accessPublic, accessSession:
			st, body, resp := s.do(anon, r.Method, path, "", anonCSRF)
			if st == 401 && r.Path != "/login" || st >= 500 || st == 403 && r.Method == "GET" || strings.HasPrefix(resp.Header.Get("Location"), "/login") && !strings.HasPrefix(r.Path, "/login") {
				t.Errorf("%s: anonymous got %d %s %.200s", name, st, resp.Header.Get("Location"), body)
			}
		case accessDesk:
			if r.Method == "GET" && strings.HasPrefix(r.Path, "/api/") {
				// The JSON API never redirects to a login page.
				if st, _, _ := s.do(anon, "GET", path, "", ""); st != 401 {
					t.Errorf("%s: anonymous got %d, want 401", name, st)
				}
			} else if r.Method == "GET" {
				st, _, resp := s.do(anon, "GET", path, "", "")
				if st != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next="+url.QueryEscape(path) {
					t.Errorf("%s: anonymous browser got %d %q, want 303 to the login page", name, st, resp.Header.Get("Location"))
				}
				if st, _, _ := s.do(anon, "GET", path, "", "", "Accept", "application/json"); st != 401 {
					t.Errorf("%s: anonymous JSON client got %d, want 401", name, st)
				}
			} else if st, body, _ := s.do(anon, r.Method, path, "", anonCSRF); st != 401 {
				t.Errorf("%s: anonymous write (with a valid CSRF token) got %d, want 401: %.200s", name, st, body)
			}
			for _, bad := range []string{"cd_not-a-token", "garbage"} {
				if st, _, _ := s.do(anon, r.Method, path, bad, ""); st != 401 {
					t.Errorf("%s: bad bearer token %q got %d, want 401", name, bad, st)
				}
			}
			if ru.roles != nil {
				for role, tok := range map[factcheck.Role]string{factcheck.RoleEditor: s.editorTok, factcheck.RoleReviewer: s.reviewerTok} {
					if slices.Contains(ru.roles, role) {
						continue
					}
					if st, body, _ := s.do(anon, r.Method, path, tok, ""); st != 403 {
						t.Errorf("%s: %s got %d, want 403: %.200s", name, role, st, body)
					}
				}
			}
			if strings.HasPrefix(r.Path, "/desk/account/sessions/:id") {
				// Another user's session is not found, and stays.
				if st, body, _ := s.do(anon, r.Method, s.fillAs(r, factcheck.RoleAdmin), s.editorTok, ""); st != 404 {
					t.Errorf("%s: the editor ending the admin's session got %d, want 404: %.200s", name, st, body)
				}
			}
		}
	}
	// Allowed roles get through (after the denials above, since these may write).
	for _, r := range s.routes {
		ru := routeRules[r.Method+" "+r.Path]
		if ru.access != accessDesk {
			continue
		}
		roles := ru.roles
		if roles == nil {
			roles = []factcheck.Role{factcheck.RoleEditor, factcheck.RoleReviewer, factcheck.RoleAdmin}
		}
		toks := map[factcheck.Role]string{factcheck.RoleEditor: s.editorTok, factcheck.RoleReviewer: s.reviewerTok, factcheck.RoleAdmin: s.adminTok}
		for _, role := range roles {
			st, body, _ := s.do(anon, r.Method, s.fillAs(r, role), toks[role], "")
			if st == 401 || st == 403 || st >= 500 || st == 404 && realObject(r) {
				t.Errorf("%s %s: %s with a bearer token got %d: %.200s", r.Method, r.Path, role, st, body)
			}
		}
	}
}

func TestEveryWriteNeedsCSRFWithCookies(t *testing.T) {
	s := newSecEnv(t)
	admin := s.client()
	s.login(admin, "admin@test.example")
	s.csrfFrom(admin, "/desk") // the browser has its CSRF cookie
	anon := s.client()
	s.csrfFrom(anon, "/login")
	for _, r := range s.routes {
		if r.Method == "GET" || r.Method == "HEAD" || r.Method == "OPTIONS" {
			continue // safe methods: CORS preflights change nothing
		}
		c := admin
		if routeRules[r.Method+" "+r.Path].access != accessDesk {
			c = anon
		}
		for _, forged := range []string{"", "forged-forged-forged-forged-forged-forged"} {
			st, body, _ := s.do(c, r.Method, s.fill(r), "", forged)
			if st != http.StatusForbidden || !strings.Contains(body, "security token") {
				t.Errorf("%s %s with CSRF token %q: %d, want 403", r.Method, r.Path, forged, st)
			}
		}
	}
	if st, _, _ := s.get(admin, "/desk"); st != 200 {
		t.Fatalf("the forged writes ended the admin's session: %d", st)
	}
}

// XSS payloads, each put into every field a user can fill.
const (
	xssScript = `<script>alert(1)</script>`
	xssAttr   = `"><img src=x onerror=alert(1)>`
)

// rawXSS matches the payloads when they reach a page unescaped.
var rawXSS = regexp.MustCompile(`(?i)<script>alert\(1\)|<img src=x|href="\s*javascript:|src="\s*javascript:`)

func TestStoredXSSIsEscapedEverywhere(t *testing.T) {
	s := newSecEnv(t)
	p := xssScript + xssAttr
	author := &factcheck.User{Email: "xss@test.example", Name: "Name " + p, Role: factcheck.RoleEditor}
	if err := s.store.CreateUser(t.Context(), author, testPassword); err != nil {
		t.Fatal(err)
	}
	authorTok := s.token(author)
	sentence := "The mayor said " + p + " cost 12 million dollars in 2024."
	body := "Intro " + p + "\n\n" + sentence + "\n\nMore text follows."
	var art struct{ ID int64 }
	if st := s.api("POST", "/api/v1/articles", s.editorTok, map[string]string{"title": "Title " + p, "outlet": "Outlet " + p,
		"author": "Author " + p, "url": "https://news.example/a?x=" + url.QueryEscape(p), "body": body}, &art); st != 201 {
		t.Fatalf("article: %d", st)
	}
	var cl web.ClaimJSON
	if st := s.api("POST", "/api/v1/articles/"+secID(art.ID)+"/claims", authorTok, map[string]any{"quote": sentence, "claimant": "Claimant " + p, "tags": []string{"tag " + p}, "claim_date": "2024-11-19"}, &cl); st != 201 {
		t.Fatalf("claim: %d", st)
	}
	cp := "/api/v1/claims/" + secID(cl.ID)
	for _, bad := range []string{"javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x"} {
		var ae apiErr
		if st := s.api("POST", cp+"/evidence", s.editorTok, map[string]string{"url": bad, "title": "x", "stance": "supports"}, &ae); st != 422 || ae.Error.Field != "url" {
			t.Errorf("evidence url %q: %d %+v, want 422 on url", bad, st, ae.Error)
		}
		if st := s.api("POST", "/api/v1/articles", s.editorTok, map[string]string{"title": "x", "url": bad, "body": "Some body."}, &ae); st != 422 {
			t.Errorf("article url %q: %d, want 422", bad, st)
		}
	}
	if st := s.api("POST", cp+"/evidence", s.editorTok, map[string]string{"url": "https://ev.example/?q=" + url.QueryEscape(p), "title": "Title " + p,
		"publisher": "Publisher " + p, "excerpt": "Excerpt " + p, "stance": "refutes"}, &cl); st != 201 {
		t.Fatalf("evidence: %d", st)
	}
	if st := s.api("PUT", cp+"/verdict", s.editorTok, map[string]any{"rating": "false", "summary": "Summary " + p,
		"rationale": "Rationale " + p + "\n\n[click](javascript:alert(1)) <a href=\"javascript:alert(1)\">x</a> <iframe src=x></iframe>", "version": cl.Version}, &cl); st != 200 {
		t.Fatalf("verdict: %d", st)
	}
	s.api("POST", cp+"/submit", s.editorTok, nil, &cl)
	if st := s.api("POST", cp+"/publish", s.reviewerTok, nil, &cl); st != 200 {
		t.Fatalf("publish: %d", st)
	}
	if st := s.api("POST", cp+"/corrections", s.reviewerTok, map[string]string{"note": "Note " + p}, &cl); st != 200 {
		t.Fatalf("correction: %d", st)
	}
	if err := s.store.CreateReport(t.Context(), &factcheck.Report{ClaimID: cl.ID, Message: "Message " + p, Email: "r@example.com"}, "xss"); err != nil {
		t.Fatal(err)
	}
	ratings, _ := s.store.Ratings(t.Context())
	ratings[0].Label, ratings[0].Description = "Label "+p, "Description "+p
	if err := s.store.SaveRating(t.Context(), &ratings[0]); err != nil {
		t.Fatal(err)
	}

	card := "/claims/" + secID(cl.ID)
	pages := []string{"/", "/?q=mayor", "/?q=" + url.QueryEscape(p), card, card + "-" + cl.Slug, card + "/report", "/articles/" + secID(art.ID),
		"/ratings", "/corrections", "/feed.atom", "/embed/claims/" + secID(cl.ID),
		"/oembed?format=json&url=" + url.QueryEscape(s.srv.URL+card)}
	deskPages := []string{"/desk", "/desk/claims", "/desk/claims?status=corrected", "/desk/claims/" + secID(cl.ID), "/desk/claims/" + secID(cl.ID) + "/history",
		"/desk/articles/" + secID(art.ID), "/desk/articles/" + secID(art.ID) + "/edit", "/desk/reports", "/desk/ratings", "/desk/users"}
	admin := s.client()
	s.login(admin, "admin@test.example")
	check := func(c *http.Client, path string) {
		st, body, resp := s.get(c, path)
		if st >= 500 {
			t.Errorf("%s: %d", path, st)
		}
		if st == 404 && (strings.HasPrefix(path, "/embed/") || strings.HasPrefix(path, "/oembed")) {
			return // not built yet
		}
		isJSON := strings.Contains(resp.Header.Get("Content-Type"), "json")
		if m := rawXSS.FindString(body); m != "" && !isJSON {
			t.Errorf("%s: raw payload %q in the page", path, m)
		}
		if isJSON {
			// Text in JSON is data (sent with nosniff); what matters is any
			// HTML the JSON carries for a consumer to insert (oEmbed "html").
			var doc map[string]any
			if json.Unmarshal([]byte(body), &doc) == nil {
				if h, ok := doc["html"].(string); ok && rawXSS.MatchString(h) {
					t.Errorf("%s: raw payload in the embed HTML: %.300s", path, h)
				}
			}
		}
		if strings.Contains(body, "Summary "+xssScript) {
			t.Errorf("%s: summary unescaped", path)
		}
	}
	for _, p := range pages {
		check(s.client(), p)
	}
	for _, p := range deskPages {
		check(admin, p)
	}
	// JSON-LD on the card: the payload must not close the script element.
	_, body, _ = s.get(s.client(), card)
	if !strings.Contains(body, "Summary &lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the card does not show the escaped summary, so this test proves nothing")
	}
	for _, ld := range regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindAllStringSubmatch(body, -1) {
		var v any
		if err := json.Unmarshal([]byte(ld[1]), &v); err != nil {
			t.Errorf("JSON-LD broken by the payload: %v", err)
		}
	}
	// The public JSON API carries the text as data, not markup.
	var pub map[string]any
	if st := s.api("GET", "/api/v1/claims/"+secID(cl.ID), "", nil, &pub); st != 200 || !strings.Contains(pub["summary"].(string), xssScript) {
		t.Errorf("API summary: %d %v", st, pub["summary"])
	}
}

func TestSessionCookieFlags(t *testing.T) {
	e := newEnv(t, "sqlite")
	srv := newServer(t, e.store, web.Config{BaseURL: "https://desk.example"})
	req := httptest.NewRequest("GET", "/login", nil)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	var csrf *http.Cookie
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "__Host-claimdesk_csrf" {
			csrf = ck
		}
	}
	if csrf == nil || !csrf.Secure || !csrf.HttpOnly || csrf.SameSite != http.SameSiteLaxMode || csrf.Path != "/" || csrf.Domain != "" {
		t.Fatalf("CSRF cookie on https: %+v", csrf)
	}
	token := csrfRe.FindStringSubmatch(rec.Body.String())[1]
	form := url.Values{"_csrf": {token}, "email": {"editor@test.example"}, "password": {testPassword}}
	req = httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(csrf)
	rec = httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	var sess *http.Cookie
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "__Host-claimdesk_session" {
			sess = ck
		}
	}
	if rec.Code != http.StatusSeeOther || sess == nil || !sess.Secure || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" || len(sess.Value) < 40 {
		t.Fatalf("session cookie on https: %d %+v", rec.Code, sess)
	}
	if rec.Header().Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS on https")
	}
	// The session token is stored hashed: the cookie value is not in the database.
	if _, err := e.store.SessionUser(t.Context(), sess.Value); err != nil {
		t.Fatalf("session: %v", err)
	}
}

func TestSessionsEndOnLogoutAndPasswordChange(t *testing.T) {
	e := newEnv(t, "sqlite")
	a, b := e.client(), e.client()
	e.login(a, "editor@test.example")
	e.login(b, "editor@test.example")
	// Replaying a logged-out cookie does not work.
	u, _ := url.Parse(e.srv.URL)
	old := a.Jar.Cookies(u)
	e.postForm(a, "/logout", url.Values{"_csrf": {e.csrfFrom(a, "/desk")}})
	replay := e.client()
	replay.Jar.SetCookies(u, old)
	if st, _, _ := e.get(replay, "/desk"); st != http.StatusSeeOther {
		t.Fatalf("logged-out session replayed: %d", st)
	}
	if st, _, _ := e.get(b, "/desk"); st != 200 {
		t.Fatalf("logout ended another browser's session: %d", st)
	}
	if err := e.store.SetPassword(context.Background(), e.editor.ID, "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := e.get(b, "/desk"); st != http.StatusSeeOther {
		t.Fatalf("session survived a password change: %d", st)
	}
	if st := e.api("GET", "/desk/claims/1", "", nil, nil); st != 401 {
		t.Fatalf("anonymous desk JSON: %d", st)
	}
}

func TestLoginRateLimitPerAccountAcrossClients(t *testing.T) {
	e := newEnv(t, "sqlite")
	for i := range 6 {
		c := e.client()
		token := e.csrfFrom(c, "/login")
		st, _, _ := e.postForm(c, "/login", url.Values{"_csrf": {token}, "email": {"reviewer@test.example"}, "password": {"guess " + strconv.Itoa(i)}})
		if want := 401; i == 5 {
			if st != http.StatusTooManyRequests {
				t.Fatalf("attempt %d: %d, want 429", i, st)
			}
		} else if st != want {
			t.Fatalf("attempt %d: %d, want %d", i, st, want)
		}
	}
}

func TestRevokedTokenIsRefused(t *testing.T) {
	e := newEnv(t, "sqlite")
	tok := e.token(e.editor)
	if st := e.api("GET", "/desk/claims/1", tok, nil, nil); st != 200 {
		t.Fatalf("live token: %d", st)
	}
	if err := e.store.RevokeAPIToken(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	var ae apiErr
	if st := e.api("POST", "/api/v1/articles", tok, map[string]string{"title": "T", "body": articleBody}, &ae); st != 401 || ae.Error.Code != "unauthorized" {
		t.Fatalf("revoked token: %d %+v", st, ae)
	}
	if st := e.api("GET", "/desk/claims/1", tok, nil, nil); st != 401 {
		t.Fatalf("revoked token read: %d", st)
	}
	if st := e.api("GET", "/desk/claims/1", "Basic "+tok, nil, nil); st != 401 {
		t.Fatalf("odd token: %d", st)
	}
}

func TestOversizedAndMalformedBodies(t *testing.T) {
	e := newEnv(t, "sqlite")
	tok := e.token(e.editor)
	before, _ := e.store.Articles(t.Context(), 1000)
	cases := []struct {
		name   string
		body   string
		status int
	}{
		{"3 MB", `{"title":"T","body":"` + strings.Repeat("x", 3<<20) + `"}`, 413},
		{"truncated", `{"title":"T","body":`, 400},
		{"not json", `title=T&body=x`, 400},
		{"wrong types", `{"title":12,"body":["x"]}`, 400},
		{"array", `[1,2,3]`, 400},
		{"nul bytes", "{\"title\":\"T\x00\",\"body\":\"\x00\"}", 400},
	}
	for _, tc := range cases {
		var ae apiErr
		if st := e.api("POST", "/api/v1/articles", tok, tc.body, &ae); st != tc.status || ae.Error.Code == "" {
			t.Errorf("%s: %d %+v, want %d", tc.name, st, ae.Error, tc.status)
		}
	}
	if after, _ := e.store.Articles(t.Context(), 1000); len(after) != len(before) {
		t.Fatalf("bad bodies stored %d articles", len(after)-len(before))
	}
}

func TestStaticPathTraversal(t *testing.T) {
	e := newEnv(t, "sqlite")
	c := e.client()
	for _, p := range []string{"/static/../../go.mod", "/static/..%2f..%2fgo.mod", "/static/%2e%2e/%2e%2e/go.mod", "/static/..%5c..%5cgo.mod",
		"/static/....//....//go.mod", "/static/%252e%252e/go.mod", "/static/static.go", "/static/node_modules/htmx.org/package.json",
		"/static//etc/passwd", "/static/..", "/static/%2e%2e%2fstatic.go", "/static/../internal/web/server.go"} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/", nil)
		req.URL.Opaque = p // send the path exactly, without client-side cleaning
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body := string(b)
		if resp.StatusCode == 200 || strings.Contains(body, "module claimdesk") || strings.Contains(body, "package static") || strings.Contains(body, "root:") {
			t.Errorf("%s: %d leaks %.80q", p, resp.StatusCode, body)
		}
		if resp.StatusCode >= 500 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	if st, _, _ := e.get(c, "/static/app.css"); st != 200 {
		t.Fatalf("real static file: %d", st)
	}
}

func TestLoginNeverRedirectsOffSite(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, next := range []string{"https://evil.example/", "//evil.example", "///evil.example", `/\evil.example`, `\\evil.example`, "/%2f%2fevil.example",
		"http:evil.example", "javascript:alert(1)", " //evil.example", "/\t/evil.example", "https:/\\evil.example"} {
		// The already-logged-in shortcut on GET /login obeys next= too.
		c := e.client()
		e.login(c, "editor@test.example")
		_, _, resp := e.get(c, "/login?next="+url.QueryEscape(next))
		if loc := resp.Header.Get("Location"); !localPath(loc) {
			t.Errorf("GET /login?next=%q redirected to %q", next, loc)
		}
		c = e.client()
		token := e.csrfFrom(c, "/login?next="+url.QueryEscape(next))
		_, _, resp = e.postForm(c, "/login", url.Values{"_csrf": {token}, "email": {"editor@test.example"}, "password": {testPassword}, "next": {next}})
		if loc := resp.Header.Get("Location"); !localPath(loc) {
			t.Errorf("POST /login next=%q redirected to %q", next, loc)
		}
	}
}

// localPath reports whether a Location stays on this site.
func localPath(loc string) bool {
	u, err := url.Parse(loc)
	return err == nil && u.Scheme == "" && u.Host == "" && strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") && !strings.ContainsAny(loc, "\\\t")
}
