package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/views"
)

// usersPage lists the newsroom's users, to admins (the route checks the
// role), with the forms that add users and change roles.
func (s *Server) usersPage(c echo.Context) error {
	return s.renderUsers(c, http.StatusOK, views.UsersView{})
}

func (s *Server) renderUsers(c echo.Context, status int, v views.UsersView) error {
	us, err := s.store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	v.Page = s.page(c, "Users")
	v.NoPassword = s.cfg.NoPasswordLogin
	mfa, err := s.store.TOTPUsers(c.Request().Context())
	if err != nil {
		return err
	}
	for _, u := range us {
		row := views.UserRow{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Self: u.ID == userOf(c).ID, Active: u.Active(), MFA: mfa[u.ID]}
		if !u.Active() {
			row.Deactivated = fmtDate(u.DeactivatedAt)
		}
		v.Users = append(v.Users, row)
	}
	return s.render(c, status, views.UsersPage(v))
}

// addUser creates a user.
func (s *Server) addUser(c echo.Context) error {
	u := &factcheck.User{Email: c.FormValue("email"), Name: c.FormValue("name"), Role: factcheck.Role(c.FormValue("role"))}
	var err error
	if s.cfg.NoPasswordLogin {
		err = s.store.CreateSSOUser(c.Request().Context(), u)
	} else {
		err = s.store.CreateUser(c.Request().Context(), u, c.FormValue("password"))
	}
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
	notice := "Added " + u.Email + " as " + string(u.Role) + "."
	if s.cfg.NoPasswordLogin {
		notice += " They sign in with single sign-on, with this email."
	}
	return s.renderUsers(c, http.StatusOK, views.UsersView{Notice: notice})
}

// setRole changes a user's role, never the admin's own.
func (s *Server) setRole(c echo.Context) error {
	u := userOf(c)
	id, err := idParam(c, "id", "User")
	if err != nil {
		return err
	}
	if id == u.ID {
		return s.renderUsers(c, http.StatusUnprocessableEntity, views.UsersView{Notice: "You cannot change your own role; ask another admin."})
	}
	if err := s.store.SetRole(c.Request().Context(), id, factcheck.Role(c.FormValue("role"))); err != nil {
		return err
	}
	return s.renderUsers(c, http.StatusOK, views.UsersView{Notice: "Role changed; that user's sessions were ended."})
}

// deactivateUser switches an account off: its sessions end and its API
// tokens are revoked in the same transaction, so nothing it holds works
// from the next request on. Admins cannot switch themselves off, and the
// last active admin stays.
func (s *Server) deactivateUser(c echo.Context) error { return s.setActive(c, false) }

// activateUser lets a deactivated account log in again (its revoked
// tokens stay revoked).
func (s *Server) activateUser(c echo.Context) error { return s.setActive(c, true) }

func (s *Server) setActive(c echo.Context, active bool) error {
	ctx := c.Request().Context()
	id, err := idParam(c, "id", "User")
	if err != nil {
		return err
	}
	if id == userOf(c).ID && !active {
		return s.renderUsers(c, http.StatusUnprocessableEntity, views.UsersView{Notice: "You cannot deactivate yourself; ask another admin."})
	}
	target, err := s.store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.store.SetActive(ctx, id, active); factcheck.ErrorCode(err) == factcheck.EINVALID {
		return s.renderUsers(c, http.StatusUnprocessableEntity, views.UsersView{Notice: factcheck.ErrorMessage(err)})
	} else if err != nil {
		return err
	}
	if active {
		s.logger(c).Info("user reactivated", "account", target.Email, "by", userOf(c).Email)
		return s.renderUsers(c, http.StatusOK, views.UsersView{Notice: target.Email + " can log in again."})
	}
	s.logger(c).Warn("user deactivated", "account", target.Email, "by", userOf(c).Email)
	return s.renderUsers(c, http.StatusOK, views.UsersView{Notice: target.Email + " is deactivated: their sessions have ended and their API tokens are revoked."})
}

// resetUserTOTP turns another user's two-factor authentication off, for
// someone who lost both their phone and their recovery codes. They log in
// with their password alone until they set it up again (where the desk
// requires it, at once).
func (s *Server) resetUserTOTP(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := idParam(c, "id", "User")
	if err != nil {
		return err
	}
	target, err := s.store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.store.DisableTOTP(ctx, id); err != nil {
		return err
	}
	s.logger(c).Warn("two-factor authentication reset by an admin", "account", target.Email, "by", userOf(c).Email)
	return s.renderUsers(c, http.StatusOK, views.UsersView{Notice: "Two-factor authentication of " + target.Email + " is off; they log in with their password and set it up again."})
}
