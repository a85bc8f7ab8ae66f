package runtime_test

// Differential tests of qinfer's com.microsoft quantized kernels against
// ONNX Runtime (internal/ortref): each case builds a one-node model, runs it
// in both, and requires integer outputs bit-identical and float outputs
// within a relative tolerance.

import (
	"fmt"
	"math"
	"math/rand"
	"path/filepath"
	"testing"

	"github.com/qinfer/qinfer/internal/ortref"
	"github.com/qinfer/qinfer/internal/testdata"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// msCase is one single-node model: feeds are graph inputs, inits constants.
type msCase struct {
	name   string
	op     string
	inputs []string // node input names ("" = absent)
	feeds  map[string]*tensor.Tensor
	inits  map[string]*tensor.Tensor
	attrs  []*ir.Attr
	outDT  tensor.DType
	tol    float64 // relative tolerance for float outputs
}

func msAI(name string, v int64) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrInt, I: v} }
func msAF(name string, v float32) *ir.Attr {
	return &ir.Attr{Name: name, Type: ir.AttrFloat, F: v}
}
func msAInts(name string, v ...int64) *ir.Attr {
	return &ir.Attr{Name: name, Type: ir.AttrInts, Ints: v}
}

func msModel(c *msCase) *ir.Model {
	g := &ir.Graph{Name: "g"}
	for _, name := range c.inputs {
		if t, ok := c.feeds[name]; ok {
			dims := make([]int64, t.Rank())
			for i, d := range t.Shape() {
				dims[i] = int64(d)
			}
			g.Inputs = append(g.Inputs, &ir.ValueInfo{Name: name, Type: ir.TensorType(t.DType(), dims...)})
		}
	}
	for _, name := range c.inputs {
		if t, ok := c.inits[name]; ok {
			if _, dup := g.Initializers[name]; !dup {
				g.AddInitializer(name, t)
			}
		}
	}
	g.Nodes = []*ir.Node{{Name: "n0", OpType: c.op, Domain: ir.MSDomain, Inputs: c.inputs, Outputs: []string{"y"}, Attrs: c.attrs}}
	g.Outputs = []*ir.ValueInfo{{Name: "y", Type: &ir.Type{Kind: ir.KindTensor, Elem: c.outDT}}}
	return &ir.Model{IRVersion: 10, Opsets: map[string]int64{"": 21, ir.MSDomain: 1}, Graph: g}
}

