package eval

import (
	"errors"
	"image"
	"image/color"
	"math"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// rgbImage is a 2x3 (HxW) image with distinct pixels.
func rgbImage() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for y := 0; y < 2; y++ {
		for x := 0; x < 3; x++ {
			i := uint8(y*3 + x)
			img.Set(x, y, color.RGBA{R: 10 * i, G: 100 + i, B: 255 - i, A: 255})
		}
	}
	return img
}

func TestPreprocessMath(t *testing.T) {
	img := rgbImage()
	px := func(x, y, c int) float32 { // channel value of the source, 0..255
		i := y*3 + x
		return [3]float32{float32(10 * i), float32(100 + i), float32(255 - i)}[c]
	}
	mean := [3]float32{0.485, 0.456, 0.406}
	std := [3]float32{0.229, 0.224, 0.225}
	norm := func(v float32, c int) float32 { return (v/255 - mean[c]) / std[c] }
	const spec = "mean=0.485,0.456,0.406,std=0.229,0.224,0.225"
	t.Run("NCHW RGB", func(t *testing.T) {
		pp := mustPre(t, spec, input("x", tensor.Float32, -1, 3, 2, 3))
		out, err := pp.Apply(img)
		if err != nil {
			t.Fatal(err)
		}
		checkShape(t, out, 1, 3, 2, 3)
		v := out.Float32s()
		for c := 0; c < 3; c++ {
			for y := 0; y < 2; y++ {
				for x := 0; x < 3; x++ {
					if got, want := v[c*6+y*3+x], norm(px(x, y, c), c); got != want {
						t.Errorf("c%d y%d x%d = %v, want %v", c, y, x, got, want)
					}
				}
			}
		}
	})
	t.Run("NHWC BGR", func(t *testing.T) {
		pp := mustPre(t, "color=BGR,scale=1", input("x", tensor.Float32, -1, 2, 3, 3))
		out, err := pp.Apply(img)
		if err != nil {
			t.Fatal(err)
		}
		checkShape(t, out, 1, 2, 3, 3)
		v := out.Float32s()
		for y := 0; y < 2; y++ {
			for x := 0; x < 3; x++ {
				for c := 0; c < 3; c++ {
					if got, want := v[(y*3+x)*3+c], px(x, y, 2-c); got != want {
						t.Errorf("y%d x%d c%d = %v, want %v", y, x, c, got, want)
					}
				}
			}
		}
	})
	t.Run("GRAY", func(t *testing.T) {
		pp := mustPre(t, "scale=0.5", input("x", tensor.Float32, -1, 2, 3))
		out, err := pp.Apply(img)
		if err != nil {
			t.Fatal(err)
		}
		checkShape(t, out, 1, 2, 3)
		for i, got := range out.Float32s() {
			want := float32(color.GrayModel.Convert(img.At(i%3, i/3)).(color.Gray).Y) * 0.5
			if got != want {
				t.Errorf("pixel %d = %v, want %v", i, got, want)
			}
		}
	})
	t.Run("flat", func(t *testing.T) {
		pp := mustPre(t, "", input("x", tensor.Float32, -1, 6))
		out, err := pp.Apply(image.NewGray(image.Rect(0, 0, 3, 2)))
		if err != nil {
			t.Fatal(err)
		}
		checkShape(t, out, 1, 6)
		if _, err := pp.Apply(image.NewGray(image.Rect(0, 0, 3, 3))); !errors.Is(err, tensor.ErrShape) {
			t.Errorf("9 pixels for 6: err = %v", err)
		}
	})
	t.Run("resize", func(t *testing.T) {
		// A uniform image stays uniform whatever the interpolation.
		src := image.NewRGBA(image.Rect(0, 0, 7, 5))
		for i := range src.Pix {
			src.Pix[i] = [4]uint8{51, 102, 204, 255}[i%4]
		}
		pp := mustPre(t, "resize=4x6", nil) // NCHW, RGB
		out, err := pp.Apply(src)
		if err != nil {
			t.Fatal(err)
		}
		checkShape(t, out, 1, 3, 4, 6)
		for i, got := range out.Float32s() {
			if want := [3]float32{0.2, 0.4, 0.8}[i/24]; math.Abs(float64(got-want)) > 1e-6 {
				t.Fatalf("element %d = %v, want %v", i, got, want)
			}
		}
	})
	t.Run("pad", func(t *testing.T) {
		// OCR style: height 4, width = ceil(4*w/h) rounded up to 8, max 16,
		// right side zero.
		for _, tc := range []struct{ w, h, wantW, filled int }{
			{10, 4, 16, 10}, // 10 -> 16
			{3, 4, 8, 3},    // 3 -> 8
			{40, 4, 16, 16}, // capped
			{5, 2, 16, 10},  // 2x taller
		} {
			src := image.NewGray(image.Rect(0, 0, tc.w, tc.h))
			for i := range src.Pix {
				src.Pix[i] = 255
			}
			pp := mustPre(t, "resize=4x16,pad,mean=0.5,std=0.5", input("x", tensor.Float32, -1, 1, 4, -1))
			out, err := pp.Apply(src)
			if err != nil {
				t.Fatal(err)
			}
			checkShape(t, out, 1, 1, 4, tc.wantW)
			v := out.Float32s()
			for y := 0; y < 4; y++ {
				for x := 0; x < tc.wantW; x++ {
					want := float32(0)
					if x < tc.filled {
						want = 1
					}
					if got := v[y*tc.wantW+x]; math.Abs(float64(got-want)) > 1e-6 {
						t.Fatalf("%dx%d: [%d,%d] = %v, want %v", tc.w, tc.h, y, x, got, want)
					}
				}
			}
		}
		// A model with a fixed width is padded to it.
		pp := mustPre(t, "resize=4x16,pad", input("x", tensor.Float32, 1, 1, 4, 32))
		out, err := pp.Apply(image.NewGray(image.Rect(0, 0, 3, 4)))
		if err != nil {
			t.Fatal(err)
		}
		checkShape(t, out, 1, 1, 4, 32)
	})
	t.Run("alpha", func(t *testing.T) {
		src := image.NewNRGBA(image.Rect(0, 0, 1, 1))
		src.Pix = []uint8{255, 255, 255, 0} // transparent white is black
		out, err := mustPre(t, "color=GRAY", nil).Apply(src)
		if err != nil {
			t.Fatal(err)
		}
		if v := out.Float32s()[0]; v != 0 {
			t.Errorf("transparent pixel = %v, want 0", v)
		}
	})
}

