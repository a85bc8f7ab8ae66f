package runtime_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/qinfer/qinfer/internal/ortref"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// qdwModel is one depthwise QLinearConv (group == channels) with
// per-channel weights and a bias, input xq of shape 1×c×h×w.
func qdwModel(seed uint64, signed bool, c, h, w, k, s int, pads []int64) *ir.Model {
	b := newQB(seed)
	xdt := tensor.Uint8
	if signed {
		xdt = tensor.Int8
	}
	b.g.Inputs = append(b.g.Inputs, &ir.ValueInfo{Name: "xq", Type: ir.TensorType(xdt, 1, int64(c), int64(h), int64(w))})
	wv := make([]int8, c*k*k)
	for i := range wv {
		wv[i] = int8(b.rng.IntN(255) - 127)
	}
	wt, _ := tensor.FromData(tensor.Int8, []int{c, 1, k, k}, wv)
	sc := make([]float32, c)
	bias := make([]int32, c)
	for i := range sc {
		sc[i] = 0.002 + 0.004*b.rng.Float32()
		bias[i] = int32(b.rng.IntN(20001) - 10000)
	}
	st, _ := tensor.FromData(tensor.Float32, []int{c}, sc)
	bt, _ := tensor.FromData(tensor.Int32, []int{c}, bias)
	xz, yz := tensor.Scalar(uint8(100)), tensor.Scalar(uint8(120))
	if signed {
		xz, yz = tensor.Scalar(int8(-5)), tensor.Scalar(int8(7))
	}
	y := b.node("QLinearConv", []string{"xq", b.init("xs", tensor.Scalar(float32(0.02))), b.init("xz", xz),
		b.init("w", wt), b.init("ws", st), b.init("wz", tensor.Zeros(tensor.Int8, c)),
		b.init("ys", tensor.Scalar(float32(0.05))), b.init("yz", yz), b.init("b", bt)},
		&ir.Attr{Name: "group", Type: ir.AttrInt, I: int64(c)},
		&ir.Attr{Name: "kernel_shape", Type: ir.AttrInts, Ints: []int64{int64(k), int64(k)}},
		&ir.Attr{Name: "strides", Type: ir.AttrInts, Ints: []int64{int64(s), int64(s)}},
		&ir.Attr{Name: "pads", Type: ir.AttrInts, Ints: pads})
	b.rename(y, "yq")
	b.output("yq")
	return b.model()
}

// Depthwise QLinearConv (linalg.DepthwiseConv2DQPlanes) must be
// bit-identical with ONNX Runtime: kernels 3 and 5, strides 1 and 2,
// symmetric and asymmetric pads, odd widths, uint8 and int8 activations.
func TestQDWConvORT(t *testing.T) {
	if err := ortref.Available(); err != nil {
		t.Skip(err)
	}
	cases := []struct {
		signed     bool
		c, h, w, k int
		s          int
		pads       []int64
	}{
		{false, 5, 9, 17, 3, 1, []int64{1, 1, 1, 1}},
		{false, 4, 12, 33, 3, 2, []int64{0, 0, 1, 1}},
		{false, 3, 8, 65, 3, 2, []int64{1, 1, 1, 1}},
		{false, 3, 11, 7, 5, 1, []int64{2, 2, 2, 2}},
		{false, 6, 10, 21, 5, 2, []int64{2, 2, 2, 2}},
		{false, 2, 5, 1, 3, 1, []int64{1, 1, 1, 1}},
		{true, 5, 9, 17, 3, 1, []int64{1, 1, 1, 1}},
		{true, 4, 13, 63, 5, 2, []int64{1, 2, 2, 1}},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_c%d_%dx%d_k%d_s%d", i, c.c, c.h, c.w, c.k, c.s), func(t *testing.T) {
			m := qdwModel(uint64(40+i), c.signed, c.c, c.h, c.w, c.k, c.s, c.pads)
			r := rand.New(rand.NewPCG(uint64(i), 9))
			n := c.c * c.h * c.w
			var xt *tensor.Tensor
			if c.signed {
				x := make([]int8, n)
				for j := range x {
					x[j] = int8(r.IntN(256) - 128)
				}
				xt, _ = tensor.FromData(tensor.Int8, []int{1, c.c, c.h, c.w}, x)
			} else {
				x := make([]uint8, n)
				for j := range x {
					x[j] = uint8(r.IntN(256))
				}
				xt, _ = tensor.FromData(tensor.Uint8, []int{1, c.c, c.h, c.w}, x)
			}
			in := map[string]*tensor.Tensor{"xq": xt}
			got, _ := qdqRun(t, m, runtime.Options{}, in)
			path := filepath.Join(t.TempDir(), "m.onnx")
			if err := onnx.Save(m, path); err != nil {
				t.Fatal(err)
			}
			ort, err := ortref.Run(path, in, 1)
			if err != nil {
				t.Fatal(err)
			}
			if d := qdqSteps(t, "yq", got["yq"], ort["yq"], 1); d != 0 {
				t.Errorf("differs from ONNX Runtime by up to %v", d)
			}
		})
	}
}
