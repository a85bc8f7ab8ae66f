package eval

import (
	"fmt"
	"image"
	"math/rand/v2"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Synthetic OCR data: text lines and pages rendered with the Go fonts,
// black on white, with their ground truth. Everything is a pure function of
// the seed, so an accuracy table can be reproduced anywhere.

// OCRFont is one of the fonts text is rendered with.
type OCRFont struct {
	Name string
	TTF  []byte
}

// OCRFonts returns the fonts RenderLines and RenderPages draw from: the Go
// font family (regular, bold, italic, bold italic, medium, mono, mono bold).
// Small caps are left out: they would not match a mixed-case ground truth.
func OCRFonts() []OCRFont {
	return []OCRFont{
		{"goregular", goregular.TTF}, {"gobold", gobold.TTF}, {"goitalic", goitalic.TTF},
		{"gobolditalic", gobolditalic.TTF}, {"gomedium", gomedium.TTF},
		{"gomono", gomono.TTF}, {"gomonobold", gomonobold.TTF},
	}
}

// ocrWordList is the fixed vocabulary of rendered text: common English
// words, a few capitalised ones, numbers and punctuated tokens, all made of
// characters in PaddleOCR's ppocr_keys_v1.txt.
var ocrWordList = strings.Fields(`
the of and to in is was for that with as on by at from his her they which
this are be have not but had one were all there when can been who will more
time new two may first any would like over such only also its after into
some other than then about what out these could them make people through
water world house school story point light paper money night music market
river garden window letter number family course city street order report
north south early later great small large quick brown jumps lazy fox river
engine signal simple system model weight scale value table chart change
green black white yellow orange purple silver golden winter summer spring
autumn morning evening office station bridge island valley forest mountain
London Paris Berlin Tokyo Monday Friday March October English Google
Python Linux Apple River Street Hotel Bank Road North
2024 1999 42 7 365 100 3.14 12:30 $19.99 50% No.8 A-12 e-mail (new) "quoted" it's
OK! why? end. yes, item; data: x+y=z #5 user@example.com www.example.org
`)

// OCRWords returns a copy of the vocabulary rendered lines draw from.
func OCRWords() []string { return append([]string(nil), ocrWordList...) }

// ocrFaces caches parsed fonts and faces; faces are not safe for
// concurrent use, so the cache lock is held while a face draws.
var ocrFaces struct {
	sync.Mutex
	fonts map[string]*opentype.Font
	faces map[ocrFaceKey]font.Face
}

type ocrFaceKey struct {
	font string
	size float64
}

// ocrFace returns the face of font f at size px (pixels per em), with the
// cache lock held by the caller.
func ocrFace(f OCRFont, px float64) (font.Face, error) {
	if ocrFaces.fonts == nil {
		ocrFaces.fonts = map[string]*opentype.Font{}
		ocrFaces.faces = map[ocrFaceKey]font.Face{}
	}
	k := ocrFaceKey{f.Name, px}
	if face := ocrFaces.faces[k]; face != nil {
		return face, nil
	}
	ft := ocrFaces.fonts[f.Name]
	if ft == nil {
		var err error
		if ft, err = opentype.Parse(f.TTF); err != nil {
			return nil, fmt.Errorf("eval: font %s: %w", f.Name, err)
		}
		ocrFaces.fonts[f.Name] = ft
	}
	face, err := opentype.NewFace(ft, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("eval: font %s at %gpx: %w", f.Name, px, err)
	}
	ocrFaces.faces[k] = face
	return face, nil
}

// LineOptions shape rendered text lines. Zero fields take the defaults
// shown.
type LineOptions struct {
	Height   int // image height (48, PP-OCR's recognizer height)
	MaxWidth int // widest image (320, the recognizer's default width)
	MinSize  int // smallest font size in pixels per em (28)
	MaxSize  int // largest font size (40)
	MaxWords int // most words per line (5)
}

func (o LineOptions) withDefaults() (LineOptions, error) {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Height, 48)
	def(&o.MaxWidth, 320)
	def(&o.MinSize, 28)
	def(&o.MaxSize, 40)
	def(&o.MaxWords, 5)
	if o.Height < 8 || o.Height > MaxImageSide || o.MaxWidth < 16 || o.MaxWidth > MaxImageSide ||
		o.MinSize < 4 || o.MaxSize < o.MinSize || o.MaxSize > 4*o.Height || o.MaxWords < 1 {
		return o, fmt.Errorf("eval: line options %+v: %w", o, ErrSpec)
	}
	return o, nil
}

