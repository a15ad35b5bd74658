package factcheck

import "time"

// Revision is an append-only record of one version of a claim: a snapshot of
// its fields and evidence as JSON, who made it and why. Corrections carry a
// public note and IsCorrection.
type Revision struct {
	ID           int64     `json:"id"`
	ClaimID      int64     `json:"claim_id"`
	Version      int       `json:"version"`
	Snapshot     string    `json:"snapshot"`
	EditorID     *int64    `json:"-"`
	Note         string    `json:"note"`
	IsCorrection bool      `json:"is_correction"`
	CreatedAt    time.Time `json:"created_at"`

	Editor *User `json:"-"`
}
