package runtime_test

import (
	"errors"
	"math"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// limitsCase is a hostile single-node model: tiny inputs, attributes or
// input values asking a kernel for a huge output or scratch buffer.
type limitsCase struct {
	name string
	m    *ir.Model
	in   map[string]*tensor.Tensor
}

func limitsI64(v ...int64) *tensor.Tensor { return tensor.From([]int{len(v)}, v) }

func limitsF32(v ...float32) *tensor.Tensor { return tensor.From([]int{len(v)}, v) }

func limitsCases() []limitsCase {
	zeros := func(dt tensor.DType, shape ...int) *tensor.Tensor { return tensor.Zeros(dt, shape...) }
	str := func(name, v string) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrString, S: v} }
	return []limitsCase{
		{"ConvInteger huge pads", newB().in("x", tensor.Uint8, 1, 1, 4, 4).
			init("w", zeros(tensor.Uint8, 1, 1, 1, 1)).
			node("ConvInteger", []string{"x", "w"}, []string{"y"}, intsAttr("pads", 0, math.MaxInt32, 0, math.MaxInt32)).
			out("y").model(10), map[string]*tensor.Tensor{"x": zeros(tensor.Uint8, 1, 1, 4, 4)}},
		{"ConvInteger huge kernel table", newB().in("x", tensor.Uint8, 1, 1, 1, 1).
			init("w", zeros(tensor.Uint8, 1, 1, 1, 1)).
			node("ConvInteger", []string{"x", "w"}, []string{"y"}, intsAttr("pads", 1<<14, 1<<14, 1<<14, 1<<14)).
			out("y").model(10), map[string]*tensor.Tensor{"x": zeros(tensor.Uint8, 1, 1, 1, 1)}},
		{"MatMul empty inner dim", newB().in("a", tensor.Float32, 1<<15, 0).in("b", tensor.Float32, 0, 1<<15).
			node("MatMul", []string{"a", "b"}, []string{"y"}).out("y").model(13),
			map[string]*tensor.Tensor{"a": zeros(tensor.Float32, 1<<15, 0), "b": zeros(tensor.Float32, 0, 1<<15)}},
		{"MatMulInteger empty inner dim", newB().in("a", tensor.Uint8, 1<<15, 0).in("b", tensor.Uint8, 0, 1<<15).
			node("MatMulInteger", []string{"a", "b"}, []string{"y"}).out("y").model(13),
			map[string]*tensor.Tensor{"a": zeros(tensor.Uint8, 1<<15, 0), "b": zeros(tensor.Uint8, 0, 1<<15)}},
		{"Gather outer x indices", newB().in("x", tensor.Float32, 1<<13, 2).in("i", tensor.Int64, 1<<13).
			node("Gather", []string{"x", "i"}, []string{"y"}, intAttr("axis", 1)).out("y").model(13),
			map[string]*tensor.Tensor{"x": zeros(tensor.Float32, 1<<13, 2), "i": zeros(tensor.Int64, 1<<13)}},
		{"Tile", newB().in("x", tensor.Float32, 1).init("r", limitsI64(1<<30)).
			node("Tile", []string{"x", "r"}, []string{"y"}).out("y").model(13),
			map[string]*tensor.Tensor{"x": zeros(tensor.Float32, 1)}},
		{"Expand", newB().in("x", tensor.Float32, 1).init("s", limitsI64(1<<20, 1<<20)).
			node("Expand", []string{"x", "s"}, []string{"y"}).out("y").model(13),
			map[string]*tensor.Tensor{"x": zeros(tensor.Float32, 1)}},
		{"Pad", newB().in("x", tensor.Float32, 1, 1).init("p", limitsI64(0, 0, 1<<14, 1<<14)).
			node("Pad", []string{"x", "p"}, []string{"y"}).out("y").model(13),
			map[string]*tensor.Tensor{"x": zeros(tensor.Float32, 1, 1)}},
		{"Pad reflect", newB().in("x", tensor.Float32, 2, 2).init("p", limitsI64(0, 0, 1<<14, 1<<14)).
			node("Pad", []string{"x", "p"}, []string{"y"}, str("mode", "reflect")).out("y").model(13),
			map[string]*tensor.Tensor{"x": zeros(tensor.Float32, 2, 2)}},
		{"Resize linear", newB().in("x", tensor.Float32, 1, 1, 2, 2).init("s", limitsF32(1, 1, 1<<15, 1<<15)).
			node("Resize", []string{"x", "", "s"}, []string{"y"}, str("mode", "linear")).out("y").model(13),
			map[string]*tensor.Tensor{"x": zeros(tensor.Float32, 1, 1, 2, 2)}},
		{"Resize nearest", newB().in("x", tensor.Float32, 1, 1, 2, 2).init("s", limitsF32(1, 1, 1<<12, 1<<12)).
			node("Resize", []string{"x", "", "s"}, []string{"y"}).out("y").model(13),
			map[string]*tensor.Tensor{"x": zeros(tensor.Float32, 1, 1, 2, 2)}},
		{"OneHot", newB().in("i", tensor.Int64, 2).init("d", limitsI64(1<<30)).init("v", limitsF32(0, 1)).
			node("OneHot", []string{"i", "d", "v"}, []string{"y"}).out("y").model(11),
			map[string]*tensor.Tensor{"i": zeros(tensor.Int64, 2)}},
		{"Range", newB().in("s", tensor.Int64).init("l", tensor.Scalar(int64(1<<30))).init("d", tensor.Scalar(int64(1))).
			node("Range", []string{"s", "l", "d"}, []string{"y"}).out("y").model(11),
			map[string]*tensor.Tensor{"s": tensor.Scalar(int64(0))}},
		{"ConstantOfShape", newB().in("s", tensor.Int64, 2).
			node("ConstantOfShape", []string{"s"}, []string{"y"}).out("y").model(9),
			map[string]*tensor.Tensor{"s": limitsI64(1<<20, 1<<20)}},
		{"TopK empty with huge axis", newB().in("x", tensor.Float32, 0, 1<<30).init("k", limitsI64(1)).
			node("TopK", []string{"x", "k"}, []string{"v", "i"}, intAttr("axis", 1)).out("v", "i").model(11),
			map[string]*tensor.Tensor{"x": zeros(tensor.Float32, 0, 1<<30)}},
		{"Unique empty with huge axis", newB().in("x", tensor.Float32, 0, 1<<30).
			node("Unique", []string{"x"}, []string{"y"}, intAttr("axis", 1)).out("y").model(11),
			map[string]*tensor.Tensor{"x": zeros(tensor.Float32, 0, 1<<30)}},
		{"Einsum outer product", newB().in("a", tensor.Float32, 1<<13).in("b", tensor.Float32, 1<<13).
			node("Einsum", []string{"a", "b"}, []string{"y"}, str("equation", "i,j->ij")).out("y").model(12),
			map[string]*tensor.Tensor{"a": zeros(tensor.Float32, 1<<13), "b": zeros(tensor.Float32, 1<<13)}},
		{"LSTM empty input size", newB().in("x", tensor.Float32, 1, 1<<24, 0).
			init("w", zeros(tensor.Float32, 1, 4, 0)).init("r", zeros(tensor.Float32, 1, 4, 1)).
			node("LSTM", []string{"x", "w", "r"}, []string{"y"}, intAttr("hidden_size", 1)).out("y").model(14),
			map[string]*tensor.Tensor{"x": zeros(tensor.Float32, 1, 1<<24, 0)}},
		{"Add broadcast", newB().in("a", tensor.Float32, 1<<13, 1).in("b", tensor.Float32, 1, 1<<13).
			node("Add", []string{"a", "b"}, []string{"y"}).out("y").model(14),
			map[string]*tensor.Tensor{"a": zeros(tensor.Float32, 1<<13, 1), "b": zeros(tensor.Float32, 1, 1<<13)}},
		{"ReduceSum empty with huge kept dim", newB().in("x", tensor.Float32, 1<<30, 0).
			node("ReduceSum", []string{"x"}, []string{"y"}, intsAttr("axes", 1)).out("y").model(11),
			map[string]*tensor.Tensor{"x": zeros(tensor.Float32, 1<<30, 0)}},
	}
}

// TestHostileAllocLimits: every hostile model above fails with ErrLimit
// under MaxMemory 64 MiB, quickly and without allocating the huge buffer.
func TestHostileAllocLimits(t *testing.T) {
	for _, c := range limitsCases() {
		t.Run(c.name, func(t *testing.T) {
			var before, after goruntime.MemStats
			goruntime.GC()
			goruntime.ReadMemStats(&before)
			start := time.Now()
			p, err := runtime.Compile(c.m, runtime.Options{MaxMemory: 64 << 20, Threads: 2})
			if err == nil {
				_, err = p.NewSession().Run(c.in)
			}
			goruntime.ReadMemStats(&after)
			if !errors.Is(err, tensor.ErrLimit) {
				t.Fatalf("got %v, want ErrLimit", err)
			}
			t.Log(err)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<20 {
				t.Errorf("allocated %d MiB before failing", grew>>20)
			}
		})
	}
}
