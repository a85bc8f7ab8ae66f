package ops

import (
	"fmt"
	"math"
	"math/rand"
	"sync"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

// qwKernel builds the kernel of op (domain "" or com.microsoft).
func qwKernel(t testing.TB, domain, op string, opset int, attrs map[string]any) (Kernel, *ir.Node) {
	t.Helper()
	n := qsNode(op, attrs)
	n.Domain = domain
	f, err := Lookup(domain, op, opset)
	if err != nil {
		t.Fatal(err)
	}
	k, err := f(n, opset)
	if err != nil {
		t.Fatal(err)
	}
	return k, n
}

func qwRun(k Kernel, n *ir.Node, threads int, in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	return k.Run(&Context{Node: n, Opset: 21, Threads: threads}, in)
}

// qwRand8 returns a random 8-bit tensor; extremes are frequent so that
// saturation and zero points at the ends of the range are exercised.
func qwRand8(r *rand.Rand, dt tensor.DType, shape ...int) *tensor.Tensor {
	t := tensor.Must(tensor.New(dt, shape...))
	switch d := t.Data().(type) {
	case []uint8:
		for i := range d {
			switch r.Intn(8) {
			case 0:
				d[i] = 0
			case 1:
				d[i] = 255
			default:
				d[i] = uint8(r.Intn(256))
			}
		}
	case []int8:
		for i := range d {
			switch r.Intn(8) {
			case 0:
				d[i] = -128
			case 1:
				d[i] = 127
			default:
				d[i] = int8(r.Intn(256) - 128)
			}
		}
	}
	return t
}

// qwZP returns a zero-point tensor of dt with the given values
// (interpreted for uint8; shifted by -128 for int8) and shape.
func qwZP(dt tensor.DType, shape []int, vals ...int) *tensor.Tensor {
	t := tensor.Must(tensor.New(dt, shape...))
	for i := 0; i < t.Len(); i++ {
		v := vals[i%len(vals)]
		if dt == tensor.Int8 {
			v -= 128
		}
		t.SetFloat64(i, float64(v))
	}
	return t
}

func qwScales(r *rand.Rand, n int, lo, hi float32) *tensor.Tensor {
	s := make([]float32, n)
	for i := range s {
		s[i] = lo + r.Float32()*(hi-lo)
	}
	return tensor.From([]int{n}, s)
}

func qwSame(t *testing.T, name string, got, want []*tensor.Tensor) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d outputs, want %d", name, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.DType() != w.DType() || fmt.Sprint(g.Shape()) != fmt.Sprint(w.Shape()) {
			t.Fatalf("%s: output %d is %v%v, want %v%v", name, i, g.DType(), g.Shape(), w.DType(), w.Shape())
		}
		for j := 0; j < g.Len(); j++ {
			if g.At(j) != w.At(j) {
				t.Fatalf("%s: output %d differs at %d: got %v, want %v", name, i, j, g.At(j), w.At(j))
			}
		}
	}
}

type qwConvCase struct {
	n, cin, cout, group int
	in, kern            []int
	stride, pad, dil    int
	autoPad             string
	xdt, wdt, ydt       tensor.DType
	xzp, yzp            int // uint8 view: int8 zero points are these - 128
	perChan, bias       bool
	multHi              float32 // upper end of x_scale·w_scale/y_scale
}

func (c qwConvCase) String() string {
	return fmt.Sprintf("n%d_c%d_m%d_g%d_in%v_k%v_s%d_p%d_d%d_%s_%v%v%v_xz%d_yz%d_pc%v_b%v_m%g",
		c.n, c.cin, c.cout, c.group, c.in, c.kern, c.stride, c.pad, c.dil, c.autoPad, c.xdt, c.wdt, c.ydt, c.xzp, c.yzp, c.perChan, c.bias, c.multHi)
}

