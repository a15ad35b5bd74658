package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// On a phone the queue's list comes first: its search and filters start
// folded (one tap opens them), and the columns a phone cannot spare go,
// so each row's claim, assignee, status and wait fit the screen. On a wide
// screen the filters are open and every column shows.
func TestQueueOnAPhone(t *testing.T) {
	e := newEnv(t, "sqlite")
	b := e.browse(t, "admin@test.example")
	b.do("a phone", chromedp.EmulateViewport(390, 900, chromedp.EmulateMobile))
	b.open("/desk/claims?status=any&assignee=any")
	if open := b.eval(`String(document.querySelector("details.filter-box").open)`); open != "false" {
		t.Errorf("filters on a phone: open=%s, want folded", open)
	}
	if onScreen := b.eval(`String(document.querySelector("table.queue").getBoundingClientRect().top < 900)`); onScreen != "true" {
		t.Errorf("the queue's table starts below the first screen on a phone: %s", b.eval(`String(document.querySelector("table.queue").getBoundingClientRect().top)`))
	}
	cols := b.eval(`[...document.querySelectorAll("table.queue thead th")].filter(th => th.getClientRects().length).map(th => th.textContent.trim()).join("|")`)
	if cols != "Claim|Assigned to|Status|Waiting since" {
		t.Errorf("columns on a phone: %s", cols)
	}
	b.do("open the filters", chromedp.Click(css("details.filter-box > summary")))
	b.wait("the filters open", `document.querySelector("details.filter-box").open && document.querySelector("select[name=status]").getClientRects().length > 0`)

	b.do("a wide screen", chromedp.EmulateViewport(1280, 900))
	b.open("/desk/claims?status=any&assignee=any")
	if open := b.eval(`String(document.querySelector("details.filter-box").open)`); open != "true" {
		t.Errorf("filters on a wide screen: open=%s", open)
	}
	if n := b.eval(`String([...document.querySelectorAll("table.queue thead th")].filter(th => th.getClientRects().length).length)`); n != "7" {
		t.Errorf("%s columns on a wide screen, want 7", n)
	}
}

// Public pages are the same bytes for everyone and so say "Log in"; in a
// browser that has logged in to the desk the link reads "Desk", and after
// logging out "Log in" again.
func TestPublicPagesPointLoggedInEditorsToTheDesk(t *testing.T) {
	e := newEnv(t, "sqlite")
	b := e.browse(t, "editor@test.example")
	link := `(() => { const a = document.querySelector("header.site a[data-desk-link]"); return a ? a.textContent + " " + a.getAttribute("href") : "none" })()`
	b.open("/")
	if got := b.eval(link); got != "Desk /desk" {
		t.Errorf("public page of a logged-in editor: %q, want the desk link", got)
	}
	b.do("log out", chromedp.Click(css(`a[data-desk-link]`)))
	b.wait("the desk", `location.pathname === "/desk"`)
	b.do("log out", chromedp.Click(css(`form[action="/logout"] button`)))
	b.wait("the home page", `location.pathname === "/"`)
	b.open("/")
	if got := b.eval(link); got != "Log in /login" {
		t.Errorf("public page after logging out: %q", got)
	}
}
