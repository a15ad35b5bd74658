package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"claimdesk/internal/factcheck"
)

// CreateArticle validates and stores a new article.
func (s *Store) CreateArticle(ctx context.Context, a *factcheck.Article) error {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = s.now()
	}
	if a.UpdatedAt.IsZero() {
		a.UpdatedAt = a.CreatedAt
	}
	return wrap(s.w.WithContext(ctx).Create(a).Error, "Article")
}

// ArticleByID returns the article with id, or ENOTFOUND.
func (s *Store) ArticleByID(ctx context.Context, id int64) (*factcheck.Article, error) {
	var a factcheck.Article
	err := s.r.WithContext(ctx).First(&a, id).Error
	return &a, wrap(err, "Article")
}

// ArticleByURL returns the article with the given URL, or ENOTFOUND.
func (s *Store) ArticleByURL(ctx context.Context, url string) (*factcheck.Article, error) {
	var a factcheck.Article
	err := s.r.WithContext(ctx).Where("url = ?", url).First(&a).Error
	return &a, wrap(err, "Article")
}

// Articles lists the newest articles first, at most limit.
func (s *Store) Articles(ctx context.Context, limit int) ([]factcheck.Article, error) {
	var as []factcheck.Article
	err := s.r.WithContext(ctx).Order("created_at DESC, id DESC").Limit(limit).Find(&as).Error
	return as, err
}

// ArticleClaims returns the claims that appear in an article, in body
// order, with their ratings; with no statuses given, every claim (drafts
// included). A claim first checked elsewhere and seen again in this
// article is listed too: each claim's InArticle is its appearance here,
// and its ArticleID and Anchor are that appearance's, so it is placed
// (or listed as orphaned) in this article's body.
func (s *Store) ArticleClaims(ctx context.Context, articleID int64, statuses ...factcheck.Status) ([]factcheck.Claim, error) {
	return s.articleClaims(s.r.WithContext(ctx), articleID, statuses, false)
}

// articleClaims lists the claims of an article with the statuses (any
// when empty) by where they start in its body, then (outerFirst) longest
// first, then by id.
func (s *Store) articleClaims(db *gorm.DB, articleID int64, statuses []factcheck.Status, outerFirst bool) ([]factcheck.Claim, error) {
	order := "anchor_start, id"
	if outerFirst {
		order = "anchor_start, anchor_end DESC, id"
	}
	var cs []factcheck.Claim
	if !s.hasSchema(appearanceVersion) {
		q := db.Preload("Rating").Where("article_id = ?", articleID)
		if len(statuses) > 0 {
			q = q.Where("status IN ?", statuses)
		}
		err := q.Order(order).Find(&cs).Error
		return cs, err
	}
	var aps []factcheck.Appearance
	q := db.Model(&factcheck.Appearance{}).Select("appearances.*").
		Joins("JOIN claims ON claims.id = appearances.claim_id").Where("appearances.article_id = ?", articleID)
	if len(statuses) > 0 {
		q = q.Where("claims.status IN ?", statuses)
	}
	order = "appearances.anchor_start, appearances.claim_id"
	if outerFirst {
		order = "appearances.anchor_start, appearances.anchor_end DESC, appearances.claim_id"
	}
	if err := q.Order(order).Find(&aps).Error; err != nil || len(aps) == 0 {
		return cs, err
	}
	ids := make([]int64, len(aps))
	for i, a := range aps {
		ids[i] = a.ClaimID
	}
	if err := db.Preload("Rating").Where("id IN ?", ids).Find(&cs).Error; err != nil {
		return nil, err
	}
	byID := make(map[int64]factcheck.Claim, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
	}
	out := make([]factcheck.Claim, 0, len(aps))
	for i := range aps {
		c, ok := byID[aps[i].ClaimID]
		if !ok {
			continue // its status changed between the two reads
		}
		c.ArticleID, c.Anchor, c.InArticle = aps[i].ArticleID, aps[i].Anchor, &aps[i]
		out = append(out, c)
	}
	return out, nil
}

// Reanchored reports where one claim landed after an article edit.
type Reanchored struct {
	ClaimID int64
	Match   factcheck.AnchorMatch
}

