package store

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"claimdesk/internal/factcheck"
)

// ClaimFilter selects claims for listing and search.
type ClaimFilter struct {
	Query    string             // full-text query; empty lists newest first
	Rating   string             // rating key
	Tag      string             // one tag
	Statuses []factcheck.Status // empty means the public statuses
	AuthorID int64              // 0 means anyone
	Offset   int
	Limit    int // 0 means 20; capped at 100
}

// ClaimHit is a listed claim with its search snippet, if any. Snippet marks
// matched terms between \x02 and \x03; views escape it and turn the markers
// into <mark> elements.
type ClaimHit struct {
	factcheck.Claim
	Snippet string
}

// Highlight markers used in ClaimHit.Snippet.
const (
	MarkStart = "\x02"
	MarkEnd   = "\x03"
)

// SplitSnippet calls part for each piece of a snippet in order, with hit
// set for the matched terms between MarkStart and MarkEnd. An unclosed
// marker runs to the end; an empty snippet calls nothing.
func SplitSnippet(snippet string, part func(text string, hit bool)) {
	for s := snippet; s != ""; {
		i := strings.Index(s, MarkStart)
		if i < 0 {
			part(s, false)
			return
		}
		if i > 0 {
			part(s[:i], false)
		}
		s = s[i+len(MarkStart):]
		j := strings.Index(s, MarkEnd)
		if j < 0 {
			j = len(s)
		}
		part(s[:j], true)
		s = s[min(j+len(MarkEnd), len(s)):]
	}
}

// MaxTotal caps how many matches ListClaims counts: counting every one of
// a huge match set costs more than the page itself. A total above MaxTotal
// means "more than MaxTotal".
const MaxTotal = 2000

// searchCandidates is how many of the newest matches a full-text search
// ranks by relevance. Ranking every match of a common word ("ukraine" in a
// fifth of the archive) is what makes search slow; readers want the most
// relevant of the recent checks, so older matches beyond this many are not
// ranked. Rare words match fewer claims and are ranked in full.
const searchCandidates = 2000

// ListClaims returns one page of claims matching f and the total count,
// capped at MaxTotal+1. With a query, the newest searchCandidates matches
// are ranked by relevance; otherwise newest published (then created)
// first. Any query string is safe: it is reduced to words.
func (s *Store) ListClaims(ctx context.Context, f ClaimFilter) ([]ClaimHit, int64, error) {
	db := s.r.WithContext(ctx)
	if s.dialect != Postgres {
		// Prepared statements: the listing's handful of query shapes are
		// parsed once per connection instead of on every search (about a
		// tenth of a search's time on SQLite).
		return s.listClaims(db.Session(&gorm.Session{PrepareStmt: true}), f)
	}
	if len(searchTerms(f.Query)) == 0 {
		// A listing without words: one plan suits every run, and the
		// transaction below would only cost round trips.
		return s.listClaims(db, f)
	}
	// pgx prepares and caches statements, and after five runs PostgreSQL
	// may settle on one generic plan per statement; for search that plan
	// suits rare words or common ones, depending on which came first. So
	// searches plan each run for their own arguments, in a transaction so
	// the setting ends with it (and works behind a transaction pooler).
	var hits []ClaimHit
	var total int64
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL plan_cache_mode = force_custom_plan").Error; err != nil {
			return err
		}
		var err error
		hits, total, err = s.listClaims(tx, f)
		return err
	})
	return hits, total, err
}

