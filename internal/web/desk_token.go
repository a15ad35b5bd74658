package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/views"
)

// tokensPage lists the user's own API tokens.
func (s *Server) tokensPage(c echo.Context) error {
	return s.renderTokens(c, http.StatusOK, "", "")
}

func (s *Server) renderTokens(c echo.Context, status int, newToken, notice string) error {
	ts, err := s.store.APITokens(c.Request().Context(), userOf(c).ID)
	if err != nil {
		return err
	}
	v := views.TokensView{Page: s.page(c, "API tokens"), NewToken: newToken, Notice: notice}
	for _, t := range ts {
		row := views.TokenRow{ID: t.ID, Name: t.Name, Created: fmtDate(&t.CreatedAt)}
		if t.RevokedAt != nil {
			row.Revoked = fmtDate(t.RevokedAt)
		}
		v.Tokens = append(v.Tokens, row)
	}
	return s.render(c, status, views.TokensPage(v))
}

// createToken issues a token for the signed-in user and shows it once.
func (s *Server) createToken(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	if name == "" {
		name = "token"
	}
	tok, err := s.store.CreateAPIToken(c.Request().Context(), userOf(c).ID, truncate(name, 80))
	if err != nil {
		return err
	}
	return s.renderTokens(c, http.StatusOK, tok, "")
}

// revokeToken revokes one of the signed-in user's tokens.
func (s *Server) revokeToken(c echo.Context) error {
	id, err := idParam(c, "id", "Token")
	if err != nil {
		return err
	}
	if err := s.store.RevokeAPITokenByID(c.Request().Context(), userOf(c).ID, id); err != nil {
		return err
	}
	return s.renderTokens(c, http.StatusOK, "", "Token revoked. Requests using it now get 401.")
}
