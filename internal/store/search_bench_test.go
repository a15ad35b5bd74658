package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"claimdesk/internal/store"
)

// benchClaims is how many synthetic claims the search benchmark searches.
const benchClaims = 100_000

// Vocabulary for synthetic claims: topic words are common (each in a few
// percent to a fifth of claims) so queries hit large match sets, as the
// real archive's "ukraine" or "inflation" would.
var (
	benchTopics = []string{"ukraine", "russia", "mines", "treaty", "inflation", "unemployment", "vaccine", "election",
		"immigration", "border", "taxes", "climate", "emissions", "wages", "crime", "police", "budget", "deficit",
		"schools", "housing", "energy", "gas", "prices", "tariffs", "china", "nato", "missiles", "refugees", "hospital", "pension"}
	benchFiller = []string{"the", "said", "more", "than", "percent", "since", "year", "government", "million", "billion",
		"according", "report", "rose", "fell", "record", "highest", "lowest", "country", "people", "officials", "new",
		"data", "show", "claimed", "last", "week", "every", "state", "city", "over", "under", "times", "half", "double"}
	benchClaimants = []string{"Joe Biden", "Donald Trump", "Olaf Scholz", "Emmanuel Macron", "Keir Starmer", "Volodymyr Zelensky",
		"Ministry of Defence", "Senate Committee", "Human Rights Watch", "A city councillor", "Kamala Harris", "Rishi Sunak"}
	benchRatings = []string{"true", "mostly-true", "half-true", "mostly-false", "false", "misleading", "unproven"}
)

func benchText(r *rand.Rand, words int) string {
	out := make([]string, words)
	for i := range out {
		if r.IntN(4) == 0 {
			// Topic words follow a skewed distribution: low indexes are common.
			out[i] = benchTopics[int(float64(len(benchTopics))*r.Float64()*r.Float64())]
		} else {
			out[i] = benchFiller[r.IntN(len(benchFiller))]
		}
	}
	if r.IntN(3) == 0 {
		out[r.IntN(words)] = fmt.Sprintf("%d", 1990+r.IntN(36))
	}
	return strings.Join(out, " ")
}

