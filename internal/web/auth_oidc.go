package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/views"
)

// OIDCConfig configures single sign-on with an OpenID Connect provider
// (Google Workspace, Microsoft Entra ID, Keycloak, …). cmd/claimdesk reads
// it from the CLAIMDESK_OIDC_* variables.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL, e.g. https://accounts.google.com.
	Issuer string
	// ClientID and ClientSecret are the desk's credentials at the
	// provider, which must allow BaseURL + "/login/oidc/callback" as a
	// redirect URI.
	ClientID, ClientSecret string
	// AllowedDomains are the email domains whose people may sign in and,
	// when they have no account yet, get one with DefaultRole. Empty: only
	// people who already have an account (by email) may sign in.
	AllowedDomains []string
	// DefaultRole is the role of a user created by signing in (editor when
	// unset).
	DefaultRole factcheck.Role
}

// ssoCookie carries a sign-in in progress (state, nonce, PKCE verifier,
// where to go after) between the redirect to the provider and its answer.
const (
	ssoCookie = "claimdesk_sso"
	ssoTTL    = 10 * time.Minute
)

// sso is single sign-on with one provider. The provider's discovery
// document is fetched on first use and kept; a failed fetch is retried on
// the next sign-in, so the desk starts while the provider is down.
type sso struct {
	cfg         OIDCConfig
	redirectURL string
	// name is what the button says after "Sign in with".
	name string

	mu       sync.Mutex
	provider *oidc.Provider
}

func newSSO(cfg OIDCConfig, baseURL string) *sso {
	if cfg.DefaultRole == "" {
		cfg.DefaultRole = factcheck.RoleEditor
	}
	for i, d := range cfg.AllowedDomains {
		cfg.AllowedDomains[i] = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))
	}
	return &sso{cfg: cfg, redirectURL: strings.TrimRight(baseURL, "/") + "/login/oidc/callback", name: providerName(cfg.Issuer)}
}

// providerName names a provider for people from its issuer URL.
func providerName(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" {
		return "single sign-on"
	}
	switch host := u.Hostname(); {
	case host == "accounts.google.com":
		return "Google"
	case host == "login.microsoftonline.com" || strings.HasSuffix(host, ".microsoftonline.com"):
		return "Microsoft"
	case strings.HasSuffix(host, ".okta.com"):
		return "Okta"
	default:
		return host
	}
}

// oauth returns the provider, discovering it on first use, and the OAuth 2
// configuration built on it.
func (p *sso) oauth(ctx context.Context) (*oidc.Provider, *oauth2.Config, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.provider == nil {
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		prov, err := oidc.NewProvider(ctx, p.cfg.Issuer)
		if err != nil {
			return nil, nil, err
		}
		p.provider = prov
	}
	return p.provider, &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, Endpoint: p.provider.Endpoint(),
		RedirectURL: p.redirectURL, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, nil
}

// allowed reports whether an email's domain may sign in, and whether a
// user may be created for it.
func (p *sso) allowed(email string) (signIn, create bool) {
	if len(p.cfg.AllowedDomains) == 0 {
		return true, false
	}
	_, domain, _ := strings.Cut(email, "@")
	for _, d := range p.cfg.AllowedDomains {
		if strings.EqualFold(domain, d) {
			return true, true
		}
	}
	return false, false
}

