package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"slices"
	"sort"
	"time"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// Dashboard is what the desk's dashboard shows, as of Now (UTC). Months
// and weeks are calendar months and ISO weeks (from Monday) in UTC, oldest
// first, the current one last.
type Dashboard struct {
	Now time.Time
	// Reappearing7 and Reappearing30 are the claims seen again most in the
	// last 7 and 30 days (by when they appeared), most first, at most
	// DashboardTop of each.
	Reappearing7, Reappearing30 []ReappearingClaim
	// Ratings is the rating scale in display order, plus any key a claim
	// carries that the scale no longer has, for the verdict mix.
	Ratings []factcheck.Rating
	// VerdictMix counts the claims published in each month by their
	// current rating.
	VerdictMix []VerdictMonth
	// PublishTime is how long claims published in each week took from
	// intake to publication.
	PublishTime []PublishWeek
	// Queue is how long the claims waiting in each status (draft, in
	// review) have been in it.
	Queue []QueueAge
	// Corrections counts the corrections and retractions made each month.
	Corrections []CorrectionMonth
}

// DashboardTop is how many claims each list of reappearing claims holds.
const DashboardTop = 10

// Dashboard periods: months of the verdict mix and corrections, weeks of
// publishing times.
const (
	DashboardMonths = 12
	DashboardWeeks  = 12
)

// ReappearingClaim is a claim and how many times it was seen again in a
// period.
type ReappearingClaim struct {
	Claim factcheck.Claim // with its rating
	Times int
}

// VerdictMonth is the verdicts of one month: claims published then, by the
// key of their current rating.
type VerdictMonth struct {
	Month  time.Time
	Counts map[string]int
	Total  int
}

// PublishWeek is the time from intake to publication of the claims
// published in one week: the median and the 90th percentile (nearest
// rank), zero when N is 0.
type PublishWeek struct {
	Week        time.Time // its Monday
	N           int
	Median, P90 time.Duration
}

// QueueAge is the claims in one status and how long each has been in it,
// counted in AgeBuckets, with the median (nearest rank) and the oldest.
type QueueAge struct {
	Status         factcheck.Status
	N              int
	Buckets        []int // one count per AgeBuckets entry
	Median, Oldest time.Duration
}

// AgeBucket is a range of ages [Min, Max); Max 0 means no upper bound.
type AgeBucket struct {
	Label    string
	Min, Max time.Duration
}

// AgeBuckets are the ranges the queue's ages are counted in.
var AgeBuckets = []AgeBucket{
	{"under a day", 0, 24 * time.Hour},
	{"1–3 days", 24 * time.Hour, 3 * 24 * time.Hour},
	{"3–7 days", 3 * 24 * time.Hour, 7 * 24 * time.Hour},
	{"1–4 weeks", 7 * 24 * time.Hour, 28 * 24 * time.Hour},
	{"4 weeks or more", 28 * 24 * time.Hour, 0},
}

// bucketOf returns the index of the AgeBuckets entry that holds age.
func bucketOf(age time.Duration) int {
	for i, b := range AgeBuckets {
		if age >= b.Min && (b.Max == 0 || age < b.Max) {
			return i
		}
	}
	return 0 // a negative age (a clock set back): the youngest
}

// CorrectionMonth counts one month's corrections and retractions.
type CorrectionMonth struct {
	Month                    time.Time
	Corrections, Retractions int
}

// QueueStatuses are the statuses the queue is made of.
var QueueStatuses = []factcheck.Status{factcheck.StatusDraft, factcheck.StatusInReview}

