package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"claimdesk/internal/factcheck"
	"claimdesk/internal/store"
	"claimdesk/views"
)

// The dashboard is drawn on the server as plain SVG from templ, not with a
// charting library: the maintained Go ones (go-analyze/charts, and
// wcharczuk/go-chart, unchanged since 2024) write every colour and font
// into inline style attributes, which the desk's Content-Security-Policy
// (style-src 'self') blocks, and into fixed colours, so no dark mode; and
// they add no <title>, <desc> or role for screen readers. Bars, lines and
// axes are a few dozen lines here, coloured by the stylesheet (light and
// dark) and by each rating's own colour.

// dashboardCharts are the dashboard's charts in page order, by the name
// the CSV download takes (?chart=).
var dashboardCharts = []string{"reappearing-7", "reappearing-30", "verdicts", "publish-time", "queue", "corrections"}

// dashboard shows the desk's dashboard.
func (s *Server) dashboard(c echo.Context) error {
	d, err := s.store.Dashboard(c.Request().Context())
	if err != nil {
		return err
	}
	v := views.DashboardView{Page: s.page(c, "Dashboard"), AsOf: whenTime(d.Now)}
	for _, name := range dashboardCharts {
		v.Charts = append(v.Charts, dashboardChart(d, name))
	}
	return s.render(c, http.StatusOK, views.DeskDashboardPage(v))
}

