// Package shareimage draws the 1200×630 PNG that social sites show when a
// claim is shared: the rating badge in its colour, the quote, the claimant
// and the newsroom. It uses only Go's image libraries and the Go fonts
// embedded in golang.org/x/image, so the output does not depend on the
// fonts installed on the machine.
package shareimage

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"unicode/utf8"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Size of a full share image, the Open Graph recommendation.
const (
	Width  = 1200
	Height = 630
)

// Card is what a share image shows. Every field is plain text.
type Card struct {
	Label string // rating label, e.g. "Mostly false"
	Color string // rating colour as #rgb or #rrggbb; grey when invalid
	Flag  string // optional marker next to the badge, e.g. "Corrected"
	// Statement is the claim in the newsroom's words, drawn as it is;
	// without one, Quote is drawn in quotation marks.
	Statement string
	Quote     string
	Claimant  string
	Newsroom  string
}

// Drawer renders share images. It is safe for concurrent use.
type Drawer struct {
	regular, bold *sfnt.Font
}

// New parses the embedded fonts. It fails only if they are corrupt.
func New() (*Drawer, error) {
	reg, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("shareimage: parse regular font: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("shareimage: parse bold font: %w", err)
	}
	return &Drawer{regular: reg, bold: bold}, nil
}

var (
	paper   = color.RGBA{0xff, 0xff, 0xff, 0xff}
	ink     = color.RGBA{0x16, 0x18, 0x1d, 0xff}
	muted   = color.RGBA{0x5a, 0x62, 0x70, 0xff}
	rule    = color.RGBA{0xe3, 0xe5, 0xea, 0xff}
	flagBg  = color.RGBA{0xff, 0xf3, 0xd6, 0xff}
	flagInk = color.RGBA{0x7a, 0x4d, 0x00, 0xff}
	grey    = color.RGBA{0x57, 0x60, 0x6a, 0xff}
)

// Layout of the full-size image, in pixels.
const (
	margin     = 80
	stripe     = 20
	textWidth  = Width - 2*margin
	quoteTop   = 175 // top of the quote block
	quoteLimit = 470 // the quote block ends above this line
	footerRule = 540
)

