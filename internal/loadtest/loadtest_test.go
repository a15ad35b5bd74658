package loadtest_test

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"claimdesk/internal/loadtest"
	"claimdesk/internal/seed"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
	"claimdesk/seeds"
)

// make test runs the short load; make loadtest passes the long one.
var (
	editors  = flag.Int("loadtest.editors", 20, "concurrent editors")
	readers  = flag.Int("loadtest.readers", 4, "concurrent readers")
	duration = flag.Duration("loadtest.duration", 6*time.Second, "how long to load each database")
)

// TestLoad runs concurrent editors and readers against a real server on
// 127.0.0.1, on SQLite and PostgreSQL, and fails on any lost write, false
// conflict or 5xx.
func TestLoad(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			st := testutil.OpenStore(t, d)
			ctx := context.Background()
			if _, err := seed.Load(ctx, st, seeds.FS); err != nil {
				t.Fatalf("seed: %v", err)
			}
			desk, err := web.New(st, web.Config{Newsroom: "Load Desk"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(desk.Handler())
			t.Cleanup(srv.Close)
			rep, err := loadtest.Run(ctx, srv.URL, st, loadtest.Options{Editors: *editors, Readers: *readers, Duration: *duration})
			if err != nil {
				t.Fatal(err)
			}
			rep.Print(os.Stdout)
			if rep.Acked["verdict"] == 0 || rep.Acked["evidence"] == 0 || rep.Acked["claim"] == 0 {
				t.Errorf("too little work to prove anything: %v", rep.Acked)
			}
			if rep.Conflicts == 0 {
				t.Errorf("no conflicts: the paired editors never collided, so conflict handling went untested")
			}
			if !rep.OK() {
				t.Errorf("%d problems (listed above)", len(rep.Problems))
			}
		})
	}
}
