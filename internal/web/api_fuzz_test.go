package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/seed"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
	"claimdesk/seeds"
)

// fuzzDesk is a seeded server driven through its real router, with an
// editor's token, one article and one draft claim in it.
type fuzzDesk struct {
	st      *store.Store
	h       http.Handler
	token   string
	article int64
	claim   int64
}

func newFuzzDesk(f *testing.F) *fuzzDesk {
	ctx := context.Background()
	st := testutil.OpenStore(f, "sqlite")
	if _, err := seed.Load(ctx, st, seeds.FS); err != nil {
		f.Fatal(err)
	}
	u := &factcheck.User{Email: "fuzz@test.example", Name: "Fuzz", Role: factcheck.RoleEditor}
	if err := st.CreateUser(ctx, u, testPassword); err != nil {
		f.Fatal(err)
	}
	tok, err := st.CreateAPIToken(ctx, u.ID, "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	a := &factcheck.Article{Title: "Fuzz", Body: articleBody}
	if err := st.CreateArticle(ctx, a); err != nil {
		f.Fatal(err)
	}
	cl := &factcheck.Claim{ArticleID: &a.ID, Quote: "Critics think the move is a mistake.", Claimant: "Critics"}
	if err := st.CreateClaim(ctx, cl, u); err != nil {
		f.Fatal(err)
	}
	srv := newServer(f, st, web.Config{BaseURL: "http://127.0.0.1:8080"})
	return &fuzzDesk{st: st, h: srv.Handler(), token: tok, article: a.ID, claim: cl.ID}
}

func (d *fuzzDesk) call(method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+d.token)
	rec := httptest.NewRecorder()
	d.h.ServeHTTP(rec, req)
	return rec
}

// counts returns how many articles and claims (of every status) exist.
func (d *fuzzDesk) counts(t *testing.T) (int, int64) {
	arts, err := d.st.Articles(context.Background(), 100000)
	if err != nil {
		t.Fatal(err)
	}
	byStatus, err := d.st.CountClaims(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, c := range byStatus {
		n += c
	}
	return len(arts), n
}

var apiSeeds = []string{
	`{"title":"T","body":"One sentence. Another one with 12 numbers."}`,
	`{"title":"T","url":"https://news.example/a","outlet":"O","author":"A","published_at":"2024-11-20","body":"Body."}`,
	`{"title":"","body":""}`, `{"title":"T","published_at":"not a date","body":"x"}`, `{"title":"T","url":"javascript:alert(1)","body":"x"}`,
	`{"start":0,"end":17,"claimant":"X"}`, `{"start":-1,"end":99999,"claimant":"X"}`, `{"start":5,"end":5,"claimant":"X"}`,
	`{"quote":"Critics think the move is a mistake.","claimant":"C","tags":["a","b"]}`, `{"quote":"nowhere","claimant":"C"}`,
	`{"start":1e99,"end":"x"}`, `{"title":null}`, `[]`, `null`, `{`, `"string"`, ``, "\x00\xff", `{"title":"T","body":"\u0000\ud800"}`,
	`{"rating":"true","summary":"S","version":1}`, `{"rating":"nope","version":1}`, `{"version":-9223372036854775808}`, `{"version":1.5}`,
	`{"url":"https://a.example/","title":"t","stance":"supports","version":1}`, `{"url":"https://a.example/","stance":"maybe"}`,
	`{"title":"T","body":"x","title":"dup"}`, `{"tags":"notalist","quote":"x","claimant":"c"}`,
}

// FuzzAPIArticleAndClaimBodies posts arbitrary bodies to POST /api/v1/articles
// and POST /api/v1/articles/:id/claims: never a 5xx, and a refused body
// stores nothing.
func FuzzAPIArticleAndClaimBodies(f *testing.F) {
	d := newFuzzDesk(f)
	for _, s := range apiSeeds {
		f.Add(false, s)
		f.Add(true, s)
	}
	f.Fuzz(func(t *testing.T, claim bool, body string) {
		path := "/api/v1/articles"
		if claim {
			path = "/api/v1/articles/" + strconv.FormatInt(d.article, 10) + "/claims"
		}
		arts, claims := d.counts(t)
		rec := d.call("POST", path, body)
		if rec.Code >= 500 {
			t.Fatalf("POST %s %q: %d %s", path, body, rec.Code, rec.Body)
		}
		arts2, claims2 := d.counts(t)
		wantArts, wantClaims := arts, claims
		if rec.Code == http.StatusCreated {
			if claim {
				wantClaims++
			} else {
				wantArts++
			}
		}
		if arts2 != wantArts || claims2 != wantClaims {
			t.Fatalf("POST %s %q: %d, articles %d→%d, claims %d→%d", path, body, rec.Code, arts, arts2, claims, claims2)
		}
	})
}

// FuzzAPIClaimWrites sends arbitrary bodies to the versioned claim writes:
// never a 5xx, and a refused write leaves the claim's version alone.
func FuzzAPIClaimWrites(f *testing.F) {
	d := newFuzzDesk(f)
	for _, s := range apiSeeds {
		f.Add(uint8(0), s)
		f.Add(uint8(1), s)
	}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		method, path := "PUT", "/api/v1/claims/"+strconv.FormatInt(d.claim, 10)+"/verdict"
		if op%2 == 1 {
			method, path = "POST", "/api/v1/claims/"+strconv.FormatInt(d.claim, 10)+"/evidence"
		}
		before, err := d.st.ClaimByID(context.Background(), d.claim)
		if err != nil {
			t.Fatal(err)
		}
		rec := d.call(method, path, body)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body)
		}
		after, _ := d.st.ClaimByID(context.Background(), d.claim)
		if ok := rec.Code/100 == 2; ok != (after.Version == before.Version+1) || !ok && len(after.Evidence) != len(before.Evidence) {
			t.Fatalf("%s %q: %d, version %d→%d, evidence %d→%d", path, body, rec.Code, before.Version, after.Version, len(before.Evidence), len(after.Evidence))
		}
	})
}

