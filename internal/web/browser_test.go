package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath returns the Chromium binary for browser tests: the
// CLAIMDESK_CHROMIUM environment variable, or Debian's chromium on PATH.
// Without one the test is skipped, or fails under CI (make test installs it).
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CLAIMDESK_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "/usr/bin/chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium: set CLAIMDESK_CHROMIUM or install Debian's chromium (make test does)")
	}
	t.Skip("browser tests need Chromium (set CLAIMDESK_CHROMIUM)")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile for t and
// returns a chromedp context for one tab, closed at cleanup. When t fails,
// a screenshot of the tab is written to $TMPDIR/claimdesk-browser/.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	if err := chromedp.Do(ctx); err != nil {
		cancelTime()
		cancelTab()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			screenshot(t, ctx)
		}
		cancelTime()
		cancelTab()
		cancelAlloc()
	})
	return ctx
}

// do runs steps in the tab of ctx and stops the test if one fails; what
// names the step in the failure message.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// waitFor waits up to 20 seconds for the JavaScript expression to be truthy
// in the page of ctx and stops the test if it never is. It keeps asking
// across navigations, so it can wait for a page that is still loading.
func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	check := `(() => { try { return !!(` + expr + `); } catch (e) { return false; } })()`
	var err error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		var ok bool
		ok, err = chromedp.Run(qctx, chromedp.Evaluate[bool](check))
		cancel()
		if err == nil && ok {
			return
		}
		if ctx.Err() != nil {
			break
		}
	}
	t.Fatalf("waiting for %s: not true after 20s (last error: %v)", what, err)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// screenshot saves the tab of ctx as a PNG named after t.
func screenshot(t *testing.T, ctx context.Context) {
	dir := filepath.Join(os.TempDir(), "claimdesk-browser")
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Logf("no screenshot: %v", err)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("no screenshot: %v", err)
		return
	}
	path := filepath.Join(dir, unsafeName.ReplaceAllString(t.Name(), "_")+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("no screenshot: %v", err)
		return
	}
	t.Logf("screenshot: %s", path)
}
