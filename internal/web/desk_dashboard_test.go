package web_test

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/internal/testutil"
	"claimdesk/internal/web"
)

// dashFixture is a desk whose whole history the test wrote, at times it
// chose (the store's clock), and what it wrote.
type dashFixture struct {
	t       *testing.T
	st      *store.Store
	now     time.Time
	ed, rev *factcheck.User
	rnd     *rand.Rand

	published   []dashPublished
	appearances []dashAppearance
	corrections []dashCorrection
	queue       []dashQueued
	ratings     []factcheck.Rating
}

type dashPublished struct {
	id          int64
	intake, at  time.Time
	rating      string // the current one
	retracted   bool
	headline    string
	corrections int
}

type dashAppearance struct {
	claim int64
	at    time.Time
}

type dashCorrection struct {
	at      time.Time
	retract bool
}

type dashQueued struct {
	status  factcheck.Status
	entered time.Time
}

// at sets the store's clock.
func (f *dashFixture) at(t time.Time) { f.st.SetClock(func() time.Time { return t }) }

// ago is now minus h hours and a few minutes, so no time falls on a
// period's edge.
func (f *dashFixture) ago(h int) time.Time {
	return f.now.Add(-time.Duration(h)*time.Hour - 17*time.Minute)
}

func (f *dashFixture) update(id int64, by *factcheck.User, note string, change func(c *factcheck.Claim) error) {
	f.t.Helper()
	c, err := f.st.ClaimByID(f.t.Context(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.st.UpdateClaim(f.t.Context(), id, c.Version, by, note, change); err != nil {
		f.t.Fatalf("%s: %v", note, err)
	}
}

// build writes a random but reproducible history: claims taken in from
// articles (or without one) and published over four months, some
// corrected or retracted (some changing the rating), reappearances over
// the last 40 days, and a queue of drafts and claims in review, some
// returned to draft.
func (f *dashFixture) build() {
	t, ctx := f.t, f.t.Context()
	keys := []string{}
	for _, r := range f.ratings {
		keys = append(keys, r.Key)
	}
	for i := range 36 {
		intake := f.ago(24*5 + f.rnd.IntN(24*120))
		created := intake.Add(time.Duration(f.rnd.IntN(36)) * time.Hour)
		stmt := fmt.Sprintf(dashStatements[i%len(dashStatements)], 10+f.rnd.IntN(80))
		c := &factcheck.Claim{Quote: fmt.Sprintf("Claim number %d: %s.", i, stmt), Claimant: "Someone", Statement: stmt}
		if i%3 != 0 { // most come from an article, taken in first
			f.at(intake)
			a := &factcheck.Article{Title: fmt.Sprintf("Article %d", i), Outlet: "Paper", Body: "Intro. " + c.Quote + " End."}
			if err := f.st.CreateArticle(ctx, a); err != nil {
				t.Fatal(err)
			}
			c.ArticleID = &a.ID
		} else {
			intake = created // no article: the claim is the intake
		}
		f.at(created)
		if err := f.st.CreateClaim(ctx, c, f.ed); err != nil {
			t.Fatal(err)
		}
		key := keys[f.rnd.IntN(len(keys))]
		f.update(c.ID, f.ed, "submit", func(c *factcheck.Claim) error {
			c.RatingKey, c.Summary = key, "Checked."
			fillForReview(c)
			return c.Submit(f.ed)
		})
		at := created.Add(time.Duration(1+f.rnd.IntN(24*10)) * time.Hour)
		if at.After(f.now) {
			at = f.now.Add(-time.Hour)
		}
		f.at(at)
		f.update(c.ID, f.rev, "publish", func(c *factcheck.Claim) error { return c.Publish(f.rev, at, false) })
		p := dashPublished{id: c.ID, intake: intake, at: at, rating: key, headline: c.Statement}
		// Corrections: some once, some twice (the second changing the
		// rating); a few retractions.
		when := at
		for range f.rnd.IntN(3) {
			when = when.Add(time.Duration(1+f.rnd.IntN(24*20)) * time.Hour)
			if when.After(f.now) || p.retracted {
				break
			}
			retract := f.rnd.IntN(5) == 0
			newKey := keys[f.rnd.IntN(len(keys))]
			f.at(when)
			f.update(c.ID, f.rev, "fix", func(c *factcheck.Claim) error {
				if retract {
					return c.Retract(f.rev, "Withdrawn.", when)
				}
				c.RatingKey = newKey
				return c.Correct(f.rev, "Fixed.", when)
			})
			if retract {
				p.retracted = true
			} else {
				p.rating = newKey
			}
			p.corrections++
			f.corrections = append(f.corrections, dashCorrection{at: when, retract: retract})
		}
		f.published = append(f.published, p)
	}
	// Reappearances of claims not retracted, over the last 40 days.
	n := 0
	for _, p := range f.published {
		if p.retracted {
			continue
		}
		for range f.rnd.IntN(5) {
			n++
			when := f.ago(f.rnd.IntN(24 * 40))
			f.at(when.Add(time.Hour))
			ap := &factcheck.Appearance{URL: fmt.Sprintf("https://seen.example/%d", n), Quote: "said again", AppearedAt: when}
			if _, err := f.st.AddAppearance(ctx, p.id, ap, f.ed); err != nil {
				t.Fatal(err)
			}
			f.appearances = append(f.appearances, dashAppearance{claim: p.id, at: when})
		}
	}
	// The queue: drafts, claims in review, and some returned to draft.
	for i := range 14 {
		made := f.ago(f.rnd.IntN(24 * 45))
		f.at(made)
		c := &factcheck.Claim{Quote: fmt.Sprintf("Queued claim %d.", i), Claimant: "Someone"}
		if err := f.st.CreateClaim(ctx, c, f.ed); err != nil {
			t.Fatal(err)
		}
		q := dashQueued{status: factcheck.StatusDraft, entered: made}
		if i%2 == 1 {
			sub := made.Add(time.Duration(f.rnd.IntN(int(f.now.Sub(made).Hours())+1)) * time.Hour / 2)
			f.at(sub)
			f.update(c.ID, f.ed, "submit", func(c *factcheck.Claim) error {
				c.RatingKey, c.Summary = "false", "Wrong."
				fillForReview(c)
				return c.Submit(f.ed)
			})
			q = dashQueued{status: factcheck.StatusInReview, entered: sub}
			if i%4 == 3 {
				back := sub.Add(f.now.Sub(sub) / 3)
				f.at(back)
				f.update(c.ID, f.rev, "return", func(c *factcheck.Claim) error { return c.ReturnToDraft(f.rev, "Needs a second source.") })
				q = dashQueued{status: factcheck.StatusDraft, entered: back}
			}
		}
		f.queue = append(f.queue, q)
	}
	f.at(f.now)
}

// dashStatements are what the fixture's claims say, each with a number.
var dashStatements = []string{
	"Bus ridership rose %d%% after fares were cut",
	"The city planted %d,000 trees last year",
	"Rents in the old town went up %d%% since 2022",
	"%d%% of school roofs need repair",
	"The new bridge cost %d million more than planned",
	"Cycling injuries fell by %d%% on protected lanes",
	"Emergency waits are %d minutes longer than in 2019",
	"The region lost %d,000 farm jobs in a decade",
	"Only %d%% of plastic is recycled",
	"Water bills rose %d%% in two years",
	"Police answer %d%% of calls within ten minutes",
	"The wind farm powers %d,000 homes",
}

// nearestRank is the p-th percentile of ds by the nearest-rank method.
func nearestRank(ds []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(math.Ceil(p*float64(len(s))))-1]
}

func hours(d time.Duration) string { return strconv.FormatFloat(d.Hours(), 'f', 2, 64) }

// want computes, from what the fixture wrote and nothing else, the CSV
// every chart must download.
func (f *dashFixture) want() map[string][][]string {
	out := map[string][][]string{}
	// Claims seen again most: by count, then latest appearance, then id.
	for _, days := range []int{7, 30} {
		count, latest := map[int64]int{}, map[int64]time.Time{}
		for _, a := range f.appearances {
			if !a.at.Before(f.now.AddDate(0, 0, -days)) && !a.at.After(f.now) {
				count[a.claim]++
				if a.at.After(latest[a.claim]) {
					latest[a.claim] = a.at
				}
			}
		}
		var ids []int64
		for id := range count {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool {
			a, b := ids[i], ids[j]
			if count[a] != count[b] {
				return count[a] > count[b]
			} else if !latest[a].Equal(latest[b]) {
				return latest[a].After(latest[b])
			}
			return a < b
		})
		rows := [][]string{{"claim_id", "claim", "rating", "status", "times_seen_again"}}
		for i, id := range ids {
			if i == store.DashboardTop {
				break
			}
			for _, p := range f.published {
				if p.id == id {
					status := factcheck.StatusPublished
					if p.corrections > 0 {
						status = factcheck.StatusCorrected
					}
					rows = append(rows, []string{strconv.FormatInt(id, 10), p.headline, p.rating, string(status), strconv.Itoa(count[id])})
				}
			}
		}
		out["reappearing-"+strconv.Itoa(days)] = rows
	}
	// Months and weeks, oldest first.
	var months []string
	for i := 11; i >= 0; i-- {
		months = append(months, time.Date(f.now.Year(), f.now.Month()-time.Month(i), 1, 0, 0, 0, 0, time.UTC).Format("2006-01"))
	}
	inMonths := func(t time.Time) bool { return t.Format("2006-01") >= months[0] && !t.After(f.now) }
	head := []string{"month"}
	for _, r := range f.ratings {
		head = append(head, r.Key)
	}
	rows := [][]string{append(head, "total")}
	for _, m := range months {
		row := []string{m}
		total := 0
		for _, r := range f.ratings {
			n := 0
			for _, p := range f.published {
				if p.rating == r.Key && p.at.Format("2006-01") == m && inMonths(p.at) {
					n++
				}
			}
			total += n
			row = append(row, strconv.Itoa(n))
		}
		rows = append(rows, append(row, strconv.Itoa(total)))
	}
	out["verdicts"] = rows
	rows = [][]string{{"month", "corrections", "retractions", "total"}}
	for _, m := range months {
		c, r := 0, 0
		for _, x := range f.corrections {
			if x.at.Format("2006-01") == m && inMonths(x.at) {
				if x.retract {
					r++
				} else {
					c++
				}
			}
		}
		rows = append(rows, []string{m, strconv.Itoa(c), strconv.Itoa(r), strconv.Itoa(c + r)})
	}
	out["corrections"] = rows
	day := time.Date(f.now.Year(), f.now.Month(), f.now.Day(), 0, 0, 0, 0, time.UTC)
	for day.Weekday() != time.Monday {
		day = day.AddDate(0, 0, -1)
	}
	rows = [][]string{{"week", "published", "median_hours", "p90_hours"}}
	for i := 11; i >= 0; i-- {
		from := day.AddDate(0, 0, -7*i)
		var took []time.Duration
		for _, p := range f.published {
			if !p.at.Before(from) && p.at.Before(from.AddDate(0, 0, 7)) && !p.at.After(f.now) {
				took = append(took, p.at.Sub(p.intake))
			}
		}
		row := []string{from.Format("2006-01-02"), strconv.Itoa(len(took)), "", ""}
		if len(took) > 0 {
			row[2], row[3] = hours(nearestRank(took, 0.5)), hours(nearestRank(took, 0.9))
		}
		rows = append(rows, row)
	}
	out["publish-time"] = rows
	rows = [][]string{{"status", "claims", "under_a_day", "1–3_days", "3–7_days", "1–4_weeks", "4_weeks_or_more", "median_hours", "oldest_hours"}}
	for _, st := range []factcheck.Status{factcheck.StatusDraft, factcheck.StatusInReview} {
		var ages []time.Duration
		buckets := make([]int, 5)
		for _, q := range f.queue {
			if q.status != st {
				continue
			}
			age := f.now.Sub(q.entered)
			ages = append(ages, age)
			switch d := age.Hours() / 24; {
			case d < 1:
				buckets[0]++
			case d < 3:
				buckets[1]++
			case d < 7:
				buckets[2]++
			case d < 28:
				buckets[3]++
			default:
				buckets[4]++
			}
		}
		row := []string{string(st), strconv.Itoa(len(ages))}
		for _, b := range buckets {
			row = append(row, strconv.Itoa(b))
		}
		row = append(row, hours(nearestRank(ages, 0.5)), hours(nearestRank(ages, 1)))
		rows = append(rows, row)
	}
	out["queue"] = rows
	return out
}

var svgTitleRe = regexp.MustCompile(`<rect [^>]*class="dash-bar[^"]*"[^>]*><title>([^<]*)</title>`)

// TestDashboardFiguresMatchTheData builds a desk's history through the
// store at chosen times, then checks every chart's CSV against figures
// the test computes from what it wrote, the page's tables and drawings
// against the same figures, and that each chart is an accessible SVG.
func TestDashboardFiguresMatchTheData(t *testing.T) {
	for _, d := range testutil.Dialects {
		t.Run(d, func(t *testing.T) {
			st := testutil.OpenStore(t, d)
			ctx := t.Context()
			f := &dashFixture{t: t, st: st, now: time.Now().UTC().Truncate(time.Hour), rnd: rand.New(rand.NewPCG(17, 2024))}
			mk := func(email string, role factcheck.Role) *factcheck.User {
				u := &factcheck.User{Email: email, Name: string(role), Role: role}
				if err := st.CreateUser(ctx, u, testPassword); err != nil {
					t.Fatal(err)
				}
				return u
			}
			f.ed, f.rev = mk("ed@test.example", factcheck.RoleEditor), mk("rev@test.example", factcheck.RoleReviewer)
			var err error
			if f.ratings, err = st.Ratings(ctx); err != nil {
				t.Fatal(err)
			}
			tok, err := st.CreateAPIToken(ctx, f.ed.ID, "dash")
			if err != nil {
				t.Fatal(err)
			}
			f.build()
			hs := httptest.NewServer(newServer(t, st, web.Config{BaseURL: "https://desk.example", Newsroom: "Dash Desk"}).Handler())
			t.Cleanup(hs.Close)
			get := func(path string) (int, string, http.Header) {
				req, _ := http.NewRequest("GET", hs.URL+path, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				return resp.StatusCode, readAll(t, resp), resp.Header
			}

			want := f.want()
			if len(want["reappearing-30"]) < 4 || len(f.corrections) < 3 || want["queue"][1][1] == "0" || want["queue"][2][1] == "0" {
				t.Fatalf("fixture too thin to test anything: %v", want)
			}
			for name, rows := range want {
				status, body, h := get("/desk/dashboard.csv?chart=" + name)
				if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(h.Get("Content-Disposition"), "claimdesk-"+name+"-") {
					t.Fatalf("%s CSV: %d %s %s", name, status, h.Get("Content-Type"), h.Get("Content-Disposition"))
				}
				got, err := csv.NewReader(strings.NewReader(body)).ReadAll()
				if err != nil {
					t.Fatalf("%s CSV does not parse: %v", name, err)
				}
				if fmt.Sprint(got) != fmt.Sprint(rows) {
					t.Errorf("%s CSV:\n got %v\nwant %v", name, got, rows)
				}
			}
			if status, _, _ := get("/desk/dashboard.csv?chart=nope"); status != 400 {
				t.Errorf("unknown chart: %d", status)
			}

			status, page, _ := get("/desk/dashboard")
			if status != 200 {
				t.Fatalf("dashboard: %d", status)
			}
			sections := map[string]string{}
			for _, name := range []string{"reappearing-7", "reappearing-30", "verdicts", "publish-time", "queue", "corrections"} {
				i := strings.Index(page, `id="chart-`+name+`"`)
				if i < 0 {
					t.Fatalf("no chart %s", name)
				}
				sec := page[i:]
				if j := strings.Index(sec[1:], `<section class="dash-chart`); j >= 0 {
					sec = sec[:j+1]
				}
				sections[name] = sec
				hasAll(t, name, sec, `role="img"`, `aria-labelledby="chart-`+name+`-t chart-`+name+`-d"`, `<title id="chart-`+name+`-t">`,
					`<desc id="chart-`+name+`-d">`, "<caption>", `href="/desk/dashboard.csv?chart=`+name+`"`)
				// The table beside the chart has the CSV's rows, figure for figure.
				rows := want[name]
				if n := strings.Count(sec, "<tr>") - 1; n != len(rows)-1 {
					t.Errorf("%s: %d table rows, want %d", name, n, len(rows)-1)
				}
			}
			// The verdicts' drawing: one segment per month and rating with
			// published claims, titled with its count.
			drawn := map[string]int{}
			for _, m := range svgTitleRe.FindAllStringSubmatch(sections["verdicts"], -1) {
				var label string
				var n int
				if i := strings.LastIndex(m[1], ": "); i > 0 {
					label = m[1][:i]
					n, _ = strconv.Atoi(m[1][i+2:])
				}
				drawn[label] = n
			}
			segments := 0
			for _, row := range want["verdicts"][1:] {
				month, _ := time.Parse("2006-01", row[0])
				for i, r := range f.ratings {
					if row[i+1] != "0" {
						segments++
						if key := month.Format("Jan") + ", " + r.Label; strconv.Itoa(drawn[key]) != row[i+1] {
							t.Errorf("verdict segment %q drawn as %d, want %s", key, drawn[key], row[i+1])
						}
					}
				}
			}
			if len(drawn) != segments || segments == 0 {
				t.Errorf("%d verdict segments drawn, want %d", len(drawn), segments)
			}
			// Dates are written as everywhere on the desk: one layout, in
			// <time datetime>.
			if !asOfRe.MatchString(page) {
				t.Errorf("the as-of time is not a <time> in the desk's layout")
			}
			for _, row := range want["publish-time"][1:] {
				week, _ := time.Parse("2006-01-02", row[0])
				hasAll(t, "publish-time", sections["publish-time"], `<th scope="row"><time datetime="`+week.Format(time.RFC3339)+`">`+week.Format("Jan 2, 2006")+`</time></th>`)
			}
			for _, row := range want["corrections"][1:] {
				month, _ := time.Parse("2006-01", row[0])
				hasAll(t, "corrections", sections["corrections"], `<th scope="row"><time datetime="`+row[0]+`">`+month.Format("Jan 2006")+`</time></th>`)
			}
			if m := dayFirstRe.FindString(page); m != "" {
				t.Errorf("a date written day first: %q", m)
			}
			// The 30-day list links each claim with its count.
			for _, row := range want["reappearing-30"][1:] {
				hasAll(t, "reappearing-30", sections["reappearing-30"], `href="/desk/claims/`+row[0]+`"`, ": "+times(row[4])+"</title>")
			}
		})
	}
}

var (
	asOfRe     = regexp.MustCompile(`Figures as of <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">[A-Z][a-z]{2} \d{1,2}, \d{4}, \d\d:\d\d UTC</time>`)
	dayFirstRe = regexp.MustCompile(`\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b`)
)

func times(n string) string {
	switch n {
	case "1":
		return "once"
	case "2":
		return "twice"
	}
	return n + " times"
}