// FuzzOEmbedURL asks /oembed about arbitrary URLs and formats: the answer
// is JSON, never a 5xx, and a 200 only for this site's claim pages.
func FuzzOEmbedURL(f *testing.F) {
	d := newFuzzDesk(f)
	for _, u := range []string{"http://127.0.0.1:8080/claims/1", "http://127.0.0.1:8080/claims/1-some-slug", "http://127.0.0.1:8080/claims/99999",
		"https://evil.example/claims/1", "http://127.0.0.1:8080/claims/-1", "http://127.0.0.1:8080/claims/1/../../etc/passwd", "javascript:alert(1)",
		"", "%", "http://127.0.0.1:8080/claims/9223372036854775808", "http://127.0.0.1:8080@evil.example/claims/1", "//127.0.0.1:8080/claims/1",
		"http://127.0.0.1:8080/articles/1", "http://127.0.0.1:8080/claims/" + strings.Repeat("9", 400)} {
		f.Add(u, "json", "")
	}
	f.Add("http://127.0.0.1:8080/claims/1", "xml", "300")
	f.Add("http://127.0.0.1:8080/claims/1", "json", "-1")
	f.Add("http://127.0.0.1:8080/claims/1", "json", "99999999999999999999")
	f.Fuzz(func(t *testing.T, target, format, maxwidth string) {
		q := url.Values{"url": {target}, "format": {format}}
		if maxwidth != "" {
			q.Set("maxwidth", maxwidth)
		}
		req := httptest.NewRequest("GET", "/oembed?"+q.Encode(), nil)
		rec := httptest.NewRecorder()
		d.h.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusNotImplemented {
			t.Fatalf("oembed %q %q %q: %d %s", target, format, maxwidth, rec.Code, rec.Body)
		}
		if rec.Code == 200 && !strings.HasPrefix(target, "http://127.0.0.1:8080/") {
			t.Fatalf("oembed answered for a foreign URL %q", target)
		}
	})
}
