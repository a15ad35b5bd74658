package store

import (
	"context"
	"encoding/json"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// NoAssignee in QueueFilter.AssigneeID selects claims assigned to nobody.
const NoAssignee = -1

// Queue sort orders (QueueFilter.Sort).
const (
	SortUpdated   = "updated"   // last changed first (the default)
	SortWaiting   = "waiting"   // longest in its status first
	SortCreated   = "created"   // newest first
	SortRelevance = "relevance" // best full-text match first (needs a query)
)

// QueueFilter selects claims for the desk's queue. Zero fields select
// everything: every status, assignee, author, rating, tag and article.
type QueueFilter struct {
	Statuses   []factcheck.Status
	AssigneeID int64 // a user id, or NoAssignee
	AuthorID   int64
	Rating     string
	Tag        string
	ArticleID  int64
	// Query searches statement, quote, claimant, summary and rationale of
	// claims in every status, drafts and claims in review included.
	Query  string
	Sort   string // SortUpdated when empty; SortRelevance when empty with a Query
	Offset int
	Limit  int // 0 means 50; at most 200
}

// QueueItem is one claim in the queue with its author, assignee, rating
// and article title loaded, and its search snippet (markers as in
// ClaimHit) when the filter had a query.
type QueueItem struct {
	factcheck.Claim
	Snippet string
}

// Queue returns one page of the claims f selects and how many there are
// in all (counted exactly: the desk pages through every claim, with no
// cap). Any query string is safe: it is reduced to words.
func (s *Store) Queue(ctx context.Context, f QueueFilter) ([]QueueItem, int64, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 200)
	f.Offset = max(f.Offset, 0)
	db := s.r.WithContext(ctx)
	q := db.Model(&factcheck.Claim{})
	if len(f.Statuses) > 0 {
		q = q.Where("claims.status IN ?", f.Statuses)
	}
	switch {
	case f.AssigneeID == NoAssignee:
		q = q.Where("claims.assignee_id IS NULL")
	case f.AssigneeID > 0:
		q = q.Where("claims.assignee_id = ?", f.AssigneeID)
	}
	if f.AuthorID != 0 {
		q = q.Where("claims.author_id = ?", f.AuthorID)
	}
	if f.Rating != "" {
		q = q.Where("claims.rating_key = ?", f.Rating)
	}
	if f.ArticleID != 0 {
		q = q.Where("claims.article_id = ?", f.ArticleID)
	}
	if f.Tag != "" {
		tag := factcheck.Slugify(f.Tag, 40)
		quoted, _ := json.Marshal(tag)
		q = q.Where("claims.tags LIKE ?", "%"+escapeLike(string(quoted))+"%")
	}
	terms := searchTerms(f.Query)
	if f.Query != "" && len(terms) == 0 {
		return nil, 0, nil
	}
	var snippet, rank string
	if len(terms) > 0 {
		switch s.dialect {
		case Postgres:
			arg := pgQuote(joinTerms(pgTerms(terms), " & "))
			q = q.Where("claims.search @@ to_tsquery('english', " + arg + ")")
			rank = "ts_rank(claims.search, to_tsquery('english', " + arg + ")) DESC"
			snippet = "ts_headline('english', claims.statement || ' — ' || claims.quote || ' — ' || claims.summary || ' — ' || claims.rationale, to_tsquery('english', " + arg + "), " +
				"'StartSel=" + MarkStart + ", StopSel=" + MarkEnd + ", MaxWords=30, MinWords=12, MaxFragments=1')"
		default:
			q = q.Joins("JOIN claims_fts ON claims_fts.rowid = claims.id").Where("claims_fts MATCH ?", ftsQuery(terms))
			rank = "bm25(claims_fts, 4.0, 4.0, 2.0, 2.0, 1.0)"
			snippet = "snippet(claims_fts, -1, '" + MarkStart + "', '" + MarkEnd + "', '…', 20)"
		}
	}
	var total int64
	if err := q.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	order := "claims.updated_at DESC, claims.id DESC"
	switch f.Sort {
	case SortWaiting:
		order = "COALESCE(claims.status_changed_at, claims.updated_at), claims.id"
	case SortCreated:
		order = "claims.created_at DESC, claims.id DESC"
	case SortRelevance, "":
		if rank != "" {
			order = rank + ", claims.id DESC"
		}
	}
	sel := "claims.*, '' AS snippet"
	if snippet != "" {
		sel = "claims.*, " + snippet + " AS snippet"
	}
	var items []QueueItem
	err := q.Select(sel).Order(order).Offset(f.Offset).Limit(f.Limit).
		Preload("Rating").Preload("Author").Preload("Assignee").
		Preload("Article", func(db *gorm.DB) *gorm.DB { return db.Select("id", "title", "outlet", "published_at") }).
		Find(&items).Error
	return items, total, err
}

func joinTerms(ts []string, sep string) string {
	out := ""
	for i, t := range ts {
		if i > 0 {
			out += sep
		}
		out += t
	}
	return out
}

// Article sort orders (ArticleFilter.Sort).
const (
	SortNewest = "newest" // added last first (the default)
	SortOldest = "oldest"
	SortTitle  = "title"
	SortClaims = "claims" // most claims first
)

// ArticleFilter selects articles for the desk's article list.
type ArticleFilter struct {
	// Query matches words of the title, outlet, author or URL.
	Query  string
	Sort   string
	Offset int
	Limit  int // 0 means 50; at most 200
}

// ArticleRow is an article in the desk's list, without its body, with how
// many claims it has and how many of them are still open (draft or in
// review).
type ArticleRow struct {
	factcheck.Article
	Claims int64
	Open   int64
}

// ListArticles returns one page of the articles f selects and how many
// there are in all.
func (s *Store) ListArticles(ctx context.Context, f ArticleFilter) ([]ArticleRow, int64, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 200)
	f.Offset = max(f.Offset, 0)
	db := s.r.WithContext(ctx)
	q := db.Table("articles")
	for _, w := range searchTerms(f.Query) {
		like := "%" + escapeLike(w) + "%"
		q = q.Where("(LOWER(articles.title) LIKE ? OR LOWER(articles.outlet) LIKE ? OR LOWER(articles.author) LIKE ? OR LOWER(articles.url) LIKE ?)", like, like, like, like)
	}
	var total int64
	if err := q.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	order := "articles.created_at DESC, articles.id DESC"
	switch f.Sort {
	case SortOldest:
		order = "articles.created_at, articles.id"
	case SortTitle:
		order = "LOWER(articles.title), articles.id"
	case SortClaims:
		order = "claims DESC, articles.created_at DESC, articles.id DESC"
	}
	var rows []ArticleRow
	err := q.Select(`articles.id, articles.title, articles.url, articles.outlet, articles.author, articles.published_at,
		articles.created_by_id, articles.created_at, articles.updated_at,
		(SELECT COUNT(*) FROM claims WHERE claims.article_id = articles.id) AS claims,
		(SELECT COUNT(*) FROM claims WHERE claims.article_id = articles.id AND claims.status IN ?) AS open`,
		[]factcheck.Status{factcheck.StatusDraft, factcheck.StatusInReview}).
		Order(order).Offset(f.Offset).Limit(f.Limit).Scan(&rows).Error
	return rows, total, err
}