// MonthStart returns the first instant of t's month, in UTC.
func MonthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// WeekStart returns the first instant of t's ISO week (Monday), in UTC.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// Percentile returns the p-th percentile (0 < p ≤ 1) of sorted by the
// nearest-rank method: the smallest value at least p of the values do
// not exceed. It returns 0 for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// Dashboard computes the desk's dashboard as of the store's clock. It
// reads from one snapshot, so the figures agree with each other.
func (s *Store) Dashboard(ctx context.Context) (*Dashboard, error) {
	d := &Dashboard{Now: s.now().UTC()}
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, step := range []func(*gorm.DB, *Dashboard) error{s.dashReappearing, s.dashVerdicts, s.dashPublishTime, s.dashQueue, s.dashCorrections} {
			if err := step(tx, d); err != nil {
				return err
			}
		}
		return nil
	}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Store) dashReappearing(tx *gorm.DB, d *Dashboard) error {
	if !s.hasSchema(appearanceVersion) {
		return nil
	}
	for _, p := range []struct {
		days int
		dst  *[]ReappearingClaim
	}{{7, &d.Reappearing7}, {30, &d.Reappearing30}} {
		var rows []struct {
			ClaimID int64
			N       int
		}
		err := tx.Model(&factcheck.Appearance{}).Select("claim_id, COUNT(*) AS n").
			Where("position > 0 AND appeared_at >= ? AND appeared_at <= ?", d.Now.AddDate(0, 0, -p.days), d.Now).
			Group("claim_id").Order("n DESC, MAX(appeared_at) DESC, claim_id").Limit(DashboardTop).Scan(&rows).Error
		if err != nil {
			return err
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ClaimID
		}
		var cs []factcheck.Claim
		if len(ids) > 0 {
			if err := tx.Preload("Rating").Where("id IN ?", ids).Find(&cs).Error; err != nil {
				return err
			}
		}
		byID := map[int64]factcheck.Claim{}
		for _, c := range cs {
			byID[c.ID] = c
		}
		*p.dst = []ReappearingClaim{}
		for _, r := range rows {
			if c, ok := byID[r.ClaimID]; ok {
				*p.dst = append(*p.dst, ReappearingClaim{Claim: c, Times: r.N})
			}
		}
	}
	return nil
}

// months returns the starts of the dashboard's months, oldest first.
func (d *Dashboard) months() []time.Time {
	last := MonthStart(d.Now)
	out := make([]time.Time, DashboardMonths)
	for i := range out {
		out[i] = last.AddDate(0, i-DashboardMonths+1, 0)
	}
	return out
}

// monthIndex returns the index of t's month in months, or -1.
func monthIndex(months []time.Time, t time.Time) int {
	return slices.IndexFunc(months, func(m time.Time) bool { return m.Equal(MonthStart(t)) })
}

func (s *Store) dashVerdicts(tx *gorm.DB, d *Dashboard) error {
	if err := tx.Order("position, id").Find(&d.Ratings).Error; err != nil {
		return err
	}
	months := d.months()
	d.VerdictMix = make([]VerdictMonth, len(months))
	for i, m := range months {
		d.VerdictMix[i] = VerdictMonth{Month: m, Counts: map[string]int{}}
	}
	var rows []struct {
		PublishedAt time.Time
		RatingKey   string
	}
	err := tx.Model(&factcheck.Claim{}).Select("published_at, rating_key").
		Where("status IN ? AND published_at >= ? AND published_at <= ?", factcheck.PublicStatuses(), months[0], d.Now).Scan(&rows).Error
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, r := range d.Ratings {
		known[r.Key] = true
	}
	for _, r := range rows {
		i := monthIndex(months, r.PublishedAt)
		if i < 0 {
			continue
		}
		d.VerdictMix[i].Counts[r.RatingKey]++
		d.VerdictMix[i].Total++
		if !known[r.RatingKey] {
			known[r.RatingKey] = true
			d.Ratings = append(d.Ratings, factcheck.Rating{Key: r.RatingKey, Label: r.RatingKey})
		}
	}
	return nil
}

func (s *Store) dashPublishTime(tx *gorm.DB, d *Dashboard) error {
	last := WeekStart(d.Now)
	weeks := make([]time.Time, DashboardWeeks)
	for i := range weeks {
		weeks[i] = last.AddDate(0, 0, 7*(i-DashboardWeeks+1))
	}
	var rows []struct {
		PublishedAt    time.Time
		CreatedAt      time.Time
		ArticleCreated *time.Time
	}
	err := tx.Table("claims").Select("claims.published_at, claims.created_at, articles.created_at AS article_created").
		Joins("LEFT JOIN articles ON articles.id = claims.article_id").
		Where("claims.status IN ? AND claims.published_at >= ? AND claims.published_at <= ?", factcheck.PublicStatuses(), weeks[0], d.Now).
		Scan(&rows).Error
	if err != nil {
		return err
	}
	took := make([][]time.Duration, len(weeks))
	for _, r := range rows {
		intake := r.CreatedAt
		if r.ArticleCreated != nil && r.ArticleCreated.Before(intake) {
			intake = *r.ArticleCreated // the article came in first
		}
		dur := r.PublishedAt.Sub(intake)
		if dur < 0 {
			continue // published with an earlier date than intake: imported, not worked on here
		}
		i := slices.IndexFunc(weeks, func(w time.Time) bool { return w.Equal(WeekStart(r.PublishedAt)) })
		if i >= 0 {
			took[i] = append(took[i], dur)
		}
	}
	d.PublishTime = make([]PublishWeek, len(weeks))
	for i, w := range weeks {
		slices.Sort(took[i])
		d.PublishTime[i] = PublishWeek{Week: w, N: len(took[i]), Median: Percentile(took[i], 0.5), P90: Percentile(took[i], 0.9)}
	}
	return nil
}

