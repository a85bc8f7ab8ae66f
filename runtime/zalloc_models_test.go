package runtime_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/qinfer/qinfer/internal/testdata"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// zaCase is a model plus a feed for steady-state allocation checks.
type zaCase struct {
	name string
	m    *ir.Model
	feed map[string]*tensor.Tensor
}

func zaRandF32(seed uint64, shape ...int) *tensor.Tensor {
	r := rand.New(rand.NewPCG(seed, 3))
	t := tensor.Zeros(tensor.Float32, shape...)
	for i := range t.Float32s() {
		t.Float32s()[i] = r.Float32()*2 - 1
	}
	return t
}

// zaConvNet is the 12-layer 3x3 conv+relu net of the steady-state test.
func zaConvNet() zaCase {
	const layers, c, hw = 12, 16, 32
	b := newB().in("x", tensor.Float32, 1, c, hw, hw)
	prev := "x"
	for i := 0; i < layers; i++ {
		w := tensor.Zeros(tensor.Float32, c, c, 3, 3)
		for j := range w.Float32s() {
			w.Float32s()[j] = float32((j*7+i)%13-6) / 64
		}
		wn, cn, rn := fmt.Sprintf("w%d", i), fmt.Sprintf("c%d", i), fmt.Sprintf("r%d", i)
		b.init(wn, w).
			node("Conv", []string{prev, wn}, []string{cn}, intsAttr("pads", 1, 1, 1, 1)).
			node("Relu", []string{cn}, []string{rn})
		prev = rn
	}
	b.node("Identity", []string{prev}, []string{"y"}).out("y")
	return zaCase{"convnet", b.model(13), map[string]*tensor.Tensor{"x": zaRandF32(1, 1, c, hw, hw)}}
}

// zaMLP is Gemm+Relu, MatMul+Add+Relu, Gemm: a small multilayer perceptron.
func zaMLP() zaCase {
	b := newB().in("x", tensor.Float32, 8, 64)
	b.init("w1", zaRandF32(2, 128, 64)).init("b1", zaRandF32(3, 128)).
		node("Gemm", []string{"x", "w1", "b1"}, []string{"g1"}, intAttr("transB", 1)).
		node("Relu", []string{"g1"}, []string{"r1"}).
		init("w2", zaRandF32(4, 128, 96)).init("b2", zaRandF32(5, 96)).
		node("MatMul", []string{"r1", "w2"}, []string{"m2"}).
		node("Add", []string{"m2", "b2"}, []string{"a2"}).
		node("Relu", []string{"a2"}, []string{"r2"}).
		init("w3", zaRandF32(6, 96, 10)).init("b3", zaRandF32(7, 10)).
		node("Gemm", []string{"r2", "w3", "b3"}, []string{"y"}).out("y")
	return zaCase{"mlp", b.model(13), map[string]*tensor.Tensor{"x": zaRandF32(8, 8, 64)}}
}

