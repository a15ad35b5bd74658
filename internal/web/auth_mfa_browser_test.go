package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTOTPInBrowser: in real Chromium, an editor turns on two-factor
// authentication from their account page (QR code and typed key, a wrong
// code first), saves the recovery codes, logs out, logs in with password
// and a code from the app, then with password and a recovery code, which
// does not work a second time.
func TestTOTPInBrowser(t *testing.T) {
	e := newEnv(t, "sqlite")
	ctx := newBrowser(t)
	base := e.srv.URL
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	password := func() {
		do(t, ctx, "log in with the password",
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), "editor@test.example"),
			chromedp.SendKeys(css("#password"), testPassword),
			chromedp.Submit(css("#password")),
		)
	}
	logout := func() {
		do(t, ctx, "log out", chromedp.Click(css(`form[action="/logout"] button`)))
		waitFor(t, ctx, "the home page", `location.pathname === "/"`)
	}

	password()
	waitFor(t, ctx, "the desk", `document.querySelector(".desk-head")`)
	do(t, ctx, "open the account page",
		chromedp.Click(css(`a[href="/desk/account"]`)),
		chromedp.WaitVisible(css("#totp")),
	)
	if got := text("#totp-h .pill"); got != "off" {
		t.Fatalf("2FA state before: %q", got)
	}
	do(t, ctx, "start the set-up",
		chromedp.Click(css(`form[action="/desk/account/totp"] button`)),
		chromedp.WaitVisible(css("#totp-secret")),
	)
	waitFor(t, ctx, "the QR code to load", `(() => { const i = document.querySelector(".qr img"); return i && i.complete && i.naturalWidth >= 100; })()`)
	secret := strings.ReplaceAll(text("#totp-secret"), " ", "")
	if len(secret) < 16 {
		t.Fatalf("secret shown: %q", secret)
	}
	do(t, ctx, "a wrong code",
		chromedp.SendKeys(css("#totp-code"), "123456"),
		chromedp.Submit(css("#totp-code")),
		chromedp.WaitVisible(css("#err-code")),
	)
	if s := strings.ReplaceAll(text("#totp-secret"), " ", ""); s != secret {
		t.Fatal("the secret changed after a wrong code")
	}
	do(t, ctx, "the code from the app",
		chromedp.SendKeys(css("#totp-code"), totpCode(t, secret, time.Now())),
		chromedp.Submit(css("#totp-code")),
		chromedp.WaitVisible(css("#recovery-codes")),
	)
	codes := strings.Fields(text("#recovery-codes"))
	if len(codes) != 10 || len(codes[0]) != 19 || text("#totp-h .pill") != "on" {
		t.Fatalf("recovery codes %q, state %q", codes, text("#totp-h .pill"))
	}
	logout()

	// Password, then the app's code (the next one: each is good once).
	password()
	waitFor(t, ctx, "the code step", `location.pathname === "/login/totp"`)
	if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.querySelector(".desk-head")`)); !ok {
		t.Fatal("the password alone opened the desk")
	}
	do(t, ctx, "enter the code",
		chromedp.WaitVisible(css("#code")),
		chromedp.SendKeys(css("#code"), totpCode(t, secret, time.Now().Add(30*time.Second))),
		chromedp.Submit(css("#code")),
	)
	waitFor(t, ctx, "the desk after the code", `document.querySelector(".desk-head")`)
	logout()

	// Password, then a recovery code: in, and told it is spent.
	password()
	do(t, ctx, "enter a recovery code",
		chromedp.WaitVisible(css("#code")),
		chromedp.SendKeys(css("#code"), strings.ToUpper(codes[3])),
		chromedp.Submit(css("#code")),
	)
	waitFor(t, ctx, "the account page after a recovery code", `location.pathname === "/desk/account" && document.querySelector("#account-notice")`)
	if n := text("#account-notice"); !strings.Contains(n, "recovery code") {
		t.Errorf("notice after a recovery code: %q", n)
	}
	if !strings.Contains(text("#totp"), "9 unused recovery codes left") {
		t.Errorf("recovery codes left: %q", text("#totp"))
	}
	logout()

	// The same recovery code a second time: refused, still at the code step.
	password()
	do(t, ctx, "reuse the recovery code",
		chromedp.WaitVisible(css("#code")),
		chromedp.SendKeys(css("#code"), codes[3]),
		chromedp.Submit(css("#code")),
	)
	waitFor(t, ctx, "the refusal", `document.querySelector("#code-error")`)
	if msg := text("#code-error"); !strings.Contains(msg, "already used") {
		t.Errorf("reused recovery code: %q", msg)
	}
	if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`location.pathname === "/login/totp" && !document.querySelector(".desk-head")`)); !ok {
		t.Error("a spent recovery code opened the desk")
	}
}
