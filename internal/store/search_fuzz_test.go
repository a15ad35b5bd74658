package store_test

import (
	"context"
	"testing"

	"claimdesk/internal/seed"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
	"claimdesk/seeds"
)

// FuzzListClaimsQuery sends arbitrary reader queries to full-text search on
// SQLite: FTS5 syntax, quotes, operators and odd bytes must never surface
// as an error (which would be a 500 on the home page and the API).
func FuzzListClaimsQuery(f *testing.F) {
	st := testutil.OpenStore(f, "sqlite")
	if _, err := seed.Load(context.Background(), st, seeds.FS); err != nil {
		f.Fatal(err)
	}
	for _, q := range []string{"mines", "ukraine mines", `"unterminated`, `mines AND NOT`, `NEAR(mines treaty)`, "mi*", "*", `col:mines`, "^mines",
		"-", "'; DROP TABLE claims; --", "\x00", "\xff\xfe", "ünïcödé 中文 العربية", "a b c d e f g h i j k l m n o p", "(", ")", "{mines}", "1997 ottawa", "%_\\"} {
		f.Add(q, "")
	}
	f.Add("mines", "false")
	f.Add("", "no-such-rating'")
	f.Fuzz(func(t *testing.T, q, rating string) {
		hits, total, err := st.ListClaims(context.Background(), store.ClaimFilter{Query: q, Rating: rating, Tag: q})
		if err != nil {
			t.Fatalf("ListClaims(%q, %q): %v", q, rating, err)
		}
		if int64(len(hits)) > total {
			t.Fatalf("%d hits but total %d", len(hits), total)
		}
	})
}