// seedBenchClaims bulk-inserts n synthetic claims straight through SQL, in
// transactions of 1,000 rows; the search index fills through the schema's
// own triggers (SQLite) or generated column (PostgreSQL).
func seedBenchClaims(db *sql.DB, dialect string, n int) error {
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 1000
	const cols = 12
	for start := 0; start < n; start += batch {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		var sb strings.Builder
		sb.WriteString("INSERT INTO claims (quote, claimant, status, rating_key, summary, rationale, slug, version, tags, published_at, created_at, updated_at) VALUES ")
		args := make([]any, 0, batch*cols)
		for i := 0; i < batch && start+i < n; i++ {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString("(")
			for j := 0; j < cols; j++ {
				if j > 0 {
					sb.WriteString(",")
				}
				if dialect == "postgres" {
					fmt.Fprintf(&sb, "$%d", len(args)+j+1)
				} else {
					sb.WriteString("?")
				}
			}
			sb.WriteString(")")
			k := start + i
			status := "published"
			var published any = base.Add(time.Duration(k) * 20 * time.Minute)
			if k%10 == 0 {
				status, published = "draft", nil
			}
			tags, _ := json.Marshal([]string{benchTopics[r.IntN(len(benchTopics))]})
			now := base.Add(time.Duration(k) * 20 * time.Minute)
			args = append(args, benchText(r, 14+r.IntN(12)), benchClaimants[r.IntN(len(benchClaimants))], status,
				benchRatings[r.IntN(len(benchRatings))], benchText(r, 12), benchText(r, 60+r.IntN(60)),
				fmt.Sprintf("bench-claim-%d", k), 1, string(tags), published, now, now)
		}
		if _, err := tx.Exec(sb.String(), args...); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

var (
	benchOnce   sync.Map // dialect → *benchDB
	benchSQLite = filepath.Join(os.TempDir(), fmt.Sprintf("claimdesk-bench-%dk-schema%d.db", benchClaims/1000, store.LatestVersion()))
)

type benchDB struct {
	once sync.Once
	cfg  store.Config
	err  error
}

// benchStore opens the 100k-claim database for dialect, building it once.
// The SQLite file is kept in the temp directory (keyed by schema version)
// and the PostgreSQL schema on the test server, so later runs reuse them.
func benchStore(b *testing.B, dialect string) *store.Store {
	v, _ := benchOnce.LoadOrStore(dialect, &benchDB{})
	bd := v.(*benchDB)
	bd.once.Do(func() {
		start := time.Now()
		if dialect == "postgres" {
			bd.cfg, bd.err = benchPostgres()
		} else {
			bd.cfg, bd.err = benchSQLiteFile()
		}
		b.Logf("%s: %d claims ready in %s", dialect, benchClaims, time.Since(start).Round(time.Millisecond))
	})
	if bd.err != nil {
		b.Fatal(bd.err)
	}
	s, err := store.Open(context.Background(), bd.cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func benchSQLiteFile() (store.Config, error) {
	cfg := store.Config{Path: benchSQLite}
	if _, err := os.Stat(benchSQLite); err == nil {
		return cfg, nil
	}
	tmp := benchSQLite + fmt.Sprintf(".%d.tmp", os.Getpid())
	s, err := store.Open(context.Background(), store.Config{Path: tmp})
	if err != nil {
		return cfg, err
	}
	s.Close()
	db, err := sql.Open("sqlite3", "file:"+tmp+"?_journal_mode=WAL&_synchronous=OFF")
	if err != nil {
		return cfg, err
	}
	err = seedBenchClaims(db, "sqlite", benchClaims)
	if err == nil {
		_, err = db.Exec("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)")
	}
	db.Close()
	if err != nil {
		return cfg, err
	}
	for _, ext := range []string{"-wal", "-shm"} {
		os.Remove(tmp + ext)
	}
	return cfg, os.Rename(tmp, benchSQLite)
}

func benchPostgres() (store.Config, error) {
	base := os.Getenv("CLAIMDESK_TEST_DATABASE_URL")
	schema := fmt.Sprintf("bench_%dk_schema%d", benchClaims/1000, store.LatestVersion())
	u, err := url.Parse(base)
	if err != nil {
		return store.Config{}, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	cfg := store.Config{DatabaseURL: u.String()}
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return cfg, err
	}
	defer db.Close()
	var n int
	if db.QueryRow("SELECT COUNT(*) FROM claims").Scan(&n) == nil && n == benchClaims {
		return cfg, nil
	}
	if _, err := db.Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema); err != nil {
		return cfg, err
	}
	s, err := store.Open(context.Background(), cfg)
	if err != nil {
		return cfg, err
	}
	s.Close()
	if err := seedBenchClaims(db, "postgres", benchClaims); err != nil {
		return cfg, err
	}
	_, err = db.Exec("ANALYZE claims")
	return cfg, err
}

// BenchmarkSearch100k measures the reader's search (first page of 20, as
// the home page asks for it) over 100,000 claims and reports p50 and p95
// latency per query. Goal: p95 under 50 ms.
func BenchmarkSearch100k(b *testing.B) {
	dialects := []string{"sqlite"}
	if os.Getenv("CLAIMDESK_TEST_DATABASE_URL") != "" {
		dialects = append(dialects, "postgres")
	}
	queries := []store.ClaimFilter{
		{Query: "ukraine"},                     // the most common topic: a fifth of all claims
		{Query: "ukraine mines"},               // two common words
		{Query: "unemployment wages fell"},     // common words and a filler
		{Query: "vaccine", Rating: "false"},    // a topic within one rating
		{Query: "pension hospital refugees"},   // rare combination
		{Query: "infl"},                        // prefix while typing
		{Query: "ukraine", Offset: 200},        // a later page
		{},                                     // the home page: newest first
		{Rating: "misleading", Tag: "tariffs"}, // filters, no query
	}
	for _, d := range dialects {
		b.Run(d, func(b *testing.B) {
			s := benchStore(b, d)
			ctx := context.Background()
			for _, f := range queries {
				name := strings.ReplaceAll(fmt.Sprintf("q=%s,rating=%s,tag=%s,offset=%d", f.Query, f.Rating, f.Tag, f.Offset), " ", "+")
				b.Run(name, func(b *testing.B) {
					lat := make([]time.Duration, 0, b.N)
					for b.Loop() {
						t0 := time.Now()
						hits, _, err := s.ListClaims(ctx, f)
						lat = append(lat, time.Since(t0))
						if err != nil || len(hits) == 0 {
							b.Fatalf("search %+v: %d hits, %v", f, len(hits), err)
						}
					}
					slices.Sort(lat)
					pct := func(p float64) float64 {
						return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
					}
					b.ReportMetric(pct(0.50), "p50_ms")
					b.ReportMetric(pct(0.95), "p95_ms")
				})
			}
		})
	}
}
