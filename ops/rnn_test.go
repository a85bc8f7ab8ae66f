package ops

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// rnGen fills a float32 tensor with 0.5*sin(0.7*i + seed), the same inputs
// the numpy script that produced rnRecurWant used.
func rnGen(seed float64, shape ...int) *tensor.Tensor {
	n := tensor.Size(shape)
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(0.5 * math.Sin(0.7*float64(i)+seed))
	}
	return tensor.From(shape, v)
}

// rnRecurWant holds Y, Y_h, Y_c computed once with numpy from the ONNX
// formulas (a per-step, per-batch-row loop written independently of the Go
// code: sequence_lens stop the loop, reverse runs from length-1 down to 0).
var rnRecurWant = map[string]struct{ y, yh, yc []float64 }{
	"lstm_bidi_state_lens":         {[]float64{0.355573659, 0.167257276, 0.0164741055, 0.123027933, 0.181940438, -0.0972178591, -0.171544833, -0.0226565811, 0.227058233, 0.0588239271, 0.0741541809, 0.111922296, 0.293660012, 0.196270454, 2.6952805e-06, 0, 0, 0, -0.155861907, -0.0568142278, 0.188544112, 0, 0, 0, 0.290756916, 0.197101047, -0.019445378, 0, 0, 0, -0.177433598, -0.0678323916, 0.22360376, 0, 0, 0}, []float64{0.290756916, 0.197101047, -0.019445378, 0.123027933, 0.181940438, -0.0972178591, -0.171544833, -0.0226565811, 0.227058233, 0.0588239271, 0.0741541809, 0.111922296}, []float64{0.61024157, 0.52335801, -0.0610588919, 0.400039036, 0.487479051, -0.198303112, -0.28107758, -0.0431009885, 0.536219892, 0.0770375363, 0.154574986, 0.363142736}},
	"lstm_fwd_layout1_clip_forget": {[]float64{-0.027092671, 0.021372035, -0.105356615, -0.0862595356, -0.133386374, -0.130783974, 0.0468023754, -0.0438050719, -0.0620613276, -0.113301866, -0.119083159, -0.141983128}, []float64{-0.133386374, -0.130783974, -0.119083159, -0.141983128}, []float64{-0.236515104, -0.231731897, -0.210350679, -0.252393022}},
	"lstm_reverse_lens0":           {[]float64{-0.412268457, -0.344840535, 0, 0, -0.373790975, -0.391852037, -0.409349685, -0.39301133, 0, 0, -0.202756195, -0.217894236, -0.286787973, -0.306350291, 0, 0, 0, 0, -0.237671282, -0.323261058, 0, 0, 0, 0}, []float64{-0.412268457, -0.344840535, 0.473150045, 0.25775069, -0.373790975, -0.391852037}, []float64{-0.697522448, -0.497849784, 0, 0, -0.563610962, -0.585437245}},
	"gru_bidi_state_lens":          {[]float64{0.00372617113, 0.135700208, 0.0906327698, -0.120296419, -0.208516344, -0.426904488, -0.721604776, -0.568407343, -0.0794833026, -0.448400583, -0.232832743, -0.0818374955, -0.285353981, -0.0974622848, -0.0175821735, -0.521261459, -0.288581185, -0.302266291, -0.648048627, -0.476064836, -0.0792247259, -0.318990338, -0.0497837354, 0.0402996155, 0, 0, 0, -0.625555831, -0.416757224, -0.309341265, 0, 0, 0, 0.0504671903, 0.169260477, 0.0502268713}, []float64{-0.285353981, -0.0974622848, -0.0175821735, -0.625555831, -0.416757224, -0.309341265, -0.721604776, -0.568407343, -0.0794833026, -0.448400583, -0.232832743, -0.0818374955}, nil},
	"gru_bidi_lbr_layout1":         {[]float64{0.182151065, 0.204301629, -0.129534543, -0.255062014, 0.301271782, 0.058864787, 0.0185046991, -0.0490164292, 0.189140453, 0.242487154, 0.122152332, 0.223560458, 0.0120538035, -0.403895049, -0.541522347, -0.423551645, 0, 0, 0, 0, 0, 0, 0, 0}, []float64{0.189140453, 0.242487154, -0.129534543, -0.255062014, 0.0120538035, -0.403895049, -0.541522347, -0.423551645}, nil},
	"rnn_bidi_relu_lens":           {[]float64{1.10547884, 0.520995331, 0, 0.519094455, 1.01758366, 0.0507381777, -0.647764751, -0.0816635773, 0.750829501, -0.615153127, 0.0381318439, 0.581895877, 0, 0, 0, 0.790646536, 0.189652295, 0, 0, 0, 0, 0.238512395, -0.0859785153, 0.00220596169, 0, 0, 0, 0.922317108, 1.05570513, 0, 0, 0, 0, -0.224478909, -0.0569868015, 0.317201358}, []float64{1.10547884, 0.520995331, 0, 0.922317108, 1.05570513, 0, -0.647764751, -0.0816635773, 0.750829501, -0.615153127, 0.0381318439, 0.581895877}, nil},
}

