package web

// embedRoutes registers the embed, embed.js, oEmbed and share-image routes.
func (s *Server) embedRoutes() {}
