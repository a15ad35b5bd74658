package web

import (
	"context"
	"runtime"
	"sync"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/match"
	"claimdesk/internal/store"
	"claimdesk/views"
)

// matchIndex answers "Already checked?" on this node: an in-memory index
// (internal/match) of the published claims, their statement, quote,
// summary and the title of their article.
//
// How it stays current without re-reading every claim: the index is
// built once, from every public claim, on its first use (or when serve
// starts). It remembers the public version it has caught up to. The
// store stamps each claim whose public state changes with the public
// version of that change (public_seq), in the same transaction. So when
// the public version moves on, which this node learns through the same
// memo as its page cache (at most once per VersionTTL, a second under
// serve), the index reads only the claims stamped after the version it
// knew: the ones published, corrected, re-rated, re-titled or retracted
// since. Retracted claims leave the index. Everything comes from the
// database, so every node builds the same index and none needs another's
// memory; losing it costs one rebuild.
type matchIndex struct {
	store *store.Store

	// mu serializes building and catching up; searches do not take it.
	mu    sync.Mutex
	built bool
	seq   int64 // the public version the index has caught up to

	idx *match.Index
	// shown holds what the desk shows of each indexed claim, by id.
	shownMu sync.RWMutex
	shown   map[int64]matchShown
}

// matchShown is what the desk shows of a matched claim.
type matchShown struct {
	headline, ratingKey, slug string
}

// matchHit is one published claim a text may repeat.
type matchHit struct {
	id       int64
	level    match.Level
	score    float64
	headline string
	rating   string
	slug     string
}

// matchBuildPage is how many claims one read fetches while building.
const matchBuildPage = 5000

func newMatchIndex(st *store.Store) *matchIndex {
	return &matchIndex{store: st, idx: match.NewIndex(), shown: map[int64]matchShown{}}
}

// doc is a public claim as the matcher indexes it.
func matchDoc(c store.MatchClaim) match.Doc {
	return match.Doc{ID: c.ID, Statement: c.Statement, Quote: c.Quote, Summary: c.Summary, Title: c.Title}
}

func (m *matchIndex) show(c store.MatchClaim) {
	h := c.Statement
	if h == "" {
		h = c.Quote
	}
	m.shown[c.ID] = matchShown{headline: h, ratingKey: c.RatingKey, slug: c.Slug}
}

// current brings the index up to the public version v and returns it.
// The first call builds it from every public claim.
func (m *matchIndex) current(ctx context.Context, v int64) (*match.Index, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.built {
		// Read the version before the claims: a change committed while
		// the claims are read is stamped after it and read again below.
		var after int64
		var docs []match.Doc
		m.shownMu.Lock()
		for {
			page, err := m.store.PublicMatchClaims(ctx, after, matchBuildPage)
			if err != nil {
				m.shownMu.Unlock()
				return nil, err
			}
			for _, c := range page {
				if c.Status != factcheck.StatusRetracted {
					docs = append(docs, matchDoc(c))
					m.show(c)
				}
				after = c.ID
			}
			if len(page) < matchBuildPage {
				break
			}
		}
		m.shownMu.Unlock()
		m.idx.AddAll(docs)
		m.built, m.seq = true, v
		return m.idx, nil
	}
	if v == m.seq {
		return m.idx, nil
	}
	changed, err := m.store.ClaimsChangedSince(ctx, m.seq)
	if err != nil {
		return nil, err
	}
	m.shownMu.Lock()
	for _, c := range changed {
		if c.Status == factcheck.StatusPublished || c.Status == factcheck.StatusCorrected {
			m.idx.Add(matchDoc(c))
			m.show(c)
		} else {
			m.idx.Remove(c.ID)
			delete(m.shown, c.ID)
		}
	}
	m.shownMu.Unlock()
	m.seq = v
	return m.idx, nil
}

// matcher returns this node's index, current to the public version as
// the page cache's memo reads it.
func (s *Server) matcher(ctx context.Context) (*matchIndex, *match.Index, error) {
	v, err := s.publicVersion(ctx)
	if err != nil {
		return nil, nil, err
	}
	// Read the version before building, so that nothing published while
	// the index is built is missed (it is stamped after v).
	idx, err := s.matches.current(ctx, v)
	return s.matches, idx, err
}

// warmMatches builds the index ahead of the first intake view.
func (s *Server) warmMatches(ctx context.Context) {
	if _, _, err := s.matcher(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("already-checked index not built yet; the first intake view will build it", "err", err)
	}
}

// search returns up to k published claims that text may repeat, best
// first, at the matcher's Maybe level or above, leaving out the ids in
// skip.
func (m *matchIndex) search(idx *match.Index, text string, k int, skip map[int64]bool) []matchHit {
	rs := idx.Search(text, k+len(skip))
	m.shownMu.RLock()
	defer m.shownMu.RUnlock()
	var out []matchHit
	for _, r := range rs {
		if skip[r.ID] {
			continue
		}
		sh, ok := m.shown[r.ID]
		if !ok {
			continue
		}
		out = append(out, matchHit{id: r.ID, level: r.Level, score: r.Score, headline: sh.headline, rating: sh.ratingKey, slug: sh.slug})
		if len(out) == k {
			break
		}
	}
	return out
}

// searchAll runs search for each text on all CPUs, so a long article's
// sentences are checked in parallel; out[i] holds the hits of texts[i].
func (m *matchIndex) searchAll(idx *match.Index, texts []string, k int, skip map[int64]bool) [][]matchHit {
	out := make([][]matchHit, len(texts))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(texts)/8))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(texts); i += workers {
				if texts[i] != "" {
					out[i] = m.search(idx, texts[i], k, skip)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// matchView is a hit as the intake view shows it.
func matchView(h matchHit, ratings map[string]*factcheck.Rating) views.MatchView {
	c := &factcheck.Claim{ID: h.id, Slug: h.slug}
	return views.MatchView{ClaimID: h.id, URL: claimPath(c), Statement: h.headline, Badge: badge(ratings[h.rating], h.rating)}
}

// ratingsByKey maps the scale's keys to its ratings.
func ratingsByKey(rs []factcheck.Rating) map[string]*factcheck.Rating {
	m := make(map[string]*factcheck.Rating, len(rs))
	for i := range rs {
		m[rs[i].Key] = &rs[i]
	}
	return m
}

// alreadyChecked lists the published claims that may check the same as
// cl (never cl itself), for the editor's "Already checked?" panel. The
// panel is a help, not a gate: when the matcher cannot be brought up to
// date, it is left out.
func (s *Server) alreadyChecked(ctx context.Context, cl *factcheck.Claim) []views.SimilarView {
	m, idx, err := s.matcher(ctx)
	if err != nil {
		return nil
	}
	text := cl.Statement
	if cl.Quote != "" && cl.Quote != cl.Statement {
		text += "\n" + cl.Quote
	}
	hits := m.search(idx, text, 5, map[int64]bool{cl.ID: true})
	if len(hits) == 0 {
		return nil
	}
	rs, err := s.store.Ratings(ctx)
	if err != nil {
		return nil
	}
	ratings := ratingsByKey(rs)
	var out []views.SimilarView
	for _, h := range hits {
		mv := matchView(h, ratings)
		out = append(out, views.SimilarView{Card: views.Card{ID: h.id, URL: mv.URL, Headline: h.headline, Badge: mv.Badge}, Same: h.level == match.Same})
	}
	return out
}
