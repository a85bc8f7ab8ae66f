package quant

import (
	"errors"
	"fmt"
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/ir/passes"
	"github.com/qinfer/qinfer/tensor"
)

// rwStaticCore are the ops Static quantizes wherever they are selected.
var rwStaticCore = map[string]bool{"Conv": true, "MatMul": true, "Gemm": true, "Add": true, "Mul": true,
	"Concat": true, "AveragePool": true, "GlobalAveragePool": true}

// rwMovement are followers whose output takes the parameters of their input
// (they only move or select values).
var rwMovement = map[string]bool{"MaxPool": true, "Reshape": true, "Flatten": true, "Transpose": true,
	"Squeeze": true, "Unsqueeze": true, "Resize": true, "DepthToSpace": true, "SpaceToDepth": true}

// rwFusedAct are activations FuseQDQ folds into the op before them.
var rwFusedAct = map[string]bool{"Relu": true, "Clip": true}

// rwStaticNode is a node Static quantizes: which inputs are activations and
// which are constants to store as integers.
type rwStaticNode struct {
	n       *ir.Node
	acts    []int // input indices quantized as activations
	weights []int // input indices of constant tensors quantized here
}

// rwStatic implements Static (see Quantize).
func rwStatic(m *ir.Model, cfg Config, data Samples, progress func(done, total int), rep *Report) error {
	r := rwNewGraph(m, cfg, rep)
	defer r.finish()
	if m.Opset("") < 10 && !r.raiseOpset(10) {
		return fmt.Errorf("%w: ai.onnx opset %d has no QuantizeLinear and cannot be raised safely; convert the model to opset >= 13 first", ErrConfig, m.Opset(""))
	}
	perAxis := r.raiseOpset(13)
	if !perAxis {
		rep.Notes = append(rep.Notes, fmt.Sprintf("ai.onnx opset %d has no per-axis QuantizeLinear and cannot be raised safely: weights are per tensor", m.Opset("")))
	}
	// A decomposed hard swish (x * Clip(x + 3, 0, 6) / 6, as paddle2onnx
	// writes it) would leave Add, Clip and a Mul of two activations in float
	// between Q/DQ pairs; as one HardSwish (ai.onnx opset 14) it becomes one
	// lookup table in FuseQDQ and one float op in other runtimes.
	if perAxis && passes.FuseHardSwish(r.g.Clone()) && r.raiseOpset(14) {
		passes.FuseHardSwish(r.g)
		rep.Notes = append(rep.Notes, "decomposed hard swish rewritten as HardSwish")
	}
	order, err := r.g.TopoSort()
	if err != nil {
		return err
	}
	quantT := map[string]bool{} // activation tensors to quantize
	var tensors []string        // the same, in order of first use
	mark := func(name string) {
		if name != "" && !quantT[name] {
			quantT[name] = true
			tensors = append(tensors, name)
		}
	}
	var nodes []*rwStaticNode
	for _, n := range order {
		if n.Domain != "" {
			continue
		}
		if rwRecurrent[n.OpType] {
			r.exclude(n, ReasonRecurrent)
			continue
		}
		core := rwStaticCore[n.OpType]
		follower := !core && r.isFollower(n.OpType)
		if !core && !follower {
			continue
		}
		if follower && !quantT[n.Input(0)] {
			continue
		}
		if !r.gate(n) {
			continue
		}
		sn, reason := r.staticPlan(n, perAxis)
		if sn == nil {
			r.exclude(n, reason)
			continue
		}
		nodes = append(nodes, sn)
		for _, i := range sn.acts {
			mark(n.Inputs[i])
		}
		mark(n.Outputs[0])
	}
	// An op followed only by a quantized Relu/Clip keeps its output float:
	// FuseQDQ folds the activation into the integer op.
	selected := map[*ir.Node]bool{}
	for _, sn := range nodes {
		selected[sn.n] = true
	}
	for _, sn := range nodes {
		switch sn.n.OpType {
		case "Conv", "MatMul", "Gemm", "Add", "Mul":
		default:
			continue
		}
		t := sn.n.Outputs[0]
		cs := r.consumers(t)
		if len(cs) != 1 || !selected[cs[0]] || !rwFusedAct[cs[0].OpType] || cs[0].Input(0) != t || r.isOutput(t) {
			continue
		}
		if _, ok := cfg.Overrides.Tensor(t); ok {
			continue
		}
		delete(quantT, t)
	}
	// Chains of elementwise ops (PP-LCNet's Conv → Mul → Add → HardSwish →
	// Mul → Add) keep a Q/DQ pair on every value, or only at their ends,
	// whichever gives outputs closer to the float model's on the first
	// calibration samples (see accPreferFloatChains); FuseQDQ makes one
	// table of a chain either way.
	chain := r.accChainValues(nodes, quantT, cfg)
	var acts []string
	for _, t := range tensors {
		if quantT[t] {
			acts = append(acts, t)
		}
	}
	// Calibration on the float (batch-norm folded) model.
	actScheme := Scheme{Bits: 8, Signed: cfg.ActivationType == tensor.Int8, Symmetric: cfg.ActivationSymmetric}
	var calib []string
	for _, t := range acts {
		if o, ok := cfg.Overrides.Tensor(t); ok {
			if _, fixed, _ := o.Params(o.Apply(actScheme)); fixed {
				continue
			}
		}
		calib = append(calib, t)
	}
	kept := &accRecorder{src: data, max: accEvalSamples}
	if len(chain) > 0 {
		data = kept
	}
	res, err := Calibrate(m, calib, data, cfg.Samples,
		func(string) Observer { return NewObserver(cfg.Calibration, cfg.Percentile, cfg.ActivationSymmetric) }, progress)
	if err != nil {
		return err
	}
	rep.Samples = res.Samples
	for _, t := range res.NotFloat {
		delete(quantT, t)
	}
	params := map[string]Params{}
	schemes := map[string]Scheme{}
	for _, t := range acts {
		if !quantT[t] {
			continue
		}
		s := actScheme
		o, hasO := cfg.Overrides.Tensor(t)
		if hasO {
			s = o.Apply(actScheme)
			if s.Bits != 8 {
				return fmt.Errorf("%w: tensor %q: static activations are 8-bit (bits %d)", ErrOverrides, t, s.Bits)
			}
			p, fixed, err := o.Params(s)
			if err != nil {
				return fmt.Errorf("tensor %q: %w", t, err)
			}
			if fixed {
				params[t], schemes[t] = p, s
				continue
			}
		}
		lo, hi, err := res.Observers[t].Range()
		if errors.Is(err, ErrNoData) {
			lo, hi, err = 0, 0, nil
		}
		if err != nil {
			return fmt.Errorf("quant: range of %q: %w", t, err)
		}
		p, err := s.Params(lo, hi)
		if err != nil {
			return fmt.Errorf("quant: tensor %q: %w", t, err)
		}
		params[t], schemes[t] = p, s
	}
	// Movement ops pass their input's parameters on (no requantization).
	for _, sn := range nodes {
		n := sn.n
		in, out := n.Input(0), n.Outputs[0]
		if !rwMovement[n.OpType] || !quantT[in] || !quantT[out] {
			continue
		}
		if _, ok := cfg.Overrides.Tensor(out); ok {
			continue
		}
		if schemes[in].Signed == schemes[out].Signed {
			params[out] = params[in]
		}
	}
	var ref *ir.Model // the float model, for accPreferFloatChains
	if len(chain) > 0 {
		ref = m.Clone()
	}
	// Weights and biases first (they read the input parameters by name).
	for _, sn := range nodes {
		if err := r.staticWeights(sn, params, perAxis); err != nil {
			return err
		}
	}
	if r.accPreferFloatChains(ref, kept.kept, acts, quantT, chain, params, schemes) {
		for t := range chain {
			delete(quantT, t)
		}
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d values inside elementwise chains left float (one rounding per chain measured closer to float on %d calibration samples)", len(chain), len(kept.kept)))
	}
	for _, t := range acts {
		if quantT[t] {
			r.insertQDQ(t, params[t], schemes[t])
			rep.Activations++
		}
	}
	return nil
}