// UpdateArticle applies change to an article and re-anchors every claim in
// it (see factcheck.Reanchor): its appearance in this article, whether the
// claim was first checked here or seen again here. Claims whose anchor
// here moved get a new version and a revision; claims that cannot be
// placed are flagged orphaned (that appearance of them), never dropped. change may run more than once (see below), so it must only set
// fields. It returns ENOTFOUND for an unknown article, change's error or an
// EINVALID error for a bad article, and ECONFLICT when other edits of the
// same article keep landing while this one is being prepared.
//
// How it stays both correct and short: re-anchoring costs CPU (a fuzzy
// match scans the body once per claim; thousands of claims on a long
// article took seconds), but none of that needs a lock. So it happens in
// two phases:
//
//  1. Plan, outside any write transaction: read the article and its claims
//     (with their evidence, for the revision snapshots) from one read
//     snapshot, apply change, and compute every claim's new anchor.
//  2. Apply, in one write transaction that only writes: lock the article
//     row (PostgreSQL; SQLite's writer lock covers it), check that the
//     article is still the one the plan started from (else plan again),
//     re-read the claims' versions, re-anchor in place only the few claims
//     that changed or appeared since the plan, then write the article,
//     the moved anchors and the revisions in batched statements.
//
// The article text and every anchor still change in one transaction, so
// no reader ever sees the new text with old offsets, and a crash loses the
// whole edit or nothing. The write transaction's work is proportional to
// the claims that moved, with no matching inside it: about a tenth of a
// second for the 2,000 claims an article may hold (factcheck.MaxClaimsPerArticle).
func (s *Store) UpdateArticle(ctx context.Context, id int64, by *factcheck.User, change func(a *factcheck.Article) error) (*factcheck.Article, []Reanchored, error) {
	for attempt := 1; ; attempt++ {
		p, err := s.planArticleEdit(ctx, id, change)
		if err != nil {
			return nil, nil, err
		}
		out, err := s.applyArticleEdit(ctx, p, by)
		if errors.Is(err, errArticleMoved) {
			if attempt < 3 {
				continue
			}
			return nil, nil, factcheck.Errorf(factcheck.ECONFLICT, "This article was changed by someone else while you were saving. Reload to see their changes.")
		} else if err != nil {
			return nil, nil, err
		}
		return &p.article, out, nil
	}
}

// errArticleMoved means the article changed between plan and apply.
var errArticleMoved = errors.New("article changed since the plan")

// articleEdit is the plan of one UpdateArticle.
type articleEdit struct {
	article          factcheck.Article // with the change applied
	baseSHA          string            // the body the plan started from
	baseUpdated      time.Time
	claims           map[int64]*plannedAnchor
	order            []int64 // claim ids in id order
	reanchorRequired bool    // the body changed
}

// plannedAnchor is one claim as the plan saw it, with its appearance in
// the article and that appearance's new anchor.
type plannedAnchor struct {
	claim factcheck.Claim // at the planned version, with evidence
	// here is the claim's appearance in the article; on stores without
	// appearances, one made up from the claim (ID 0, position 0).
	here   factcheck.Appearance
	anchor factcheck.Anchor
	match  factcheck.AnchorMatch
}

// plan re-anchors the claim's appearance here in body.
func (pa *plannedAnchor) plan(body string) *plannedAnchor {
	pa.anchor, pa.match = factcheck.Reanchor(pa.here.Anchor, body)
	return pa
}

// appearanceIn returns c's appearance in the article, or (on stores
// without appearances) the claim's own article and anchor as one.
func (s *Store) appearanceIn(c *factcheck.Claim, articleID int64, stored []factcheck.Appearance) factcheck.Appearance {
	if !s.hasSchema(appearanceVersion) {
		return factcheck.Appearance{ClaimID: c.ID, ArticleID: c.ArticleID, Anchor: c.Anchor}
	}
	for _, a := range stored {
		if a.ClaimID == c.ID && a.ArticleID != nil && *a.ArticleID == articleID {
			return a
		}
	}
	return factcheck.Appearance{ClaimID: c.ID, ArticleID: c.ArticleID, Anchor: c.Anchor}
}

// inArticle narrows a query on claims to those that appear in article id.
func (s *Store) inArticle(q *gorm.DB, id int64) *gorm.DB {
	if !s.hasSchema(appearanceVersion) {
		return q.Where("claims.article_id = ?", id)
	}
	return q.Where("claims.id IN (?)", q.Session(&gorm.Session{NewDB: true}).Model(&factcheck.Appearance{}).Select("claim_id").Where("article_id = ?", id))
}

