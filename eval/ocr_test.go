package eval

import (
	"bytes"
	"errors"
	"image"
	"math"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/tensor"
)

func TestParseCTCCharset(t *testing.T) {
	cs, err := ParseCTCCharset(strings.NewReader("a\nb\r\n'\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"", "a", "b", "'", " "}; strings.Join(cs, "|") != strings.Join(want, "|") {
		t.Errorf("charset %q, want %q", cs, want)
	}
	if _, err := ParseCTCCharset(strings.NewReader("")); !errors.Is(err, ErrData) {
		t.Errorf("empty dictionary: err = %v, want ErrData", err)
	}
}

// ctcOneHot builds steps x classes scores with the arg-max at idx[t].
func ctcOneHot(classes int, idx ...int) []float32 {
	v := make([]float32, len(idx)*classes)
	for t, c := range idx {
		for k := range classes {
			v[t*classes+k] = 0.01
		}
		v[t*classes+c] = 0.9
	}
	return v
}

func TestCTCGreedy(t *testing.T) {
	cs := []string{"", "a", "b", "l", " "}
	for _, tc := range []struct {
		idx  []int
		want string
	}{
		{nil, ""},
		{[]int{0, 0, 0}, ""},
		{[]int{1}, "a"},
		{[]int{1, 1, 1}, "a"},     // repeats collapse
		{[]int{3, 3, 0, 3}, "ll"}, // a blank separates a double letter
		{[]int{0, 2, 0, 1, 1, 4, 3}, "ba l"},
		{[]int{4, 1, 4}, " a "}, // spaces are classes like any other
		{[]int{1, 0, 0, 1, 2, 2, 0}, "aab"},
	} {
		got, err := CTCGreedy(ctcOneHot(len(cs), tc.idx...), len(tc.idx), len(cs), cs)
		if err != nil || got != tc.want {
			t.Errorf("CTCGreedy(%v) = %q, %v; want %q", tc.idx, got, err, tc.want)
		}
	}
	if _, err := CTCGreedy(make([]float32, 9), 2, 5, cs); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("bad length: err = %v", err)
	}
	if _, err := CTCGreedy(make([]float32, 8), 2, 4, cs); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("charset mismatch: err = %v", err)
	}

	// A batch of two sequences of 3 steps.
	v := append(ctcOneHot(5, 1, 0, 2), ctcOneHot(5, 3, 3, 4)...)
	out, err := CTCGreedyTensor(tensor.From([]int{2, 3, 5}, v), cs)
	if err != nil || len(out) != 2 || out[0] != "ab" || out[1] != "l " {
		t.Errorf("CTCGreedyTensor = %q, %v", out, err)
	}
	if _, err := CTCGreedyTensor(tensor.From([]int{6, 5}, v[:30]), cs); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("rank 2: err = %v", err)
	}
	if _, err := CTCGreedyTensor(tensor.From([]int{1, 1, 2}, []int64{0, 1}), cs[:2]); !errors.Is(err, tensor.ErrDType) {
		t.Errorf("int64: err = %v", err)
	}
}

func TestEditDistanceCER(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"kitten", "sitting", 3},
		{"flaw", "lawn", 2}, {"same", "same", 0}, {"日本語", "日本", 1}, {"ab", "ba", 2},
	} {
		if got := EditDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := EditDistance(tc.b, tc.a); got != tc.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tc.b, tc.a, got, tc.want)
		}
	}
	var c CER
	if c.Rate() != 0 || c.LineAccuracy() != 0 {
		t.Error("empty CER not 0")
	}
	c.Add("hello world", "hello world") // 0 of 11
	c.Add("kitten", "sitting")          // 3 of 6
	c.Add("ab", "")                     // 2 of 2
	if c.Edits != 5 || c.RefChars != 19 || c.Lines != 3 || c.Exact != 1 {
		t.Errorf("CER = %+v", c)
	}
	if math.Abs(c.Rate()-5.0/19) > 1e-12 || math.Abs(c.LineAccuracy()-1.0/3) > 1e-12 {
		t.Errorf("rates %v %v", c.Rate(), c.LineAccuracy())
	}
}

