// Package vnu runs the W3C Nu HTML Checker (the npm package vnu-jar, on
// java) over HTML files, for tests that hold claimdesk's pages to zero
// errors. The jar is installed next to this file by `npm ci` (the
// Makefile's test target does it); CLAIMDESK_VNU_JAR may point elsewhere.
package vnu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// Message is one finding of the checker.
type Message struct {
	Type      string `json:"type"`    // "error", "info" or "non-document-error"
	SubType   string `json:"subType"` // "warning" for warnings (Type "info")
	URL       string `json:"url"`
	Message   string `json:"message"`
	Extract   string `json:"extract"`
	FirstLine int    `json:"firstLine"`
	LastLine  int    `json:"lastLine"`
	FirstCol  int    `json:"firstColumn"`
	LastCol   int    `json:"lastColumn"`
}

// IsError reports whether m fails a page: an error in the document or
// one that kept the checker from reading it.
func (m Message) IsError() bool { return m.Type == "error" || m.Type == "non-document-error" }

func (m Message) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s [%s]", filepath.Base(m.URL), m.LastLine, m.LastCol, m.Type, m.Message, m.Extract)
}

// ErrNoJar is returned by Jar when vnu.jar is not installed.
var ErrNoJar = errors.New("vnu.jar is not installed: run npm ci in internal/vnu (make test does), or set CLAIMDESK_VNU_JAR")

// Jar returns the path of vnu.jar: CLAIMDESK_VNU_JAR, or the one npm
// installed beside this package.
func Jar() (string, error) {
	if p := os.Getenv("CLAIMDESK_VNU_JAR"); p != "" {
		return p, nil
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", ErrNoJar
	}
	p := filepath.Join(filepath.Dir(file), "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(p); err != nil {
		return "", ErrNoJar
	}
	return p, nil
}

// Check runs the checker once over files (one JVM for all of them, which
// is most of its cost) and returns every message, warnings included.
func Check(ctx context.Context, files ...string) ([]Message, error) {
	jar, err := Jar()
	if err != nil {
		return nil, err
	}
	if _, err := exec.LookPath("java"); err != nil {
		return nil, fmt.Errorf("vnu needs java: %w", err)
	}
	args := append([]string{"-Xss4m", "-jar", jar, "--format", "json", "--exit-zero-always"}, files...)
	cmd := exec.CommandContext(ctx, "java", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("vnu: %w: %s", err, stderr.String())
	}
	// The JSON report goes to stderr.
	out := stderr.Bytes()
	if len(bytes.TrimSpace(out)) == 0 {
		out = stdout.Bytes()
	}
	var report struct {
		Messages []Message `json:"messages"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		return nil, fmt.Errorf("vnu report: %w: %.500s", err, out)
	}
	return report.Messages, nil
}