func rnAttrs(kv ...any) []*ir.Attr {
	var out []*ir.Attr
	for i := 0; i < len(kv); i += 2 {
		a := &ir.Attr{Name: kv[i].(string)}
		switch v := kv[i+1].(type) {
		case int:
			a.Type, a.I = ir.AttrInt, int64(v)
		case float64:
			a.Type, a.F = ir.AttrFloat, float32(v)
		case string:
			a.Type, a.S = ir.AttrString, v
		case []string:
			a.Type, a.Strings = ir.AttrStrings, v
		case []float32:
			a.Type, a.Floats = ir.AttrFloats, v
		case []int64:
			a.Type, a.Ints = ir.AttrInts, v
		}
		out = append(out, a)
	}
	return out
}

// rnRunOp builds op with attributes and runs it on in, at opset.
func rnRunOp(t *testing.T, op string, opset, nout int, attrs []*ir.Attr, in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	t.Helper()
	n := &ir.Node{Name: "n", OpType: op, Attrs: attrs}
	for i := 0; i < nout; i++ {
		n.Outputs = append(n.Outputs, fmt.Sprint("o", i))
	}
	f, err := Lookup("", op, opset)
	if err != nil {
		t.Fatal(err)
	}
	k, err := f(n, opset)
	if err != nil {
		return nil, err
	}
	return k.Run(&Context{Node: n, Opset: opset, Threads: 1}, in)
}

func rnClose(t *testing.T, what string, got *tensor.Tensor, shape []int, want []float64, tol float64) {
	t.Helper()
	if !tensor.SameShape(got.Shape(), shape) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape(), shape)
	}
	if got.Len() != len(want) {
		t.Fatalf("%s: %d values, want %d", what, got.Len(), len(want))
	}
	for i, w := range want {
		if g := got.Float64At(i); math.Abs(g-w) > tol*(1+math.Abs(w)) || math.IsNaN(g) != math.IsNaN(w) {
			t.Fatalf("%s[%d] = %.7g, want %.7g", what, i, g, w)
		}
	}
}