// PNG draws c and encodes it as a PNG width pixels wide (at most Width; the
// height keeps the 1200:630 ratio). Smaller sizes are scaled down from the
// full image so they look the same.
func (d *Drawer) PNG(c Card, width int) ([]byte, error) {
	if width <= 0 || width > Width {
		return nil, fmt.Errorf("shareimage: width %d out of range 1..%d", width, Width)
	}
	img, err := d.Draw(c)
	if err != nil {
		return nil, err
	}
	var out image.Image = img
	if width != Width {
		small := image.NewRGBA(image.Rect(0, 0, width, width*Height/Width))
		xdraw.CatmullRom.Scale(small, small.Bounds(), img, img.Bounds(), xdraw.Src, nil)
		out = small
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Draw renders c at full size.
func (d *Drawer) Draw(c Card) (*image.RGBA, error) {
	faces := &faceSet{d: d}
	defer faces.close()
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	fill(img, img.Bounds(), paper)
	badgeColor := parseColor(c.Color)
	fill(img, image.Rect(0, 0, stripe, Height), badgeColor)

	// Rating badge, and the correction flag beside it.
	x := margin
	label := strings.ToUpper(strings.TrimSpace(c.Label))
	if label == "" {
		label = "UNRATED"
	}
	bf, err := faces.get(true, 34)
	if err != nil {
		return nil, err
	}
	label = ellipsize(bf, label, textWidth-48)
	w := measure(bf, label) + 48
	pill(img, x, 70, w, 64, badgeColor)
	text(img, bf, label, x+24, 70+44, onColor(badgeColor))
	x += w + 18
	if flag := strings.ToUpper(strings.TrimSpace(c.Flag)); flag != "" {
		ff, err := faces.get(true, 26)
		if err != nil {
			return nil, err
		}
		if fw := measure(ff, flag) + 36; x+fw <= Width-margin {
			pill(img, x, 78, fw, 48, flagBg)
			text(img, ff, flag, x+18, 78+34, flagInk)
		}
	}

	// The quote, as large as fits in the block, ellipsized at the smallest size.
	quote := "“" + strings.TrimSpace(c.Quote) + "”"
	if s := strings.TrimSpace(c.Statement); s != "" {
		quote = s
	}
	var lines []string
	var qf font.Face
	var lineHeight int
	sizes := []float64{72, 62, 56, 50, 44, 38}
	for i, size := range sizes {
		if qf, err = faces.get(true, size); err != nil {
			return nil, err
		}
		lineHeight = int(size * 1.22)
		maxLines := (quoteLimit - quoteTop) / lineHeight
		lines = wrap(qf, quote, textWidth)
		if len(lines) <= maxLines {
			break
		}
		if i == len(sizes)-1 {
			lines = lines[:maxLines]
			lines[maxLines-1] = ellipsize(qf, strings.TrimSuffix(lines[maxLines-1], "”")+" …", textWidth)
		}
	}
	// Centre the quote and claimant in the space between badge and footer.
	claimant := strings.TrimSpace(c.Claimant)
	block := len(lines) * lineHeight
	if claimant != "" {
		block += 56
	}
	y := quoteTop + max(0, (footerRule-40-quoteTop)-block)/2
	for _, l := range lines {
		y += lineHeight
		text(img, qf, l, margin, y-lineHeight/4, ink)
	}

	// Who said it.
	if claimant != "" {
		cf, err := faces.get(false, 32)
		if err != nil {
			return nil, err
		}
		who := "— " + claimant
		if strings.TrimSpace(c.Statement) != "" {
			who = "Claimed by " + claimant
		}
		text(img, cf, ellipsize(cf, who, textWidth), margin, min(y+46, footerRule-30), muted)
	}

	// Footer: newsroom on the left, "Fact check" on the right.
	fill(img, image.Rect(margin, footerRule, Width-margin, footerRule+2), rule)
	nf, err := faces.get(true, 30)
	if err != nil {
		return nil, err
	}
	sf, err := faces.get(false, 26)
	if err != nil {
		return nil, err
	}
	tag := "FACT CHECK"
	tw := measure(sf, tag)
	text(img, sf, tag, Width-margin-tw, 598, muted)
	checkMark(img, margin, 572, 34)
	text(img, nf, ellipsize(nf, strings.TrimSpace(c.Newsroom), textWidth-tw-90), margin+48, 598, ink)
	return img, nil
}

// faceSet opens font faces on demand for one drawing: faces keep per-use
// buffers, so they are not shared between goroutines.
type faceSet struct {
	d     *Drawer
	faces map[[2]float64]font.Face
}

func (fs *faceSet) get(bold bool, size float64) (font.Face, error) {
	k := [2]float64{0, size}
	f := fs.d.regular
	if bold {
		k[0], f = 1, fs.d.bold
	}
	if face, ok := fs.faces[k]; ok {
		return face, nil
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	if fs.faces == nil {
		fs.faces = map[[2]float64]font.Face{}
	}
	fs.faces[k] = face
	return face, nil
}

func (fs *faceSet) close() {
	for _, f := range fs.faces {
		f.Close()
	}
}

func measure(f font.Face, s string) int { return font.MeasureString(f, s).Ceil() }

func text(dst *image.RGBA, f font.Face, s string, x, baseline int, c color.Color) {
	dr := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, baseline)}
	dr.DrawString(s)
}

func fill(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	xdraw.Draw(dst, r, image.NewUniform(c), image.Point{}, xdraw.Src)
}

// pill fills a rectangle with fully rounded ends, anti-aliased.
func pill(dst *image.RGBA, x, y, w, h int, c color.RGBA) {
	roundRect(dst, x, y, w, h, float32(h)/2, c)
}

// checkMark draws the desk's mark, a white tick on an ink square of side n
// with its top-left corner at x, y. (The Go fonts have no tick glyph.)
func checkMark(dst *image.RGBA, x, y, n int) {
	roundRect(dst, x, y, n, n, float32(n)/5, ink)
	s := float32(n) / 34
	px, py := float32(x), float32(y)
	z := vector.NewRasterizer(Width, Height)
	z.MoveTo(px+8*s, py+17*s)
	z.LineTo(px+14*s, py+23*s)
	z.LineTo(px+26*s, py+10*s)
	z.LineTo(px+29*s, py+13*s)
	z.LineTo(px+14*s, py+29*s)
	z.LineTo(px+5*s, py+20*s)
	z.ClosePath()
	z.Draw(dst, dst.Bounds(), image.NewUniform(paper), image.Point{})
}

// roundRect fills a rectangle with corners of radius r, anti-aliased.
func roundRect(dst *image.RGBA, x, y, w, h int, r float32, c color.RGBA) {
	z := vector.NewRasterizer(Width, Height)
	x0, y0, x1, y1 := float32(x), float32(y), float32(x+w), float32(y+h)
	z.MoveTo(x0+r, y0)
	z.LineTo(x1-r, y0)
	z.QuadTo(x1, y0, x1, y0+r)
	z.QuadTo(x1, y1, x1-r, y1)
	z.LineTo(x0+r, y1)
	z.QuadTo(x0, y1, x0, y1-r)
	z.QuadTo(x0, y0, x0+r, y0)
	z.ClosePath()
	z.Draw(dst, dst.Bounds(), image.NewUniform(c), image.Point{})
}

// wrap breaks s into lines no wider than width, at spaces where possible
// and inside over-long words otherwise.
func wrap(f font.Face, s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if measure(f, try) <= width {
			line = try
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = word
		for measure(f, line) > width {
			cut := fitRunes(f, line, width)
			lines = append(lines, line[:cut])
			line = line[cut:]
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// fitRunes returns the byte length of the longest prefix of s (at least one
// rune) no wider than width.
func fitRunes(f font.Face, s string, width int) int {
	n := 0
	for i := range s {
		if i > 0 && measure(f, s[:i]) > width {
			break
		}
		n = i
	}
	if n == 0 {
		_, size := utf8.DecodeRuneInString(s)
		return size
	}
	if measure(f, s) <= width {
		return len(s)
	}
	return n
}

// ellipsize shortens s with a trailing "…" until it fits in width,
// preferring to cut at a space.
func ellipsize(f font.Face, s string, width int) string {
	if measure(f, s) <= width {
		return s
	}
	s = strings.TrimSuffix(s, "…")
	for s != "" {
		if i := strings.LastIndexByte(s, ' '); i > len(s)/2 {
			s = s[:i]
		} else {
			_, size := utf8.DecodeLastRuneInString(s)
			s = s[:len(s)-size]
		}
		s = strings.TrimRight(s, " ,;:—-")
		if measure(f, s+"…") <= width {
			return s + "…"
		}
	}
	return "…"
}

// parseColor reads #rgb or #rrggbb; anything else is the neutral grey.
func parseColor(s string) color.RGBA {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	var r, g, b uint8
	switch len(s) {
	case 6:
		if _, err := fmt.Sscanf(s, "%02x%02x%02x", &r, &g, &b); err != nil {
			return grey
		}
	case 3:
		if _, err := fmt.Sscanf(s, "%1x%1x%1x", &r, &g, &b); err != nil {
			return grey
		}
		r, g, b = r*17, g*17, b*17
	default:
		return grey
	}
	return color.RGBA{r, g, b, 0xff}
}

// onColor picks white or ink text for legibility on background c.
func onColor(c color.RGBA) color.RGBA {
	lum := 0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)
	if lum > 160 {
		return ink
	}
	return paper
}