func (s *Store) planArticleEdit(ctx context.Context, id int64, change func(a *factcheck.Article) error) (*articleEdit, error) {
	p := &articleEdit{claims: map[int64]*plannedAnchor{}}
	var claims []factcheck.Claim
	var evidence []factcheck.Evidence
	var here []factcheck.Appearance
	// One read transaction: the article, its claims, their appearances in
	// it and their evidence come from the same snapshot.
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.First(&p.article, id).Error; err != nil {
			return wrap(err, "Article")
		}
		if err := s.inArticle(tx.Model(&factcheck.Claim{}), id).Order("id").Find(&claims).Error; err != nil {
			return err
		}
		if s.hasSchema(appearanceVersion) {
			if err := tx.Where("article_id = ?", id).Find(&here).Error; err != nil {
				return err
			}
		}
		return s.inArticle(tx.Model(&factcheck.Evidence{}).Joins("JOIN claims ON claims.id = evidence.claim_id"), id).
			Order("evidence.claim_id, evidence.position, evidence.id").Find(&evidence).Error
	}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	p.baseSHA, p.baseUpdated = p.article.BodySHA256, p.article.UpdatedAt
	if err := change(&p.article); err != nil {
		return nil, err
	}
	p.article.Normalize()
	if err := p.article.Validate(); err != nil {
		return nil, err
	}
	p.reanchorRequired = p.article.BodySHA256 != p.baseSHA
	byClaim := map[int64][]factcheck.Evidence{}
	for _, e := range evidence {
		byClaim[e.ClaimID] = append(byClaim[e.ClaimID], e)
	}
	for _, c := range claims {
		c.Evidence = byClaim[c.ID]
		p.claims[c.ID] = (&plannedAnchor{claim: c, here: s.appearanceIn(&c, id, here)}).plan(p.article.Body)
		p.order = append(p.order, c.ID)
	}
	return p, nil
}

// reanchorBatch is how many rows one batched statement writes.
const reanchorBatch = 200

func (s *Store) applyArticleEdit(ctx context.Context, p *articleEdit, by *factcheck.User) ([]Reanchored, error) {
	var out []Reanchored
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		out = nil
		q := tx
		if s.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var cur factcheck.Article
		if err := q.Select("id", "body_sha256", "updated_at").First(&cur, p.article.ID).Error; err != nil {
			return wrap(err, "Article")
		} else if cur.BodySHA256 != p.baseSHA || !cur.UpdatedAt.Equal(p.baseUpdated) {
			return errArticleMoved
		}
		now := s.now()
		p.article.UpdatedAt = now
		if err := tx.Omit("created_at", "created_by_id").Save(&p.article).Error; err != nil {
			return err
		}
		var versions []struct {
			ID      int64
			Version int
		}
		if err := s.inArticle(tx.Model(&factcheck.Claim{}), p.article.ID).Select("id", "version").Order("id").Scan(&versions).Error; err != nil {
			return err
		}
		var moved []movedClaim
		for _, v := range versions {
			pa := p.claims[v.ID]
			if pa == nil || pa.claim.Version != v.Version {
				// Created, seen again here or changed since the plan
				// (rare): place it now.
				c, err := s.claimByID(tx, v.ID)
				if err != nil {
					return err
				}
				pa = (&plannedAnchor{claim: *c, here: s.appearanceIn(c, p.article.ID, c.Appearances)}).plan(p.article.Body)
			}
			out = append(out, Reanchored{ClaimID: v.ID, Match: pa.match})
			if pa.anchor == pa.here.Anchor {
				continue
			}
			c := pa.claim
			if pa.here.First() {
				c.Anchor = pa.anchor // the claim's own anchor is its first appearance's
			}
			c.Version++
			c.UpdatedAt = now
			m := movedClaim{c: &c, match: pa.match, anchor: pa.anchor}
			if !pa.here.First() {
				m.appearance = pa.here.ID // the first follows the claim (a trigger)
			}
			moved = append(moved, m)
		}
		if err := writeReanchored(tx, moved, by, now); err != nil {
			return err
		}
		// The article page and its claims' pages show the text: readers
		// see the edit when any of its claims is public.
		var public int64
		if err := s.inArticle(tx.Model(&factcheck.Claim{}), p.article.ID).Where("status IN ?", factcheck.PublicStatuses()).Count(&public).Error; err != nil {
			return err
		} else if public > 0 {
			return s.bumpPublicClaims(tx, "article_id = ? AND status IN ?", p.article.ID, factcheck.PublicStatuses())
		}
		return nil
	})
	return out, err
}