// TextLine is a rendered line of text and its ground truth.
type TextLine struct {
	Text string
	Font string
	Size int // pixels per em
	// Image is black text on white, Height pixels high and as wide as the
	// text plus margins (at most MaxWidth).
	Image *image.Gray
}

// RenderLines renders n text lines from the seed: each line picks a font,
// a size in [MinSize, MaxSize] and 1..MaxWords random words from OCRWords
// that fit MaxWidth with margins, and centres them vertically with a little
// jitter. The same (n, seed, opt) always gives the same lines.
func RenderLines(n int, seed uint64, opt LineOptions) ([]TextLine, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if n < 0 || n > 1<<20 {
		return nil, fmt.Errorf("eval: %d lines: %w", n, ErrSpec)
	}
	rng := rand.New(rand.NewPCG(seed, 0x6f6372))
	fonts := OCRFonts()
	ocrFaces.Lock()
	defer ocrFaces.Unlock()
	out := make([]TextLine, 0, n)
	for range n {
		f := fonts[rng.IntN(len(fonts))]
		size := opt.MinSize + rng.IntN(opt.MaxSize-opt.MinSize+1)
		face, err := ocrFace(f, float64(size))
		if err != nil {
			return nil, err
		}
		left, right := 2+rng.IntN(10), 2+rng.IntN(10)
		room := fixed.I(opt.MaxWidth - left - right)
		want := 1 + rng.IntN(opt.MaxWords)
		var words []string
		for tries := 0; len(words) < want && tries < 4*want+8; tries++ {
			w := ocrWordList[rng.IntN(len(ocrWordList))]
			cand := strings.Join(append(append([]string(nil), words...), w), " ")
			if ocrInkWidth(face, cand) <= room {
				words = append(words, w)
			}
		}
		if len(words) == 0 {
			return nil, fmt.Errorf("eval: no word fits %d pixels at %dpx: %w", opt.MaxWidth, size, ErrSpec)
		}
		text := strings.Join(words, " ")
		bounds, _ := font.BoundString(face, text)
		w := min(left+(bounds.Max.X-bounds.Min.X).Ceil()+right, opt.MaxWidth)
		m := face.Metrics()
		asc, desc := m.Ascent.Ceil(), m.Descent.Ceil()
		slack := max(0, opt.Height-asc-desc)
		jitter := 0
		if slack > 1 {
			jitter = rng.IntN(slack+1) - slack/2
		}
		baseline := (opt.Height-asc-desc)/2 + asc + jitter
		baseline = min(max(baseline, asc), opt.Height-desc)
		img := ocrWhite(w, opt.Height)
		d := &font.Drawer{Dst: img, Src: image.Black, Face: face, Dot: fixed.Point26_6{X: fixed.I(left) - bounds.Min.X, Y: fixed.I(baseline)}}
		d.DrawString(text)
		out = append(out, TextLine{Text: text, Font: f.Name, Size: size, Image: img})
	}
	return out, nil
}

// ocrInkWidth is the width of the ink of text (glyph bounds, which may
// overhang the advance in italics).
func ocrInkWidth(face font.Face, text string) fixed.Int26_6 {
	b, _ := font.BoundString(face, text)
	return b.Max.X - b.Min.X + fixed.I(1)
}

func ocrWhite(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	return img
}

// PageOptions shape rendered pages. Zero fields take the defaults shown.
type PageOptions struct {
	W, H     int // page size (640 x 640)
	MinLines int // fewest text lines per page (4)
	MaxLines int // most text lines per page (10)
	MinSize  int // smallest font size (18)
	MaxSize  int // largest font size (48)
	MaxWords int // most words per line (6)
}

