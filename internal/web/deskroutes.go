package web

import "github.com/labstack/echo/v4"

// deskRoutes registers the desk's HTML pages and the authenticated JSON API.
func (s *Server) deskRoutes(desk *echo.Group) {}