func qwConvCases() []qwConvCase {
	var cs []qwConvCase
	dts := [][3]tensor.DType{{tensor.Uint8, tensor.Int8, tensor.Uint8}, {tensor.Int8, tensor.Int8, tensor.Int8},
		{tensor.Uint8, tensor.Uint8, tensor.Int8}, {tensor.Int8, tensor.Uint8, tensor.Uint8}}
	zps := [][2]int{{0, 128}, {128, 0}, {255, 255}, {7, 100}}
	i := 0
	for _, k := range []int{1, 3, 5} {
		for _, s := range []int{1, 2} {
			for _, grp := range []string{"one", "dw", "two"} {
				for _, pad := range []int{0, 1, 2} {
					i++
					dt, zp := dts[i%len(dts)], zps[i%len(zps)]
					c := qwConvCase{n: 1 + i%2, in: []int{5 + i%7, 4 + i%9}, kern: []int{k, k}, stride: s, pad: pad, dil: 1 + i%3/2,
						xdt: dt[0], wdt: dt[1], ydt: dt[2], xzp: zp[0], yzp: zp[1], perChan: i%2 == 0, bias: i%3 != 0,
						multHi: []float32{0.002, 0.02, 0.5}[i%3]}
					switch grp {
					case "one":
						c.cin, c.cout, c.group = 3+i%6, 5+i%5, 1
					case "dw":
						c.cin, c.cout, c.group = 4+i%5, 4+i%5, 4+i%5
					case "two":
						c.cin, c.cout, c.group = 6, 4+2*(i%3), 2
					}
					if k == 5 && c.dil == 2 {
						c.in = []int{11, 10}
					}
					cs = append(cs, c)
				}
			}
		}
	}
	// 1-D, 3-D (reference fallback), auto_pad, asymmetric kernels, 1×1
	// stride-1 with groups, depthwise with channel multiplier, empty output.
	cs = append(cs,
		qwConvCase{n: 2, cin: 5, cout: 7, group: 1, in: []int{13}, kern: []int{3}, stride: 2, pad: 1, dil: 1, xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 128, yzp: 3, perChan: true, bias: true, multHi: 0.02},
		qwConvCase{n: 1, cin: 3, cout: 3, group: 3, in: []int{17}, kern: []int{5}, stride: 1, pad: 2, dil: 2, xdt: tensor.Int8, wdt: tensor.Int8, ydt: tensor.Int8, xzp: 128, yzp: 128, bias: true, multHi: 0.05},
		qwConvCase{n: 1, cin: 2, cout: 3, group: 1, in: []int{4, 5, 3}, kern: []int{3, 3, 1}, stride: 1, pad: 1, dil: 1, xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 9, yzp: 5, multHi: 0.02},
		qwConvCase{n: 1, cin: 4, cout: 6, group: 1, in: []int{9, 7}, kern: []int{3, 2}, stride: 2, autoPad: "SAME_UPPER", dil: 1, xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 200, yzp: 128, perChan: true, bias: true, multHi: 0.03},
		qwConvCase{n: 1, cin: 4, cout: 6, group: 1, in: []int{8, 7}, kern: []int{2, 3}, stride: 1, autoPad: "SAME_LOWER", dil: 1, xdt: tensor.Int8, wdt: tensor.Uint8, ydt: tensor.Int8, xzp: 60, yzp: 128, multHi: 0.03},
		qwConvCase{n: 2, cin: 8, cout: 6, group: 2, in: []int{6, 9}, kern: []int{1, 1}, stride: 1, dil: 1, xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 128, yzp: 128, perChan: true, bias: true, multHi: 0.02},
		qwConvCase{n: 1, cin: 64, cout: 40, group: 1, in: []int{9, 9}, kern: []int{1, 1}, stride: 1, dil: 1, xdt: tensor.Int8, wdt: tensor.Int8, ydt: tensor.Int8, xzp: 128, yzp: 128, perChan: true, bias: true, multHi: 0.002},
		qwConvCase{n: 1, cin: 4, cout: 8, group: 4, in: []int{7, 6}, kern: []int{3, 3}, stride: 1, pad: 1, dil: 1, xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 128, yzp: 128, perChan: true, bias: true, multHi: 0.02},
		qwConvCase{n: 1, cin: 2, cout: 2, group: 1, in: []int{2, 2}, kern: []int{3, 3}, stride: 1, dil: 1, autoPad: "VALID", xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, multHi: 0.02},
		// Depthwise 3×3 rows (qpDW3x3Row): narrow rows are all border,
		// wide ones mostly interior, odd and even widths at stride 2.
		qwConvCase{n: 1, cin: 3, cout: 3, group: 3, in: []int{3, 1}, kern: []int{3, 3}, stride: 1, pad: 1, dil: 1, xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 128, yzp: 128, perChan: true, bias: true, multHi: 0.02},
		qwConvCase{n: 1, cin: 3, cout: 3, group: 3, in: []int{4, 2}, kern: []int{3, 3}, stride: 2, pad: 1, dil: 1, xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 128, yzp: 128, perChan: true, bias: true, multHi: 0.02},
		qwConvCase{n: 2, cin: 5, cout: 5, group: 5, in: []int{19, 37}, kern: []int{3, 3}, stride: 2, pad: 1, dil: 1, xdt: tensor.Int8, wdt: tensor.Int8, ydt: tensor.Int8, xzp: 3, yzp: 128, perChan: true, bias: true, multHi: 0.02},
		qwConvCase{n: 1, cin: 5, cout: 5, group: 5, in: []int{18, 40}, kern: []int{3, 3}, stride: 2, pad: 0, dil: 1, xdt: tensor.Uint8, wdt: tensor.Uint8, ydt: tensor.Uint8, xzp: 30, yzp: 128, bias: true, multHi: 0.02},
		qwConvCase{n: 1, cin: 4, cout: 4, group: 4, in: []int{21, 33}, kern: []int{3, 3}, stride: 1, pad: 1, dil: 1, xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 128, yzp: 128, perChan: true, bias: true, multHi: 0.02},
		qwConvCase{n: 1, cin: 4, cout: 4, group: 4, in: []int{6, 9}, kern: []int{3, 3}, stride: 1, pad: 2, dil: 1, xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 128, yzp: 128, perChan: true, bias: true, multHi: 0.02},
		// First layer (3 channels, 7×7 stride 2) and a strided 3×3: the
		// contiguous kernel-row copies of qwIm2col.
		qwConvCase{n: 1, cin: 3, cout: 16, group: 1, in: []int{23, 21}, kern: []int{7, 7}, stride: 2, pad: 3, dil: 1, xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 117, yzp: 128, perChan: true, bias: true, multHi: 0.01},
		qwConvCase{n: 2, cin: 16, cout: 24, group: 1, in: []int{11, 12}, kern: []int{3, 3}, stride: 2, pad: 1, dil: 1, xdt: tensor.Int8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 5, yzp: 128, perChan: true, bias: true, multHi: 0.01},
		qwConvCase{n: 1, cin: 37, cout: 33, group: 1, in: []int{15, 14}, kern: []int{3, 3}, stride: 1, pad: 1, dil: 1, xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 3, yzp: 250, perChan: true, bias: true, multHi: 0.001},
	)
	return cs
}

