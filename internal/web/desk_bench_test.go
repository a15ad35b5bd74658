package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/web"
)

// intakeBenchClaims is how many published claims the intake benchmark's
// matcher holds.
const intakeBenchClaims = 100_000

// Synthetic newsroom text: a vocabulary of 8,000 made-up content words
// drawn by Zipf's law (as words are in real text: a few common, most
// rare), function words between them, figures now and then, so the
// matcher meets long and short posting lists as it would on a real
// archive, and the spotter flags a share of the sentences.
var (
	benchFunction = []string{"the", "of", "and", "to", "in", "that", "is", "was", "for", "on", "with", "by", "as", "at", "from", "has", "have", "than", "more"}
	benchNames    = []string{"Alicia Moreno", "the Defense Department", "Joe Biden", "the city council", "Human Rights Watch",
		"Lena Ortiz", "the finance ministry", "Olaf Scholz", "a Pentagon spokesman", "the transport board"}
	benchVocab = func() []string {
		syll := []string{"ka", "lo", "mi", "ren", "tu", "sa", "vo", "ne", "dri", "pa", "gol", "fe", "tam", "bi", "cor", "lu"}
		r := rand.New(rand.NewPCG(7, 8))
		v := make([]string, 8000)
		for i := range v {
			n := 2 + r.IntN(2)
			var b strings.Builder
			for range n {
				b.WriteString(syll[r.IntN(len(syll))])
			}
			v[i] = b.String() + strconv.Itoa(i%97)
		}
		return v
	}()
)

func benchSentence(r *rand.Rand, words int) string {
	z := rand.NewZipf(r, 1.1, 2, uint64(len(benchVocab)-1))
	out := make([]string, 0, words)
	for i := range words {
		switch {
		case i%2 == 1:
			out = append(out, benchFunction[r.IntN(len(benchFunction))])
		case r.IntN(10) == 0:
			out = append(out, strconv.Itoa(1+r.IntN(2000)))
		default:
			out = append(out, benchVocab[z.Uint64()])
		}
	}
	s := strings.Join(out, " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// benchArticle is a 5,000-word article: 250 sentences of 20 words in
// paragraphs of five, a third of them attributed.
func benchArticle(r *rand.Rand) string {
	var b strings.Builder
	for i := range 250 {
		s := benchSentence(r, 17)
		switch i % 3 {
		case 0:
			s = benchNames[r.IntN(len(benchNames))] + " said " + strings.ToLower(s[:1]) + s[1:]
		case 1:
			s += ", according to " + benchNames[r.IntN(len(benchNames))]
		}
		b.WriteString(s + ". ")
		if i%5 == 4 {
			b.WriteString("\n\n")
		}
	}
	return b.String()
}

var (
	intakeBenchOnce sync.Once
	intakeBenchErr  error
	intakeBenchDB   = filepath.Join(os.TempDir(), fmt.Sprintf("claimdesk-intake-bench2-%dk-schema%d.db", intakeBenchClaims/1000, store.LatestVersion()))
)

// intakeBenchFile builds, once, a SQLite database holding
// intakeBenchClaims published claims, inserted straight through SQL; it is
// kept in the temp directory (keyed by schema version) for later runs.
func intakeBenchFile() error {
	intakeBenchOnce.Do(func() {
		if _, err := os.Stat(intakeBenchDB); err == nil {
			return
		}
		tmp := intakeBenchDB + fmt.Sprintf(".%d.tmp", os.Getpid())
		s, err := store.Open(context.Background(), store.Config{Path: tmp})
		if err != nil {
			intakeBenchErr = err
			return
		}
		s.Close()
		db, err := sql.Open("sqlite3", "file:"+tmp+"?_journal_mode=WAL&_synchronous=OFF")
		if err != nil {
			intakeBenchErr = err
			return
		}
		defer db.Close()
		r := rand.New(rand.NewPCG(3, 4))
		base := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
		ratings := []string{"true", "mostly-true", "half-true", "mostly-false", "false", "misleading", "unproven"}
		for start := 0; start < intakeBenchClaims; start += 1000 {
			tx, err := db.Begin()
			if err != nil {
				intakeBenchErr = err
				return
			}
			stmt, err := tx.Prepare(`INSERT INTO claims (statement, quote, claimant, status, rating_key, summary, rationale, slug, version, tags,
				published_at, created_at, updated_at, status_changed_at, public_seq) VALUES (?, ?, ?, 'published', ?, ?, ?, ?, 1, '[]', ?, ?, ?, ?, 1)`)
			if err != nil {
				tx.Rollback()
				intakeBenchErr = err
				return
			}
			for k := start; k < start+1000; k++ {
				at := base.Add(time.Duration(k) * 20 * time.Minute)
				if _, err := stmt.Exec(benchSentence(r, 10+r.IntN(4)), benchSentence(r, 16+r.IntN(10)), benchNames[r.IntN(len(benchNames))],
					ratings[r.IntN(len(ratings))], benchSentence(r, 14), benchSentence(r, 60), "bench-"+strconv.Itoa(k), at, at, at, at); err != nil {
					tx.Rollback()
					intakeBenchErr = err
					return
				}
			}
			stmt.Close()
			if err := tx.Commit(); err != nil {
				intakeBenchErr = err
				return
			}
		}
		if _, err := db.Exec("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			intakeBenchErr = err
			return
		}
		db.Close()
		for _, ext := range []string{"-wal", "-shm"} {
			os.Remove(tmp + ext)
		}
		intakeBenchErr = os.Rename(tmp, intakeBenchDB)
	})
	return intakeBenchErr
}

// BenchmarkIntakeView100k is the desk's intake view of a 5,000-word
// article (250 sentences: split, scored, speaker and claim span found,
// each suggested sentence checked against 100,000 published claims,
// rendered), served by the real handler chain with a bearer token. One op
// is one page; its time is server time (no network). The index is built
// before the timer starts, as serve builds it at start.
func BenchmarkIntakeView100k(b *testing.B) {
	if err := intakeBenchFile(); err != nil {
		b.Fatal(err)
	}
	// Work on a copy: the benchmark adds a user and an article.
	dir := b.TempDir()
	src, err := os.ReadFile(intakeBenchDB)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "intake.db")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(b.Context(), store.Config{Path: path, PasswordCost: 4})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	u := &factcheck.User{Email: "bench@test.example", Name: "Bench", Role: factcheck.RoleEditor}
	if err := st.CreateUser(b.Context(), u, testPassword); err != nil {
		b.Fatal(err)
	}
	tok, err := st.CreateAPIToken(b.Context(), u.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	body := benchArticle(rand.New(rand.NewPCG(5, 6)))
	a := &factcheck.Article{Title: "A long article", Outlet: "Bench Post", Body: body}
	if err := st.CreateArticle(b.Context(), a); err != nil {
		b.Fatal(err)
	}
	srv := newServer(b, st, web.Config{BaseURL: "http://desk.test", VersionTTL: time.Second})
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/desk/articles/"+strconv.FormatInt(a.ID, 10), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("intake view: %d %.300s", rec.Code, rec.Body.String())
		}
		return rec
	}
	start := time.Now()
	page := get() // builds the index
	b.Logf("%d words, index of %d claims built on the first view in %s; page %d kB, %d already checked",
		len(strings.Fields(body)), intakeBenchClaims, time.Since(start).Round(time.Millisecond), page.Body.Len()/1024, strings.Count(page.Body.String(), "Already checked:"))
	b.ResetTimer()
	for b.Loop() {
		get()
	}
}