// dashboardCSV sends one chart's table as CSV (RFC 4180): the same rows as
// the page, with durations in hours and dates as YYYY-MM-DD.
func (s *Server) dashboardCSV(c echo.Context) error {
	name := c.QueryParam("chart")
	known := false
	for _, n := range dashboardCharts {
		known = known || n == name
	}
	if !known {
		return &factcheck.Error{Code: factcheck.EMALFORMED, Field: "chart", Message: "chart must be one of " + strings.Join(dashboardCharts, ", ") + "."}
	}
	d, err := s.store.Dashboard(c.Request().Context())
	if err != nil {
		return err
	}
	t := dashboardTable(d, name, true)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(t.Head)
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, cell := range row {
			rec[i] = csvSafe(cell.Text)
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="claimdesk-`+name+`-`+d.Now.Format("2006-01-02")+`.csv"`)
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// csvSafe keeps a spreadsheet from reading a claim's text as a formula
// (CSV injection): text starting with = + - @ or a tab gets a leading '.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

// dashboardChart builds one chart of d: drawing, text alternative, table.
func dashboardChart(d *store.Dashboard, name string) views.Chart {
	ch := views.Chart{ID: "chart-" + name, CSVURL: "/desk/dashboard.csv?chart=" + name, Table: dashboardTable(d, name, false)}
	switch name {
	case "reappearing-7", "reappearing-30":
		list, days := d.Reappearing7, 7
		if name == "reappearing-30" {
			list, days = d.Reappearing30, 30
		}
		ch.Title = "Seen again most, last " + strconv.Itoa(days) + " days"
		ch.Compact = true
		ch.Note = "Claims the desk already checked that appeared again, counted by when they appeared."
		if len(list) == 0 {
			ch.Empty = "No checked claim was seen again in the last " + strconv.Itoa(days) + " days."
			ch.Desc = ch.Empty
			return ch
		}
		labels, values, fills := make([]string, len(list)), make([]float64, len(list)), make([]string, len(list))
		for i, r := range list {
			labels[i] = truncate(r.Claim.Headline(), 60)
			values[i] = float64(r.Times)
			fills[i] = ratingColor(r.Claim.Rating)
		}
		ch.SVG = hbarChart(compactW, labels, values, fills, func(i int) string { return times(list[i].Times) })
		ch.Desc = fmt.Sprintf("Bar chart of the %d claims seen again most in the last %d days. Most: “%s”, %s.", len(list), days, labels[0], times(list[0].Times))
	case "verdicts":
		ch.Title = "Verdicts published per month"
		ch.Note = "Claims published each month, by their current rating."
		cats := make([]string, len(d.VerdictMix))
		total := 0
		for i, m := range d.VerdictMix {
			cats[i] = m.Month.Format("Jan")
			total += m.Total
		}
		var ss []chartSeries
		for _, r := range d.Ratings {
			vals := make([]float64, len(d.VerdictMix))
			any := false
			for i, m := range d.VerdictMix {
				vals[i] = float64(m.Counts[r.Key])
				any = any || m.Counts[r.Key] > 0
			}
			if any {
				ss = append(ss, chartSeries{name: r.Label, fill: ratingColor(&r), values: vals})
			}
		}
		if total == 0 {
			ch.Empty = "Nothing was published in the last 12 months."
			ch.Desc = ch.Empty
			return ch
		}
		ch.SVG = columnChart(wideW, cats, ss, true)
		ch.Wide = true
		busiest := 0
		for i, m := range d.VerdictMix {
			if m.Total > d.VerdictMix[busiest].Total {
				busiest = i
			}
		}
		ch.Desc = fmt.Sprintf("Stacked column chart of %d verdicts published in the last 12 months, by month and rating; the busiest month was %s with %d.",
			total, d.VerdictMix[busiest].Month.Format(monthLayout), d.VerdictMix[busiest].Total)
	case "publish-time":
		ch.Title = "Time from intake to publication"
		ch.Note = "For claims published each week: from when their article (or the claim) came in to publication. Median and 90th percentile; weeks without publications are gaps."
		unit, div := "hours", float64(time.Hour)
		n := 0
		for _, w := range d.PublishTime {
			n += w.N
			if w.P90 > 72*time.Hour {
				unit, div = "days", float64(24*time.Hour)
			}
		}
		if n == 0 {
			ch.Empty = "Nothing was published in the last 12 weeks."
			ch.Desc = ch.Empty
			return ch
		}
		cats := make([]string, len(d.PublishTime))
		med, p90 := make([]float64, len(cats)), make([]float64, len(cats))
		for i, w := range d.PublishTime {
			cats[i] = w.Week.Format(dayLayout)
			med[i], p90[i] = math.NaN(), math.NaN()
			if w.N > 0 {
				med[i], p90[i] = float64(w.Median)/div, float64(w.P90)/div
			}
		}
		ch.SVG = lineChart(chartW, cats, []chartSeries{{name: "Median", class: "s1", values: med}, {name: "90th percentile", class: "s2", values: p90, square: true}}, unit)
		last := d.PublishTime[len(d.PublishTime)-1]
		for i := len(d.PublishTime) - 1; i >= 0 && last.N == 0; i-- {
			last = d.PublishTime[i]
		}
		ch.Desc = fmt.Sprintf("Line chart of the median and 90th percentile time from intake to publication per week, in %s, over the last 12 weeks (%d claims). Week of %s: median %s, 90th percentile %s.",
			unit, n, fmtDate(&last.Week), fmtDuration(last.Median), fmtDuration(last.P90))
	case "queue":
		ch.Title = "Queue age by status"
		ch.Note = "Claims waiting, by how long they have been in their status: drafts since they were made (or returned), claims in review since they were submitted."
		cats := make([]string, len(store.AgeBuckets))
		for i, b := range store.AgeBuckets {
			cats[i] = b.Label
		}
		var ss []chartSeries
		n := 0
		parts := []string{}
		for i, q := range d.Queue {
			vals := make([]float64, len(q.Buckets))
			for j, b := range q.Buckets {
				vals[j] = float64(b)
			}
			ss = append(ss, chartSeries{name: statusLabels[q.Status], class: "s" + strconv.Itoa(i+1), values: vals})
			n += q.N
			parts = append(parts, fmt.Sprintf("%d %s (oldest %s)", q.N, strings.ToLower(statusLabels[q.Status]), fmtDuration(q.Oldest)))
		}
		if n == 0 {
			ch.Empty = "The queue is empty: no drafts, nothing in review."
			ch.Desc = ch.Empty
			return ch
		}
		ch.SVG = columnChart(wideW, cats, ss, false)
		ch.Wide = true
		ch.Desc = "Grouped column chart of the claims waiting, by age and status: " + strings.Join(parts, ", ") + "."
	case "corrections":
		ch.Title = "Corrections per month"
		ch.Note = "Public corrections and retractions made each month."
		cats := make([]string, len(d.Corrections))
		corr, retr := make([]float64, len(cats)), make([]float64, len(cats))
		nc, nr := 0, 0
		for i, m := range d.Corrections {
			cats[i] = m.Month.Format("Jan")
			corr[i], retr[i] = float64(m.Corrections), float64(m.Retractions)
			nc += m.Corrections
			nr += m.Retractions
		}
		if nc+nr == 0 {
			ch.Empty = "No correction or retraction in the last 12 months."
			ch.Desc = ch.Empty
			return ch
		}
		ch.SVG = columnChart(chartW, cats, []chartSeries{{name: "Corrections", class: "s1", values: corr}, {name: "Retractions", class: "s3", values: retr}}, true)
		ch.Desc = fmt.Sprintf("Stacked column chart of corrections and retractions per month over the last 12 months: %d corrections and %d retractions.", nc, nr)
	}
	return ch
}

// dashboardTable is the table of one chart; forCSV writes numbers as
// machines read them (durations in hours, dates as YYYY-MM-DD, no links).
func dashboardTable(d *store.Dashboard, name string, forCSV bool) views.Table {
	month := func(t time.Time) views.Cell {
		if forCSV {
			return views.Cell{Text: t.Format("2006-01")}
		}
		return views.Cell{Text: t.Format(monthLayout), Datetime: t.Format("2006-01")}
	}
	dur := func(x time.Duration, n int) string {
		if n == 0 {
			return ""
		} else if forCSV {
			return strconv.FormatFloat(x.Hours(), 'f', 2, 64)
		}
		return fmtDuration(x)
	}
	count := func(n int) views.Cell { return views.Cell{Text: strconv.Itoa(n), Num: true} }
	var t views.Table
	switch name {
	case "reappearing-7", "reappearing-30":
		list, days := d.Reappearing7, "7"
		if name == "reappearing-30" {
			list, days = d.Reappearing30, "30"
		}
		t.Caption = "Claims seen again most in the last " + days + " days"
		t.Head = []string{"Claim", "Rating", "Status", "Times seen again"}
		if forCSV {
			t.Head = []string{"claim_id", "claim", "rating", "status", "times_seen_again"}
		}
		for _, r := range list {
			cl := r.Claim
			first := views.Cell{Text: cl.Headline(), Href: deskClaimPath(cl.ID)}
			row := []views.Cell{first, {Text: ratingLabel(&cl)}, {Text: statusLabels[cl.Status]}, count(r.Times)}
			if forCSV {
				row = []views.Cell{{Text: strconv.FormatInt(cl.ID, 10)}, {Text: cl.Headline()}, {Text: cl.RatingKey}, {Text: string(cl.Status)}, count(r.Times)}
			}
			t.Rows = append(t.Rows, row)
		}
	case "verdicts":
		t.Caption = "Verdicts published per month, by rating"
		t.Head = []string{"Month"}
		var keys []string
		for _, r := range d.Ratings {
			keys = append(keys, r.Key)
			if forCSV {
				t.Head = append(t.Head, r.Key)
			} else {
				t.Head = append(t.Head, r.Label)
			}
		}
		t.Head = append(t.Head, "Total")
		if forCSV {
			t.Head[0], t.Head[len(t.Head)-1] = "month", "total"
		}
		for _, m := range d.VerdictMix {
			row := []views.Cell{month(m.Month)}
			for _, k := range keys {
				row = append(row, count(m.Counts[k]))
			}
			t.Rows = append(t.Rows, append(row, count(m.Total)))
		}
	case "publish-time":
		t.Caption = "Time from intake to publication per week"
		t.Head = []string{"Week of", "Published", "Median", "90th percentile"}
		if forCSV {
			t.Head = []string{"week", "published", "median_hours", "p90_hours"}
		}
		for _, w := range d.PublishTime {
			wk := when(&w.Week)
			week := views.Cell{Text: wk.Text, Datetime: wk.ISO}
			if forCSV {
				week = views.Cell{Text: w.Week.Format("2006-01-02")}
			}
			t.Rows = append(t.Rows, []views.Cell{week, count(w.N), {Text: dur(w.Median, w.N), Num: true}, {Text: dur(w.P90, w.N), Num: true}})
		}
	case "queue":
		t.Caption = "Claims waiting, by status and age"
		t.Head = []string{"Status", "Claims"}
		for _, b := range store.AgeBuckets {
			t.Head = append(t.Head, b.Label)
		}
		t.Head = append(t.Head, "Median age", "Oldest")
		if forCSV {
			t.Head = []string{"status", "claims"}
			for _, b := range store.AgeBuckets {
				t.Head = append(t.Head, strings.ReplaceAll(b.Label, " ", "_"))
			}
			t.Head = append(t.Head, "median_hours", "oldest_hours")
		}
		for _, q := range d.Queue {
			status := statusLabels[q.Status]
			if forCSV {
				status = string(q.Status)
			}
			row := []views.Cell{{Text: status}, count(q.N)}
			for _, b := range q.Buckets {
				row = append(row, count(b))
			}
			t.Rows = append(t.Rows, append(row, views.Cell{Text: dur(q.Median, q.N), Num: true}, views.Cell{Text: dur(q.Oldest, q.N), Num: true}))
		}
	case "corrections":
		t.Caption = "Corrections and retractions per month"
		t.Head = []string{"Month", "Corrections", "Retractions", "Total"}
		if forCSV {
			t.Head = []string{"month", "corrections", "retractions", "total"}
		}
		for _, m := range d.Corrections {
			t.Rows = append(t.Rows, []views.Cell{month(m.Month), count(m.Corrections), count(m.Retractions), count(m.Corrections + m.Retractions)})
		}
	}
	return t
}

// times says "once", "twice", "3 times".
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return strconv.Itoa(n) + " times"
}

// fmtDuration writes a duration for people: minutes, hours or days.
func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Hour:
		return strconv.Itoa(int(d.Round(time.Minute).Minutes())) + " min"
	case d < 72*time.Hour:
		return strconv.FormatFloat(d.Hours(), 'f', 1, 64) + " h"
	}
	return strconv.FormatFloat(d.Hours()/24, 'f', 1, 64) + " days"
}

// ratingColor is the colour a rating's bars are filled with.
func ratingColor(r *factcheck.Rating) string {
	if r != nil && factcheck.ValidColor(r.Color) {
		return r.Color
	}
	return "#57606a"
}

// chartSeries is one row of values of a chart: a rating's own colour (fill) or
// a stylesheet class.
type chartSeries struct {
	name   string
	class  string
	fill   string
	values []float64 // NaN: no value
	square bool      // line charts: square marks
}

// Drawing geometry, in viewBox units.
const (
	chartW      = 560.0 // a chart beside its table, about its size on screen
	compactW    = 460.0 // a chart above its table, two to a row
	wideW       = 720.0 // a chart above a wide table
	chartH      = 280.0
	padLeft     = 48.0
	padRight    = 12.0
	padTop      = 26.0
	padBottom   = 40.0
	hbarRow     = 40.0
	hbarLabelDY = 14.0
)

// niceScale returns an axis maximum at or above max and its tick step:
// 1, 2 or 5 times a power of ten, in about four steps.
func niceScale(max float64) (top, step float64) {
	if max <= 0 || math.IsNaN(max) {
		return 4, 1
	}
	raw := max / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if step = m * mag; step >= raw {
			break
		}
	}
	if max >= 1 && step < 1 {
		step = 1
	}
	return math.Ceil(max/step) * step, step
}

// tickLabel writes an axis value without needless decimals.
func tickLabel(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// valueAxis draws the horizontal grid and the value labels of a chart
// whose plot spans y0 (bottom) to y1 (top), and returns the scale.
func valueAxis(svg *views.ChartSVG, max float64, unit string) func(float64) float64 {
	chartW := svg.Width
	top, step := niceScale(max)
	y0, y1 := chartH-padBottom, padTop
	y := func(v float64) float64 { return y0 - (y0-y1)*v/top }
	for v := 0.0; v <= top+step/2; v += step {
		svg.Grid = append(svg.Grid, views.Line{X1: padLeft, Y1: y(v), X2: chartW - padRight, Y2: y(v)})
		svg.Texts = append(svg.Texts, views.Text{X: padLeft - 6, Y: y(v) + 4, Anchor: "end", Class: "dash-tick", Text: tickLabel(v)})
	}
	if unit != "" {
		svg.Texts = append(svg.Texts, views.Text{X: 4, Y: padTop - 12, Anchor: "start", Class: "dash-tick", Text: unit})
	}
	svg.Axes = append(svg.Axes, views.Line{X1: padLeft, Y1: y0, X2: chartW - padRight, Y2: y0})
	return y
}

// categoryLabels writes the category names under the plot, every other
// one when there are many.
func categoryLabels(svg *views.ChartSVG, cats []string, x func(i int) float64) {
	every := 1
	if len(cats) > 8 {
		every = 2
	}
	for i, c := range cats {
		if (len(cats)-1-i)%every == 0 { // always label the latest
			svg.Texts = append(svg.Texts, views.Text{X: x(i), Y: chartH - padBottom + 18, Anchor: "middle", Class: "dash-tick", Text: c})
		}
	}
}

// legendOf lists the series for the legend beside a chart.
func legendOf(ss []chartSeries, line bool) []views.LegendItem {
	out := make([]views.LegendItem, len(ss))
	for i, s := range ss {
		out[i] = views.LegendItem{Label: s.name, Class: s.class, Fill: s.fill, Line: line, Square: s.square}
	}
	return out
}

// columnChart draws vertical bars per category: stacked (one column of
// segments, first series at the bottom) or grouped side by side.
func columnChart(chartW float64, cats []string, ss []chartSeries, stacked bool) views.ChartSVG {
	svg := views.ChartSVG{Width: chartW, Height: chartH, Legend: legendOf(ss, false)}
	max := 0.0
	for i := range cats {
		sum := 0.0
		for _, s := range ss {
			if stacked {
				sum += s.values[i]
			} else {
				sum = math.Max(sum, s.values[i])
			}
		}
		max = math.Max(max, sum)
	}
	y := valueAxis(&svg, max, "")
	slot := (chartW - padLeft - padRight) / float64(len(cats))
	x := func(i int) float64 { return padLeft + slot*(float64(i)+0.5) }
	barW := slot * 0.7
	if !stacked {
		barW = slot * 0.8 / float64(max1(len(ss)))
	}
	for i, c := range cats {
		base := 0.0
		for j, s := range ss {
			v := s.values[i]
			if v <= 0 {
				continue
			}
			left := x(i) - slot*0.35
			if !stacked {
				left = x(i) - slot*0.4 + barW*float64(j)
			}
			bottom := base
			if stacked {
				base += v
			}
			r := views.Rect{X: left, Y: y(bottom + v), W: barW, H: y(bottom) - y(bottom+v), Class: s.class, Fill: s.fill,
				Title: c + ", " + s.name + ": " + tickLabel(v)}
			svg.Rects = append(svg.Rects, r)
			if !stacked {
				svg.Texts = append(svg.Texts, views.Text{X: left + barW/2, Y: r.Y - 4, Anchor: "middle", Class: "dash-value", Text: tickLabel(v)})
			}
		}
		if stacked && base > 0 {
			svg.Texts = append(svg.Texts, views.Text{X: x(i), Y: y(base) - 4, Anchor: "middle", Class: "dash-value", Text: tickLabel(base)})
		}
	}
	categoryLabels(&svg, cats, x)
	return svg
}

func max1(n int) int { return max(n, 1) }

// lineChart draws each series as a line with marks; NaN values leave a gap.
func lineChart(chartW float64, cats []string, ss []chartSeries, unit string) views.ChartSVG {
	svg := views.ChartSVG{Width: chartW, Height: chartH, Legend: legendOf(ss, true)}
	max := 0.0
	for _, s := range ss {
		for _, v := range s.values {
			if !math.IsNaN(v) {
				max = math.Max(max, v)
			}
		}
	}
	y := valueAxis(&svg, max, unit)
	slot := (chartW - padLeft - padRight) / float64(len(cats))
	x := func(i int) float64 { return padLeft + slot*(float64(i)+0.5) }
	for _, s := range ss {
		var pts []string
		flush := func() {
			if len(pts) > 1 {
				svg.Lines = append(svg.Lines, views.Polyline{Points: strings.Join(pts, " "), Class: s.class})
			}
			pts = nil
		}
		for i, v := range s.values {
			if math.IsNaN(v) {
				flush()
				continue
			}
			pts = append(pts, strconv.FormatFloat(x(i), 'f', 1, 64)+","+strconv.FormatFloat(y(v), 'f', 1, 64))
			svg.Marks = append(svg.Marks, views.Mark{X: x(i), Y: y(v), Square: s.square, Class: s.class,
				Title: cats[i] + ", " + strings.ToLower(s.name) + ": " + strconv.FormatFloat(v, 'f', 1, 64) + " " + unit})
		}
		flush()
	}
	categoryLabels(&svg, cats, x)
	return svg
}

// hbarChart draws one horizontal bar per label, the label above its bar
// and the value (words) after it.
func hbarChart(chartW float64, labels []string, values []float64, fills []string, value func(i int) string) views.ChartSVG {
	const left, right = 8.0, 96.0
	h := padTop + hbarRow*float64(len(labels)) + 8
	svg := views.ChartSVG{Width: chartW, Height: h}
	max := 0.0
	for _, v := range values {
		max = math.Max(max, v)
	}
	w := func(v float64) float64 { return (chartW - left - right) * v / math.Max(max, 1) }
	for i, l := range labels {
		top := padTop + hbarRow*float64(i)
		svg.Texts = append(svg.Texts, views.Text{X: left, Y: top + hbarLabelDY - 2, Anchor: "start", Class: "dash-label", Text: l})
		r := views.Rect{X: left, Y: top + hbarLabelDY + 2, W: math.Max(w(values[i]), 2), H: hbarRow - hbarLabelDY - 8, Fill: fills[i],
			Title: l + ": " + value(i)}
		svg.Rects = append(svg.Rects, r)
		svg.Texts = append(svg.Texts, views.Text{X: r.X + r.W + 6, Y: r.Y + r.H - 3, Anchor: "start", Class: "dash-value", Text: value(i)})
	}
	svg.Axes = append(svg.Axes, views.Line{X1: left, Y1: padTop, X2: left, Y2: h - 8})
	return svg
}