// qwConvInputs builds the nine QLinearConv inputs of c.
func qwConvInputs(r *rand.Rand, c qwConvCase) []*tensor.Tensor {
	xs := append([]int{c.n, c.cin}, c.in...)
	ws := append([]int{c.cout, c.cin / c.group}, c.kern...)
	x := qwRand8(r, c.xdt, xs...)
	w := qwRand8(r, c.wdt, ws...)
	nw := 1
	if c.perChan {
		nw = c.cout
	}
	xS := float32(0.01 + r.Float64()*0.05)
	yS := float32(0.1 + r.Float64())
	// w_scale so that x_scale·w_scale/y_scale spans (0, multHi].
	wsv := make([]float32, nw)
	for i := range wsv {
		wsv[i] = (c.multHi * (0.2 + 0.8*r.Float32())) * yS / xS
	}
	wzv := make([]int, nw)
	for i := range wzv {
		wzv[i] = []int{0, 128, 255, r.Intn(256)}[r.Intn(4)]
	}
	var bias *tensor.Tensor
	if c.bias {
		bv := make([]int32, c.cout)
		for i := range bv {
			bv[i] = int32(r.Intn(40001) - 20000)
		}
		bias = tensor.From([]int{c.cout}, bv)
	}
	wS := tensor.From([]int{nw}, wsv)
	if nw == 1 {
		wS = tensor.Scalar(wsv[0])
	}
	return []*tensor.Tensor{x, tensor.Scalar(xS), qwZP(c.xdt, nil, c.xzp), w, wS, qwZP(c.wdt, []int{nw}, wzv...),
		tensor.Scalar(yS), qwZP(c.ydt, nil, c.yzp), bias}
}