// zaTransformer is one attention block: Gather embedding, LayerNorm,
// Q/K/V MatMuls, Reshape/Transpose into heads, scaled Softmax, output
// projection and residual Add, then an MLP with Relu.
func zaTransformer() zaCase {
	const seq, d, heads, vocab = 16, 64, 4, 100
	ids := tensor.Zeros(tensor.Int64, 1, seq)
	for i := range ids.Int64s() {
		ids.Int64s()[i] = int64(i*7) % vocab
	}
	f := func(name string, v float32) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrFloat, F: v} }
	b := newB().in("ids", tensor.Int64, 1, seq)
	b.init("emb", zaRandF32(10, vocab, d)).init("pos", zaRandF32(11, 1, seq, d)).
		init("g", zaRandF32(12, d)).init("be", zaRandF32(13, d)).
		init("wq", zaRandF32(14, d, d)).init("wk", zaRandF32(15, d, d)).init("wv", zaRandF32(16, d, d)).init("wo", zaRandF32(17, d, d)).
		init("hshape", tensor.From([]int{4}, []int64{1, seq, heads, d / heads})).
		init("oshape", tensor.From([]int{3}, []int64{1, seq, d})).
		init("scale", tensor.Scalar(float32(0.25))).
		init("w1", zaRandF32(18, d, 2*d)).init("b1", zaRandF32(19, 2*d)).init("w2", zaRandF32(20, 2*d, d)).
		node("Gather", []string{"emb", "ids"}, []string{"e"}).
		node("Add", []string{"e", "pos"}, []string{"h0"}).
		node("LayerNormalization", []string{"h0", "g", "be"}, []string{"ln"}, intAttr("axis", -1), f("epsilon", 1e-5))
	for _, p := range []string{"q", "k", "v"} {
		b.node("MatMul", []string{"ln", "w" + p}, []string{p}).
			node("Reshape", []string{p, "hshape"}, []string{p + "r"})
	}
	b.node("Transpose", []string{"qr"}, []string{"qt"}, intsAttr("perm", 0, 2, 1, 3)).
		node("Transpose", []string{"kr"}, []string{"kt"}, intsAttr("perm", 0, 2, 3, 1)).
		node("Transpose", []string{"vr"}, []string{"vt"}, intsAttr("perm", 0, 2, 1, 3)).
		node("MatMul", []string{"qt", "kt"}, []string{"s"}).
		node("Mul", []string{"s", "scale"}, []string{"ss"}).
		node("Softmax", []string{"ss"}, []string{"sm"}, intAttr("axis", -1)).
		node("MatMul", []string{"sm", "vt"}, []string{"o"}).
		node("Transpose", []string{"o"}, []string{"ot"}, intsAttr("perm", 0, 2, 1, 3)).
		node("Reshape", []string{"ot", "oshape"}, []string{"or"}).
		node("MatMul", []string{"or", "wo"}, []string{"proj"}).
		node("Add", []string{"proj", "h0"}, []string{"h1"}).
		node("MatMul", []string{"h1", "w1"}, []string{"f1"}).
		node("Add", []string{"f1", "b1"}, []string{"f1b"}).
		node("Relu", []string{"f1b"}, []string{"f1r"}).
		node("MatMul", []string{"f1r", "w2"}, []string{"f2"}).
		node("Add", []string{"f2", "h1"}, []string{"y"}).out("y")
	return zaCase{"transformer", b.model(17), map[string]*tensor.Tensor{"ids": ids}}
}

// zaQDQConvNet is a static-int8 QDQ conv net: Q, then three 3x3
// conv(+relu) layers with per-channel int8 weights and int32 biases, each
// requantized to uint8 (QLinearConv after fusion), then DQ.
func zaQDQConvNet() zaCase {
	b := newQB(9)
	const c, hw = 8, 16
	b.input("x", 1, c, hw, hw)
	pads := &ir.Attr{Name: "pads", Type: ir.AttrInts, Ints: []int64{1, 1, 1, 1}}
	xs := float32(6.0 / 255)
	cur := b.q("x", xs, 128, false)
	for i := 0; i < 3; i++ {
		w, ws := b.weight([]int{c, c, 3, 3}, 0, true)
		v := b.node("Conv", []string{b.dq(cur), w, b.bias(xs, ws, c)}, pads)
		if i < 2 {
			v = b.node("Relu", []string{v})
		}
		xs = 0.05
		cur = b.q(v, xs, 0, false)
	}
	y := b.dq(cur)
	b.rename(y, "y")
	b.output("y")
	return zaCase{"qdqconv", b.model(), map[string]*tensor.Tensor{"x": qdqRandInput(4, -3, 3, 1, c, hw, hw)}}
}

// zaQDQResNet is qdqResNet (residual QLinearAdd, global average pool,
// QGemm; three outputs).
func zaQDQResNet() zaCase {
	return zaCase{"qdqresnet", qdqResNet(), map[string]*tensor.Tensor{"x": qdqRandInput(4, -3, 3, 1, 8, 8, 8)}}
}