func (s *Store) listClaims(db *gorm.DB, f ClaimFilter) ([]ClaimHit, int64, error) {
	if f.Limit <= 0 {
		f.Limit = 20
	}
	f.Limit = min(f.Limit, 100)
	f.Offset = max(f.Offset, 0)
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = factcheck.PublicStatuses()
	}
	q := db.Model(&factcheck.Claim{}).Where("claims.status IN ?", statuses)
	if f.Rating != "" {
		q = q.Where("claims.rating_key = ?", f.Rating)
	}
	if f.Tag != "" {
		tag := factcheck.Slugify(f.Tag, 40)
		if s.dialect == Postgres {
			// Containment, answered by the claims_tags GIN index.
			arr, _ := json.Marshal([]string{tag})
			q = q.Where("claims.tags::jsonb @> ?::jsonb", string(arr))
		} else {
			quoted, _ := json.Marshal(tag)
			q = q.Where("claims.tags LIKE ?", "%"+escapeLike(string(quoted))+"%")
		}
	}
	if f.AuthorID != 0 {
		q = q.Where("claims.author_id = ?", f.AuthorID)
	}
	terms := searchTerms(f.Query)
	if f.Query != "" && len(terms) == 0 {
		return nil, 0, nil // nothing searchable, e.g. only punctuation
	}
	// Cheap steps instead of one query that sorts whole rows: the page's ids
	// in order with a capped count, then those rows (with snippets).
	var arg, snippet, rank string
	order := "claims.published_at DESC, claims.id DESC"
	if len(terms) > 0 {
		switch s.dialect {
		case Postgres:
			arg = strings.Join(pgTerms(terms), " & ")
			var floor int64
			if err := db.Raw("SELECT COALESCE(MIN(id), 0) FROM (SELECT id FROM claims WHERE search @@ to_tsquery('english', ?) ORDER BY id DESC LIMIT ?) AS c", arg, searchCandidates).Scan(&floor).Error; err != nil {
				return nil, 0, err
			}
			q = q.Where("claims.search @@ to_tsquery('english', ?) AND claims.id >= ?", arg, floor)
			rank = "-ts_rank(claims.search, to_tsquery('english', " + pgQuote(arg) + "))"
			snippet = "ts_headline('english', claims.quote || ' — ' || claims.summary, to_tsquery('english', " + pgQuote(arg) + "), " +
				"'StartSel=" + MarkStart + ", StopSel=" + MarkEnd + ", MaxWords=40, MinWords=15, HighlightAll=true')"
		default:
			arg = ftsQuery(terms)
			// Ranking every match of a common word is what costs; rank only
			// the newest searchCandidates matches, found by a rowid floor that
			// FTS5 applies while it walks the index (an IN list it would not).
			var floor int64
			if err := db.Raw("SELECT COALESCE(MIN(rowid), 0) FROM (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ? ORDER BY rowid DESC LIMIT ?)", arg, searchCandidates).Scan(&floor).Error; err != nil {
				return nil, 0, err
			}
			q = q.Joins("JOIN claims_fts ON claims_fts.rowid = claims.id").Where("claims_fts MATCH ? AND claims_fts.rowid >= ?", arg, floor)
			rank = "bm25(claims_fts, 4.0, 4.0, 2.0, 2.0, 1.0)"
			snippet = "snippet(claims_fts, -1, '" + MarkStart + "', '" + MarkEnd + "', '…', 24)"
		}
	}
	var ids []int64
	var total int64
	if rank != "" {
		// A search ranks at most searchCandidates rows (the floor above), so
		// one pass both orders them and counts them. The rank is computed
		// in a subquery: FTS5 allows bm25() there but not beside a window.
		var page []struct{ ID, Total int64 }
		err := db.Raw("SELECT id, COUNT(*) OVER () AS total FROM (?) AS m ORDER BY r, id DESC LIMIT ? OFFSET ?",
			q.Session(&gorm.Session{}).Select("claims.id AS id, "+rank+" AS r"), f.Limit, f.Offset).Scan(&page).Error
		if err != nil {
			return nil, 0, err
		}
		for _, p := range page {
			ids = append(ids, p.ID)
			total = p.Total
		}
	} else if err := q.Session(&gorm.Session{}).Select("claims.id").Order(order).Offset(f.Offset).Limit(f.Limit).Pluck("claims.id", &ids).Error; err != nil {
		return nil, 0, err
	}
	if len(ids) == 0 || rank == "" {
		// Listings count apart, capped; so does a search page past the end.
		if err := db.Table("(?) AS m", q.Session(&gorm.Session{}).Select("1").Limit(MaxTotal+1)).Count(&total).Error; err != nil {
			return nil, 0, err
		}
	}
	if len(ids) == 0 {
		return nil, total, nil
	}
	rows := db.Model(&factcheck.Claim{}).Where("claims.id IN ?", ids).Preload("Rating")
	switch {
	case snippet != "" && s.dialect == Postgres:
		rows = rows.Select("claims.*, " + snippet + " AS snippet")
	case snippet != "":
		// The rowid range keeps FTS5 from walking the whole doclist of a
		// common word just to find the page's rows.
		lo, hi := slices.Min(ids), slices.Max(ids)
		rows = rows.Joins("JOIN claims_fts ON claims_fts.rowid = claims.id").Where("claims_fts MATCH ? AND claims_fts.rowid BETWEEN ? AND ?", arg, lo, hi).
			Select("claims.*, " + snippet + " AS snippet")
	default:
		rows = rows.Select("claims.*, '' AS snippet")
	}
	var found []ClaimHit
	if err := rows.Find(&found).Error; err != nil {
		return nil, 0, err
	}
	byID := make(map[int64]ClaimHit, len(found))
	for _, h := range found {
		byID[h.ID] = h
	}
	hits := make([]ClaimHit, 0, len(ids))
	for _, id := range ids {
		if h, ok := byID[id]; ok {
			hits = append(hits, h)
		}
	}
	return hits, total, nil
}