func TestRNRecurrentReference(t *testing.T) {
	type tc struct {
		name                       string
		op                         string
		seq, batch, inp, hid, dirs int
		layout                     int
		attrs                      []*ir.Attr
		lens                       []int32
		noB, noH0, noC0, noP       bool
	}
	cases := []tc{
		{name: "lstm_bidi_state_lens", op: "LSTM", seq: 3, batch: 2, inp: 2, hid: 3, dirs: 2,
			attrs: rnAttrs("direction", "bidirectional", "hidden_size", 3), lens: []int32{3, 1}},
		{name: "lstm_fwd_layout1_clip_forget", op: "LSTM", seq: 3, batch: 2, inp: 2, hid: 2, dirs: 1, layout: 1,
			attrs: rnAttrs("layout", 1, "clip", 0.3, "input_forget", 1), noP: true},
		{name: "lstm_reverse_lens0", op: "LSTM", seq: 4, batch: 3, inp: 1, hid: 2, dirs: 1,
			attrs: rnAttrs("direction", "reverse"), lens: []int32{4, 0, 2}, noC0: true},
		{name: "gru_bidi_state_lens", op: "GRU", seq: 3, batch: 2, inp: 2, hid: 3, dirs: 2,
			attrs: rnAttrs("direction", "bidirectional"), lens: []int32{2, 3}},
		{name: "gru_bidi_lbr_layout1", op: "GRU", seq: 3, batch: 2, inp: 3, hid: 2, dirs: 2, layout: 1,
			attrs: rnAttrs("direction", "bidirectional", "layout", 1, "linear_before_reset", 1), lens: []int32{3, 1}},
		{name: "rnn_bidi_relu_lens", op: "RNN", seq: 3, batch: 2, inp: 2, hid: 3, dirs: 2,
			attrs: rnAttrs("direction", "bidirectional", "activations", []string{"Relu", "Tanh"}), lens: []int32{1, 3}},
	}
	for _, c := range cases {
		for _, dt := range []tensor.DType{tensor.Float32, tensor.Float64} {
			t.Run(fmt.Sprintf("%s/%v", c.name, dt), func(t *testing.T) {
				G := map[string]int{"RNN": 1, "GRU": 3, "LSTM": 4}[c.op]
				H := c.hid
				xs, hs := []int{c.seq, c.batch, c.inp}, []int{c.dirs, c.batch, H}
				ys := []int{c.seq, c.dirs, c.batch, H}
				if c.layout == 1 {
					xs, hs = []int{c.batch, c.seq, c.inp}, []int{c.batch, c.dirs, H}
					ys = []int{c.batch, c.seq, c.dirs, H}
				}
				conv := func(x *tensor.Tensor) *tensor.Tensor {
					if x == nil || dt == tensor.Float32 {
						return x
					}
					y, err := tensor.Cast(x, dt)
					if err != nil {
						t.Fatal(err)
					}
					return y
				}
				in := []*tensor.Tensor{
					rnGen(0.1, xs...), rnGen(0.2, c.dirs, G*H, c.inp), rnGen(0.3, c.dirs, G*H, H),
					rnGen(0.4, c.dirs, 2*G*H), nil, rnGen(0.5, hs...),
				}
				if c.noB {
					in[3] = nil
				}
				if c.lens != nil {
					in[4] = tensor.From([]int{c.batch}, c.lens)
				}
				if c.noH0 {
					in[5] = nil
				}
				nout := 2
				if c.op == "LSTM" {
					nout = 3
					in = append(in, rnGen(0.6, hs...), rnGen(0.7, c.dirs, 3*H))
					if c.noC0 {
						in[6] = nil
					}
					if c.noP {
						in[7] = nil
					}
				}
				for i := range in {
					if i != 4 {
						in[i] = conv(in[i])
					}
				}
				out, err := rnRunOp(t, c.op, 14, nout, c.attrs, in...)
				if err != nil {
					t.Fatal(err)
				}
				w := rnRecurWant[c.name]
				for _, o := range out {
					if o.DType() != dt {
						t.Fatalf("output dtype %v, want %v", o.DType(), dt)
					}
				}
				rnClose(t, "Y", out[0], ys, w.y, 2e-6)
				rnClose(t, "Y_h", out[1], hs, w.yh, 2e-6)
				if c.op == "LSTM" {
					rnClose(t, "Y_c", out[2], hs, w.yc, 2e-6)
				}
			})
		}
	}
}

