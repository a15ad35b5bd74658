package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// serverSecret is a random key the server signs and derives things with.
// It lives in the database so that every node of a desk agrees on it
// without configuration.
type serverSecret struct {
	Name      string `gorm:"primaryKey"`
	Value     string
	CreatedAt time.Time
}

// ServerSecret returns the 32-byte secret called name, creating it on
// first use. Nodes that ask at the same moment get the same secret: the
// first insert wins and every caller reads the stored one back.
func (s *Store) ServerSecret(ctx context.Context, name string) ([]byte, error) {
	db := s.w.WithContext(ctx)
	var row serverSecret
	err := db.Where("name = ?", name).Limit(1).Find(&row).Error
	if err != nil {
		return nil, err
	} else if row.Name == "" {
		b := make([]byte, 32)
		rand.Read(b)
		err := db.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&serverSecret{Name: name, Value: base64.RawStdEncoding.EncodeToString(b), CreatedAt: s.now()}).Error
		if err != nil {
			return nil, err
		}
		if err := db.Where("name = ?", name).First(&row).Error; err != nil {
			return nil, err
		}
	}
	key, err := base64.RawStdEncoding.DecodeString(row.Value)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("server secret %q is damaged", name)
	}
	return key, nil
}