// snapshotStatus reads the status a revision's snapshot recorded.
func snapshotStatus(snapshot string) factcheck.Status {
	var snap struct{ Status factcheck.Status }
	json.Unmarshal([]byte(snapshot), &snap)
	return snap.Status
}

func (s *Store) dashQueue(tx *gorm.DB, d *Dashboard) error {
	var claims []struct {
		ID        int64
		Status    factcheck.Status
		CreatedAt time.Time
	}
	if err := tx.Model(&factcheck.Claim{}).Select("id, status, created_at").Where("status IN ?", QueueStatuses).Order("id").Scan(&claims).Error; err != nil {
		return err
	}
	// A claim entered its status at the first of the revisions, since the
	// last one in another status, that recorded it; a claim without
	// revisions (loaded in bulk) at its creation.
	var revs []struct {
		ClaimID   int64
		Snapshot  string
		CreatedAt time.Time
	}
	err := tx.Model(&factcheck.Revision{}).Select("claim_id, snapshot, created_at").
		Where("claim_id IN (?)", tx.Model(&factcheck.Claim{}).Select("id").Where("status IN ?", QueueStatuses)).
		Order("claim_id, version").Scan(&revs).Error
	if err != nil {
		return err
	}
	status := map[int64]factcheck.Status{}
	entered := map[int64]time.Time{}
	for _, c := range claims {
		status[c.ID], entered[c.ID] = c.Status, c.CreatedAt
	}
	inRun := map[int64]bool{}
	for _, r := range revs {
		switch {
		case snapshotStatus(r.Snapshot) != status[r.ClaimID]:
			inRun[r.ClaimID] = false
		case !inRun[r.ClaimID]:
			inRun[r.ClaimID] = true
			entered[r.ClaimID] = r.CreatedAt
		}
	}
	ages := map[factcheck.Status][]time.Duration{}
	for _, c := range claims {
		ages[c.Status] = append(ages[c.Status], d.Now.Sub(entered[c.ID]))
	}
	for _, st := range QueueStatuses {
		a := ages[st]
		sort.Slice(a, func(i, j int) bool { return a[i] < a[j] })
		q := QueueAge{Status: st, N: len(a), Buckets: make([]int, len(AgeBuckets)), Median: Percentile(a, 0.5)}
		for _, age := range a {
			q.Buckets[bucketOf(age)]++
		}
		if len(a) > 0 {
			q.Oldest = a[len(a)-1]
		}
		d.Queue = append(d.Queue, q)
	}
	return nil
}

func (s *Store) dashCorrections(tx *gorm.DB, d *Dashboard) error {
	months := d.months()
	d.Corrections = make([]CorrectionMonth, len(months))
	for i, m := range months {
		d.Corrections[i].Month = m
	}
	var revs []struct {
		Snapshot  string
		CreatedAt time.Time
	}
	err := tx.Model(&factcheck.Revision{}).Select("snapshot, created_at").
		Where("is_correction = ? AND created_at >= ? AND created_at <= ?", true, months[0], d.Now).Scan(&revs).Error
	if err != nil {
		return err
	}
	for _, r := range revs {
		i := monthIndex(months, r.CreatedAt)
		if i < 0 {
			continue
		}
		if snapshotStatus(r.Snapshot) == factcheck.StatusRetracted {
			d.Corrections[i].Retractions++
		} else {
			d.Corrections[i].Corrections++
		}
	}
	return nil
}