func TestMaskIoU(t *testing.T) {
	// A 1x1x3x4 map thresholded at 0.3: values above it are set.
	pm := tensor.From([]int{1, 1, 3, 4}, []float32{
		0.1, 0.31, 0.3, 0.9,
		0.5, 0.0, 1.0, 0.29,
		0, 0, 0, 0.4,
	})
	a, err := ThresholdMap(pm, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	if a.W != 4 || a.H != 3 || a.Count() != 5 {
		t.Fatalf("mask %dx%d with %d set", a.W, a.H, a.Count())
	}
	// Box [1,3)x[0,2): pixels (1,0),(2,0),(1,1),(2,1).
	b := BoxMask(4, 3, []image.Rectangle{image.Rect(1, 0, 3, 2), image.Rect(10, 10, 12, 12)})
	if b.Count() != 4 {
		t.Fatalf("box mask has %d set", b.Count())
	}
	// a: (1,0) (3,0) (0,1) (2,1) (3,2); b: (1,0) (2,0) (1,1) (2,1).
	// inter = (1,0),(2,1) = 2; union = 5 + 4 - 2 = 7.
	iou, inter, union, err := IoU(a, b)
	if err != nil || inter != 2 || union != 7 || math.Abs(iou-2.0/7) > 1e-12 {
		t.Errorf("IoU = %v (%d/%d), %v; want 2/7", iou, inter, union, err)
	}
	if iou, _, _, _ := IoU(a, a); iou != 1 {
		t.Errorf("IoU(a, a) = %v", iou)
	}
	empty := BoxMask(4, 3, nil)
	if iou, _, _, _ := IoU(empty, empty); iou != 1 {
		t.Errorf("IoU of empty masks = %v, want 1", iou)
	}
	if iou, _, _, _ := IoU(a, empty); iou != 0 {
		t.Errorf("IoU(a, empty) = %v, want 0", iou)
	}
	if _, _, _, err := IoU(a, BoxMask(3, 4, nil)); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("size mismatch: err = %v", err)
	}
	var s IoUSum
	s.Add(a, b)
	s.Add(a, a)
	if s.Inter != 7 || s.Union != 12 || math.Abs(s.Rate()-7.0/12) > 1e-12 || math.Abs(s.Mean()-(2.0/7+1)/2) > 1e-12 {
		t.Errorf("IoUSum = %+v rate %v mean %v", s, s.Rate(), s.Mean())
	}
	for _, bad := range []*tensor.Tensor{
		tensor.From([]int{4}, []float32{1, 2, 3, 4}),
		tensor.From([]int{2, 1, 2, 1}, []float32{1, 2, 3, 4}),
		tensor.From([]int{2, 2}, []int32{1, 2, 3, 4}),
	} {
		if _, err := ThresholdMap(bad, 0.3); !errors.Is(err, tensor.ErrShape) {
			t.Errorf("ThresholdMap(%v %v): err = %v", bad.DType(), bad.Shape(), err)
		}
	}
}

func TestRenderLinesDeterministic(t *testing.T) {
	a, err := RenderLines(12, 7, LineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := RenderLines(12, 7, LineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := RenderLines(12, 8, LineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	differ := false
	fonts := map[string]bool{}
	for i := range a {
		if a[i].Text != b[i].Text || a[i].Font != b[i].Font || !bytes.Equal(a[i].Image.Pix, b[i].Image.Pix) {
			t.Fatalf("line %d differs between two renders of seed 7", i)
		}
		if a[i].Text != c[i].Text {
			differ = true
		}
		fonts[a[i].Font] = true
		img := a[i].Image
		if img.Bounds().Dy() != 48 || img.Bounds().Dx() > 320 || img.Bounds().Dx() < 16 {
			t.Errorf("line %d is %v", i, img.Bounds())
		}
		if a[i].Size < 28 || a[i].Size > 40 || strings.TrimSpace(a[i].Text) != a[i].Text || a[i].Text == "" {
			t.Errorf("line %d: size %d text %q", i, a[i].Size, a[i].Text)
		}
		// Black ink on a white background: some dark pixels, mostly white,
		// white margins on the left and right.
		dark, white := 0, 0
		for _, p := range img.Pix {
			switch {
			case p < 64:
				dark++
			case p == 255:
				white++
			}
		}
		if dark == 0 || white < len(img.Pix)/2 {
			t.Errorf("line %d %q: %d dark, %d white of %d pixels", i, a[i].Text, dark, white, len(img.Pix))
		}
		for y := range 48 {
			if img.GrayAt(0, y).Y != 255 || img.GrayAt(img.Bounds().Dx()-1, y).Y != 255 {
				t.Errorf("line %d: ink touches the side at row %d", i, y)
				break
			}
		}
	}
	if !differ {
		t.Error("seeds 7 and 8 render the same texts")
	}
	if len(fonts) < 3 {
		t.Errorf("only fonts %v in 12 lines", fonts)
	}
	if _, err := RenderLines(1, 1, LineOptions{MinSize: 40, MaxSize: 30}); !errors.Is(err, ErrSpec) {
		t.Errorf("bad sizes: err = %v", err)
	}
	if _, err := RenderLines(-1, 1, LineOptions{}); !errors.Is(err, ErrSpec) {
		t.Errorf("negative count: err = %v", err)
	}
}

func TestRenderPages(t *testing.T) {
	a, err := RenderPages(3, 11, PageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := RenderPages(3, 11, PageOptions{})
	for i, p := range a {
		if !bytes.Equal(p.Image.Pix, b[i].Image.Pix) || len(p.Lines) != len(b[i].Lines) {
			t.Fatalf("page %d differs between two renders", i)
		}
		if p.Image.Bounds() != image.Rect(0, 0, 640, 640) || len(p.Lines) == 0 {
			t.Fatalf("page %d: %v with %d lines", i, p.Image.Bounds(), len(p.Lines))
		}
		inside := BoxMask(640, 640, p.Boxes())
		for j, l := range p.Lines {
			if !l.Box.In(p.Image.Bounds()) || l.Box.Empty() {
				t.Errorf("page %d line %d box %v", i, j, l.Box)
			}
			for k := range j {
				if l.Box.Overlaps(p.Lines[k].Box) {
					t.Errorf("page %d: boxes %v and %v overlap", i, l.Box, p.Lines[k].Box)
				}
			}
		}
		// All ink lies inside the ground-truth boxes.
		ink, out := 0, 0
		for k, px := range p.Image.Pix {
			if px < 128 {
				ink++
				if !inside.Pix[k] {
					out++
				}
			}
		}
		if ink == 0 || out > 0 {
			t.Errorf("page %d: %d ink pixels, %d outside the boxes", i, ink, out)
		}
	}
	if _, err := RenderPages(1, 1, PageOptions{W: 10}); !errors.Is(err, ErrSpec) {
		t.Errorf("tiny page: err = %v", err)
	}
}