// movedClaim is a claim with its new version (and, when the article is
// its first appearance, its new anchor), how it was placed, and its
// appearance in the article with that appearance's new anchor.
type movedClaim struct {
	c          *factcheck.Claim
	match      factcheck.AnchorMatch
	appearance int64 // a later appearance; 0 for the first (or none)
	anchor     factcheck.Anchor
}

// reanchorColumns are the columns a re-anchoring writes, with the SQL type
// of each (PostgreSQL cannot infer a parameter's type inside CASE).
var reanchorColumns = []struct{ name, typ string }{
	{"anchor_start", "INTEGER"}, {"anchor_end", "INTEGER"}, {"anchor_prefix", "TEXT"}, {"anchor_exact", "TEXT"},
	{"anchor_suffix", "TEXT"}, {"anchor_orphaned", "BOOLEAN"}, {"version", "INTEGER"},
}

// writeReanchored stores the new anchors and versions of moved claims and
// of their appearances in the article, and appends their revisions,
// reanchorBatch claims per statement.
func writeReanchored(tx *gorm.DB, moved []movedClaim, by *factcheck.User, now time.Time) error {
	for start := 0; start < len(moved); start += reanchorBatch {
		batch := moved[start:min(start+reanchorBatch, len(moved))]
		// One UPDATE per batch, each column a CASE over the ids. The
		// version guard keeps a claim that an UpdateClaim changed
		// meanwhile (possible on PostgreSQL, where the claims themselves
		// are not locked) from being overwritten: the row count then
		// falls short and the edit is planned again.
		var sqlText strings.Builder
		var args []any
		sqlText.WriteString("UPDATE claims SET ")
		for i, col := range reanchorColumns {
			if i > 0 {
				sqlText.WriteString(", ")
			}
			sqlText.WriteString(col.name + " = CASE id")
			for _, m := range batch {
				a := m.c.Anchor
				v := []any{a.Start, a.End, a.Prefix, a.Exact, a.Suffix, a.Orphaned, m.c.Version}[i]
				sqlText.WriteString(" WHEN ? THEN CAST(? AS " + col.typ + ")")
				args = append(args, m.c.ID, v)
			}
			sqlText.WriteString(" END")
		}
		sqlText.WriteString(", updated_at = ? WHERE ")
		args = append(args, now)
		for i, m := range batch {
			if i > 0 {
				sqlText.WriteString(" OR ")
			}
			sqlText.WriteString("(id = ? AND version = ?)")
			args = append(args, m.c.ID, m.c.Version-1)
		}
		res := tx.Exec(sqlText.String(), args...)
		if res.Error != nil {
			return res.Error
		} else if int(res.RowsAffected) != len(batch) {
			return errArticleMoved
		}
		if err := writeAppearanceAnchors(tx, batch); err != nil {
			return err
		}
		revs := make([]factcheck.Revision, len(batch))
		for i, m := range batch {
			r, err := newRevision(m.c, by, "Re-anchored after the article was edited ("+string(m.match)+" match)", false)
			if err != nil {
				return err
			}
			revs[i] = r
		}
		if err := tx.Omit("Editor").Create(&revs).Error; err != nil {
			return err
		}
	}
	return nil
}

// writeAppearanceAnchors stores the new anchors of the moved claims'
// appearances in the article, in one statement. The claims' version guard
// (writeReanchored) already proved no appearance of theirs changed since
// the plan: recording one bumps the claim's version.
func writeAppearanceAnchors(tx *gorm.DB, batch []movedClaim) error {
	var sqlText strings.Builder
	var args []any
	var ids []any
	sqlText.WriteString("UPDATE appearances SET ")
	for i, col := range reanchorColumns[:6] { // the anchor; appearances have no version
		if i > 0 {
			sqlText.WriteString(", ")
		}
		sqlText.WriteString(col.name + " = CASE id")
		for _, m := range batch {
			if m.appearance == 0 {
				continue
			}
			a := m.anchor
			v := []any{a.Start, a.End, a.Prefix, a.Exact, a.Suffix, a.Orphaned}[i]
			sqlText.WriteString(" WHEN ? THEN CAST(? AS " + col.typ + ")")
			args = append(args, m.appearance, v)
			if i == 0 {
				ids = append(ids, m.appearance)
			}
		}
		sqlText.WriteString(" END")
	}
	if len(ids) == 0 {
		return nil
	}
	sqlText.WriteString(" WHERE id IN ?")
	args = append(args, ids)
	res := tx.Exec(sqlText.String(), args...)
	if res.Error != nil {
		return res.Error
	} else if int(res.RowsAffected) != len(ids) {
		return errArticleMoved
	}
	return nil
}