// ssoStart sends the browser to the provider with a fresh state, nonce and
// PKCE challenge, remembered in a signed cookie for ten minutes.
func (s *Server) ssoStart(c echo.Context) error {
	if s.sso == nil {
		return factcheck.Errorf(factcheck.ENOTFOUND, "Single sign-on is not set up on this desk.")
	}
	ctx := c.Request().Context()
	next := safeNext(c.QueryParam("next"))
	_, oc, err := s.sso.oauth(ctx)
	if err != nil {
		s.logger(c).Error("single sign-on: provider discovery failed", "issuer", s.sso.cfg.Issuer, "err", err)
		v := s.loginView(c, "", next)
		v.Error = "Signing in with " + s.sso.name + " does not work right now. Try again in a minute, or log in with your password."
		return s.render(c, http.StatusServiceUnavailable, views.LoginPage(v))
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	signed, err := s.keys.sign(ctx, ssoCookie, strings.Join([]string{state, nonce, verifier, strconv.FormatInt(s.now().Unix(), 10), next}, "|"))
	if err != nil {
		return err
	}
	s.setCookie(c, ssoCookie, signed, int(ssoTTL.Seconds()))
	return c.Redirect(http.StatusFound, oc.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)))
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ssoCallback finishes a sign-in: the state must match this browser's
// cookie, the code is exchanged with the PKCE verifier, and the ID token
// must be valid for this desk with the nonce it was asked for and a
// verified email of an allowed domain. The user is then found (by the
// provider's subject, or by email) or created with the default role, and
// logged in, through the second factor when they have one.
func (s *Server) ssoCallback(c echo.Context) error {
	if s.sso == nil {
		return factcheck.Errorf(factcheck.ENOTFOUND, "Single sign-on is not set up on this desk.")
	}
	ctx := c.Request().Context()
	fail := func(status int, msg string, logArgs ...any) error {
		s.logger(c).Warn("single sign-on refused", append([]any{"reason", msg, "ip", c.RealIP()}, logArgs...)...)
		v := s.loginView(c, "", "/desk")
		v.Error = msg
		return s.render(c, status, views.LoginPage(v))
	}
	raw := s.cookie(c, ssoCookie)
	s.setCookie(c, ssoCookie, "", -1)
	val, err := s.keys.verify(ctx, ssoCookie, raw)
	parts := strings.SplitN(val, "|", 5)
	if err != nil || len(parts) != 5 {
		return fail(http.StatusBadRequest, "This sign-in did not start here, or took too long. Try again.")
	}
	state, nonce, verifier, next := parts[0], parts[1], parts[2], safeNext(parts[4])
	if at, err := strconv.ParseInt(parts[3], 10, 64); err != nil || s.now().Sub(time.Unix(at, 0)) > ssoTTL {
		return fail(http.StatusBadRequest, "This sign-in took too long. Try again.")
	}
	if subtle.ConstantTimeCompare([]byte(c.QueryParam("state")), []byte(state)) != 1 {
		return fail(http.StatusBadRequest, "This sign-in did not start here. Try again.")
	}
	if e := c.QueryParam("error"); e != "" {
		return fail(http.StatusUnauthorized, s.sso.name+" did not sign you in ("+truncate(factcheck.CleanLine(e), 60)+").")
	}
	prov, oc, err := s.sso.oauth(ctx)
	if err != nil {
		return fail(http.StatusServiceUnavailable, "Signing in with "+s.sso.name+" does not work right now. Try again in a minute.", "err", err)
	}
	xctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	tok, err := oc.Exchange(xctx, c.QueryParam("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return fail(http.StatusUnauthorized, s.sso.name+" did not confirm this sign-in. Try again.", "err", err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, err := prov.Verifier(&oidc.Config{ClientID: s.sso.cfg.ClientID, Now: s.now}).Verify(xctx, rawID)
	if err != nil {
		return fail(http.StatusUnauthorized, s.sso.name+" sent an answer that does not check out. Try again.", "err", err)
	} else if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return fail(http.StatusUnauthorized, s.sso.name+" sent an answer for another sign-in. Try again.")
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified any    `json:"email_verified"` // a bool, or "true" from some providers
		Name          string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return fail(http.StatusUnauthorized, s.sso.name+" sent an answer that does not check out.", "err", err)
	}
	email := strings.ToLower(factcheck.CleanLine(claims.Email))
	if email == "" || !(claims.EmailVerified == true || claims.EmailVerified == "true") {
		return fail(http.StatusForbidden, "Your "+s.sso.name+" account has no verified email address, so it cannot sign in here.", "account", email)
	}
	signIn, create := s.sso.allowed(email)
	if !signIn {
		return fail(http.StatusForbidden, email+" may not sign in here: its domain is not one this desk accepts.", "account", email)
	}
	if !create {
		if _, err := s.store.UserByEmail(ctx, email); factcheck.ErrorCode(err) == factcheck.ENOTFOUND {
			return fail(http.StatusForbidden, "There is no account for "+email+" on this desk. Ask an admin to add you.", "account", email)
		} else if err != nil {
			return err
		}
	}
	u, created, err := s.store.SSOUser(ctx, store.SSOLogin{Issuer: idt.Issuer, Subject: idt.Subject, Email: email, Name: claims.Name, Role: s.sso.cfg.DefaultRole})
	if code := factcheck.ErrorCode(err); code == factcheck.EUNAUTHORIZED || code == factcheck.EINVALID {
		return fail(http.StatusForbidden, factcheck.ErrorMessage(err), "account", email)
	} else if err != nil {
		return err
	}
	if created {
		s.logger(c).Info("user created by single sign-on", "account", u.Email, "role", u.Role, "issuer", idt.Issuer)
	}
	return s.passwordVerified(c, u, "oidc", next)
}
