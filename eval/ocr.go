package eval

import (
	"bufio"
	"fmt"
	"image"
	"io"
	"os"
	"strings"

	"github.com/qinfer/qinfer/tensor"
)

// OCR metrics and decoding for PaddleOCR-style models: CTC greedy decoding
// of a recognizer's [N, T, C] class scores, character error rate, and the
// intersection over union of a detector's thresholded probability maps.

// CTCBlank is the class index of the CTC blank in PaddleOCR recognizers.
const CTCBlank = 0

// LoadCTCCharset reads a PaddleOCR character dictionary (one character per
// line, such as ppocr_keys_v1.txt) and returns the recognizer's class list
// as PaddleOCR's CTCLabelDecode builds it with use_space_char: class 0 is
// the blank (""), class i is line i-1 of the file, and the last class is a
// space.
func LoadCTCCharset(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cs, err := ParseCTCCharset(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cs, nil
}

// ParseCTCCharset is LoadCTCCharset on a reader. Line ends ("\n" or
// "\r\n") are stripped; other characters, spaces included, are kept. An
// empty dictionary is an error.
func ParseCTCCharset(r io.Reader) ([]string, error) {
	cs := []string{""}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		cs = append(cs, strings.TrimSuffix(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval: character dictionary: %v: %w", err, ErrData)
	}
	if len(cs) == 1 {
		return nil, fmt.Errorf("eval: character dictionary is empty: %w", ErrData)
	}
	return append(cs, " "), nil
}

// CTCGreedy decodes one sequence of class scores (steps rows of classes
// scores, row-major) the way PaddleOCR's CTCLabelDecode does: arg-max per
// step, repeats collapsed, blanks (class 0) dropped. charset maps classes to
// text (see LoadCTCCharset); it must have classes entries.
func CTCGreedy(scores []float32, steps, classes int, charset []string) (string, error) {
	if steps < 0 || classes <= 0 || len(scores) != steps*classes {
		return "", fmt.Errorf("eval: CTC scores: %d values for %d steps x %d classes: %w", len(scores), steps, classes, tensor.ErrShape)
	}
	if len(charset) != classes {
		return "", fmt.Errorf("eval: CTC charset has %d entries, the model %d classes: %w", len(charset), classes, tensor.ErrShape)
	}
	var b strings.Builder
	prev := -1
	for t := range steps {
		c := argmax(scores[t*classes : (t+1)*classes])
		if c != prev && c != CTCBlank {
			b.WriteString(charset[c])
		}
		prev = c
	}
	return b.String(), nil
}

// CTCGreedyTensor decodes every row of a recognizer output shaped
// [N, T, C] (float scores or probabilities) with CTCGreedy.
func CTCGreedyTensor(t *tensor.Tensor, charset []string) ([]string, error) {
	if t.Rank() != 3 {
		return nil, fmt.Errorf("eval: CTC output has shape %v, want [N, T, C]: %w", t.Shape(), tensor.ErrShape)
	}
	if !t.DType().IsFloat() {
		return nil, fmt.Errorf("eval: CTC output is %v, want float: %w", t.DType(), tensor.ErrDType)
	}
	n, steps, classes := t.Shape()[0], t.Shape()[1], t.Shape()[2]
	v := tensor.ToFloat32(t)
	out := make([]string, n)
	per := steps * classes
	for i := range out {
		s, err := CTCGreedy(v[i*per:(i+1)*per], steps, classes, charset)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// EditDistance returns the Levenshtein distance between a and b counted in
// runes (insertions, deletions and substitutions each cost 1).
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	row := make([]int, len(rb)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(rb); j++ {
			up := row[j]
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			row[j] = min(up+1, row[j-1]+1, diag+cost)
			diag = up
		}
	}
	return row[len(rb)]
}

// CER accumulates the character error rate of recognised lines: total edit
// distance over total reference length, in runes.
type CER struct {
	Edits    int // sum of EditDistance(ref, hyp)
	RefChars int // sum of reference lengths
	Lines    int // lines added
	Exact    int // lines recognised without error
}

// Add scores one line.
func (c *CER) Add(ref, hyp string) {
	d := EditDistance(ref, hyp)
	c.Edits += d
	c.RefChars += len([]rune(ref))
	c.Lines++
	if d == 0 {
		c.Exact++
	}
}

// Rate is Edits / RefChars (0 when nothing was added).
func (c CER) Rate() float64 {
	if c.RefChars == 0 {
		return 0
	}
	return float64(c.Edits) / float64(c.RefChars)
}

// LineAccuracy is the fraction of lines recognised exactly.
func (c CER) LineAccuracy() float64 {
	if c.Lines == 0 {
		return 0
	}
	return float64(c.Exact) / float64(c.Lines)
}

// Mask is a binary image: W*H pixels, row-major.
type Mask struct {
	W, H int
	Pix  []bool
}

// ThresholdMap turns a probability map shaped [1, 1, H, W], [1, H, W] or
// [H, W] into a Mask of the pixels whose value is above thr (PaddleOCR's DB
// post-processing keeps pred > thresh).
func ThresholdMap(t *tensor.Tensor, thr float32) (*Mask, error) {
	s := t.Shape()
	r := len(s)
	if r < 2 || !t.DType().IsFloat() {
		return nil, fmt.Errorf("eval: probability map %v%v, want float [1, 1, H, W]: %w", t.DType(), s, tensor.ErrShape)
	}
	for _, d := range s[:r-2] {
		if d != 1 {
			return nil, fmt.Errorf("eval: probability map shape %v holds more than one map: %w", s, tensor.ErrShape)
		}
	}
	v := tensor.ToFloat32(t)
	m := &Mask{W: s[r-1], H: s[r-2], Pix: make([]bool, len(v))}
	for i, x := range v {
		m.Pix[i] = x > thr
	}
	return m, nil
}

// BoxMask returns a w x h Mask set inside the union of boxes (clipped to
// the image).
func BoxMask(w, h int, boxes []image.Rectangle) *Mask {
	m := &Mask{W: w, H: h, Pix: make([]bool, w*h)}
	frame := image.Rect(0, 0, w, h)
	for _, b := range boxes {
		b = b.Intersect(frame)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := m.Pix[y*w:]
			for x := b.Min.X; x < b.Max.X; x++ {
				row[x] = true
			}
		}
	}
	return m
}

// Count returns the number of set pixels.
func (m *Mask) Count() int {
	n := 0
	for _, p := range m.Pix {
		if p {
			n++
		}
	}
	return n
}

// IoU returns |a ∧ b| / |a ∨ b| and the two counts. Two empty masks give
// an IoU of 1. Masks of different sizes are an error.
func IoU(a, b *Mask) (iou float64, inter, union int, err error) {
	if a.W != b.W || a.H != b.H || len(a.Pix) != len(b.Pix) {
		return 0, 0, 0, fmt.Errorf("eval: IoU of a %dx%d and a %dx%d mask: %w", a.W, a.H, b.W, b.H, tensor.ErrShape)
	}
	for i, p := range a.Pix {
		q := b.Pix[i]
		if p && q {
			inter++
		}
		if p || q {
			union++
		}
	}
	if union == 0 {
		return 1, 0, 0, nil
	}
	return float64(inter) / float64(union), inter, union, nil
}

// IoUSum accumulates intersections and unions over many images: its Rate
// is the IoU of all pixels pooled, and Mean the mean of per-image IoUs.
type IoUSum struct {
	Inter, Union int
	sum          float64
	n            int
}

// Add adds one image pair.
func (s *IoUSum) Add(a, b *Mask) error {
	iou, inter, union, err := IoU(a, b)
	if err != nil {
		return err
	}
	s.Inter += inter
	s.Union += union
	s.sum += iou
	s.n++
	return nil
}

// Rate is the pooled IoU (1 when no pixel was set anywhere).
func (s IoUSum) Rate() float64 {
	if s.Union == 0 {
		return 1
	}
	return float64(s.Inter) / float64(s.Union)
}

// Mean is the mean per-image IoU (0 when nothing was added).
func (s IoUSum) Mean() float64 {
	if s.n == 0 {
		return 0
	}
	return s.sum / float64(s.n)
}