func (r *rwGraph) isFollower(op string) bool {
	for _, f := range rwStaticFollowers {
		if f == op {
			return true
		}
	}
	return false
}

// staticPlan decides how node n is quantized, or returns the reason it
// cannot be.
func (r *rwGraph) staticPlan(n *ir.Node, perAxis bool) (*rwStaticNode, string) {
	sn := &rwStaticNode{n: n}
	if len(n.Outputs) == 0 || n.Outputs[0] == "" || r.notFloat(n.Outputs[0]) {
		return nil, ReasonDType
	}
	isConst := func(i int) bool { return r.constant(n.Input(i)) != nil }
	floatConst := func(i int) bool {
		t := r.constant(n.Input(i))
		return t != nil && t.DType() == tensor.Float32
	}
	switch n.OpType {
	case "Conv":
		w := r.constant(n.Input(1))
		if w == nil {
			return nil, ReasonWeightNotConst
		}
		if w.DType() != tensor.Float32 || w.Rank() < 3 {
			return nil, ReasonShape
		}
		if b := n.Input(2); b != "" {
			if bt := r.constant(b); bt == nil || bt.DType() != tensor.Float32 || bt.Len() != w.Shape()[0] {
				return nil, "bias not constant"
			}
			sn.weights = append(sn.weights, 2)
		}
		sn.acts = []int{0}
		sn.weights = append([]int{1}, sn.weights...)
	case "MatMul", "Gemm":
		if len(n.Inputs) < 2 {
			return nil, ReasonShape
		}
		sn.acts = []int{0}
		if isConst(1) {
			if !floatConst(1) {
				return nil, ReasonDType
			}
			if n.OpType == "Gemm" && r.constant(n.Input(1)).Rank() != 2 {
				return nil, ReasonShape
			}
			sn.weights = []int{1}
		} else {
			if r.notFloat(n.Input(1)) {
				return nil, ReasonDType
			}
			sn.acts = append(sn.acts, 1)
		}
		if n.OpType == "Gemm" {
			if !(n.AttrFloat("alpha", 1) > 0) {
				return nil, ReasonAttr
			}
			if c := n.Input(2); c != "" {
				ct := r.constant(c)
				if ct == nil || ct.DType() != tensor.Float32 || ct.Rank() > 2 || ct.Rank() == 2 && ct.Shape()[0] != 1 {
					return nil, "bias not constant [N]"
				}
				sn.weights = append(sn.weights, 2)
			}
		}
	case "Add", "Mul", "Concat":
		for i, in := range n.Inputs {
			if in == "" {
				return nil, ReasonShape
			}
			if t := r.constant(in); t != nil {
				if t.DType() != tensor.Float32 {
					return nil, ReasonDType
				}
				if t.Len() == 1 && n.OpType != "Concat" {
					continue // a scalar operand: FuseQDQ makes a lookup table
				}
				sn.weights = append(sn.weights, i)
				continue
			}
			if r.notFloat(in) {
				return nil, ReasonDType
			}
			sn.acts = append(sn.acts, i)
		}
		if len(sn.acts) == 0 {
			return nil, ReasonWeightNotConst
		}
	default:
		// Pools, activations and movement ops: input 0 is the data, the
		// rest must be constant (shapes, bounds, scales).
		for i := 1; i < len(n.Inputs); i++ {
			if n.Inputs[i] != "" && !isConst(i) {
				return nil, ReasonWeightNotConst
			}
		}
		if n.OpType == "MaxPool" && len(n.Outputs) > 1 && n.Outputs[1] != "" {
			return nil, ReasonAttr
		}
		if n.OpType == "Resize" && n.AttrString("mode", "nearest") != "nearest" {
			return nil, ReasonNoIntegerKernel
		}
		if n.OpType == "AveragePool" && len(n.AttrInts("kernel_shape")) != 2 {
			return nil, ReasonShape
		}
		sn.acts = []int{0}
	}
	return sn, ""
}