func (c qwConvCase) attrs() map[string]any {
	nsp := len(c.in)
	rep := func(v int, n int) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(v)
		}
		return out
	}
	a := map[string]any{"group": c.group, "strides": rep(c.stride, nsp), "dilations": rep(c.dil, nsp)}
	if c.autoPad != "" {
		a["auto_pad"] = c.autoPad
	} else {
		a["pads"] = rep(c.pad, 2*nsp)
	}
	return a
}

// TestQLinearConvFastVsRef checks the im2col/QGemmRequant and depthwise
// paths against the reference bit for bit.
func TestQLinearConvFastVsRef(t *testing.T) {
	for _, nhwc := range []bool{false, true} {
		old := qwNHWC
		qwNHWC = nhwc
		t.Run(fmt.Sprint("nhwc=", nhwc), qwConvFastVsRef)
		qwNHWC = old
	}
}

func qwConvFastVsRef(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	for _, c := range qwConvCases() {
		t.Run(c.String(), func(t *testing.T) {
			in := qwConvInputs(r, c)
			fast, n := qwKernel(t, "", "QLinearConv", 10, c.attrs())
			ref, _ := qwKernel(t, "", "QLinearConv", 10, c.attrs())
			ref.(*qsConv).qwRef = true
			want, err := qwRun(ref, n, 2, in...)
			if err != nil {
				t.Fatal(err)
			}
			for _, threads := range []int{1, 3} {
				got, err := qwRun(fast, n, threads, in...)
				if err != nil {
					t.Fatal(err)
				}
				qwSame(t, fmt.Sprintf("threads %d", threads), got, want)
			}
		})
	}
}

// TestQLinearConvSaturateExtreme uses multipliers large enough that most
// outputs saturate, and an infinite w_scale (products of 0 give NaN).
func TestQLinearConvSaturateExtreme(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for _, mult := range []float32{5, 1e30} {
		c := qwConvCase{n: 1, cin: 6, cout: 5, group: 1, in: []int{6, 6}, kern: []int{3, 3}, stride: 1, pad: 1, dil: 1,
			xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Int8, xzp: 128, yzp: 128, perChan: true, bias: true, multHi: mult}
		in := qwConvInputs(r, c)
		if mult > 1 {
			in[4] = tensor.From([]int{5}, []float32{1, float32(math.Inf(1)), 2, 3, 4})
		}
		fast, n := qwKernel(t, "", "QLinearConv", 10, c.attrs())
		ref, _ := qwKernel(t, "", "QLinearConv", 10, c.attrs())
		ref.(*qsConv).qwRef = true
		want, err := qwRun(ref, n, 1, in...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := qwRun(fast, n, 2, in...)
		if err != nil {
			t.Fatal(err)
		}
		qwSame(t, fmt.Sprint(mult), got, want)
	}
}

// TestQLinearConvPackOnce runs one kernel from several goroutines on the
// same weight (packed once), then on a new weight each call (packed per
// call, results still right).
func TestQLinearConvPackOnce(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	c := qwConvCase{n: 1, cin: 8, cout: 8, group: 1, in: []int{8, 8}, kern: []int{3, 3}, stride: 1, pad: 1, dil: 1,
		xdt: tensor.Uint8, wdt: tensor.Int8, ydt: tensor.Uint8, xzp: 128, yzp: 128, perChan: true, bias: true, multHi: 0.01}
	in := qwConvInputs(r, c)
	fast, n := qwKernel(t, "", "QLinearConv", 10, c.attrs())
	ref, _ := qwKernel(t, "", "QLinearConv", 10, c.attrs())
	ref.(*qsConv).qwRef = true
	want, err := qwRun(ref, n, 1, in...)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	outs := make([][]*tensor.Tensor, 8)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = qwRun(fast, n, 2, in...)
		}()
	}
	wg.Wait()
	for i := range outs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		qwSame(t, fmt.Sprint("goroutine ", i), outs[i], want)
	}
	if p := fast.(*qsConv).q8Pack.packs.Load(); p != 1 {
		t.Errorf("weight packed %d times, want 1", p)
	}
	// A different weight tensor every call: still correct.
	for i := 0; i < 3; i++ {
		in2 := append([]*tensor.Tensor(nil), in...)
		in2[3] = qwRand8(r, c.wdt, c.cout, c.cin, 3, 3)
		want, err := qwRun(ref, n, 1, in2...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := qwRun(fast, n, 1, in2...)
		if err != nil {
			t.Fatal(err)
		}
		qwSame(t, fmt.Sprint("dynamic ", i), got, want)
	}
	if !fast.(*qsConv).q8Pack.dynamic.Load() {
		t.Error("cache did not switch to per-call packing")
	}
}