// msRunBoth runs c in qinfer and ORT and returns the max relative error of
// a float output (0 for integer outputs, which must match exactly).
func msRunBoth(t *testing.T, c *msCase) float64 {
	t.Helper()
	m := msModel(c)
	path := filepath.Join(t.TempDir(), "m.onnx")
	if err := onnx.Save(m, path); err != nil {
		t.Fatalf("save: %v", err)
	}
	lm, err := onnx.Load(path)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	plan, err := runtime.Compile(lm, runtime.Options{Threads: 2})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	got, err := plan.NewSession().Run(c.feeds)
	if err != nil {
		t.Fatalf("qinfer run: %v", err)
	}
	ref, err := ortref.Run(path, c.feeds, 1)
	if err != nil {
		t.Fatalf("ort run: %v", err)
	}
	g, r := got["y"], ref["y"]
	if g == nil || r == nil {
		t.Fatalf("missing output: qinfer %v ort %v", g, r)
	}
	if g.DType() != r.DType() || !tensor.SameShape(g.Shape(), r.Shape()) {
		t.Fatalf("output %v%v, ORT %v%v", g.DType(), g.Shape(), r.DType(), r.Shape())
	}
	if !g.DType().IsFloat() {
		bad := 0
		for i := 0; i < g.Len(); i++ {
			if g.Int64At(i) != r.Int64At(i) {
				if bad < 5 {
					t.Errorf("element %d: qinfer %d, ORT %d", i, g.Int64At(i), r.Int64At(i))
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%d of %d integer elements differ", bad, g.Len())
		}
		return 0
	}
	gv, rv := tensor.ToFloat32(g), tensor.ToFloat32(r)
	var maxAbs float64
	for _, v := range rv {
		maxAbs = math.Max(maxAbs, math.Abs(float64(v)))
	}
	floor := math.Max(maxAbs*1e-3, 1e-6)
	var worst float64
	for i := range gv {
		e := math.Abs(float64(gv[i])-float64(rv[i])) / math.Max(math.Abs(float64(rv[i])), floor)
		if e != e {
			e = math.Inf(1)
		}
		worst = math.Max(worst, e)
	}
	if worst > c.tol {
		t.Errorf("max relative error %.3g > %.3g", worst, c.tol)
	}
	return worst
}

func msRequireORT(t *testing.T) {
	t.Helper()
	if err := ortref.Available(); err != nil {
		if testdata.Required() {
			t.Fatalf("ONNX Runtime missing (%s=1): %v", testdata.EnvRequire, err)
		}
		t.Skipf("ONNX Runtime missing: %v", err)
	}
}

// msRand makes a random tensor of an integer dtype over its full range, or
// floats in [-2, 2).
func msRand(r *rand.Rand, dt tensor.DType, shape ...int) *tensor.Tensor {
	t := tensor.Zeros(dt, shape...)
	switch d := t.Data().(type) {
	case []uint8:
		hi := 256
		if dt == tensor.Uint4 {
			hi = 16
		}
		for i := range d {
			d[i] = uint8(r.Intn(hi))
		}
	case []int8:
		lo, n := -128, 256
		if dt == tensor.Int4 {
			lo, n = -8, 16
		}
		for i := range d {
			d[i] = int8(lo + r.Intn(n))
		}
	case []uint16:
		for i := range d {
			d[i] = uint16(r.Intn(65536))
		}
	case []int32:
		for i := range d {
			d[i] = int32(r.Intn(20001) - 10000)
		}
	case []float32:
		for i := range d {
			d[i] = r.Float32()*4 - 2
		}
	}
	return t
}

func msS(v float32) *tensor.Tensor { return tensor.Scalar(v) }

// msZP returns a scalar zero point of dt.
func msZP(dt tensor.DType, v int) *tensor.Tensor {
	switch dt {
	case tensor.Int8:
		return tensor.Scalar(int8(v))
	case tensor.Uint16:
		return tensor.Scalar(uint16(v))
	}
	return tensor.Scalar(uint8(v))
}

func TestContribORT(t *testing.T) {
	msRequireORT(t)
	r := rand.New(rand.NewSource(7))
	var cases []*msCase
	zpFor := func(dt tensor.DType, u, s int) *tensor.Tensor {
		if dt == tensor.Int8 {
			return msZP(dt, s)
		}
		return msZP(dt, u)
	}
	// QLinearAdd / QLinearMul with broadcasting patterns (span, scalar, row).
	shapes := [][2][]int{
		{{3, 5, 7}, {3, 5, 7}}, {{2, 37}, {1}}, {{1}, {5, 9}}, {{4, 6, 5}, {6, 1}}, {{4, 1, 5}, {4, 3, 1}}, {{7, 1}, {1, 13}}, {{2, 3, 17}, {17}},
	}
	for _, op := range []string{"QLinearAdd", "QLinearMul"} {
		for _, dt := range []tensor.DType{tensor.Uint8, tensor.Int8} {
			for si, sh := range shapes {
				a, b := msRand(r, dt, sh[0]...), msRand(r, dt, sh[1]...)
				cases = append(cases, &msCase{
					name: fmt.Sprintf("%s/%v/%d", op, dt, si), op: op, outDT: dt,
					inputs: []string{"a", "as", "az", "b", "bs", "bz", "cs", "cz"},
					feeds:  map[string]*tensor.Tensor{"a": a, "b": b},
					inits: map[string]*tensor.Tensor{"as": msS(0.0213), "az": zpFor(dt, 131, -7), "bs": msS(0.0371), "bz": zpFor(dt, 97, 11),
						"cs": msS(0.0457 + float32(si)*0.003), "cz": zpFor(dt, 120, 3)},
				})
			}
		}
	}
	// Lookup-table activations.
	for _, op := range []string{"QLinearSigmoid", "QLinearLeakyRelu"} {
		for _, dt := range []tensor.DType{tensor.Uint8, tensor.Int8} {
			x := msRand(r, dt, 3, 7, 11)
			c := &msCase{
				name: fmt.Sprintf("%s/%v", op, dt), op: op, outDT: dt,
				inputs: []string{"x", "xs", "xz", "ys", "yz"},
				feeds:  map[string]*tensor.Tensor{"x": x},
				inits:  map[string]*tensor.Tensor{"xs": msS(0.0734), "xz": zpFor(dt, 140, 9), "ys": msS(1.0 / 256), "yz": zpFor(dt, 0, -128)},
			}
			if op == "QLinearLeakyRelu" {
				c.attrs = []*ir.Attr{msAF("alpha", 0.13)}
				c.inits["ys"], c.inits["yz"] = msS(0.041), zpFor(dt, 60, -70)
			}
			cases = append(cases, c)
		}
	}
	// QLinearConcat.
	for _, dt := range []tensor.DType{tensor.Uint8, tensor.Int8} {
		cases = append(cases, &msCase{
			name: fmt.Sprintf("QLinearConcat/%v", dt), op: "QLinearConcat", outDT: dt, attrs: []*ir.Attr{msAI("axis", -2)},
			inputs: []string{"ys", "yz", "x0", "s0", "z0", "x1", "s1", "z1", "x2", "s2", "z2"},
			feeds:  map[string]*tensor.Tensor{"x0": msRand(r, dt, 2, 3, 5), "x1": msRand(r, dt, 2, 1, 5), "x2": msRand(r, dt, 2, 4, 5)},
			inits: map[string]*tensor.Tensor{"ys": msS(0.05), "yz": zpFor(dt, 128, 0), "s0": msS(0.05), "z0": zpFor(dt, 128, 0),
				"s1": msS(0.031), "z1": zpFor(dt, 100, -20), "s2": msS(0.093), "z2": zpFor(dt, 170, 33)},
		})
	}
	// QLinearGlobalAveragePool, NCHW and NHWC.
	for _, dt := range []tensor.DType{tensor.Uint8, tensor.Int8} {
		for _, last := range []int64{0, 1} {
			cases = append(cases, &msCase{
				name: fmt.Sprintf("QLinearGlobalAveragePool/%v/last%d", dt, last), op: "QLinearGlobalAveragePool", outDT: dt,
				attrs:  []*ir.Attr{msAI("channels_last", last)},
				inputs: []string{"x", "xs", "xz", "ys", "yz"},
				feeds:  map[string]*tensor.Tensor{"x": msRand(r, dt, 2, 5, 7, 9)},
				inits:  map[string]*tensor.Tensor{"xs": msS(0.031), "xz": zpFor(dt, 129, 5), "ys": msS(0.011), "yz": zpFor(dt, 110, -3)},
			})
		}
	}
	// QLinearAveragePool: 2-D with pads, both count_include_pad, NHWC, 1-D.
	poolCfgs := []struct {
		shape []int
		attrs []*ir.Attr
	}{
		{[]int{2, 3, 9, 11}, []*ir.Attr{msAInts("kernel_shape", 3, 2), msAInts("strides", 2, 1), msAInts("pads", 1, 0, 1, 1)}},
		{[]int{2, 3, 9, 11}, []*ir.Attr{msAInts("kernel_shape", 3, 3), msAInts("strides", 2, 2), msAInts("pads", 1, 1, 1, 1), msAI("count_include_pad", 1)}},
		{[]int{1, 8, 7, 4}, []*ir.Attr{msAInts("kernel_shape", 2, 3), msAInts("pads", 0, 1, 1, 1), msAI("channels_last", 1)}},
		{[]int{2, 4, 13}, []*ir.Attr{msAInts("kernel_shape", 4), msAInts("strides", 3)}},
	}
	for _, dt := range []tensor.DType{tensor.Uint8, tensor.Int8} {
		for pi, pc := range poolCfgs {
			cases = append(cases, &msCase{
				name: fmt.Sprintf("QLinearAveragePool/%v/%d", dt, pi), op: "QLinearAveragePool", outDT: dt, attrs: pc.attrs,
				inputs: []string{"x", "xs", "xz", "ys", "yz"},
				feeds:  map[string]*tensor.Tensor{"x": msRand(r, dt, pc.shape...)},
				inits:  map[string]*tensor.Tensor{"xs": msS(0.027), "xz": zpFor(dt, 125, -9), "ys": msS(0.019), "yz": zpFor(dt, 131, 4)},
			})
		}
	}
	// QLinearSoftmax, opset 13 (axis) and 12 (flattened).
	for _, dt := range []tensor.DType{tensor.Uint8, tensor.Int8} {
		for _, cfg := range []struct {
			opset, axis int64
			shape       []int
		}{{13, -1, []int{3, 4, 19}}, {13, 1, []int{2, 5, 3}}, {12, 1, []int{4, 3, 5}}} {
			cases = append(cases, &msCase{
				name: fmt.Sprintf("QLinearSoftmax/%v/op%d/ax%d", dt, cfg.opset, cfg.axis), op: "QLinearSoftmax", outDT: dt,
				attrs:  []*ir.Attr{msAI("opset", cfg.opset), msAI("axis", cfg.axis)},
				inputs: []string{"x", "xs", "xz", "ys", "yz"},
				feeds:  map[string]*tensor.Tensor{"x": msRand(r, dt, cfg.shape...)},
				inits:  map[string]*tensor.Tensor{"xs": msS(0.043), "xz": zpFor(dt, 128, 0), "ys": msS(1.0 / 256), "yz": zpFor(dt, 0, -128)},
			})
		}
	}
	// QGemm: quantized and float outputs, per-tensor and per-column B, bias C, transposes.
	for _, combo := range [][2]tensor.DType{{tensor.Uint8, tensor.Uint8}, {tensor.Uint8, tensor.Int8}, {tensor.Int8, tensor.Int8}} {
		at, bt := combo[0], combo[1]
		for vi, v := range []struct {
			transA, transB int64
			perCol, quant  bool
			cshape         []int
		}{{0, 0, false, true, nil}, {1, 0, true, true, []int{11}}, {0, 1, false, false, []int{5, 1}}, {1, 1, true, false, []int{5, 11}}} {
			m, k, n := 5, 23, 11
			ash := []int{m, k}
			if v.transA == 1 {
				ash = []int{k, m}
			}
			bsh := []int{k, n}
			if v.transB == 1 {
				bsh = []int{n, k}
			}
			c := &msCase{
				name: fmt.Sprintf("QGemm/%v%v/%d", at, bt, vi), op: "QGemm", outDT: tensor.Float32, tol: 1e-4,
				attrs:  []*ir.Attr{msAI("transA", v.transA), msAI("transB", v.transB), msAF("alpha", 0.75)},
				inputs: []string{"a", "as", "az", "b", "bs", "bz"},
				feeds:  map[string]*tensor.Tensor{"a": msRand(r, at, ash...), "b": msRand(r, bt, bsh...)},
				inits:  map[string]*tensor.Tensor{"as": msS(0.017), "az": zpFor(at, 121, -5)},
			}
			if v.perCol {
				sc := make([]float32, n)
				var zp any
				if bt == tensor.Int8 {
					z := make([]int8, n)
					zp = z
				} else {
					z := make([]uint8, n)
					for i := range z {
						z[i] = uint8(100 + 7*i)
					}
					zp = z
				}
				for i := range sc {
					sc[i] = 0.004 + 0.001*float32(i)
				}
				c.inits["bs"] = tensor.From([]int{n}, sc)
				zt, _ := tensor.FromData(bt, []int{n}, zp)
				c.inits["bz"] = zt
			} else {
				c.inits["bs"], c.inits["bz"] = msS(0.0061), zpFor(bt, 133, 0)
			}
			if v.cshape != nil {
				c.inputs = append(c.inputs, "c")
				c.inits["c"] = msRand(r, tensor.Int32, v.cshape...)
			}
			if v.quant {
				if v.cshape == nil {
					c.inputs = append(c.inputs, "")
				}
				c.inputs = append(c.inputs, "ys", "yz")
				c.inits["ys"], c.inits["yz"] = msS(0.93), zpFor(at, 128, 2)
				c.outDT = at
			}
			cases = append(cases, c)
		}
	}
	// MatMulIntegerToFloat and DynamicQuantizeMatMul.
	for _, combo := range [][2]tensor.DType{{tensor.Uint8, tensor.Uint8}, {tensor.Uint8, tensor.Int8}, {tensor.Int8, tensor.Int8}} {
		at, bt := combo[0], combo[1]
		n := 9
		sc := make([]float32, n)
		for i := range sc {
			sc[i] = 0.01 + 0.002*float32(i)
		}
		bias := msRand(r, tensor.Float32, n)
		cases = append(cases, &msCase{
			name: fmt.Sprintf("MatMulIntegerToFloat/%v%v", at, bt), op: "MatMulIntegerToFloat", outDT: tensor.Float32, tol: 1e-4,
			inputs: []string{"a", "b", "as", "bs", "az", "bz", "bias"},
			feeds:  map[string]*tensor.Tensor{"a": msRand(r, at, 2, 3, 13)},
			inits: map[string]*tensor.Tensor{"b": msRand(r, bt, 13, n), "as": msS(0.023), "bs": tensor.From([]int{n}, sc),
				"az": zpFor(at, 117, 3), "bz": zpFor(bt, 140, -2), "bias": bias},
		})
		if at == tensor.Uint8 {
			cases = append(cases, &msCase{
				name: fmt.Sprintf("DynamicQuantizeMatMul/%v", bt), op: "DynamicQuantizeMatMul", outDT: tensor.Float32, tol: 1e-4,
				inputs: []string{"a", "b", "bs", "bz", "bias"},
				feeds:  map[string]*tensor.Tensor{"a": msRand(r, tensor.Float32, 2, 4, 13)},
				inits:  map[string]*tensor.Tensor{"b": msRand(r, bt, 13, n), "bs": msS(0.017), "bz": zpFor(bt, 131, 0), "bias": bias},
			})
		}
	}
	// MatMulNBits: bits 4 and 8, block sizes 16/32/128, odd K, zero points packed/absent, bias.
	for _, bits := range []int{4, 8} {
		for _, bl := range []int{16, 32, 128} {
			for _, k := range []int{67, 200} {
				for variant := 0; variant < 4; variant++ {
					if variant == 3 && bits == 8 {
						continue // ORT 1.30: float zero points only for 2/4-bit
					}
					n := 13
					nb := (k + bl - 1) / bl
					blob := bl * bits / 8
					sc := make([]float32, n*nb)
					for i := range sc {
						sc[i] = 0.01 + 0.02*r.Float32()
					}
					c := &msCase{
						name: fmt.Sprintf("MatMulNBits/b%d/bs%d/K%d/v%d", bits, bl, k, variant), op: "MatMulNBits", outDT: tensor.Float32, tol: 1e-3,
						attrs:  []*ir.Attr{msAI("K", int64(k)), msAI("N", int64(n)), msAI("bits", int64(bits)), msAI("block_size", int64(bl))},
						inputs: []string{"a", "b", "s"},
						feeds:  map[string]*tensor.Tensor{"a": msRand(r, tensor.Float32, 3, k)},
						inits:  map[string]*tensor.Tensor{"b": msRand(r, tensor.Uint8, n, nb, blob), "s": tensor.From([]int{n * nb}, sc)},
					}
					if variant == 3 {
						zf := make([]float32, n*nb)
						for i := range zf {
							zf[i] = float32(r.Intn(1<<bits)) + 0.25
						}
						c.inputs = append(c.inputs, "z")
						c.inits["z"] = tensor.From([]int{n * nb}, zf)
					} else if variant >= 1 {
						zb := (nb*bits + 7) / 8
						c.inputs = append(c.inputs, "z")
						c.inits["z"] = msRand(r, tensor.Uint8, n*zb)
					}
					if variant == 2 {
						c.inputs = append(c.inputs, "", "bias")
						c.inits["bias"] = msRand(r, tensor.Float32, n)
					}
					cases = append(cases, c)
				}
			}
		}
	}
	// GatherBlockQuantized: uint8 packed 4-bit and 8-bit, int4/uint4 on axis 1.
	{
		d := msRand(r, tensor.Uint8, 6, 40) // 80 4-bit values per row
		sc := msRand(r, tensor.Float32, 6, 3)
		cases = append(cases, &msCase{
			name: "GatherBlockQuantized/u8b4", op: "GatherBlockQuantized", outDT: tensor.Float32, tol: 1e-6,
			attrs:  []*ir.Attr{msAI("block_size", 32), msAI("quantize_axis", 1)},
			inputs: []string{"d", "i", "s", "z"},
			feeds:  map[string]*tensor.Tensor{"i": tensor.From([]int{2, 2}, []int64{5, 0, -1, 2})},
			inits:  map[string]*tensor.Tensor{"d": d, "s": sc, "z": msRand(r, tensor.Uint8, 6, 2)},
		})
		d8 := msRand(r, tensor.Uint8, 5, 33)
		cases = append(cases, &msCase{
			name: "GatherBlockQuantized/u8b8", op: "GatherBlockQuantized", outDT: tensor.Float32, tol: 1e-6,
			attrs:  []*ir.Attr{msAI("block_size", 16), msAI("quantize_axis", 1), msAI("bits", 8)},
			inputs: []string{"d", "i", "s"},
			feeds:  map[string]*tensor.Tensor{"i": tensor.From([]int{3}, []int32{4, 1, 1})},
			inits:  map[string]*tensor.Tensor{"d": d8, "s": msRand(r, tensor.Float32, 5, 3)},
		})
		for _, dt := range []tensor.DType{tensor.Int4, tensor.Uint4} {
			cases = append(cases, &msCase{
				name: fmt.Sprintf("GatherBlockQuantized/%v", dt), op: "GatherBlockQuantized", outDT: tensor.Float32, tol: 1e-6,
				attrs:  []*ir.Attr{msAI("block_size", 16), msAI("gather_axis", 1), msAI("quantize_axis", 0)},
				inputs: []string{"d", "i", "s", "z"},
				feeds:  map[string]*tensor.Tensor{"i": tensor.From([]int{2}, []int64{3, 1})},
				inits:  map[string]*tensor.Tensor{"d": msRand(r, dt, 34, 4, 3), "s": msRand(r, tensor.Float32, 3, 4, 3), "z": msRand(r, dt, 3, 4, 3)},
			})
		}
	}
	// com.microsoft QuantizeLinear / DequantizeLinear with 16-bit types and per-axis.
	for _, dt := range []tensor.DType{tensor.Uint16, tensor.Int16, tensor.Uint8} {
		zp := tensor.Zeros(dt, 4)
		for i := 0; i < 4; i++ {
			zp.SetInt64(i, int64(3*i+1))
		}
		sc := tensor.From([]int{4}, []float32{0.001, 0.02, 0.3, 0.0007})
		cases = append(cases, &msCase{
			name: fmt.Sprintf("QuantizeLinear/%v", dt), op: "QuantizeLinear", outDT: dt,
			attrs: []*ir.Attr{msAI("axis", 1)}, inputs: []string{"x", "s", "z"},
			feeds: map[string]*tensor.Tensor{"x": msRand(r, tensor.Float32, 3, 4, 5)},
			inits: map[string]*tensor.Tensor{"s": sc, "z": zp},
		})
		cases = append(cases, &msCase{
			name: fmt.Sprintf("DequantizeLinear/%v", dt), op: "DequantizeLinear", outDT: tensor.Float32, tol: 1e-6,
			attrs: []*ir.Attr{msAI("axis", 1)}, inputs: []string{"x", "s", "z"},
			feeds: map[string]*tensor.Tensor{"x": msRand(r, dt, 3, 4, 5)},
			inits: map[string]*tensor.Tensor{"s": sc, "z": zp},
		})
	}

	worst := map[string]float64{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := msRunBoth(t, c)
			if w, ok := worst[c.op]; !ok || e > w {
				worst[c.op] = e
			}
		})
	}
	for op, e := range worst {
		t.Logf("%s: max float relative error vs ONNX Runtime %.3g (0 for bit-exact or integer outputs)", op, e)
	}
}
