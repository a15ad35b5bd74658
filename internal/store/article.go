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

// ArticleClaims returns the claims anchored in an article, in body order;
// with no statuses given, every claim (drafts included).
func (s *Store) ArticleClaims(ctx context.Context, articleID int64, statuses ...factcheck.Status) ([]factcheck.Claim, error) {
	var cs []factcheck.Claim
	q := s.r.WithContext(ctx).Preload("Rating").Where("article_id = ?", articleID)
	if len(statuses) > 0 {
		q = q.Where("status IN ?", statuses)
	}
	err := q.Order("anchor_start, id").Find(&cs).Error
	return cs, err
}

// Reanchored reports where one claim landed after an article edit.
type Reanchored struct {
	ClaimID int64
	Match   factcheck.AnchorMatch
}

// UpdateArticle applies change to an article and re-anchors every claim in
// it (see factcheck.Reanchor). Claims whose anchor moved get a new version
// and a revision; claims that cannot be placed are flagged orphaned, never
// dropped. change may run more than once (see below), so it must only set
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

// plannedAnchor is one claim as the plan saw it, with its new anchor.
type plannedAnchor struct {
	claim  factcheck.Claim // at the planned version, with evidence
	anchor factcheck.Anchor
	match  factcheck.AnchorMatch
}

func (s *Store) planArticleEdit(ctx context.Context, id int64, change func(a *factcheck.Article) error) (*articleEdit, error) {
	p := &articleEdit{claims: map[int64]*plannedAnchor{}}
	var claims []factcheck.Claim
	var evidence []factcheck.Evidence
	// One read transaction: the article, its claims and their evidence
	// come from the same snapshot.
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.First(&p.article, id).Error; err != nil {
			return wrap(err, "Article")
		}
		if err := tx.Where("article_id = ?", id).Order("id").Find(&claims).Error; err != nil {
			return err
		}
		return tx.Joins("JOIN claims ON claims.id = evidence.claim_id").Where("claims.article_id = ?", id).
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
		pa := &plannedAnchor{claim: c}
		pa.anchor, pa.match = factcheck.Reanchor(c.Anchor, p.article.Body)
		p.claims[c.ID] = pa
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
		if err := tx.Model(&factcheck.Claim{}).Select("id", "version").Where("article_id = ?", p.article.ID).Order("id").Scan(&versions).Error; err != nil {
			return err
		}
		var moved []movedClaim
		for _, v := range versions {
			pa := p.claims[v.ID]
			if pa == nil || pa.claim.Version != v.Version {
				// Created or changed since the plan (rare): place it now.
				c, err := claimByID(tx, v.ID)
				if err != nil {
					return err
				}
				pa = &plannedAnchor{claim: *c}
				pa.anchor, pa.match = factcheck.Reanchor(c.Anchor, p.article.Body)
			}
			out = append(out, Reanchored{ClaimID: v.ID, Match: pa.match})
			if pa.anchor == pa.claim.Anchor {
				continue
			}
			c := pa.claim
			c.Anchor = pa.anchor
			c.Version++
			c.UpdatedAt = now
			moved = append(moved, movedClaim{&c, pa.match})
		}
		if err := writeReanchored(tx, moved, by, now); err != nil {
			return err
		}
		// The article page and its claims' pages show the text: readers
		// see the edit when any of its claims is public.
		var public int64
		if err := tx.Model(&factcheck.Claim{}).Where("article_id = ? AND status IN ?", p.article.ID, factcheck.PublicStatuses()).Count(&public).Error; err != nil {
			return err
		} else if public > 0 {
			return s.bumpPublicClaims(tx, "article_id = ? AND status IN ?", p.article.ID, factcheck.PublicStatuses())
		}
		return nil
	})
	return out, err
}

// movedClaim is a claim with its new anchor and version, and how it was placed.
type movedClaim struct {
	c     *factcheck.Claim
	match factcheck.AnchorMatch
}

// reanchorColumns are the columns a re-anchoring writes, with the SQL type
// of each (PostgreSQL cannot infer a parameter's type inside CASE).
var reanchorColumns = []struct{ name, typ string }{
	{"anchor_start", "INTEGER"}, {"anchor_end", "INTEGER"}, {"anchor_prefix", "TEXT"}, {"anchor_exact", "TEXT"},
	{"anchor_suffix", "TEXT"}, {"anchor_orphaned", "BOOLEAN"}, {"version", "INTEGER"},
}

// writeReanchored stores the new anchors and versions of moved claims and
// appends their revisions, reanchorBatch claims per statement.
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
