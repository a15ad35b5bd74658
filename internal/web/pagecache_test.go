package web

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"claimdesk/internal/testutil"
)

// A claim page is rendered once and then served from the page cache until
// the claim or its rating changes, on either database (whose timestamps
// must compare equal for the cache to hit).
func TestClaimPageCache(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			s, st, id, _ := seededDesk(t, d, Config{BaseURL: "http://desk.test"})
			ctx := context.Background()
			page := func() string {
				w := httptest.NewRecorder()
				s.ServeHTTP(w, httptest.NewRequest("GET", "/claims/"+strconv.FormatInt(id, 10), nil))
				if w.Code != 200 {
					t.Fatalf("claim page: %d", w.Code)
				}
				return w.Body.String()
			}
			cached := func() bool {
				version, err := st.PublicVersion(ctx)
				if err != nil {
					t.Fatal(err)
				}
				_, ok := s.cache.Get(pageKey{pageRef{path: "/claims/" + strconv.FormatInt(id, 10)}, version})
				return ok
			}
			if cached() {
				t.Fatal("cached before the first view")
			}
			page()
			if !cached() {
				t.Fatal("the page was not kept after the first view")
			}

			cl, err := st.PublicClaim(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			r := *cl.Rating
			r.Label = "Relabelled"
			if err := st.SaveRating(ctx, &r); err != nil {
				t.Fatal(err)
			}
			if cached() {
				t.Error("a renamed rating still hits the cached page")
			}
			if body := page(); !strings.Contains(body, ">Relabelled<") {
				t.Error("the page after the rename lacks the new label")
			}
			if !cached() {
				t.Error("the re-rendered page was not kept")
			}
		})
	}
}