func TestRNRecurrentErrors(t *testing.T) {
	x, w, r := rnGen(0.1, 3, 2, 2), rnGen(0.2, 1, 12, 2), rnGen(0.3, 1, 12, 3)
	cases := []struct {
		name  string
		attrs []*ir.Attr
		in    []*tensor.Tensor
		want  error
	}{
		{"bad direction", rnAttrs("direction", "sideways"), []*tensor.Tensor{x, w, r}, ir.ErrInvalidModel},
		{"unknown activation", rnAttrs("activations", []string{"Sigmoid", "Tanh", "Gelu"}), []*tensor.Tensor{x, w, r}, ErrUnsupported},
		{"activation count", rnAttrs("activations", []string{"Sigmoid", "Tanh"}), []*tensor.Tensor{x, w, r}, ir.ErrInvalidModel},
		{"negative clip", rnAttrs("clip", -1.0), []*tensor.Tensor{x, w, r}, ir.ErrInvalidModel},
		{"bad layout", rnAttrs("layout", 2), []*tensor.Tensor{x, w, r}, ir.ErrInvalidModel},
		{"hidden_size mismatch", rnAttrs("hidden_size", 4), []*tensor.Tensor{x, w, r}, tensor.ErrShape},
		{"W rows", nil, []*tensor.Tensor{x, rnGen(0.2, 1, 11, 2), r}, tensor.ErrShape},
		{"W input size", nil, []*tensor.Tensor{x, rnGen(0.2, 1, 12, 3), r}, tensor.ErrShape},
		{"dirs mismatch", rnAttrs("direction", "bidirectional"), []*tensor.Tensor{x, w, r}, tensor.ErrShape},
		{"X rank", nil, []*tensor.Tensor{rnGen(0.1, 3, 2), w, r}, tensor.ErrShape},
		{"B shape", nil, []*tensor.Tensor{x, w, r, rnGen(0.4, 1, 23)}, tensor.ErrShape},
		{"lens too long", nil, []*tensor.Tensor{x, w, r, nil, tensor.From([]int{2}, []int32{4, 1})}, tensor.ErrShape},
		{"lens negative", nil, []*tensor.Tensor{x, w, r, nil, tensor.From([]int{2}, []int32{-1, 1})}, tensor.ErrShape},
		{"initial_h shape", nil, []*tensor.Tensor{x, w, r, nil, nil, rnGen(0.5, 1, 3, 3)}, tensor.ErrShape},
		{"P shape", nil, []*tensor.Tensor{x, w, r, nil, nil, nil, nil, rnGen(0.5, 1, 8)}, tensor.ErrShape},
		{"mixed dtype", nil, []*tensor.Tensor{x, tensor.Must(tensor.Cast(w, tensor.Float64)), r}, tensor.ErrDType},
		{"int input", nil, []*tensor.Tensor{tensor.Zeros(tensor.Int32, 3, 2, 2), tensor.Zeros(tensor.Int32, 1, 12, 2), tensor.Zeros(tensor.Int32, 1, 12, 3)}, ErrUnsupported},
		{"missing R", nil, []*tensor.Tensor{x, w, nil}, ir.ErrInvalidModel},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := rnRunOp(t, "LSTM", 14, 3, c.attrs, c.in...)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

// TestRNRecurrentFloat16 checks that float16 runs through float32 and
// returns float16 outputs close to the float32 ones.
func TestRNRecurrentFloat16(t *testing.T) {
	in := []*tensor.Tensor{rnGen(0.1, 3, 2, 2), rnGen(0.2, 1, 9, 2), rnGen(0.3, 1, 9, 3), rnGen(0.4, 1, 18)}
	ref, err := rnRunOp(t, "GRU", 14, 2, nil, in...)
	if err != nil {
		t.Fatal(err)
	}
	h := make([]*tensor.Tensor, len(in))
	for i, x := range in {
		h[i] = tensor.Must(tensor.Cast(x, tensor.Float16))
	}
	got, err := rnRunOp(t, "GRU", 14, 2, nil, h...)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if got[i].DType() != tensor.Float16 {
			t.Fatalf("output %d dtype %v", i, got[i].DType())
		}
		rnClose(t, "Y", got[i], ref[i].Shape(), rnF64(ref[i]), 5e-3)
	}
}

// TestRNRecurrentEmpty covers zero-length sequences and batches and a node
// that asks only for Y.
func TestRNRecurrentEmpty(t *testing.T) {
	for _, c := range []struct{ seq, batch int }{{0, 2}, {3, 0}} {
		out, err := rnRunOp(t, "RNN", 14, 2, nil, rnGen(0.1, c.seq, c.batch, 2), rnGen(0.2, 1, 3, 2), rnGen(0.3, 1, 3, 3))
		if err != nil {
			t.Fatal(err)
		}
		if !tensor.SameShape(out[0].Shape(), []int{c.seq, 1, c.batch, 3}) || !tensor.SameShape(out[1].Shape(), []int{1, c.batch, 3}) {
			t.Fatalf("shapes %v %v", out[0].Shape(), out[1].Shape())
		}
		for i := 0; i < out[1].Len(); i++ {
			if out[1].Float64At(i) != 0 {
				t.Fatalf("Y_h not zero")
			}
		}
	}
	out, err := rnRunOp(t, "LSTM", 7, 1, nil, rnGen(0.1, 2, 1, 2), rnGen(0.2, 1, 12, 2), rnGen(0.3, 1, 12, 3))
	if err != nil || len(out) != 1 {
		t.Fatalf("outputs %d, err %v", len(out), err)
	}
}

// TestRNActivations checks each activation against its formula, with and
// without clipping, and the alpha/beta consumption order.
func TestRNActivations(t *testing.T) {
	xs := []float64{-2, -0.5, 0, 0.25, 3}
	cases := []struct {
		name string
		a    rnAct
		f    func(x float64) float64
	}{
		{"sigmoid", rnAct{kind: rnActSigmoid}, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }},
		{"tanh", rnAct{kind: rnActTanh}, math.Tanh},
		{"relu", rnAct{kind: rnActRelu}, func(x float64) float64 { return math.Max(x, 0) }},
		{"hardsigmoid", rnAct{rnActHardSigmoid, 0.2, 0.5}, func(x float64) float64 { return math.Max(0, math.Min(1, 0.2*x+0.5)) }},
		{"leakyrelu", rnAct{rnActLeakyRelu, 0.1, 0}, func(x float64) float64 { return map[bool]float64{true: 0.1 * x, false: x}[x < 0] }},
		{"thresholdedrelu", rnAct{rnActThresholdedRelu, 0.2, 0}, func(x float64) float64 { return map[bool]float64{true: x, false: 0}[x > 0.2] }},
		{"scaledtanh", rnAct{rnActScaledTanh, 2, 0.5}, func(x float64) float64 { return 2 * math.Tanh(0.5*x) }},
		{"affine", rnAct{rnActAffine, 3, -1}, func(x float64) float64 { return 3*x - 1 }},
		{"elu", rnAct{rnActElu, 1.5, 0}, func(x float64) float64 { return map[bool]float64{true: 1.5 * (math.Exp(x) - 1), false: x}[x < 0] }},
		{"softsign", rnAct{kind: rnActSoftsign}, func(x float64) float64 { return x / (1 + math.Abs(x)) }},
		{"softplus", rnAct{kind: rnActSoftplus}, func(x float64) float64 { return math.Log(1 + math.Exp(x)) }},
	}
	for _, c := range cases {
		for _, clip := range []float64{0, 1} {
			v := append([]float64{}, xs...)
			rnActivate(c.a, clip, v)
			for i, x := range xs {
				if clip > 0 {
					x = math.Max(-clip, math.Min(clip, x))
				}
				if w := c.f(x); math.Abs(v[i]-w) > 1e-12 {
					t.Errorf("%s clip %g (%g) = %g, want %g", c.name, clip, xs[i], v[i], w)
				}
			}
		}
	}
	n := &ir.Node{OpType: "LSTM", Attrs: rnAttrs("activations", []string{"HardSigmoid", "Affine", "tanh"},
		"activation_alpha", []float32{0.3, 2}, "activation_beta", []float32{0.6})}
	k, err := rnNewCell(n, 14, rnCellLSTM)
	if err != nil {
		t.Fatal(err)
	}
	acts := k.(*rnCell).acts
	want := []rnAct{{rnActHardSigmoid, float64(float32(0.3)), float64(float32(0.6))}, {rnActAffine, 2, 0}, {rnActTanh, 0, 0}}
	for i := range want {
		if acts[i] != want[i] {
			t.Errorf("activation %d = %+v, want %+v", i, acts[i], want[i])
		}
	}
}