func (o PageOptions) withDefaults() (PageOptions, error) {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.W, 640)
	def(&o.H, 640)
	def(&o.MinLines, 4)
	def(&o.MaxLines, 10)
	def(&o.MinSize, 18)
	def(&o.MaxSize, 48)
	def(&o.MaxWords, 6)
	if o.W < 64 || o.H < 64 || o.W > MaxImageSide || o.H > MaxImageSide || o.MinLines < 1 || o.MaxLines < o.MinLines ||
		o.MinSize < 4 || o.MaxSize < o.MinSize || 2*o.MaxSize > o.H || o.MaxWords < 1 {
		return o, fmt.Errorf("eval: page options %+v: %w", o, ErrSpec)
	}
	return o, nil
}

// PageLine is one line of text on a page and its box: the ink's bounds
// (ascender to descender of the glyphs drawn), in page pixels.
type PageLine struct {
	Text string
	Box  image.Rectangle
}

// Page is a rendered page and its lines.
type Page struct {
	Image *image.Gray
	Lines []PageLine
}

// Boxes returns the boxes of the page's lines.
func (p *Page) Boxes() []image.Rectangle {
	bs := make([]image.Rectangle, len(p.Lines))
	for i, l := range p.Lines {
		bs[i] = l.Box
	}
	return bs
}

// RenderPages renders n pages from the seed: black text lines on white, in
// random fonts and sizes at random positions, lines at least a few pixels
// apart (a line that finds no free place is dropped, so a page may hold
// fewer than MinLines).
func RenderPages(n int, seed uint64, opt PageOptions) ([]Page, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if n < 0 || n > 1<<16 {
		return nil, fmt.Errorf("eval: %d pages: %w", n, ErrSpec)
	}
	rng := rand.New(rand.NewPCG(seed, 0x70616765))
	fonts := OCRFonts()
	ocrFaces.Lock()
	defer ocrFaces.Unlock()
	out := make([]Page, 0, n)
	for range n {
		img := ocrWhite(opt.W, opt.H)
		page := Page{Image: img}
		lines := opt.MinLines + rng.IntN(opt.MaxLines-opt.MinLines+1)
		for range lines {
			f := fonts[rng.IntN(len(fonts))]
			size := opt.MinSize + rng.IntN(opt.MaxSize-opt.MinSize+1)
			face, err := ocrFace(f, float64(size))
			if err != nil {
				return nil, err
			}
			words := make([]string, 1+rng.IntN(opt.MaxWords))
			for i := range words {
				words[i] = ocrWordList[rng.IntN(len(ocrWordList))]
			}
			// Drop words until the line fits the page with a margin.
			for len(words) > 1 && font.MeasureString(face, strings.Join(words, " ")).Ceil() > opt.W-16 {
				words = words[:len(words)-1]
			}
			text := strings.Join(words, " ")
			bounds, adv := font.BoundString(face, text)
			if adv.Ceil() > opt.W-16 {
				continue
			}
			ink := image.Rect(bounds.Min.X.Floor(), bounds.Min.Y.Floor(), bounds.Max.X.Ceil(), bounds.Max.Y.Ceil())
			for range 50 {
				x := 8 + rng.IntN(max(1, opt.W-16-ink.Dx()))
				y := 8 + rng.IntN(max(1, opt.H-16-ink.Dy()))
				box := ink.Add(image.Pt(x-ink.Min.X, y-ink.Min.Y))
				if ocrOverlaps(box.Inset(-6), page.Lines) {
					continue
				}
				d := &font.Drawer{Dst: img, Src: image.Black, Face: face, Dot: fixed.P(x-ink.Min.X, y-ink.Min.Y)}
				d.DrawString(text)
				page.Lines = append(page.Lines, PageLine{Text: text, Box: box})
				break
			}
		}
		out = append(out, page)
	}
	return out, nil
}

func ocrOverlaps(r image.Rectangle, lines []PageLine) bool {
	for _, l := range lines {
		if r.Overlaps(l.Box) {
			return true
		}
	}
	return false
}
