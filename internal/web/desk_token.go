package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/views"
)

// tokenLifetimes are the expiries /desk/tokens offers, in days (0: never).
var tokenLifetimes = []int{30, 90, 180, 365, 0}

// tokensPage lists the user's own API tokens and, to admins, every live
// token on the desk, each with a revoke button.
func (s *Server) tokensPage(c echo.Context) error {
	return s.renderTokens(c, http.StatusOK, "", "")
}

func (s *Server) renderTokens(c echo.Context, status int, newToken, notice string) error {
	ctx := c.Request().Context()
	u := userOf(c)
	ts, err := s.store.APITokens(ctx, u.ID)
	if err != nil {
		return err
	}
	v := views.TokensView{Page: s.page(c, "API tokens"), NewToken: newToken, Notice: notice}
	def := int(s.cfg.TokenTTL / (24 * time.Hour))
	for _, d := range tokenLifetimes {
		label := "never"
		if d > 0 {
			label = strconv.Itoa(d) + " days"
		}
		v.Lifetimes = append(v.Lifetimes, views.Option{Value: strconv.Itoa(d), Label: label, Selected: d == def})
	}
	for _, t := range ts {
		v.Tokens = append(v.Tokens, s.tokenRow(t))
	}
	if u.IsAdmin() {
		v.Admin = true
		all, err := s.store.AllAPITokens(ctx)
		if err != nil {
			return err
		}
		for _, t := range all {
			v.AllTokens = append(v.AllTokens, s.tokenRow(t))
		}
	}
	return s.render(c, status, views.TokensPage(v))
}

func (s *Server) tokenRow(t store.APIToken) views.TokenRow {
	row := views.TokenRow{ID: t.ID, Name: t.Name, Created: fmtDate(&t.CreatedAt), Owner: t.UserEmail, Expires: "never", LastUsed: "never"}
	if t.ExpiresAt != nil {
		row.Expires = fmtDate(t.ExpiresAt)
		row.Expired = !t.ExpiresAt.After(s.now())
	}
	if t.LastUsedAt != nil {
		row.LastUsed = fmtDateTime(*t.LastUsedAt)
	}
	if t.RevokedAt != nil {
		row.Revoked = fmtDate(t.RevokedAt)
	}
	return row
}

// createToken issues a token for the signed-in user, expiring after the
// chosen number of days (the default 90; 0 for never), and shows it once.
func (s *Server) createToken(c echo.Context) error {
	name := factcheck.CleanLine(c.FormValue("name"))
	if name == "" {
		name = "token"
	}
	var expires *time.Time
	days := int(s.cfg.TokenTTL / (24 * time.Hour))
	if raw := strings.TrimSpace(c.FormValue("expires_days")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 || n > 3650 {
			return s.renderTokens(c, http.StatusUnprocessableEntity, "", "Choose when the token expires: a number of days, or never.")
		}
		days = n
	}
	if days > 0 {
		t := s.now().Add(time.Duration(days) * 24 * time.Hour)
		expires = &t
	}
	tok, err := s.store.IssueAPIToken(c.Request().Context(), userOf(c).ID, truncate(name, 80), expires)
	if err != nil {
		return err
	}
	return s.renderTokens(c, http.StatusOK, tok, "")
}

// revokeToken revokes one of the signed-in user's tokens or, for an
// admin, anyone's.
func (s *Server) revokeToken(c echo.Context) error {
	id, err := idParam(c, "id", "Token")
	if err != nil {
		return err
	}
	u := userOf(c)
	if u.IsAdmin() {
		err = s.store.RevokeAnyAPIToken(c.Request().Context(), id)
	} else {
		err = s.store.RevokeAPITokenByID(c.Request().Context(), u.ID, id)
	}
	if err != nil {
		return err
	}
	s.logger(c).Info("API token revoked", "token_id", id, "by", u.Email)
	return s.renderTokens(c, http.StatusOK, "", "Token revoked. Requests using it now get 401.")
}