// TestRNThreads runs the parallel paths (directions, signal batches) with
// several threads and checks they match the single-threaded results.
func TestRNThreads(t *testing.T) {
	run := func(threads int, op string, opset, nout int, attrs []*ir.Attr, in ...*tensor.Tensor) []*tensor.Tensor {
		n := &ir.Node{Name: "n", OpType: op, Attrs: attrs}
		for i := 0; i < nout; i++ {
			n.Outputs = append(n.Outputs, fmt.Sprint("o", i))
		}
		f, err := Lookup("", op, opset)
		if err != nil {
			t.Fatal(err)
		}
		k, err := f(n, opset)
		if err != nil {
			t.Fatal(err)
		}
		out, err := k.Run(&Context{Node: n, Opset: opset, Threads: threads}, in)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	cases := []struct {
		op    string
		opset int
		nout  int
		attrs []*ir.Attr
		in    []*tensor.Tensor
	}{
		{"LSTM", 14, 3, rnAttrs("direction", "bidirectional"), []*tensor.Tensor{rnGen(0.1, 5, 3, 4), rnGen(0.2, 2, 16, 4), rnGen(0.3, 2, 16, 4)}},
		{"DFT", 17, 1, nil, []*tensor.Tensor{rnGen(0.4, 64, 12, 2)}},
		{"DFT", 17, 1, rnAttrs("axis", 1), []*tensor.Tensor{rnGen(0.4, 64, 16, 1)}},
		{"STFT", 17, 1, nil, []*tensor.Tensor{rnGen(0.5, 3, 400, 1), tensor.Scalar(int64(3)), rnGen(0.6, 10)}},
	}
	for _, c := range cases {
		a := run(1, c.op, c.opset, c.nout, c.attrs, c.in...)
		b := run(4, c.op, c.opset, c.nout, c.attrs, c.in...)
		for i := range a {
			rnClose(t, c.op, b[i], a[i].Shape(), rnF64(a[i]), 0)
		}
	}
}

// BenchmarkRNLSTM runs a bidirectional LSTM of speech-model size
// (seq 100, batch 1, input 256, hidden 256).
func BenchmarkRNLSTM(b *testing.B) {
	const seq, batch, inp, H = 100, 1, 256, 256
	in := []*tensor.Tensor{rnGen(0.1, seq, batch, inp), rnGen(0.2, 2, 4*H, inp), rnGen(0.3, 2, 4*H, H), rnGen(0.4, 2, 8*H)}
	n := &ir.Node{Name: "n", OpType: "LSTM", Outputs: []string{"y", "yh", "yc"}, Attrs: rnAttrs("direction", "bidirectional")}
	k, err := rnNewCell(n, 14, rnCellLSTM)
	if err != nil {
		b.Fatal(err)
	}
	ctx := &Context{Node: n, Opset: 14, Threads: 2}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := k.Run(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	flops := float64(2 * 2 * seq * batch * 4 * H * (inp + H))
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkRNDFT400 runs a non-power-of-two (Bluestein) DFT of 400 points
// over 1000 frames.
func BenchmarkRNDFT400(b *testing.B) {
	x := rnGen(0.1, 1000, 400, 1)
	n := &ir.Node{Name: "n", OpType: "DFT", Outputs: []string{"y"}, Attrs: rnAttrs("axis", 1, "onesided", 1)}
	k, _ := rnNewDFT(n, 17)
	ctx := &Context{Node: n, Opset: 17, Threads: 1}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := k.Run(ctx, []*tensor.Tensor{x}); err != nil {
			b.Fatal(err)
		}
	}
}
