package store

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// loginFailure is one login attempt that has not succeeded: reserved
// before the password (or second factor) is checked, and deleted again if
// it turns out right. Kept in the database so every node counts the same.
type loginFailure struct {
	ID        int64
	Key       string
	CreatedAt time.Time
}

// loginLock records that a key reached its limit, so that the end of the
// lockout can be reported once.
type loginLock struct {
	Key         string `gorm:"primaryKey"`
	LockedUntil time.Time
}

// Lock is a throttling key (such as "ip:192.0.2.1" or
// "email:ed@paper.example") that reached its limit, and when it frees up.
type Lock struct {
	Key   string
	Until time.Time
}

// LoginAttempt is an attempt reserved by ReserveLoginAttempt.
type LoginAttempt struct {
	ids []int64
	// Refused is set when a key was already at its limit: nothing was
	// reserved, and the caller must refuse the attempt without checking
	// the password. Until says when the key frees up.
	Refused *Lock
	// Locked lists the keys this attempt brought to their limit: the
	// next attempt on them is refused until Until.
	Locked []Lock
	// Unlocked lists keys whose earlier lockout has run out.
	Unlocked []Lock
}

// ReserveLoginAttempt counts one attempt against every key before the
// caller checks a password or code, so that N attempts sent at once count
// as N: in one write transaction it counts each key's attempts within
// window and, if every key is below limit, records one more for each. A
// key at its limit refuses the attempt (Refused) and records nothing. The
// caller reports success with ReleaseLoginAttempt; a failed attempt simply
// stays counted.
//
// The count and the insert are atomic on both databases: on SQLite every
// write transaction holds the database's write lock; on PostgreSQL the
// transaction takes an advisory lock per key (in sorted order, so two
// attempts cannot deadlock).
func (s *Store) ReserveLoginAttempt(ctx context.Context, keys []string, limit int, window time.Duration) (*LoginAttempt, error) {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	now := s.now()
	since := now.Add(-window)
	a := &LoginAttempt{}
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		*a = LoginAttempt{}
		if s.dialect == Postgres {
			for _, k := range keys {
				if err := tx.Exec("SELECT pg_advisory_xact_lock(1, hashtext(?))", k).Error; err != nil {
					return err
				}
			}
		}
		counts := make([]int64, len(keys))
		for i, k := range keys {
			if err := tx.Model(&loginFailure{}).Where("key = ? AND created_at > ?", k, since).Count(&counts[i]).Error; err != nil {
				return err
			}
			if counts[i] >= int64(limit) {
				until, err := lockedUntil(tx, k, since, counts[i], limit, window)
				if err != nil {
					return err
				}
				a.Refused = &Lock{Key: k, Until: until}
				return nil
			}
		}
		for i, k := range keys {
			var lock loginLock
			if err := tx.Where("key = ?", k).Limit(1).Find(&lock).Error; err != nil {
				return err
			} else if lock.Key != "" && !lock.LockedUntil.After(now) {
				if err := tx.Where("key = ?", k).Delete(&loginLock{}).Error; err != nil {
					return err
				}
				a.Unlocked = append(a.Unlocked, Lock{Key: k, Until: lock.LockedUntil})
			}
			row := loginFailure{Key: k, CreatedAt: now}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			a.ids = append(a.ids, row.ID)
			if counts[i]+1 == int64(limit) {
				until, err := lockedUntil(tx, k, since, counts[i]+1, limit, window)
				if err != nil {
					return err
				}
				if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoUpdates: clause.AssignmentColumns([]string{"locked_until"})}).
					Create(&loginLock{Key: k, LockedUntil: until}).Error; err != nil {
					return err
				}
				a.Locked = append(a.Locked, Lock{Key: k, Until: until})
			}
		}
		return nil
	})
	return a, err
}

// lockedUntil is when a key with count attempts since the start of the
// window drops below limit again: when its (count-limit+1)th oldest
// attempt leaves the window.
func lockedUntil(tx *gorm.DB, key string, since time.Time, count int64, limit int, window time.Duration) (time.Time, error) {
	var at []time.Time
	err := tx.Model(&loginFailure{}).Where("key = ? AND created_at > ?", key, since).
		Order("created_at").Offset(int(count)-limit).Limit(1).Pluck("created_at", &at).Error
	if err != nil || len(at) == 0 {
		return since.Add(2 * window), err
	}
	return at[0].Add(window), nil
}

// ReleaseLoginAttempt marks a reserved attempt as successful: its
// reservations are deleted, as are the earlier failures counted against
// the keys in clear (a user who got in starts their account's count
// afresh), and attempts older than a day are pruned.
func (s *Store) ReleaseLoginAttempt(ctx context.Context, a *LoginAttempt, clear ...string) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if len(a.ids) > 0 {
			if err := tx.Where("id IN ?", a.ids).Delete(&loginFailure{}).Error; err != nil {
				return err
			}
		}
		if len(clear) > 0 {
			if err := tx.Where("key IN ?", clear).Delete(&loginFailure{}).Error; err != nil {
				return err
			}
			if err := tx.Where("key IN ?", clear).Delete(&loginLock{}).Error; err != nil {
				return err
			}
		}
		return tx.Where("created_at < ?", s.now().Add(-24*time.Hour)).Delete(&loginFailure{}).Error
	})
}

// LoginFailures counts the attempts counted against key since the given time.
func (s *Store) LoginFailures(ctx context.Context, key string, since time.Time) (int64, error) {
	var n int64
	err := s.w.WithContext(ctx).Model(&loginFailure{}).Where("key = ? AND created_at > ?", key, since).Count(&n).Error
	return n, err
}