// pgQuote quotes a string literal for PostgreSQL. Search terms are already
// reduced to letters and digits; quoting is a second guard.
func pgQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// searchTerms reduces a reader's query to at most 12 plain words of letters
// and digits, so no query syntax, quote or operator reaches the database.
func searchTerms(q string) []string {
	if len(q) > 1000 {
		q = q[:1000]
	}
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) > 12 {
		words = words[:12]
	}
	return words
}

// ftsQuery builds an FTS5 query: every term must match, the last as a prefix.
func ftsQuery(terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + t + `"`
	}
	parts[len(parts)-1] += "*"
	return strings.Join(parts, " ")
}

// pgTerms quotes terms for to_tsquery, the last as a prefix.
func pgTerms(terms []string) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = "'" + t + "'"
	}
	out[len(out)-1] += ":*"
	return out
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// PublicClaim returns a claim readers may see, with its rating, article,
// author, reviewer and evidence; drafts and claims in review are ENOTFOUND.
func (s *Store) PublicClaim(ctx context.Context, id int64) (*factcheck.Claim, error) {
	c, err := s.ClaimByID(ctx, id)
	if err != nil {
		return nil, err
	} else if !c.Status.Public() {
		return nil, factcheck.Errorf(factcheck.ENOTFOUND, "Claim not found.")
	}
	return c, nil
}

// ClaimByID returns any claim with its associations (its appearances
// first to last, with their articles' metadata), or ENOTFOUND.
func (s *Store) ClaimByID(ctx context.Context, id int64) (*factcheck.Claim, error) {
	return s.claimByID(s.r.WithContext(ctx), id)
}

func (s *Store) claimByID(db *gorm.DB, id int64) (*factcheck.Claim, error) {
	var c factcheck.Claim
	err := s.preloadAppearances(db.Preload("Rating").Preload("Article").Preload("Author").Preload("Reviewer").Preload("Assignee").
		Preload("Evidence", func(db *gorm.DB) *gorm.DB { return db.Order("position, id") })).
		First(&c, id).Error
	return &c, wrap(err, "Claim")
}

// ClaimBySlug returns the claim with slug, or ENOTFOUND.
func (s *Store) ClaimBySlug(ctx context.Context, slug string) (*factcheck.Claim, error) {
	var c factcheck.Claim
	if err := s.r.WithContext(ctx).Select("id").Where("slug = ?", slug).First(&c).Error; err != nil {
		return nil, wrap(err, "Claim")
	}
	return s.ClaimByID(ctx, c.ID)
}

// CreateClaim validates and stores a new draft claim with its first
// revision and (made by the database) its first appearance: its article
// and anchor, or neither.
// When the claim belongs to an article, anchor must already be set
// (see factcheck.NewAnchor) or the quote must appear in the body; an
// article that already holds factcheck.MaxClaimsPerArticle claims takes no
// more (EINVALID on the field "article_id"). Its cost does not grow with
// the number of claims: the slug is checked with one index probe.
func (s *Store) CreateClaim(ctx context.Context, c *factcheck.Claim, by *factcheck.User) error {
	return s.CreateClaims(ctx, []*factcheck.Claim{c}, by)
}