type qwMMCase struct {
	as, bs     []int // a and b shapes
	adt, bdt   tensor.DType
	ydt        tensor.DType
	aRow, bCol bool  // per-row a params, per-column b params
	aZRow      bool  // per-row a_zero_point, one a_scale
	yCol       bool  // per-column y_zero_point
	bzShape    []int // explicit b_zero_point / b_scale shape, if set
	multHi     float32
	aZ, yZ     int
}

// TestQLinearMatMulFastVsRef compares the packed-B path with qsMMRun.
func TestQLinearMatMulFastVsRef(t *testing.T) {
	r := rand.New(rand.NewSource(17))
	u8, s8 := tensor.Uint8, tensor.Int8
	cases := []qwMMCase{
		{as: []int{1, 1}, bs: []int{1, 1}, adt: u8, bdt: s8, ydt: u8, multHi: 0.01, aZ: 128, yZ: 128},
		{as: []int{3, 5}, bs: []int{5, 7}, adt: u8, bdt: u8, ydt: u8, multHi: 0.01, aZ: 0, yZ: 255},
		{as: []int{67, 129}, bs: []int{129, 65}, adt: u8, bdt: s8, ydt: u8, bCol: true, multHi: 0.0005, aZ: 255, yZ: 0},
		{as: []int{33, 64}, bs: []int{64, 31}, adt: s8, bdt: s8, ydt: s8, bCol: true, multHi: 0.001, aZ: 128, yZ: 128},
		{as: []int{2, 3, 9, 17}, bs: []int{3, 17, 11}, adt: s8, bdt: u8, ydt: u8, multHi: 0.003, aZ: 100, yZ: 7},
		{as: []int{4, 9, 17}, bs: []int{17, 11}, adt: u8, bdt: s8, ydt: s8, aRow: true, bCol: true, multHi: 0.003, aZ: 9, yZ: 128},
		{as: []int{17}, bs: []int{17, 12}, adt: u8, bdt: s8, ydt: u8, bCol: true, multHi: 0.01, aZ: 30, yZ: 128},
		{as: []int{5, 17}, bs: []int{17}, adt: u8, bdt: s8, ydt: u8, multHi: 0.01, aZ: 30, yZ: 128},
		{as: []int{2, 7, 40}, bs: []int{40, 20}, adt: s8, bdt: s8, ydt: u8, aZRow: true, bCol: true, multHi: 0.01, aZ: 1, yZ: 2},
		{as: []int{6, 40}, bs: []int{40, 20}, adt: u8, bdt: s8, ydt: u8, aRow: true, bCol: true, yCol: true, multHi: 0.01, aZ: 1, yZ: 2},
		{as: []int{3, 6, 40}, bs: []int{40, 20}, adt: u8, bdt: s8, ydt: u8, bzShape: []int{3, 1, 20}, multHi: 0.01, aZ: 128, yZ: 128},
		{as: []int{2, 300, 70}, bs: []int{1, 70, 50}, adt: u8, bdt: s8, ydt: u8, bCol: true, multHi: 0.5, aZ: 128, yZ: 128},
	}
	for ci, c := range cases {
		t.Run(fmt.Sprintf("%d_a%v%v_b%v%v", ci, c.adt, c.as, c.bdt, c.bs), func(t *testing.T) {
			a, b := qwRand8(r, c.adt, c.as...), qwRand8(r, c.bdt, c.bs...)
			m, n := 1, 1
			if len(c.as) > 1 {
				m = c.as[len(c.as)-2]
			}
			if len(c.bs) > 1 {
				n = c.bs[len(c.bs)-1]
			}
			aS, aZ := tensor.Scalar(float32(0.05)), qwZP(c.adt, nil, c.aZ)
			if c.aRow {
				aS, aZ = qwScales(r, m, 0.02, 0.08), qwZP(c.adt, []int{m}, 0, 128, 255, c.aZ)
			}
			if c.aZRow {
				aZ = qwZP(c.adt, []int{m}, 0, 128, 255, c.aZ)
			}
			yS := float32(0.5)
			bsv := float32(c.multHi) * yS / 0.05
			bS, bZ := tensor.Scalar(bsv), qwZP(c.bdt, nil, 128)
			if c.bCol {
				bS, bZ = qwScales(r, n, bsv/4, bsv), qwZP(c.bdt, []int{n}, 0, 255, 128, 3)
			}
			if c.bzShape != nil {
				bS = tensor.Must(tensor.New(tensor.Float32, c.bzShape...))
				for i := 0; i < bS.Len(); i++ {
					bS.SetFloat64(i, float64(bsv))
				}
				bZ = qwZP(c.bdt, c.bzShape, 0, 255, 128, 3, 77)
			}
			yZ := qwZP(c.ydt, nil, c.yZ)
			ySt := tensor.Scalar(yS)
			if c.yCol {
				yZ = qwZP(c.ydt, []int{n}, 0, 128, 255)
				ySt = qwScales(r, n, 0.3, 0.6)
			}
			in := []*tensor.Tensor{a, aS, aZ, b, bS, bZ, ySt, yZ}
			fast, nd := qwKernel(t, "", "QLinearMatMul", 21, nil)
			ref, _ := qwKernel(t, "", "QLinearMatMul", 21, nil)
			ref.(*qsQLMatMul).qwRef = true
			want, err := qwRun(ref, nd, 1, in...)
			if err != nil {
				t.Fatal(err)
			}
			for _, th := range []int{1, 2, 3} {
				got, err := qwRun(fast, nd, th, in...)
				if err != nil {
					t.Fatal(err)
				}
				qwSame(t, fmt.Sprint("threads ", th), got, want)
			}
			if p := fast.(*qsQLMatMul).qwPack.packs.Load(); p != 1 {
				t.Errorf("B packed %d times, want 1", p)
			}
		})
	}
}

