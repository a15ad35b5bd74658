package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// usersPage lists the newsroom's users; admins add users and change roles.
func (s *Server) usersPage(c echo.Context) error {
	return s.renderUsers(c, http.StatusOK, views.UsersView{})
}

func (s *Server) renderUsers(c echo.Context, status int, v views.UsersView) error {
	if !userOf(c).IsAdmin() {
		return factcheck.Errorf(factcheck.EFORBIDDEN, "Only admins manage users.")
	}
	us, err := s.store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	v.Page = s.page(c, "Users")
	for _, u := range us {
		v.Users = append(v.Users, views.UserRow{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Self: u.ID == userOf(c).ID})
	}
	return s.render(c, status, views.UsersPage(v))
}

// addUser creates a user (admins only).
func (s *Server) addUser(c echo.Context) error {
	if !userOf(c).IsAdmin() {
		return factcheck.Errorf(factcheck.EFORBIDDEN, "Only admins manage users.")
	}
	u := &factcheck.User{Email: c.FormValue("email"), Name: c.FormValue("name"), Role: factcheck.Role(c.FormValue("role"))}
	err := s.store.CreateUser(c.Request().Context(), u, c.FormValue("password"))
	if err != nil {
		if factcheck.ErrorCode(err) == factcheck.EINTERNAL {
			return err
		}
		field := factcheck.ErrorField(err)
		if field == "" {
			field = "email"
		}
		return s.renderUsers(c, statusOf(factcheck.ErrorCode(err)), views.UsersView{Email: u.Email, Name: u.Name, Role: string(u.Role),
			Errors: views.FieldErrors{field: factcheck.ErrorMessage(err)}})
	}
	return s.renderUsers(c, http.StatusOK, views.UsersView{Notice: "Added " + u.Email + " as " + string(u.Role) + "."})
}

// setRole changes a user's role (admins only, not their own).
func (s *Server) setRole(c echo.Context) error {
	u := userOf(c)
	if !u.IsAdmin() {
		return factcheck.Errorf(factcheck.EFORBIDDEN, "Only admins manage users.")
	}
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	if id == u.ID {
		return s.renderUsers(c, http.StatusUnprocessableEntity, views.UsersView{Notice: "You cannot change your own role; ask another admin."})
	}
	if err := s.store.SetRole(c.Request().Context(), id, factcheck.Role(c.FormValue("role"))); err != nil {
		return err
	}
	return s.renderUsers(c, http.StatusOK, views.UsersView{Notice: "Role changed; that user's sessions were ended."})
}

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
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	if err := s.store.RevokeAPITokenByID(c.Request().Context(), userOf(c).ID, id); err != nil {
		return err
	}
	return s.renderTokens(c, http.StatusOK, "", "Token revoked. Requests using it now get 401.")
}