// staticWeights quantizes the constant inputs of a Static node: Conv/MatMul/
// Gemm weights in the weight scheme (per output channel), biases to int32 at
// x_scale·w_scale, constant operands of Add/Mul/Concat in the activation
// scheme.
func (r *rwGraph) staticWeights(sn *rwStaticNode, params map[string]Params, perAxis bool) error {
	n := sn.n
	var wq *Quantized
	for _, i := range sn.weights {
		name := n.Inputs[i]
		w := r.constant(name)
		switch {
		case i == 1 && (n.OpType == "Conv" || n.OpType == "MatMul" || n.OpType == "Gemm"):
			axis, ok := 0, perAxis
			switch n.OpType {
			case "MatMul":
				axis, ok = 1, perAxis && w.Rank() == 2
			case "Gemm":
				if n.AttrInt("transB", 0) == 0 {
					axis = 1
				}
			}
			q, err := r.quantWeight(n, 1, r.weightScheme(n, axis, ok), "int8 "+n.OpType)
			if err != nil {
				return err
			}
			wq = q
		case i == 2:
			xp, ok := params[n.Inputs[0]]
			if !ok || wq == nil {
				continue // input left float: the bias stays float too
			}
			alpha := float32(1)
			if n.OpType == "Gemm" {
				alpha = n.AttrFloat("alpha", 1)
				if n.AttrFloat("beta", 1) != 1 {
					continue // FuseQDQ scales a float C itself
				}
			}
			if err := r.staticBias(n, xp, wq, alpha, perAxis); err != nil {
				return err
			}
		default:
			s := Scheme{Bits: 8, Signed: r.cfg.ActivationType == tensor.Int8, Symmetric: r.cfg.ActivationSymmetric}
			if _, err := r.quantWeight(n, i, s, "const operand"); err != nil {
				return err
			}
			// Operand constants are not weights of a layer: drop the line.
			r.rep.Layers = r.rep.Layers[:len(r.rep.Layers)-1]
		}
	}
	return nil
}