// CreateClaims stores several new draft claims as CreateClaim does, in one
// transaction: all of them, or (on any error) none.
func (s *Store) CreateClaims(ctx context.Context, cs []*factcheck.Claim, by *factcheck.User) error {
	now := s.now()
	for _, c := range cs {
		c.Normalize()
		c.Version = 1
		if by != nil {
			c.AuthorID = &by.ID
		}
		if c.StatusChangedAt == nil {
			c.StatusChangedAt = &now
		}
		if err := c.Validate(); err != nil {
			return err
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = now
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
	}
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, c := range cs {
			if err := s.createClaim(tx, c, by); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) createClaim(tx *gorm.DB, c *factcheck.Claim, by *factcheck.User) error {
	if c.ArticleID != nil {
		if err := s.checkArticleRoom(tx, c); err != nil {
			return err
		}
	}
	if err := checkRating(tx, c.RatingKey); err != nil {
		return err
	}
	if err := s.insertClaim(tx, c); err != nil {
		return err
	}
	if s.hasSchema(appearanceVersion) {
		// The first appearance, as the database made it.
		c.Appearances = nil
		if err := s.preloadAppearanceArticles(tx).Where("claim_id = ?", c.ID).Order("position").Find(&c.Appearances).Error; err != nil {
			return err
		}
	}
	return appendRevision(tx, c, by, "Created", false)
}

// UpdateClaim applies change to the claim with id inside one transaction,
// after checking that version is current (ECONFLICT otherwise). change may
// edit fields and the Evidence slice (add, remove, reorder) or call a
// workflow method; the claim is then validated, its version bumped, its
// evidence synced and a revision appended with note. Nothing is written if
// any step fails.
func (s *Store) UpdateClaim(ctx context.Context, id int64, version int, by *factcheck.User, note string, change func(c *factcheck.Claim) error) (*factcheck.Claim, error) {
	var out *factcheck.Claim
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.claimByID(tx, id)
		if err != nil {
			return err
		} else if err := c.CheckVersion(version); err != nil {
			return err
		}
		before := c.Status
		if err := change(c); err != nil {
			return err
		}
		c.Normalize()
		if err := c.Validate(); err != nil {
			return err
		} else if err := checkRating(tx, c.RatingKey); err != nil {
			return err
		}
		c.Version++
		c.UpdatedAt = s.now()
		if c.Status != before {
			t := c.UpdatedAt
			c.StatusChangedAt = &t
		}
		res := tx.Model(&factcheck.Claim{}).Where("id = ? AND version = ?", c.ID, version).
			Select("*").Omit(s.claimOmit("id", "created_at", "public_seq", "Rating", "Article", "Author", "Reviewer", "Assignee", "Evidence", "Appearances")...).Updates(c)
		if res.Error != nil {
			return res.Error
		} else if res.RowsAffected == 0 {
			// Another writer committed between our read and this update.
			return factcheck.Errorf(factcheck.ECONFLICT, "This claim was changed by someone else while you were saving. Reload to see their changes.")
		}
		if err := syncEvidence(tx, c); err != nil {
			return err
		}
		isCorrection := c.Status != before && (c.Status == factcheck.StatusCorrected || c.Status == factcheck.StatusRetracted) ||
			before == factcheck.StatusCorrected && c.Status == factcheck.StatusCorrected
		if err := appendRevision(tx, c, by, note, isCorrection); err != nil {
			return err
		}
		if before.Public() || c.Status.Public() {
			if err := s.bumpPublicClaims(tx, "id = ?", c.ID); err != nil {
				return err
			}
		}
		out, err = s.claimByID(tx, id)
		if err != nil {
			return err
		}
		if typ, ok := claimEvent(before, out.Status); ok {
			return s.Emit(ctx, tx, Event{Type: typ, Claim: out})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func checkRating(tx *gorm.DB, key string) error {
	if key == "" {
		return nil
	}
	var n int64
	if err := tx.Model(&factcheck.Rating{}).Where("key = ?", key).Count(&n).Error; err != nil {
		return err
	} else if n == 0 {
		return factcheck.FieldError("rating", "Unknown rating %q.", key)
	}
	return nil
}

// checkArticleRoom checks that c's article exists and has room for one
// more claim, and anchors c by its quote when no anchor was given. On
// PostgreSQL it locks the article row until the transaction ends, so the
// cap holds under concurrent creates and an article edit (UpdateArticle
// locks the same row) never re-anchors around a claim that was anchored
// in the old text but committed after it.
func (s *Store) checkArticleRoom(tx *gorm.DB, c *factcheck.Claim) error {
	q := tx
	if s.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if c.Anchor.Exact != "" {
		q = q.Select("id")
	}
	var a factcheck.Article
	if err := q.First(&a, *c.ArticleID).Error; err != nil {
		return wrap(err, "Article")
	}
	// Every claim in the article, first appearance or later, is
	// re-anchored when its text is edited: count them all.
	var n int64
	count := tx.Model(&factcheck.Claim{}).Where("article_id = ?", a.ID)
	if s.hasSchema(appearanceVersion) {
		count = tx.Model(&factcheck.Appearance{}).Where("article_id = ?", a.ID)
	}
	if err := count.Count(&n).Error; err != nil {
		return err
	} else if n >= factcheck.MaxClaimsPerArticle {
		return factcheck.FieldError("article_id", "This article already has %d claims, the most one article can hold.", n)
	}
	if c.Anchor.Exact == "" {
		anchor, err := factcheck.FindQuote(a.Body, c.Quote)
		if err != nil {
			return err
		}
		c.Anchor = anchor
	}
	return nil
}

// uniqueSlug settles c.Slug (the quote's slug, or "claim") and reports
// whether another claim already has it, with one probe of the claims_slug
// index. A taken slug gets the claim's id as its suffix once the id is
// known (slugFromID), instead of trying slug-2, slug-3, … one query each:
// that loop made the thousandth claim with the same quote cost a thousand
// queries inside the write transaction.
// insertClaim inserts c's row with a slug of its own (the quote's, or
// with the id for a suffix when that is taken) and then its evidence; its
// associations and appearances are the caller's.
func (s *Store) insertClaim(tx *gorm.DB, c *factcheck.Claim) error {
	slugTaken, err := uniqueSlug(tx, c)
	if err != nil {
		return err
	}
	ev := c.Evidence
	c.Evidence = nil
	if err := tx.Omit(s.claimOmit("Rating", "Article", "Author", "Reviewer", "Assignee", "Evidence", "Appearances")...).Create(c).Error; err != nil {
		return err
	}
	c.Evidence = ev
	if slugTaken {
		if err := slugFromID(tx, c); err != nil {
			return err
		}
	}
	return syncEvidence(tx, c)
}

func uniqueSlug(tx *gorm.DB, c *factcheck.Claim) (taken bool, err error) {
	if c.Slug == "" {
		c.Slug = "claim"
	}
	return slugExists(tx, c.Slug, 0)
}

func slugExists(tx *gorm.DB, slug string, except int64) (bool, error) {
	var ids []int64
	err := tx.Model(&factcheck.Claim{}).Where("slug = ? AND id <> ?", slug, except).Limit(1).Pluck("id", &ids).Error
	return len(ids) > 0, err
}

// slugFromID gives a just-inserted claim whose slug was taken the slug
// "slug-ID". Only if that too is taken (another claim's own slug happened
// to end in the same number) does it add a counter, which in practice
// never loops.
func slugFromID(tx *gorm.DB, c *factcheck.Claim) error {
	base := c.Slug + "-" + strconv.FormatInt(c.ID, 10)
	slug := base
	for i := 2; ; i++ {
		taken, err := slugExists(tx, slug, c.ID)
		if err != nil {
			return err
		} else if !taken {
			break
		}
		slug = base + "-" + strconv.Itoa(i)
	}
	c.Slug = slug
	return tx.Model(&factcheck.Claim{}).Where("id = ?", c.ID).Update("slug", slug).Error
}

// syncEvidence makes the stored evidence of c equal to c.Evidence, in order.
func syncEvidence(tx *gorm.DB, c *factcheck.Claim) error {
	keep := []int64{}
	for i := range c.Evidence {
		e := &c.Evidence[i]
		e.ClaimID = c.ID
		e.Position = i
		e.Normalize()
		if err := e.Validate(); err != nil {
			return err
		}
		if e.ID != 0 {
			keep = append(keep, e.ID)
		}
	}
	del := tx.Where("claim_id = ?", c.ID)
	if len(keep) > 0 {
		del = del.Where("id NOT IN ?", keep)
	}
	if err := del.Delete(&factcheck.Evidence{}).Error; err != nil {
		return err
	}
	for i := range c.Evidence {
		if err := tx.Save(&c.Evidence[i]).Error; err != nil {
			return err
		}
	}
	return nil
}

// snapshot is what a revision records of a claim. ClaimDate (YYYY-MM-DD)
// and Assignee (a name) are absent from revisions older than migration 13.
type snapshot struct {
	Statement, Quote, Claimant, Status, Rating, Summary, Rationale string
	ClaimDate                                                      string
	Assignee                                                       string
	Tags                                                           []string
	Evidence                                                       []factcheck.Evidence
}

func appendRevision(tx *gorm.DB, c *factcheck.Claim, by *factcheck.User, note string, correction bool) error {
	r, err := newRevision(c, by, note, correction)
	if err != nil {
		return err
	}
	return tx.Omit("Editor").Create(&r).Error
}

// newRevision snapshots c at its current version.
func newRevision(c *factcheck.Claim, by *factcheck.User, note string, correction bool) (factcheck.Revision, error) {
	sn := snapshot{Statement: c.Statement, Quote: c.Quote, Claimant: c.Claimant, Status: string(c.Status), Rating: c.RatingKey,
		Summary: c.Summary, Rationale: c.Rationale, Tags: c.Tags, Evidence: c.Evidence}
	if c.ClaimDate != nil {
		sn.ClaimDate = c.ClaimDate.UTC().Format("2006-01-02")
	}
	if c.Assignee != nil && c.AssigneeID != nil {
		sn.Assignee = c.Assignee.Name
	}
	snap, err := json.Marshal(sn)
	if err != nil {
		return factcheck.Revision{}, err
	}
	r := factcheck.Revision{ClaimID: c.ID, Version: c.Version, Snapshot: string(snap), Note: note, IsCorrection: correction, CreatedAt: c.UpdatedAt}
	if correction && c.CorrectedAt != nil {
		r.CreatedAt = *c.CorrectedAt
	} else if r.CreatedAt.IsZero() {
		r.CreatedAt = c.CreatedAt
	}
	if by != nil {
		r.EditorID = &by.ID
	}
	return r, nil
}

// Revisions returns a claim's revisions, oldest first.
func (s *Store) Revisions(ctx context.Context, claimID int64) ([]factcheck.Revision, error) {
	var rs []factcheck.Revision
	err := s.r.WithContext(ctx).Preload("Editor").Where("claim_id = ?", claimID).Order("version").Find(&rs).Error
	return rs, err
}

// Corrections returns public corrections and retractions, newest first.
func (s *Store) Corrections(ctx context.Context, limit int) ([]factcheck.Claim, error) {
	var cs []factcheck.Claim
	err := s.r.WithContext(ctx).Preload("Rating").
		Where("status IN ?", []factcheck.Status{factcheck.StatusCorrected, factcheck.StatusRetracted}).
		Order("corrected_at DESC").Limit(limit).Find(&cs).Error
	return cs, err
}

// Ratings returns the rating scale in display order.
func (s *Store) Ratings(ctx context.Context) ([]factcheck.Rating, error) {
	var rs []factcheck.Rating
	err := s.r.WithContext(ctx).Order("position, id").Find(&rs).Error
	return rs, err
}

// CountClaims counts claims by status.
func (s *Store) CountClaims(ctx context.Context) (map[factcheck.Status]int64, error) {
	var rows []struct {
		Status factcheck.Status
		N      int64
	}
	err := s.r.WithContext(ctx).Model(&factcheck.Claim{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error
	out := map[factcheck.Status]int64{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, err
}

// statementVersion is the migration that adds claim statements.
const statementVersion = 12

// queueVersion is the migration that adds assignees, return notes,
// status times and the public sequence; commentsVersion adds comments.
const (
	queueVersion    = 13
	commentsVersion = 14
)

// claimOmit lists the claim columns a write leaves out: cols, and those
// the store's schema does not have yet.
func (s *Store) claimOmit(cols ...string) []string {
	if !s.hasSchema(statementVersion) {
		cols = append(cols, "statement")
	}
	if !s.hasSchema(importsVersion) {
		cols = append(cols, importColumns...)
	}
	if !s.hasSchema(queueVersion) {
		cols = append(cols, "assignee_id", "return_note", "status_changed_at", "public_seq")
	}
	return cols
}
