package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"claimdesk/internal/factcheck"
)

// userTOTP is a user's time-based one-time password second factor. Secret
// is sealed by the web layer before it gets here; EnabledAt is nil while
// the user has scanned the code but not yet confirmed it. LastStep is the
// last 30-second step a code was accepted for, so no code works twice.
type userTOTP struct {
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	Secret    string
	EnabledAt *time.Time
	LastStep  int64
	CreatedAt time.Time
}

func (userTOTP) TableName() string { return "user_totp" }

// recoveryCode is one single-use recovery code, stored as its SHA-256 (the
// codes carry 80 random bits, so the hash cannot be reversed by guessing).
type recoveryCode struct {
	ID        int64
	UserID    int64
	CodeHash  string
	UsedAt    *time.Time
	CreatedAt time.Time
}

// TOTP is a user's second-factor state.
type TOTP struct {
	// Enabled is true once the user confirmed a code; Secret is the sealed
	// secret (pending or enabled).
	Enabled  bool
	Secret   string
	LastStep int64
	// RecoveryLeft counts unused recovery codes.
	RecoveryLeft int64
}

// UserTOTP returns a user's second-factor state; a user who never started
// enrolment gets a zero TOTP and no error.
func (s *Store) UserTOTP(ctx context.Context, userID int64) (TOTP, error) {
	var row userTOTP
	if err := s.w.WithContext(ctx).Where("user_id = ?", userID).Limit(1).Find(&row).Error; err != nil {
		return TOTP{}, err
	}
	out := TOTP{Enabled: row.EnabledAt != nil, Secret: row.Secret, LastStep: row.LastStep}
	if out.Enabled {
		if err := s.w.WithContext(ctx).Model(&recoveryCode{}).Where("user_id = ? AND used_at IS NULL", userID).Count(&out.RecoveryLeft).Error; err != nil {
			return TOTP{}, err
		}
	}
	return out, nil
}

// TOTPEnabled reports whether the user has a confirmed second factor.
func (s *Store) TOTPEnabled(ctx context.Context, userID int64) (bool, error) {
	var n int64
	err := s.r.WithContext(ctx).Model(&userTOTP{}).Where("user_id = ? AND enabled_at IS NOT NULL", userID).Count(&n).Error
	return n > 0, err
}

// StartTOTP stores a new, not yet confirmed, sealed secret for the user,
// replacing an earlier unconfirmed one. It returns ECONFLICT when the user
// already has a confirmed second factor (turn it off first).
func (s *Store) StartTOTP(ctx context.Context, userID int64, sealed string) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row userTOTP
		if err := tx.Where("user_id = ?", userID).Limit(1).Find(&row).Error; err != nil {
			return err
		} else if row.EnabledAt != nil {
			return factcheck.Errorf(factcheck.ECONFLICT, "Two-factor authentication is already on.")
		}
		if err := tx.Where("user_id = ?", userID).Delete(&userTOTP{}).Error; err != nil {
			return err
		}
		return tx.Create(&userTOTP{UserID: userID, Secret: sealed, CreatedAt: s.now()}).Error
	})
}

// EnableTOTP confirms the user's pending secret (the caller has checked a
// code for step) and replaces their recovery codes with codeHashes. It
// returns ECONFLICT when there is no pending secret or it is already on.
func (s *Store) EnableTOTP(ctx context.Context, userID, step int64, codeHashes []string) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		res := tx.Model(&userTOTP{}).Where("user_id = ? AND enabled_at IS NULL", userID).Updates(map[string]any{"enabled_at": now, "last_step": step})
		if res.Error != nil {
			return res.Error
		} else if res.RowsAffected == 0 {
			return factcheck.Errorf(factcheck.ECONFLICT, "Start again: there is no code waiting to be confirmed.")
		}
		return replaceRecoveryCodes(tx, userID, codeHashes, now)
	})
}

// ReplaceRecoveryCodes throws away the user's recovery codes and stores
// new ones (hashes); ECONFLICT when the user has no second factor on.
func (s *Store) ReplaceRecoveryCodes(ctx context.Context, userID int64, codeHashes []string) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&userTOTP{}).Where("user_id = ? AND enabled_at IS NOT NULL", userID).Count(&n).Error; err != nil {
			return err
		} else if n == 0 {
			return factcheck.Errorf(factcheck.ECONFLICT, "Two-factor authentication is off.")
		}
		return replaceRecoveryCodes(tx, userID, codeHashes, s.now())
	})
}

func replaceRecoveryCodes(tx *gorm.DB, userID int64, hashes []string, now time.Time) error {
	if err := tx.Where("user_id = ?", userID).Delete(&recoveryCode{}).Error; err != nil {
		return err
	}
	for _, h := range hashes {
		if err := tx.Create(&recoveryCode{UserID: userID, CodeHash: h, CreatedAt: now}).Error; err != nil {
			return err
		}
	}
	return nil
}

// UseTOTPStep records that a code for step was accepted. It returns
// EUNAUTHORIZED when a code for this step or a later one was already used
// (a replayed or older code), atomically, so two requests with one code
// cannot both get in.
func (s *Store) UseTOTPStep(ctx context.Context, userID, step int64) error {
	res := s.w.WithContext(ctx).Model(&userTOTP{}).Where("user_id = ? AND enabled_at IS NOT NULL AND last_step < ?", userID, step).Update("last_step", step)
	if res.Error == nil && res.RowsAffected == 0 {
		return factcheck.Errorf(factcheck.EUNAUTHORIZED, "That code was already used. Wait for the next one.")
	}
	return res.Error
}

// UseRecoveryCode spends the user's unused recovery code with codeHash, or
// returns EUNAUTHORIZED when there is none.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, codeHash string) error {
	res := s.w.WithContext(ctx).Model(&recoveryCode{}).Where("user_id = ? AND code_hash = ? AND used_at IS NULL", userID, codeHash).Update("used_at", s.now())
	if res.Error == nil && res.RowsAffected == 0 {
		return factcheck.Errorf(factcheck.EUNAUTHORIZED, "That recovery code is wrong or was already used.")
	}
	return res.Error
}

// DisableTOTP removes the user's second factor and recovery codes (the
// user turning it off, or an admin resetting a lost phone).
func (s *Store) DisableTOTP(ctx context.Context, userID int64) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ?", userID).Delete(&recoveryCode{}).Error; err != nil {
			return err
		}
		return tx.Where("user_id = ?", userID).Delete(&userTOTP{}).Error
	})
}

// TOTPUsers returns the ids of the users with two-factor authentication on.
func (s *Store) TOTPUsers(ctx context.Context) (map[int64]bool, error) {
	var ids []int64
	err := s.r.WithContext(ctx).Model(&userTOTP{}).Where("enabled_at IS NOT NULL").Pluck("user_id", &ids)
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, err.Error
}
