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
	for _, u := range us {
		v.Users = append(v.Users, views.UserRow{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Self: u.ID == userOf(c).ID})
	}
	return s.render(c, status, views.UsersPage(v))
}

// addUser creates a user.
func (s *Server) addUser(c echo.Context) error {
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