// staticBias stores a Conv/Gemm bias as int32 at scale alpha·x_scale·w_scale[c]
// with zero point 0, behind a DequantizeLinear (axis 0).
func (r *rwGraph) staticBias(n *ir.Node, xp Params, wq *Quantized, alpha float32, perAxis bool) error {
	name := n.Inputs[2]
	b := r.constant(name)
	cout := b.Len()
	if len(wq.Params) != 1 && len(wq.Params) != cout {
		return nil
	}
	vals := make([]int32, cout)
	scales := make([]float32, cout)
	for c := range cout {
		ws := wq.Params[min(c, len(wq.Params)-1)].Scale
		s := alpha * xp.Scale * ws
		q := math.RoundToEven(float64(b.Float32s()[c]) / float64(s))
		if !(s > 0) || q > math.MaxInt32 || q < math.MinInt32 || q != q {
			return nil // leave the float bias; FuseQDQ decides
		}
		vals[c], scales[c] = int32(q), s
	}
	qt, _ := tensor.FromData(tensor.Int32, []int{cout}, vals)
	st, _ := tensor.FromData(tensor.Float32, []int{cout}, scales)
	zt := tensor.Zeros(tensor.Int32, cout)
	var attrs []*ir.Attr
	if perAxis {
		attrs = []*ir.Attr{rwIntAttr("axis", 0)}
	} else {
		// Before opset 13 the parameters are scalars: per-tensor weights
		// give one bias scale.
		if len(wq.Params) != 1 {
			return nil
		}
		st = tensor.Scalar(scales[0])
		zt = tensor.Zeros(tensor.Int32)
	}
	qn := r.addInit(name+"_quantized", qt)
	sn := r.addInit(name+"_scale", st)
	zn := r.addInit(name+"_zero_point", zt)
	out := name
	if r.readersOutside(name, n) || r.isOutput(name) {
		out = r.unique(name + "_dequantized")
		n.Inputs[2] = out
	} else {
		r.g.RemoveInitializer(name)
		rwDropInput(r.g, name)
	}
	dq := &ir.Node{Name: r.unique(name + "_DequantizeLinear"), OpType: "DequantizeLinear",
		Inputs: []string{qn, sn, zn}, Outputs: []string{out}, Attrs: attrs}
	r.insertBefore(n, dq)
	return nil
}

// insertQDQ puts QuantizeLinear → DequantizeLinear on activation t: its
// producer writes t_float, Q writes t_quantized, DQ writes t (a graph input
// t instead feeds Q, and its readers move to t_dequantized).
func (r *rwGraph) insertQDQ(t string, p Params, s Scheme) {
	sc, _ := tensor.FromData(tensor.Float32, []int{}, []float32{p.Scale})
	zp := tensor.Zeros(s.DType())
	zp.SetInt64(0, int64(p.ZeroPoint))
	sn := r.addInit(t+"_scale", sc)
	zn := r.addInit(t+"_zero_point", zp)
	qOut := r.unique(t + "_quantized")
	var prod *ir.Node
	idx := -1
	for _, n := range r.g.Nodes {
		for i, o := range n.Outputs {
			if o == t {
				prod, idx = n, i
			}
		}
	}
	q := &ir.Node{Name: r.unique(t + "_QuantizeLinear"), OpType: "QuantizeLinear", Outputs: []string{qOut}}
	dq := &ir.Node{Name: r.unique(t + "_DequantizeLinear"), OpType: "DequantizeLinear", Inputs: []string{qOut, sn, zn}}
	if prod == nil {
		// A graph input.
		dOut := r.unique(t + "_dequantized")
		for _, c := range r.consumers(t) {
			for i, in := range c.Inputs {
				if in == t {
					c.Inputs[i] = dOut
				}
			}
		}
		q.Inputs = []string{t, sn, zn}
		dq.Outputs = []string{dOut}
		r.g.Nodes = append([]*ir.Node{q, dq}, r.g.Nodes...)
		return
	}
	fl := r.unique(t + "_float")
	prod.Outputs[idx] = fl
	q.Inputs = []string{fl, sn, zn}
	dq.Outputs = []string{t}
	for i, n := range r.g.Nodes {
		if n == prod {
			out := make([]*ir.Node, 0, len(r.g.Nodes)+2)
			out = append(out, r.g.Nodes[:i+1]...)
			out = append(out, q, dq)
			out = append(out, r.g.Nodes[i+1:]...)
			r.g.Nodes = out
			break
		}
	}
}
