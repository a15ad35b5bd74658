package web

// readerRoutes registers the public reader routes beyond the home page,
// claim pages and claim API: ratings, corrections, articles, feeds, reports.
func (s *Server) readerRoutes() {}
