package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var metricsRe = regexp.MustCompile(`metrics on (http://\S+/metrics)`)

// TestMetricsOnTheirOwnListener: /metrics is not on the public listener
// (it names the routes and counts logins); with --metrics-addr (here
// CLAIMDESK_METRICS_ADDR) it is served on that address alone.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	get := func(u string) (int, string) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	db := filepath.Join(t.TempDir(), "claimdesk.db")
	plain := startServer(t, db, "CLAIMDESK_METRICS_ADDR=")
	if st, body := get(plain.url + "/metrics"); st != http.StatusNotFound || strings.Contains(body, "claimdesk_http_requests_total") {
		t.Fatalf("public /metrics without --metrics-addr: %d", st)
	}
	if metricsRe.MatchString(plain.stdout.String()) {
		t.Fatal("metrics served although off by default")
	}
	plain.cmd.Process.Kill()
	plain.cmd.Wait()

	s := startServer(t, db, "CLAIMDESK_METRICS_ADDR=127.0.0.1:0")
	m := metricsRe.FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("no metrics address printed: %s", s.stdout)
	}
	get(s.url + "/ratings")
	if st, body := get(s.url + "/metrics"); st != http.StatusNotFound || strings.Contains(body, "claimdesk_http_requests_total") {
		t.Fatalf("public /metrics with --metrics-addr: %d", st)
	}
	st, body := get(m[1])
	if st != 200 || !strings.Contains(body, `claimdesk_http_requests_total{method="GET",route="/ratings",status="200"} 1`) || !strings.Contains(body, "process_cpu_seconds_total") {
		t.Fatalf("metrics listener: %d %.300s", st, body)
	}
	if st, _ := get(strings.TrimSuffix(m[1], "/metrics") + "/"); st != http.StatusNotFound {
		t.Errorf("the metrics listener serves more than /metrics: %d", st)
	}
	if st, _ := get(strings.TrimSuffix(m[1], "/metrics") + "/desk"); st != http.StatusNotFound {
		t.Errorf("the metrics listener serves the desk: %d", st)
	}
}