func checkShape(t *testing.T, x *tensor.Tensor, want ...int) {
	t.Helper()
	got := x.Shape()
	if len(got) != len(want) {
		t.Fatalf("shape %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("shape %v, want %v", got, want)
		}
	}
}

func TestParsePreprocess(t *testing.T) {
	p, err := ParsePreprocess("resize=224x200, mean=0.485,0.456,0.406,std=0.229,0.224,0.225,layout=nhwc,color=bgr,scale=1/127.5")
	if err != nil {
		t.Fatal(err)
	}
	if p.H != 224 || p.W != 200 || len(p.Mean) != 3 || p.Std[2] != 0.225 || p.Layout != "NHWC" || p.Color != "BGR" || p.ScaleDiv != 127.5 {
		t.Errorf("parsed %+v", p)
	}
	if p, err := ParsePreprocess(""); err != nil || p.H != 0 || p.Mean != nil {
		t.Errorf("empty spec: %+v, %v", p, err)
	}
	for _, bad := range []string{
		"resize=224", "resize=0x10", "resize=ax3", "resize=99999x1",
		"mean=x", "std=0", "std=0.5,0", "layout=CHW", "color=CMYK",
		"scale=2/255", "scale=1/0", "scale=-1", "scale=abc",
		"0.5", "mean=1,foo", "gamma=2", "pad",
	} {
		if _, err := ParsePreprocess(bad); !errors.Is(err, ErrSpec) {
			t.Errorf("ParsePreprocess(%q) err = %v, want ErrSpec", bad, err)
		}
	}
}

func TestPreprocessForErrors(t *testing.T) {
	for _, tc := range []struct {
		spec string
		vi   *ir.ValueInfo
		want error
		msg  string
	}{
		{"", input("x", tensor.Int64, -1, 3, 4, 4), tensor.ErrDType, "makes float32"},
		{"", input("x", tensor.Float32, -1, 4, 4, 4, 4), tensor.ErrShape, "rank 5"},
		{"", input("x", tensor.Float32, -1, 2, 4, 4), tensor.ErrShape, "2 channels"},
		{"color=GRAY", input("x", tensor.Float32, -1, 3, 4, 4), tensor.ErrShape, "GRAY"},
		{"color=RGB", input("x", tensor.Float32, -1, 4, 4), tensor.ErrShape, "RGB"},
		{"resize=5x4", input("x", tensor.Float32, -1, 3, 4, 4), tensor.ErrShape, "height 5"},
		{"resize=4x5", input("x", tensor.Float32, -1, 3, 4, 4), tensor.ErrShape, "width 5"},
		{"mean=1,2", input("x", tensor.Float32, -1, 3, 4, 4), ErrSpec, "2 values for 3 channels"},
		{"std=1,2,3", input("x", tensor.Float32, -1, 1, 4, 4), ErrSpec, "3 values for 1 channels"},
	} {
		p, err := ParsePreprocess(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.For(tc.vi)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q for %v: err = %v, want %v containing %q", tc.spec, tc.vi.Type, err, tc.want, tc.msg)
		}
	}
	if _, err := mustPre(t, "", nil).Apply(image.NewGray(image.Rect(0, 0, 0, 3))); !errors.Is(err, ErrData) {
		t.Errorf("empty image: err = %v", err)
	}
}

func TestPreprocessInfersLayout(t *testing.T) {
	for _, tc := range []struct {
		vi   *ir.ValueInfo
		spec string
		want []int
	}{
		{input("x", tensor.Float32, -1, 3, 2, 3), "", []int{1, 3, 2, 3}},
		{input("x", tensor.Float32, -1, 2, 3, 3), "", []int{1, 2, 3, 3}},
		{input("x", tensor.Float32, -1, 1, 2, 3), "", []int{1, 1, 2, 3}},
		{input("x", tensor.Float32, -1, 2, 3, 1), "", []int{1, 2, 3, 1}},
		{input("x", tensor.Float32, -1, -1, -1, -1), "", []int{1, 3, 2, 3}},
		{input("x", tensor.Float32, -1, -1, -1, -1), "layout=NHWC", []int{1, 2, 3, 3}},
		{input("x", tensor.Float32, -1, -1, -1, -1), "color=GRAY", []int{1, 1, 2, 3}},
		{&ir.ValueInfo{Name: "x"}, "", []int{1, 3, 2, 3}},
	} {
		out, err := mustPre(t, tc.spec, tc.vi).Apply(rgbImage())
		if err != nil {
			t.Fatal(err)
		}
		checkShape(t, out, tc.want...)
	}
}