// qwMSPair builds a fast and a reference kernel of a com.microsoft op.
func qwMSPair(t testing.TB, op string, attrs map[string]any) (fast, ref Kernel, n *ir.Node) {
	fast, n = qwKernel(t, ir.MSDomain, op, 1, attrs)
	ref, _ = qwKernel(t, ir.MSDomain, op, 1, attrs)
	switch k := ref.(type) {
	case *msQGemmK:
		k.qwRef = true
	case *msMMFloat:
		k.qwRef = true
	case *msNBits:
		k.qwRef = true
	default:
		t.Fatalf("%s: kernel %T has no reference switch", op, ref)
	}
	return fast, ref, n
}

func qwCompare(t *testing.T, name string, fast, ref Kernel, n *ir.Node, in ...*tensor.Tensor) {
	t.Helper()
	want, err := qwRun(ref, n, 1, in...)
	if err != nil {
		t.Fatalf("%s: reference: %v", name, err)
	}
	for _, th := range []int{1, 2} {
		got, err := qwRun(fast, n, th, in...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		qwSame(t, fmt.Sprint(name, " threads ", th), got, want)
	}
}

func TestMSQGemmFastVsRef(t *testing.T) {
	r := rand.New(rand.NewSource(23))
	u8, s8 := tensor.Uint8, tensor.Int8
	for ci, c := range []struct {
		m, k, n        int
		adt, bdt       tensor.DType
		transA, transB int
		cShape         []int // nil: no C
		ydt            tensor.DType
		perCol         bool
		alpha          float32
	}{
		{1, 1, 1, u8, s8, 0, 0, nil, u8, false, 1},
		{7, 13, 5, u8, u8, 0, 0, []int{5}, u8, true, 1},
		{33, 70, 40, u8, s8, 1, 0, []int{1, 40}, s8, true, 0.5},
		{33, 70, 40, s8, s8, 0, 1, []int{33, 1}, s8, true, 1},
		{33, 70, 40, u8, s8, 1, 1, []int{33, 40}, u8, false, 2},
		{65, 64, 33, u8, s8, 0, 1, []int{}, u8, true, 1},
		{65, 64, 33, u8, s8, 0, 0, []int{33}, tensor.Float32, true, 1},
		{9, 200, 17, s8, s8, 1, 0, nil, tensor.Float32, false, 0.25},
	} {
		a := qwRand8(r, c.adt, c.m, c.k)
		if c.transA == 1 {
			a = qwRand8(r, c.adt, c.k, c.m)
		}
		b := qwRand8(r, c.bdt, c.k, c.n)
		if c.transB == 1 {
			b = qwRand8(r, c.bdt, c.n, c.k)
		}
		bS, bZ := tensor.Scalar(float32(0.01)), qwZP(c.bdt, nil, 100)
		if c.perCol {
			bS, bZ = qwScales(r, c.n, 0.005, 0.02), qwZP(c.bdt, []int{c.n}, 0, 128, 255, 9)
		}
		var ct *tensor.Tensor
		if c.cShape != nil {
			ct = tensor.Must(tensor.New(tensor.Int32, c.cShape...))
			for i, d := 0, ct.Data().([]int32); i < len(d); i++ {
				d[i] = int32(r.Intn(20001) - 10000)
			}
		}
		in := []*tensor.Tensor{a, tensor.Scalar(float32(0.03)), qwZP(c.adt, nil, 130), b, bS, bZ, ct}
		if c.ydt != tensor.Float32 {
			in = append(in, tensor.Scalar(float32(0.8)), qwZP(c.ydt, nil, 120))
		}
		fast, ref, n := qwMSPair(t, "QGemm", map[string]any{"transA": c.transA, "transB": c.transB, "alpha": c.alpha})
		qwCompare(t, fmt.Sprint("case ", ci), fast, ref, n, in...)
	}
}

func TestMSMatMulToFloatFastVsRef(t *testing.T) {
	r := rand.New(rand.NewSource(29))
	u8, s8 := tensor.Uint8, tensor.Int8
	for ci, c := range []struct {
		as, bs   []int
		adt, bdt tensor.DType
		perCol   bool
		bias     bool
	}{
		{[]int{1, 1}, []int{1, 1}, u8, s8, false, false},
		{[]int{5, 13}, []int{13, 7}, u8, u8, true, true},
		{[]int{2, 3, 9, 40}, []int{40, 33}, s8, s8, true, true},
		{[]int{2, 3, 9, 40}, []int{3, 40, 33}, u8, s8, false, true},
		{[]int{40}, []int{40, 65}, u8, s8, true, false},
		{[]int{70, 129}, []int{129, 67}, s8, u8, true, true},
	} {
		n := c.bs[len(c.bs)-1]
		b := qwRand8(r, c.bdt, c.bs...)
		bS, bZ := tensor.Scalar(float32(0.01)), qwZP(c.bdt, nil, 100)
		if c.perCol {
			bS, bZ = qwScales(r, n, 0.005, 0.02), qwZP(c.bdt, []int{n}, 0, 128, 255, 9)
		}
		var bias *tensor.Tensor
		if c.bias {
			bias = qwScales(r, n, -1, 1)
		}
		fast, ref, nd := qwMSPair(t, "MatMulIntegerToFloat", nil)
		a := qwRand8(r, c.adt, c.as...)
		qwCompare(t, fmt.Sprint("MatMulIntegerToFloat ", ci), fast, ref, nd,
			a, b, tensor.Scalar(float32(0.02)), bS, qwZP(c.adt, nil, 77), bZ, bias)
		if c.adt == u8 {
			af := qwScales(r, tensor.Size(c.as), -3, 2)
			af, _ = af.Reshape(c.as...)
			fast, ref, nd := qwMSPair(t, "DynamicQuantizeMatMul", nil)
			qwCompare(t, fmt.Sprint("DynamicQuantizeMatMul ", ci), fast, ref, nd, af, b, bS, bZ, bias)
		}
	}
}

// TestMSMatMulNBitsFastVsRef compares the packed int4 kernels with the
// dequantize-then-multiply reference: the float path within 1e-5
// (relative to the output's mean magnitude), the int8 path (A quantized per
// block) within 4e-2; bits 8 and g_idx take the reference and match exactly.
func TestMSMatMulNBitsFastVsRef(t *testing.T) {
	r := rand.New(rand.NewSource(31))
	worst := map[int]float64{}
	for ci, c := range []struct {
		m, k, n, bits, bs int
		zp, bias, f16     bool
		gidx              bool
	}{
		{1, 16, 1, 4, 16, false, false, false, false},
		{3, 20, 5, 4, 16, true, true, false, false},
		{1, 256, 64, 4, 32, true, false, false, false},
		{5, 300, 33, 4, 128, false, true, false, false},
		{2, 96, 17, 4, 32, true, true, true, false},
		{4, 64, 16, 4, 64, true, true, false, false},
		{3, 40, 9, 8, 16, true, true, false, false},
		{3, 40, 9, 4, 16, true, false, false, true},
	} {
		nb := (c.k + c.bs - 1) / c.bs
		blob := c.bs * c.bits / 8
		bq := make([]uint8, c.n*nb*blob)
		for i := range bq {
			bq[i] = uint8(r.Intn(256))
		}
		conv := func(t *tensor.Tensor) *tensor.Tensor {
			if !c.f16 {
				return t
			}
			out, _ := tensor.FromFloat32(tensor.Float16, t.Shape(), t.Float32s())
			return out
		}
		a := qwScales(r, c.m*c.k, -1, 1)
		a, _ = a.Reshape(c.m, c.k)
		in := []*tensor.Tensor{conv(a), tensor.From([]int{c.n, nb, blob}, bq), conv(qwScales(r, c.n*nb, 0.01, 0.1)), nil, nil, nil}
		if c.zp {
			zb := (nb*c.bits + 7) / 8
			zp := make([]uint8, c.n*zb)
			for i := range zp {
				zp[i] = uint8(r.Intn(256))
			}
			in[3] = tensor.From([]int{c.n * zb}, zp)
		}
		if c.gidx {
			g := make([]int32, c.k)
			for i := range g {
				g[i] = int32(r.Intn(nb))
			}
			in[4] = tensor.From([]int{c.k}, g)
		}
		if c.bias {
			in[5] = conv(qwScales(r, c.n, -1, 1))
		}
		for _, accuracy := range []int{0, 4} {
			attrs := map[string]any{"K": c.k, "N": c.n, "bits": c.bits, "block_size": c.bs, "accuracy_level": accuracy}
			fast, ref, n := qwMSPair(t, "MatMulNBits", attrs)
			want, err := qwRun(ref, n, 1, in...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := qwRun(fast, n, 2, in...)
			if err != nil {
				t.Fatal(err)
			}
			if c.bits != 4 || c.gidx {
				qwSame(t, fmt.Sprint("fallback ", ci), got, want)
				continue
			}
			gv, wv := tensor.ToFloat32(got[0]), tensor.ToFloat32(want[0])
			var mean float64
			for _, v := range wv {
				mean += math.Abs(float64(v)) / float64(len(wv))
			}
			var e float64
			for i := range gv {
				e = max(e, math.Abs(float64(gv[i]-wv[i]))/max(math.Abs(float64(wv[i])), mean))
			}
			worst[accuracy] = max(worst[accuracy], e)
			lim := 1e-5
			if accuracy == 4 {
				lim = 4e-2
			}
			if c.f16 {
				lim = max(lim, 1e-3) // the output is rounded to float16
			}
			if e > lim {
				t.Errorf("case %d accuracy %d: relative error %.3g > %.3g", ci, accuracy, e, lim)
			}
		}
	}
	t.Logf("max relative error: float path %.3g, int8 path %.3g", worst[0], worst[4])
}

// TestQwRequantMatchesRef checks the depthwise requantizer against
// linalg.RequantRef on ties, saturation, NaN and infinite multipliers.
func TestQwRequantMatchesRef(t *testing.T) {
	acc := make([]int32, 0, 1<<16)
	for v := int32(-70000); v <= 70000; v += 7 {
		acc = append(acc, v)
	}
	acc = append(acc, 0, 1, -1, math.MaxInt32, math.MinInt32, 1<<24+1, -(1<<24 + 3))
	for _, mult := range []float32{0.5, 0.25, 1, 0.001, 3.7, 1.0 / 3, float32(math.Inf(1)), 1e-30, 0.0078125} {
		for _, zp := range []int32{0, 1, 128, 255} {
			gu, wu := make([]uint8, len(acc)), make([]uint8, len(acc))
			qwRequant(gu, acc, mult, zp)
			linalg.RequantRef(wu, acc, []float32{mult}, []int32{zp})
			gs, ws := make([]int8, len(acc)), make([]int8, len(acc))
			qwRequant(gs, acc, mult, zp-128)
			linalg.RequantRef(ws, acc, []float32{mult}, []int32{zp - 128})
			for i := range acc {
				if gu[i] != wu[i] || gs[i] != ws[i] {
					t.Fatalf("mult %v zp %d acc %d: got %d/%d, want %d/%d", mult, zp, acc[i], gu[i], gs[i], wu[i], ws[i])
				}
			}
		}
	}
}
