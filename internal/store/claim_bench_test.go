package store_test

import (
	"fmt"
	"testing"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/testutil"
)

// BenchmarkCreateClaimSameQuote compares creating a claim whose quote (and
// so slug) is new with creating one when 999 claims already share its
// quote. The two must cost about the same: the slug is settled with one
// index probe, not a query per taken slug-2, slug-3, ….
//
//	go test -tags sqlite_fts5 -run '^$' -bench CreateClaimSameQuote ./internal/store/
func BenchmarkCreateClaimSameQuote(b *testing.B) {
	for _, d := range testutil.Dialects {
		b.Run(d, func(b *testing.B) {
			s := testutil.OpenStore(b, d)
			ed := &factcheck.User{Email: "bench@example.org", Name: "Bench", Role: factcheck.RoleEditor}
			if err := s.CreateUser(ctx, ed, "correct horse battery"); err != nil {
				b.Fatal(err)
			}
			create := func(quote string) {
				if err := s.CreateClaim(ctx, &factcheck.Claim{Quote: quote, Claimant: "Officials"}, ed); err != nil {
					b.Fatal(err)
				}
			}
			const same = "More than 160 countries have joined the treaty"
			for range 999 {
				create(same)
			}
			b.Run("first", func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					create(fmt.Sprintf("%s number %d", same, i))
				}
			})
			b.Run("1000th", func(b *testing.B) {
				for b.Loop() {
					create(same)
				}
			})
		})
	}
}