// zaFileCase loads a benchmark model from .cache/bench, or skips.
func zaFileCase(tb testing.TB, file string) zaCase {
	path := filepath.Join(testdata.CacheDir(), "bench", file)
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("%s not available", path)
	}
	m, err := onnx.Load(path)
	if err != nil {
		tb.Fatal(err)
	}
	feed := map[string]*tensor.Tensor{}
	for i, in := range m.Graph.RealInputs() {
		var shape []int
		for _, d := range in.Type.Shape {
			v := 1
			if d.Known() {
				v = int(d.Value)
			}
			shape = append(shape, v)
		}
		feed[in.Name] = zaRandF32(uint64(100+i), shape...)
	}
	return zaCase{file, m, feed}
}

func zaSession(tb testing.TB, c zaCase) *runtime.Session {
	threads := 1 // QINFER_ZA_THREADS=n measures the parallel paths
	if n, err := strconv.Atoi(os.Getenv("QINFER_ZA_THREADS")); err == nil && n > 0 {
		threads = n
	}
	p, err := runtime.Compile(c.m, runtime.Options{Threads: threads})
	if err != nil {
		tb.Fatal(err)
	}
	s := p.NewSession()
	for i := 0; i < 3; i++ {
		if _, err := s.Run(c.feed); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// BenchmarkZaSteadyRun reports allocations of a steady-state Session.Run
// per model (run with -benchmem).
func BenchmarkZaSteadyRun(bm *testing.B) {
	cases := []func(testing.TB) zaCase{
		func(testing.TB) zaCase { return zaConvNet() },
		func(testing.TB) zaCase { return zaMLP() },
		func(testing.TB) zaCase { return zaTransformer() },
		func(testing.TB) zaCase { return zaQDQConvNet() },
		func(testing.TB) zaCase { return zaQDQResNet() },
		func(tb testing.TB) zaCase { return zaFileCase(tb, "resnet18.onnx") },
		func(tb testing.TB) zaCase { return zaFileCase(tb, "mobilenetv2.onnx") },
		func(tb testing.TB) zaCase { return zaFileCase(tb, "resnet18_int8.onnx") },
		func(tb testing.TB) zaCase { return zaFileCase(tb, "mobilenetv2_int8.onnx") },
	}
	names := []string{"convnet", "mlp", "transformer", "qdqconv", "qdqresnet", "resnet18", "mobilenetv2", "resnet18_int8", "mobilenetv2_int8"}
	for i, mk := range cases {
		bm.Run(names[i], func(bm *testing.B) {
			c := mk(bm)
			s := zaSession(bm, c)
			bm.ReportAllocs()
			bm.ResetTimer()
			for bm.Loop() {
				if _, err := s.Run(c.feed); err != nil {
					bm.Fatal(err)
				}
			}
		})
	}
}

// zaInvertedResidual is a MobileNetV2 block: 1x1 expansion + Relu,
// depthwise 3x3 + Relu, 1x1 projection and the residual Add, which the
// runtime fuses into one banded qinfer.InvertedResidual.
func zaInvertedResidual() zaCase {
	const c, e, hw = 8, 32, 20
	b := newB().in("x", tensor.Float32, 1, c, hw, hw)
	b.init("we", zaRandF32(20, e, c, 1, 1)).init("be", zaRandF32(21, e)).
		node("Conv", []string{"x", "we", "be"}, []string{"ce"}).
		node("Relu", []string{"ce"}, []string{"re"}).
		init("wd", zaRandF32(22, e, 1, 3, 3)).init("bd", zaRandF32(23, e)).
		node("Conv", []string{"re", "wd", "bd"}, []string{"cd"}, intAttr("group", e), intsAttr("pads", 1, 1, 1, 1)).
		node("Relu", []string{"cd"}, []string{"rd"}).
		init("wp", zaRandF32(24, c, e, 1, 1)).init("bp", zaRandF32(25, c)).
		node("Conv", []string{"rd", "wp", "bp"}, []string{"cp"}).
		node("Add", []string{"cp", "x"}, []string{"y"}).out("y")
	return zaCase{"invres", b.model(13), map[string]*tensor.Tensor{"x": zaRandF32(26, 1, c, hw, hw)}}
}
