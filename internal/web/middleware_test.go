package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Each access log mode writes the lines the README promises: all, every
// request; sample, every desk request and failure but one in a hundred
// fast, successful public reads; errors, failures and slow requests only.
func TestAccessLogModes(t *testing.T) {
	const reads = 2 * sampleEvery
	for _, tc := range []struct {
		mode                   string
		reads, login, notFound int // lines expected for each kind of request
	}{
		{AccessLogAll, reads, 5, 3},
		{AccessLogSample, reads / sampleEvery, 5, 3},
		{AccessLogErrors, 0, 0, 3},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			s, _, published, _ := seededDesk(t, "sqlite", Config{BaseURL: "http://desk.test", VersionTTL: time.Hour, AccessLog: tc.mode})
			var buf bytes.Buffer
			s.log = slog.New(slog.NewJSONHandler(&buf, nil))
			claim := "/claims/" + strconv.FormatInt(published, 10)
			send := func(path string, n int) {
				for range n {
					s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
				}
			}
			// Public reads: the first takes the full path, the rest are
			// answered from memory; both are logged alike.
			send(claim, reads/2)
			send("/ratings", reads/2)
			send("/login", 5)
			send("/claims/999999", 3)

			logged := buf.String()
			got := map[string]int{}
			slow := 0
			sc := bufio.NewScanner(strings.NewReader(logged))
			for sc.Scan() {
				var line struct {
					Msg      string  `json:"msg"`
					Path     string  `json:"path"`
					Status   int     `json:"status"`
					Duration float64 `json:"duration_ms"`
				}
				if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
					t.Fatalf("%s: %v", sc.Bytes(), err)
				}
				if line.Msg != "request" {
					continue
				}
				if line.Duration >= float64(slowRequest/time.Millisecond) && line.Status < 400 {
					slow++ // always logged, whatever the mode: a loaded machine may make any
					continue
				}
				switch {
				case line.Status == 404:
					got["notFound"]++
				case line.Path == "/login":
					got["login"]++
				case line.Path == claim || line.Path == "/ratings":
					got["reads"]++
				default:
					t.Errorf("unexpected line %s", sc.Bytes())
				}
			}
			want := map[string]int{"reads": tc.reads, "login": tc.login, "notFound": tc.notFound}
			if tc.mode == AccessLogAll {
				want["reads"] -= slow
			}
			for k, n := range want {
				if got[k] != n && !(k == "reads" && slow > 0 && abs(got[k]-n) <= 1) {
					t.Errorf("%s: %d lines for %s, want %d (%d slow)", tc.mode, got[k], k, n, slow)
				}
			}
			if t.Failed() {
				t.Log(strings.TrimSpace(logged))
			}
		})
	}
}

func abs(n int) int { return max(n, -n) }
