package web

import (
	"math"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"claimdesk/internal/factcheck"
)

// The height an embedded card takes at a given width, for the oEmbed
// answer's declared height, which consumers that show the html in a frame
// of their own (without embed.js, or before it runs) give it as is.
//
// It must be an upper bound, or the card is cut off: the card's text is
// laid out here the way static/embed.css lays it out (sizes, line heights,
// padding, gaps and wrapping), with each line's width measured in the Go
// fonts and widened by textSlack, so that wider system fonts still fit
// (DejaVu Sans, the widest usual sans-serif, is what Chromium on Linux
// uses; Segoe UI, San Francisco and Roboto are narrower). Words wrap at
// spaces only, which never takes fewer lines than a browser that also
// breaks after hyphens. TestOEmbedFitsItsCard measures every card in
// Chromium at 300, 400 and 560 pixels against this bound.

// textSlack and boldSlack widen every measured line: measured in
// Chromium on a long sentence, DejaVu Sans runs 12.7% wider than Go
// Regular and DejaVu Sans Bold 18.6% wider than Go Bold; the slack adds
// about 5% over that for strings whose letters run wider than average.
const (
	textSlack = 1.18
	boldSlack = 1.24
)

// advances holds the advance widths, in ems, of the runes U+0000–U+024F
// (Latin) in Go's regular and bold fonts; other runes count as wideRune.
type advances struct {
	regular, bold [0x250]float64
}

// wideRune is the width assumed for runes outside the table (CJK and
// other scripts set wide).
const wideRune = 1.0

var fontAdvances = sync.OnceValue(func() *advances {
	a := &advances{}
	for i, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("embed height: " + err.Error()) // compiled into the binary: cannot happen
		}
		var buf sfnt.Buffer
		const ppem = 1000
		table := &a.regular
		if i == 1 {
			table = &a.bold
		}
		for r := range rune(len(table)) {
			idx, err := f.GlyphIndex(&buf, r)
			if err != nil || idx == 0 {
				table[r] = 0.6
				continue
			}
			adv, err := f.GlyphAdvance(&buf, idx, fixed.I(ppem), font.HintingNone)
			if err != nil {
				table[r] = 0.6
				continue
			}
			table[r] = float64(adv) / 64 / ppem
		}
	}
	return a
})

// textStyle is one kind of text in the card: its size and line height in
// pixels, its weight, and letter spacing in ems.
type textStyle struct {
	size, lineHeight float64
	bold             bool
	tracking         float64
	upper            bool
}

// The card's text styles (static/embed.css, 16px root).
var (
	styleStatement = textStyle{size: 18.4, lineHeight: 18.4 * 1.35, bold: true}
	styleSummary   = textStyle{size: 16, lineHeight: 24}
	styleSmall     = textStyle{size: 14.72, lineHeight: 14.72 * 1.5}
	styleSmallBold = textStyle{size: 14.72, lineHeight: 14.72 * 1.5, bold: true}
	styleBadge     = textStyle{size: 12.8, lineHeight: 12.8 * 1.5, bold: true, tracking: 0.04, upper: true}
	styleFlag      = textStyle{size: 12, lineHeight: 18, bold: true}
)

// width is the width of s in style st, in pixels, widened by textSlack
// (boldSlack for bold text).
func (st textStyle) width(s string) float64 {
	a := fontAdvances()
	table, slack := &a.regular, textSlack
	if st.bold {
		table, slack = &a.bold, boldSlack
	}
	if st.upper {
		s = strings.ToUpper(s)
	}
	var ems float64
	for _, r := range s {
		if r >= 0 && int(r) < len(table) {
			ems += table[r]
		} else {
			ems += wideRune
		}
		ems += st.tracking
	}
	return ems * st.size * slack
}

// lines is how many lines s takes at width px: words wrap at spaces, and
// a word wider than a line breaks anywhere (overflow-wrap: anywhere).
func (st textStyle) lines(s string, px float64) int {
	n, line := 0, 0.0
	space := st.width(" ")
	for _, word := range strings.Fields(s) {
		w := st.width(word)
		switch {
		case line > 0 && line+space+w <= px:
			line += space + w
		case w <= px:
			n++
			line = w
		default: // the word alone is wider than a line
			if line > 0 {
				line = 0
			}
			for _, r := range word {
				rw := st.width(string(r))
				if line == 0 || line+rw > px {
					n++
					line = 0
				}
				line += rw
			}
		}
	}
	return max(n, 1)
}

// height is the height of s's lines in style st at width px.
func (st textStyle) height(s string, px float64) float64 {
	return float64(st.lines(s, px)) * st.lineHeight
}

// embedHeight is an upper bound of the embed card's height in pixels at
// frame width width (the card is at most 560 wide), as /embed/claims/:id
// renders it for cl (see views.EmbedPage and static/embed.css).
func embedHeight(cl *factcheck.Claim, width int, newsroom string) int {
	frame := float64(min(width, oembedWidth))
	inner := frame - 2*2 - 2*1 - 2*18 // body padding, card border, card padding
	const gap = 10
	h := 2*2 + 2*1 + 16 + 14 // body padding, card border, card padding top and bottom
	total := float64(h)

	// The badge row: the rating and, for corrections, a flag; they wrap
	// onto a second row when they do not fit side by side.
	label := ratingLabel(cl)
	badge := styleBadge.width(label) + 20
	row := styleBadge.lineHeight + 6
	total += row
	if flag := flagOf(cl); flag != "" {
		if badge+8+styleFlag.width(flag)+18 > inner {
			total += 8 + styleFlag.lineHeight + 4
		}
	}
	note := func(prefix string) float64 {
		return gap + styleSmall.height(prefix+publicNote(cl.CorrectionNote), inner-2-20) + 16 + 2
	}
	if cl.Status == factcheck.StatusRetracted {
		total += note("Retracted Jan 02, 2006: ")
	}
	// The claim: the statement, or the quote in quotation marks, beside a
	// rule, then who made it.
	quoteWidth := inner - 12 - 4
	headline := cl.Headline()
	if cl.Statement == "" {
		headline = "“" + headline + "”"
	}
	by := "Claimed by " + cl.Claimant
	if cl.Statement == "" {
		by = "— " + cl.Claimant
	}
	if cl.ClaimDate != nil {
		by += ", " + fmtDate(cl.ClaimDate)
	}
	total += gap + styleStatement.height(headline, quoteWidth) + 4 + styleSmall.height(by, quoteWidth)
	if cl.Summary != "" {
		total += gap + styleSummary.height(cl.Summary, inner)
	}
	if cl.Status == factcheck.StatusCorrected {
		total += note("Updated Jan 02, 2006: ")
	}
	// The footer: a rule, "Read the fact check →" and the newsroom's mark
	// and name, on two rows when they do not fit on one.
	more := styleSmallBold.width("Read the fact check →")
	total += gap + 1 + 10 + styleSmall.lineHeight
	if more+10+20+6+styleSmallBold.width(newsroom) > inner {
		total += 10 + styleSmall.lineHeight
	}
	return int(math.Ceil(total)) + embedHeightSlack
}

// embedHeightSlack is added to the bound for rounding in the browser
// (line boxes, borders at fractional zoom).
const embedHeightSlack = 6

// flagOf is the flag beside the badge: Corrected or Retracted.
func flagOf(cl *factcheck.Claim) string {
	switch cl.Status {
	case factcheck.StatusCorrected:
		return "Corrected"
	case factcheck.StatusRetracted:
		return "Retracted"
	}
	return ""
}
