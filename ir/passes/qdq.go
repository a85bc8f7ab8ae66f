package passes

import (
	"fmt"
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// QDQ fusion: rewrites QuantizeLinear/DequantizeLinear ("QDQ") islands of a
// quantized model into integer operators.
//
// Every pattern is centred on one float op n whose quantized inputs come from
// DequantizeLinear nodes and whose only consumer is a QuantizeLinear q (with
// optionally a Relu or Clip in between). The rewrite replaces n and q by an
// integer node that reads the DQ inputs' integer tensors and writes q's
// output name. The DQ nodes are left in place: dead-node removal deletes them
// once nothing else reads them, so other float consumers keep working.
// Only constant, valid quantization parameters (positive finite float32
// scales, 8-bit zero points) are fused; anything else stays as it is and
// runs through the plain QuantizeLinear/DequantizeLinear kernels, which
// report bad parameters naming the node.

// QDQDomain is the operator domain of qinfer's internal fused operators.
const QDQDomain = "qinfer"

// QDQLookupOp is the internal 8-bit lookup-table operator the pass emits:
// y[i] = table[uint8 bit pattern of x[i]], attribute "table" holding 256
// values of the output type.
const QDQLookupOp = "QLookup"

// QDQMaxPoolOp is the internal 8-bit MaxPool the pass emits for DQ →
// MaxPool → Q: MaxPool's attributes and meaning on the integer tensor, with
// an 8-bit fast path.
const QDQMaxPoolOp = "QMaxPool"

// FuseQDQ rewrites DQ → op → Q patterns of the main graph into integer
// operators and reports whether it changed the graph:
//
//   - Conv → QLinearConv (bias quantized to int32 at scale x_scale·w_scale),
//     MatMul → QLinearMatMul, Gemm → com.microsoft QGemm;
//   - Add, Mul → com.microsoft QLinearAdd, QLinearMul; Concat → Concat on
//     the integer tensors when all parameters agree, else QLinearConcat;
//     GlobalAveragePool, AveragePool → com.microsoft QLinear*Pool;
//   - MaxPool (as qinfer.QMaxPool) and movement ops (Reshape, Transpose, Flatten, Slice, Resize
//     nearest, ...) run on the integer tensor, followed by a requantizing
//     lookup table when the output parameters differ;
//   - elementwise float ops on one 8-bit input (Relu, Clip, Sigmoid, Tanh,
//     HardSwish, Gelu, LeakyRelu, Exp, ..., and Add/Mul/Sub/Div/Pow by a
//     constant scalar) → a qinfer.QLookup table computed at fusion time
//     through eval (the float kernels), so the result equals the unfused
//     DQ → op → Q chain bit for bit;
//   - DQ → Q: removed when the parameters are identical, else a requantizing
//     lookup table.
//
// A Relu or Clip between Conv/MatMul/Gemm/Add/Mul and the Q is folded into
// the integer result (dropped when the Q's range already clamps, else a
// lookup table). ConvTranspose with float weights, stride == kernel and no
// padding, read from a DQ, becomes qinfer.QDeconvChain together with its
// activation and a second such ConvTranspose (float arithmetic, fused).
func FuseQDQ(g *ir.Graph, eval Evaluator) bool {
	changed := false
	// Each rewrite rebuilds the indexes; a bound keeps hostile graphs finite.
	for round := 0; round <= 4*len(g.Nodes)+4; round++ {
		f := newQDQFuser(g, eval)
		if !f.fuseOne() {
			break
		}
		changed = true
	}
	return changed
}

type qdqFuser struct {
	g         *ir.Graph
	eval      Evaluator
	producer  map[string]*ir.Node
	consumers map[string][]*ir.Node
	isOutput  map[string]bool
	isInput   map[string]bool
	order     []*ir.Node
}

func newQDQFuser(g *ir.Graph, eval Evaluator) *qdqFuser {
	f := &qdqFuser{g: g, eval: eval, producer: map[string]*ir.Node{}, consumers: map[string][]*ir.Node{},
		isOutput: map[string]bool{}, isInput: map[string]bool{}}
	for _, o := range g.Outputs {
		f.isOutput[o.Name] = true
	}
	for _, in := range g.Inputs {
		f.isInput[in.Name] = true
	}
	for _, n := range g.Nodes {
		for _, o := range n.Outputs {
			if o != "" {
				f.producer[o] = n
			}
		}
		seen := map[string]bool{}
		for _, in := range n.Uses() {
			if in != "" && !seen[in] {
				seen[in] = true
				f.consumers[in] = append(f.consumers[in], n)
			}
		}
	}
	f.order, _ = g.TopoSort()
	return f
}

// fuseOne applies the first rewrite found in topological order.
func (f *qdqFuser) fuseOne() bool {
	for _, n := range f.order {
		if n.Domain == QDQDomain && n.OpType == QDQLookupOp {
			if f.dqMergeLookups(n) || f.dqHoistLookup(n) {
				return true
			}
			continue
		}
		if n.Domain != "" || len(n.Subgraphs()) > 0 {
			continue
		}
		if n.OpType == "QuantizeLinear" {
			if f.fuseDQQ(n) {
				return true
			}
			continue
		}
		if f.fuseOp(n) {
			return true
		}
	}
	return false
}

// qdqParams are constant per-tensor or per-axis quantization parameters.
type qdqParams struct {
	scale, zp         *tensor.Tensor // zp nil: absent (0 of dt)
	scaleName, zpName string
	dt                tensor.DType // the quantized type
	axis              int          // as written on the node (per-axis only)
	perTensor         bool
}

// constant returns an initializer that callers cannot override.
func (f *qdqFuser) constant(name string) *tensor.Tensor {
	if name == "" || f.isInput[name] {
		return nil
	}
	return f.g.Initializers[name]
}

// params reads the scale/zero point of a Q or DQ node, or ok=false when they
// are not constant, not valid, or not 8-bit.
func (f *qdqFuser) params(n *ir.Node, dt tensor.DType) (p qdqParams, ok bool) {
	if n.AttrInt("block_size", 0) != 0 {
		return p, false
	}
	p.scaleName, p.zpName = n.Input(1), n.Input(2)
	p.scale = f.constant(p.scaleName)
	if p.scale == nil || p.scale.DType() != tensor.Float32 || p.scale.Len() == 0 {
		return p, false
	}
	for _, v := range p.scale.Float32s() {
		if !(v > 0) || math.IsInf(float64(v), 0) {
			return p, false
		}
	}
	if p.zpName != "" {
		if p.zp = f.constant(p.zpName); p.zp == nil || p.zp.Len() != p.scale.Len() {
			return p, false
		}
		if dt == tensor.Undefined {
			dt = p.zp.DType()
		}
		if p.zp.DType() != dt {
			return p, false
		}
	}
	if dt == tensor.Undefined {
		dt = tensor.Uint8
	}
	if dt != tensor.Uint8 && dt != tensor.Int8 {
		return p, false
	}
	p.dt = dt
	p.axis = int(n.AttrInt("axis", 1))
	p.perTensor = p.scale.Len() == 1 && p.scale.Rank() <= 1
	return p, true
}

// dq returns the DequantizeLinear producing name, with its parameters.
func (f *qdqFuser) dq(name string) (*ir.Node, qdqParams, bool) {
	d := f.producer[name]
	if d == nil || d.Domain != "" || d.OpType != "DequantizeLinear" || len(d.Inputs) < 2 {
		return nil, qdqParams{}, false
	}
	if od := d.AttrInt("output_dtype", 0); od != 0 && tensor.DType(od) != tensor.Float32 {
		return nil, qdqParams{}, false
	}
	xdt := tensor.Undefined
	if t := f.constant(d.Inputs[0]); t != nil {
		xdt = t.DType()
	} else if d.Input(2) == "" {
		// A runtime input without zero point: its type is unknown here.
		return nil, qdqParams{}, false
	}
	p, ok := f.params(d, xdt)
	if !ok {
		return nil, p, false
	}
	return d, p, true
}

// q returns the QuantizeLinear consuming name when it is name's only reader.
func (f *qdqFuser) q(name string) (*ir.Node, qdqParams, bool) {
	if f.isOutput[name] {
		return nil, qdqParams{}, false
	}
	cs := f.consumers[name]
	if len(cs) != 1 {
		return nil, qdqParams{}, false
	}
	q := cs[0]
	if q.Domain != "" || q.OpType != "QuantizeLinear" || q.Input(0) != name || len(q.Outputs) != 1 {
		return nil, qdqParams{}, false
	}
	odt := tensor.DType(q.AttrInt("output_dtype", 0))
	p, ok := f.params(q, odt)
	if !ok || !p.perTensor {
		return nil, p, false
	}
	return q, p, true
}

func (p qdqParams) scaleAt(i int) float32 {
	s := p.scale.Float32s()
	if len(s) == 1 {
		return s[0]
	}
	return s[i]
}

func (p qdqParams) zpAt(i int) int64 {
	if p.zp == nil {
		return 0
	}
	if p.zp.Len() == 1 {
		return p.zp.Int64At(0)
	}
	return p.zp.Int64At(i)
}

// same reports whether two per-tensor parameter sets are identical.
func (a qdqParams) same(b qdqParams) bool {
	return a.perTensor && b.perTensor && a.dt == b.dt &&
		math.Float32bits(a.scaleAt(0)) == math.Float32bits(b.scaleAt(0)) && a.zpAt(0) == b.zpAt(0)
}

// unique returns a value name not used in the graph.
func (f *qdqFuser) unique(base string) string {
	name := base
	for i := 1; ; i++ {
		_, init := f.g.Initializers[name]
		if !init && f.producer[name] == nil && !f.isInput[name] && len(f.consumers[name]) == 0 {
			return name
		}
		name = fmt.Sprintf("%s_%d", base, i)
	}
}

// addConst adds an initializer under a fresh name derived from base.
func (f *qdqFuser) addConst(base string, t *tensor.Tensor) string {
	name := f.unique(base)
	f.g.AddInitializer(name, t)
	f.producer[name] = nil
	return name
}

// zpName returns the name of p's zero point, creating a zero initializer of
// the quantized type when the node had none.
func (f *qdqFuser) zpName(p qdqParams, base string) string {
	if p.zpName != "" {
		return p.zpName
	}
	z := tensor.Zeros(p.dt)
	return f.addConst(base+"_qf_zp", z)
}

// replace removes the nodes in old and inserts repl where the first of old
// stood (nodes keep file order; TopoSort orders the rest).
func (f *qdqFuser) replace(old []*ir.Node, repl ...*ir.Node) {
	drop := map[*ir.Node]bool{}
	for _, n := range old {
		drop[n] = true
	}
	var out []*ir.Node
	done := false
	for _, n := range f.g.Nodes {
		if drop[n] {
			if !done {
				out = append(out, repl...)
				done = true
			}
			continue
		}
		out = append(out, n)
	}
	f.g.Nodes = out
}

// tail finds the Q ending a pattern rooted at n's output, looking through
// one Relu or Clip (constant bounds). It returns the Q, its parameters and
// the activation node (nil when none).
func (f *qdqFuser) tail(n *ir.Node) (q, act *ir.Node, qp qdqParams, ok bool) {
	out := n.Outputs[0]
	if len(n.Outputs) != 1 {
		return nil, nil, qp, false
	}
	if q, qp, ok = f.q(out); ok {
		return q, nil, qp, true
	}
	if f.isOutput[out] || len(f.consumers[out]) != 1 {
		return nil, nil, qp, false
	}
	a := f.consumers[out][0]
	if a.Domain != "" || a.Input(0) != out || len(a.Outputs) != 1 {
		return nil, nil, qp, false
	}
	switch a.OpType {
	case "Relu":
	case "Clip":
		for _, in := range a.Inputs[1:] {
			if in != "" && f.constant(in) == nil {
				return nil, nil, qp, false
			}
		}
	default:
		return nil, nil, qp, false
	}
	if q, qp, ok = f.q(a.Outputs[0]); !ok {
		return nil, nil, qp, false
	}
	// The activation must be expressible as a table on the Q's own scale.
	if _, ok := f.table(qp, qp, a); !ok {
		return nil, nil, qp, false
	}
	return q, a, qp, true
}

// finish emits the fused node k (whose output is still to be named) plus,
// when an activation sat before the Q, the lookup table applying it in the
// integer domain.
func (f *qdqFuser) finish(n, act, q *ir.Node, qp qdqParams, k *ir.Node) bool {
	old := []*ir.Node{n, q}
	if act == nil {
		k.Outputs = []string{q.Outputs[0]}
		f.replace(old, k)
		return true
	}
	old = []*ir.Node{n, act, q}
	table, ok := f.table(qp, qp, act)
	if !ok {
		return false
	}
	if qdqIdentity(table, qp.dt) {
		k.Outputs = []string{q.Outputs[0]}
		f.replace(old, k)
		return true
	}
	mid := f.unique(q.Outputs[0] + "_qf_pre")
	k.Outputs = []string{mid}
	f.replace(old, k, f.lookup(act.Name, mid, q.Outputs[0], table))
	return true
}

func (f *qdqFuser) lookup(name, in, out string, table *tensor.Tensor) *ir.Node {
	return &ir.Node{Name: name, OpType: QDQLookupOp, Domain: QDQDomain, Inputs: []string{in}, Outputs: []string{out},
		Attrs: []*ir.Attr{{Name: "table", Type: ir.AttrTensor, T: table}}}
}

// qdqIdentity reports whether table maps every 8-bit value to itself.
func qdqIdentity(t *tensor.Tensor, dt tensor.DType) bool {
	if t.DType() != dt {
		return false
	}
	for i := 0; i < 256; i++ {
		if uint8(t.Int64At(i)) != uint8(i) {
			return false
		}
	}
	return true
}

// table computes y = Q_out(op(DQ_in(x))) for all 256 values of x's type
// (indexed by bit pattern) through eval; op nil means the identity.
func (f *qdqFuser) table(in, out qdqParams, op *ir.Node) (*tensor.Tensor, bool) {
	fx, ok := f.dqFloats(in)
	if !ok {
		return nil, false
	}
	if op != nil {
		args := []*tensor.Tensor{fx}
		for _, name := range op.Inputs[1:] {
			if name == "" {
				args = append(args, nil)
				continue
			}
			args = append(args, f.constant(name))
		}
		if fx, ok = f.run(op, args...); !ok {
			return nil, false
		}
		if fx.Len() != 256 || fx.DType() != tensor.Float32 {
			return nil, false
		}
	}
	zp := out.zp
	if zp == nil {
		zp = tensor.Zeros(out.dt)
	}
	q := &ir.Node{Name: "qf_q", OpType: "QuantizeLinear", Inputs: []string{"x", "s", "z"}, Outputs: []string{"y"}}
	y, ok := f.run(q, fx, out.scale, zp)
	if !ok || y.Len() != 256 || y.DType() != out.dt {
		return nil, false
	}
	return y, true
}

func (f *qdqFuser) run(n *ir.Node, in ...*tensor.Tensor) (*tensor.Tensor, bool) {
	if f.eval == nil {
		return nil, false
	}
	out, ok := f.eval(n, in)
	if !ok || len(out) == 0 || out[0] == nil {
		return nil, false
	}
	return out[0], true
}

// fuseDQQ handles DQ → Q: identical parameters cancel (the Q's readers read
// the DQ's input), different per-tensor 8-bit parameters become a
// requantizing lookup table.
func (f *qdqFuser) fuseDQQ(q *ir.Node) bool {
	d, dp, ok := f.dq(q.Input(0))
	if !ok || len(q.Outputs) != 1 {
		return false
	}
	qp, ok := f.params(q, tensor.DType(q.AttrInt("output_dtype", 0)))
	if !ok {
		return false
	}
	if dp.same(qp) || qdqSameAxis(dp, qp, d.Inputs[0], f) {
		out := q.Outputs[0]
		src := d.Inputs[0]
		if f.isOutput[out] {
			// A graph output keeps its name through an Identity.
			f.replace([]*ir.Node{q}, &ir.Node{Name: q.Name, OpType: "Identity", Inputs: []string{src}, Outputs: []string{out}})
			return true
		}
		for _, c := range f.consumers[out] {
			if len(c.Subgraphs()) > 0 {
				return false
			}
		}
		for _, c := range f.consumers[out] {
			for i, in := range c.Inputs {
				if in == out {
					c.Inputs[i] = src
				}
			}
		}
		f.replace([]*ir.Node{q})
		return true
	}
	if !dp.perTensor || !qp.perTensor {
		return false
	}
	table, ok := f.table(dp, qp, nil)
	if !ok {
		return false
	}
	f.replace([]*ir.Node{q}, f.lookup(q.Name, d.Inputs[0], q.Outputs[0], table))
	return true
}

// qdqSameAxis reports identical per-axis parameters (same tensors, same
// normalised axis).
func qdqSameAxis(a, b qdqParams, x string, f *qdqFuser) bool {
	if a.perTensor || b.perTensor || a.dt != b.dt || a.scaleName != b.scaleName || a.zpName != b.zpName {
		return false
	}
	return a.axis == b.axis
}

// qdqMovement lists ops that only move, select or compare values, so they
// run unchanged on 8-bit tensors (input 0 is the data).
var qdqMovement = map[string]bool{
	"Reshape": true, "Transpose": true, "Squeeze": true, "Unsqueeze": true, "Flatten": true,
	"Slice": true, "Resize": true, "MaxPool": true, "Identity": true, "Expand": true,
	"DepthToSpace": true, "SpaceToDepth": true, "Tile": true, "Gather": true,
}

// qdqUnary lists elementwise float ops a lookup table can replace.
var qdqUnary = map[string]bool{
	"Relu": true, "Clip": true, "Sigmoid": true, "Tanh": true, "HardSwish": true, "HardSigmoid": true,
	"Exp": true, "Log": true, "Gelu": true, "LeakyRelu": true, "Elu": true, "Selu": true, "Celu": true,
	"Softplus": true, "Softsign": true, "Erf": true, "Abs": true, "Neg": true, "Sqrt": true,
	"Reciprocal": true, "Sin": true, "Cos": true, "Mish": true, "ThresholdedRelu": true,
	"Round": true, "Floor": true, "Ceil": true, "Sign": true, "PRelu": true,
}

// qdqScalarBinary lists binary ops that become a table when one operand is a
// constant scalar.
var qdqScalarBinary = map[string]bool{"Add": true, "Mul": true, "Sub": true, "Div": true, "Pow": true}

func (f *qdqFuser) fuseOp(n *ir.Node) bool {
	if len(n.Outputs) == 0 || n.Outputs[0] == "" || len(n.Inputs) == 0 {
		return false
	}
	switch {
	case n.OpType == "Conv":
		return f.fuseConv(n)
	case n.OpType == "ConvTranspose":
		return f.qdFuseDeconv(n)
	case n.OpType == "MatMul":
		return f.fuseMatMul(n)
	case n.OpType == "Gemm":
		return f.fuseGemm(n)
	case n.OpType == "Add" || n.OpType == "Mul":
		if f.fuseBinary(n) {
			return true
		}
		return f.fuseUnary(n)
	case n.OpType == "Concat":
		return f.fuseConcat(n)
	case n.OpType == "GlobalAveragePool" || n.OpType == "AveragePool":
		return f.fusePool(n)
	case qdqMovement[n.OpType]:
		return f.fuseMovement(n)
	case qdqUnary[n.OpType] || qdqScalarBinary[n.OpType]:
		return f.fuseUnary(n)
	}
	return false
}

// fuseUnary turns DQ → elementwise op → Q into a lookup table. For binary
// ops, the other operand must be a constant scalar.
func (f *qdqFuser) fuseUnary(n *ir.Node) bool {
	if len(n.Outputs) != 1 {
		return false
	}
	dataIdx := 0
	if qdqScalarBinary[n.OpType] {
		if len(n.Inputs) != 2 {
			return false
		}
		c0, c1 := f.constant(n.Inputs[0]), f.constant(n.Inputs[1])
		switch {
		case c1 != nil && c1.Len() == 1 && c1.DType() == tensor.Float32:
		case c0 != nil && c0.Len() == 1 && c0.DType() == tensor.Float32:
			dataIdx = 1
		default:
			return false
		}
	} else {
		for _, in := range n.Inputs[1:] {
			if in != "" && f.constant(in) == nil {
				return false
			}
		}
		if n.OpType == "PRelu" {
			if s := f.constant(n.Input(1)); s == nil || s.Len() != 1 {
				return false
			}
		}
	}
	d, dp, ok := f.dq(n.Inputs[dataIdx])
	if !ok || !dp.perTensor {
		return false
	}
	q, qp, ok := f.q(n.Outputs[0])
	if !ok {
		return f.dqFuseChain(n, dataIdx, d, dp)
	}
	// Evaluate with the data operand first, whatever its position.
	op := n.Clone()
	if dataIdx == 1 {
		if n.OpType == "Add" || n.OpType == "Mul" {
			op.Inputs = []string{n.Inputs[1], n.Inputs[0]}
		} else {
			return f.fuseUnaryRight(n, d, dp, q, qp)
		}
	}
	table, ok := f.table(dp, qp, op)
	if !ok {
		return false
	}
	f.replace([]*ir.Node{n, q}, f.lookup(n.Name, d.Inputs[0], q.Outputs[0], table))
	return true
}

// fuseUnaryRight handles c − x, c / x and c ^ x with a constant scalar c by
// evaluating the op with the table input on the right.
func (f *qdqFuser) fuseUnaryRight(n, d *ir.Node, dp qdqParams, q *ir.Node, qp qdqParams) bool {
	fx, ok := f.dqFloats(dp)
	if !ok {
		return false
	}
	fy, ok := f.run(n, f.constant(n.Inputs[0]), fx)
	if !ok || fy.Len() != 256 {
		return false
	}
	zp := qp.zp
	if zp == nil {
		zp = tensor.Zeros(qp.dt)
	}
	qn := &ir.Node{Name: "qf_q", OpType: "QuantizeLinear", Inputs: []string{"x", "s", "z"}, Outputs: []string{"y"}}
	table, ok := f.run(qn, fy, qp.scale, zp)
	if !ok || table.Len() != 256 {
		return false
	}
	f.replace([]*ir.Node{n, q}, f.lookup(n.Name, d.Inputs[0], q.Outputs[0], table))
	return true
}

// fuseMovement runs MaxPool and movement ops on the integer tensor.
func (f *qdqFuser) fuseMovement(n *ir.Node) bool {
	if n.OpType == "Resize" && n.AttrString("mode", "nearest") != "nearest" {
		return false
	}
	if n.OpType == "MaxPool" && len(n.Outputs) > 1 && n.Outputs[1] != "" {
		return false
	}
	d, dp, ok := f.dq(n.Inputs[0])
	if !ok || !dp.perTensor {
		return false
	}
	q, qp, ok := f.q(n.Outputs[0])
	if !ok {
		return false
	}
	k := n.Clone()
	k.Inputs[0] = d.Inputs[0]
	k.Outputs = []string{q.Outputs[0]}
	if n.OpType == "MaxPool" {
		k.OpType, k.Domain = QDQMaxPoolOp, QDQDomain
		k.Outputs = k.Outputs[:1]
	}
	if dp.same(qp) {
		f.replace([]*ir.Node{n, q}, k)
		return true
	}
	table, ok := f.table(dp, qp, nil)
	if !ok {
		return false
	}
	mid := f.unique(q.Outputs[0] + "_qf_pre")
	k.Outputs = []string{mid}
	f.replace([]*ir.Node{n, q}, k, f.lookup(q.Name, mid, q.Outputs[0], table))
	return true
}

// fuseConv: DQ(x), DQ(w) [, bias] → Conv → [Relu|Clip →] Q ⇒ QLinearConv.
func (f *qdqFuser) fuseConv(n *ir.Node) bool {
	if len(n.Inputs) < 2 {
		return false
	}
	dx, xp, ok := f.dq(n.Inputs[0])
	if !ok || !xp.perTensor {
		return false
	}
	dw, wp, ok := f.dq(n.Inputs[1])
	if !ok {
		return false
	}
	w := f.constant(dw.Inputs[0])
	cout := -1
	if w != nil && w.Rank() >= 3 {
		cout = w.Shape()[0]
	}
	if !wp.perTensor {
		if cout < 0 || wp.scale.Rank() != 1 || wp.scale.Len() != cout {
			return false
		}
		if ax := wp.axis; ax != 0 && ax != -w.Rank() {
			return false
		}
	}
	q, act, qp, ok := f.tail(n)
	if !ok {
		return false
	}
	var bias string
	if b := n.Input(2); b != "" {
		if cout < 0 {
			return false
		}
		if bias, ok = f.bias(b, xp, wp, cout, 1, 1, n.Name); !ok {
			return false
		}
	}
	k := &ir.Node{Name: n.Name, OpType: "QLinearConv", Attrs: n.Clone().Attrs,
		Inputs: []string{dx.Inputs[0], xp.scaleName, f.zpName(xp, n.Name+"_x"),
			dw.Inputs[0], wp.scaleName, f.zpName(wp, n.Name+"_w"), qp.scaleName, f.zpName(qp, n.Name+"_y")}}
	if bias != "" {
		k.Inputs = append(k.Inputs, bias)
	}
	return f.finish(n, act, q, qp, k)
}

// bias returns the name of an int32 bias at scale alpha·x_scale·w_scale[c]
// (per output channel c < cout): the DQ's int32 input when it already has
// exactly that scale and zero point 0, else a new initializer quantized from
// the float values (times beta).
func (f *qdqFuser) bias(name string, xp, wp qdqParams, cout int, alpha, beta float32, base string) (string, bool) {
	scaleOf := func(c int) float32 { return alpha * xp.scaleAt(0) * wp.scaleAt(c) }
	var vals *tensor.Tensor
	if d := f.producer[name]; d != nil && d.OpType == "DequantizeLinear" && d.Domain == "" {
		bq := f.constant(d.Input(0))
		bs := f.constant(d.Input(1))
		if bq == nil || bs == nil || bq.DType() != tensor.Int32 || bq.Len() != cout || bs.DType() != tensor.Float32 {
			return "", false
		}
		if bq.Rank() > 2 || bq.Rank() == 2 && bq.Shape()[0] != 1 {
			return "", false
		}
		zp := f.constant(d.Input(2))
		if d.Input(2) != "" && zp == nil {
			return "", false
		}
		exact := beta == 1 && (bs.Len() == 1 || bs.Len() == cout)
		for c := 0; exact && c < cout; c++ {
			s := bs.Float32s()[0]
			if bs.Len() > 1 {
				s = bs.Float32s()[c]
			}
			if s != scaleOf(c) || zp != nil && zp.Int64At(min(c, zp.Len()-1)) != 0 {
				exact = false
			}
		}
		if exact {
			return d.Input(0), true
		}
		in := []*tensor.Tensor{bq, bs}
		if zp != nil {
			in = append(in, zp)
		}
		v, ok := f.run(d, in...)
		if !ok {
			return "", false
		}
		vals = v
	} else if vals = f.constant(name); vals == nil {
		return "", false
	}
	if vals.DType() != tensor.Float32 || vals.Len() != cout && !(vals.Len() == 1 && wp.perTensor) {
		return "", false
	}
	out := make([]int32, cout)
	for c := range out {
		v := float64(vals.Float32s()[min(c, vals.Len()-1)]) * float64(beta)
		r := math.RoundToEven(v / float64(scaleOf(c)))
		if r != r || r > math.MaxInt32 || r < math.MinInt32 {
			return "", false
		}
		out[c] = int32(r)
	}
	t, _ := tensor.FromData(tensor.Int32, []int{cout}, out)
	return f.addConst(base+"_qf_bias", t), true
}

// fuseMatMul: DQ(a), DQ(b) → MatMul → [Relu|Clip →] Q ⇒ QLinearMatMul.
func (f *qdqFuser) fuseMatMul(n *ir.Node) bool {
	if len(n.Inputs) != 2 {
		return false
	}
	da, ap, ok := f.dq(n.Inputs[0])
	if !ok || !ap.perTensor {
		return false
	}
	db, bp, ok := f.dq(n.Inputs[1])
	if !ok {
		return false
	}
	if !bp.perTensor {
		b := f.constant(db.Inputs[0])
		if b == nil || b.Rank() != 2 || bp.scale.Rank() != 1 || bp.scale.Len() != b.Shape()[1] || (bp.axis != 1 && bp.axis != -1) {
			return false
		}
	}
	q, act, qp, ok := f.tail(n)
	if !ok {
		return false
	}
	k := &ir.Node{Name: n.Name, OpType: "QLinearMatMul",
		Inputs: []string{da.Inputs[0], ap.scaleName, f.zpName(ap, n.Name+"_a"),
			db.Inputs[0], bp.scaleName, f.zpName(bp, n.Name+"_b"), qp.scaleName, f.zpName(qp, n.Name+"_y")}}
	return f.finish(n, act, q, qp, k)
}

// fuseGemm: DQ(A), DQ(B) [, C] → Gemm → [Relu|Clip →] Q ⇒ com.microsoft
// QGemm with C as int32 at scale alpha·a_scale·b_scale.
func (f *qdqFuser) fuseGemm(n *ir.Node) bool {
	if len(n.Inputs) < 2 {
		return false
	}
	da, ap, ok := f.dq(n.Inputs[0])
	if !ok || !ap.perTensor {
		return false
	}
	db, bp, ok := f.dq(n.Inputs[1])
	if !ok {
		return false
	}
	transB := n.AttrInt("transB", 0) != 0
	b := f.constant(db.Inputs[0])
	nOut := -1
	if b != nil && b.Rank() == 2 {
		nOut = b.Shape()[1]
		if transB {
			nOut = b.Shape()[0]
		}
	}
	if !bp.perTensor {
		wantAxis := 1
		if transB {
			wantAxis = 0
		}
		ax := bp.axis
		if ax < 0 {
			ax += 2
		}
		if nOut < 0 || bp.scale.Rank() != 1 || bp.scale.Len() != nOut || ax != wantAxis {
			return false
		}
	}
	alpha, beta := n.AttrFloat("alpha", 1), n.AttrFloat("beta", 1)
	if !(alpha > 0) {
		return false
	}
	q, act, qp, ok := f.tail(n)
	if !ok {
		return false
	}
	var bias string
	if c := n.Input(2); c != "" {
		if nOut < 0 {
			return false
		}
		if ct := f.constant(c); ct != nil && ct.Rank() > 1 && (ct.Rank() != 2 || ct.Shape()[0] != 1) {
			return false
		}
		if bias, ok = f.bias(c, ap, bp, nOut, alpha, beta, n.Name); !ok {
			return false
		}
	}
	k := &ir.Node{Name: n.Name, OpType: "QGemm", Domain: ir.MSDomain,
		Inputs: []string{da.Inputs[0], ap.scaleName, f.zpName(ap, n.Name+"_a"),
			db.Inputs[0], bp.scaleName, f.zpName(bp, n.Name+"_b"), bias, qp.scaleName, f.zpName(qp, n.Name+"_y")}}
	for _, a := range []string{"transA", "transB", "alpha"} {
		if at := n.Attr(a); at != nil {
			c := *at
			k.Attrs = append(k.Attrs, &c)
		}
	}
	return f.finish(n, act, q, qp, k)
}

// fuseBinary: DQ(a), DQ(b) → Add|Mul → [Relu|Clip →] Q ⇒ com.microsoft
// QLinearAdd|QLinearMul (all three tensors of one 8-bit type).
func (f *qdqFuser) fuseBinary(n *ir.Node) bool {
	if len(n.Inputs) != 2 {
		return false
	}
	da, ap, ok := f.dq(n.Inputs[0])
	if !ok || !ap.perTensor {
		return false
	}
	db, bp, ok := f.dq(n.Inputs[1])
	if !ok || !bp.perTensor || bp.dt != ap.dt {
		return false
	}
	q, act, qp, ok := f.tail(n)
	if !ok || qp.dt != ap.dt {
		return false
	}
	k := &ir.Node{Name: n.Name, OpType: "QLinear" + n.OpType, Domain: ir.MSDomain,
		Inputs: []string{da.Inputs[0], ap.scaleName, f.zpName(ap, n.Name+"_a"),
			db.Inputs[0], bp.scaleName, f.zpName(bp, n.Name+"_b"), qp.scaleName, f.zpName(qp, n.Name+"_y")}}
	return f.finish(n, act, q, qp, k)
}

// fuseConcat: Concat of DQs → Q ⇒ Concat of the integer tensors when every
// input has the output's parameters, else com.microsoft QLinearConcat.
func (f *qdqFuser) fuseConcat(n *ir.Node) bool {
	q, qp, ok := f.q(n.Outputs[0])
	if !ok {
		return false
	}
	var ins []*ir.Node
	var ps []qdqParams
	same := true
	for _, in := range n.Inputs {
		d, p, ok := f.dq(in)
		if !ok || !p.perTensor || p.dt != qp.dt {
			return false
		}
		ins, ps = append(ins, d), append(ps, p)
		same = same && p.same(qp)
	}
	if same {
		k := n.Clone()
		for i, d := range ins {
			k.Inputs[i] = d.Inputs[0]
		}
		k.Outputs = []string{q.Outputs[0]}
		f.replace([]*ir.Node{n, q}, k)
		return true
	}
	// Requantize the inputs whose parameters differ through lookup tables
	// (DQ → Q, computed by the same kernels, so equal to the unfused graph
	// and to QLinearConcat), then concatenate bytes; the tables later move
	// in front of upsampling Resizes (dqHoistLookup), onto fewer elements.
	var repl []*ir.Node
	k := n.Clone()
	for i, d := range ins {
		k.Inputs[i] = d.Inputs[0]
		if ps[i].same(qp) {
			continue
		}
		table, ok := f.table(ps[i], qp, nil)
		if !ok {
			repl = nil
			break
		}
		mid := f.unique(fmt.Sprintf("%s_qf_in%d", q.Outputs[0], i))
		f.producer[mid] = n // reserve the name
		repl = append(repl, f.lookup(fmt.Sprintf("%s_requant%d", n.Name, i), d.Inputs[0], mid, table))
		k.Inputs[i] = mid
	}
	if repl != nil {
		k.Outputs = []string{q.Outputs[0]}
		f.replace([]*ir.Node{n, q}, append(repl, k)...)
		return true
	}
	k = &ir.Node{Name: n.Name, OpType: "QLinearConcat", Domain: ir.MSDomain, Outputs: []string{q.Outputs[0]},
		Inputs: []string{qp.scaleName, f.zpName(qp, n.Name+"_y")}}
	if a := n.Attr("axis"); a != nil {
		c := *a
		k.Attrs = append(k.Attrs, &c)
	}
	for i, d := range ins {
		k.Inputs = append(k.Inputs, d.Inputs[0], ps[i].scaleName, f.zpName(ps[i], fmt.Sprintf("%s_%d", n.Name, i)))
	}
	f.replace([]*ir.Node{n, q}, k)
	return true
}

// fusePool: DQ → GlobalAveragePool|AveragePool → Q ⇒ com.microsoft
// QLinearGlobalAveragePool|QLinearAveragePool (NCHW).
func (f *qdqFuser) fusePool(n *ir.Node) bool {
	if len(n.Outputs) != 1 {
		return false
	}
	d, xp, ok := f.dq(n.Inputs[0])
	if !ok || !xp.perTensor {
		return false
	}
	q, qp, ok := f.q(n.Outputs[0])
	if !ok || qp.dt != xp.dt {
		return false
	}
	k := &ir.Node{Name: n.Name, OpType: "QLinear" + n.OpType, Domain: ir.MSDomain, Outputs: []string{q.Outputs[0]},
		Inputs: []string{d.Inputs[0], xp.scaleName, f.zpName(xp, n.Name+"_x"), qp.scaleName, f.zpName(qp, n.Name+"_y")}}
	k.Attrs = n.Clone().Attrs
	k.SetAttr(&ir.Attr{Name: "channels_last", Type: ir.AttrInt, I: 0})
	f.replace([]*ir.Node{n, q}, k)
	return true
}

// dqTableInput returns the index of the data input of n when n is an
// elementwise op a lookup table can replace (a unary op with constant
// extra inputs, or Add/Mul/Sub/Div/Pow by a constant float32 scalar).
func (f *qdqFuser) dqTableInput(n *ir.Node) (int, bool) {
	if n.Domain != "" || len(n.Outputs) != 1 || n.Outputs[0] == "" || len(n.Inputs) == 0 || len(n.Subgraphs()) > 0 {
		return 0, false
	}
	if qdqScalarBinary[n.OpType] {
		if len(n.Inputs) != 2 {
			return 0, false
		}
		c0, c1 := f.constant(n.Inputs[0]), f.constant(n.Inputs[1])
		switch {
		case c1 != nil && c1.Len() == 1 && c1.DType() == tensor.Float32:
			return 0, true
		case c0 != nil && c0.Len() == 1 && c0.DType() == tensor.Float32:
			return 1, true
		}
		return 0, false
	}
	if !qdqUnary[n.OpType] {
		return 0, false
	}
	for _, in := range n.Inputs[1:] {
		if in != "" && f.constant(in) == nil {
			return 0, false
		}
	}
	if n.OpType == "PRelu" {
		if s := f.constant(n.Input(1)); s == nil || s.Len() != 1 {
			return 0, false
		}
	}
	return 0, true
}

// dqMaxChain bounds the elementwise chains dqFuseChain follows.
const dqMaxChain = 16

// dqFuseChain turns DQ → op1 → op2 → ... → Q, a chain of elementwise ops
// each read only by the next (as the quantizer leaves a decomposed
// activation or scalar affine steps between two quantized tensors), into
// one lookup table: the ops run in float on all 256 inputs, so the table
// equals the unfused chain bit for bit.
func (f *qdqFuser) dqFuseChain(n *ir.Node, dataIdx int, d *ir.Node, dp qdqParams) bool {
	chain := []*ir.Node{n}
	idx := []int{dataIdx}
	cur := n.Outputs[0]
	var q *ir.Node
	var qp qdqParams
	for {
		if qn, p, ok := f.q(cur); ok {
			q, qp = qn, p
			break
		}
		if len(chain) >= dqMaxChain || f.isOutput[cur] || len(f.consumers[cur]) != 1 {
			return false
		}
		c := f.consumers[cur][0]
		i, ok := f.dqTableInput(c)
		if !ok || c.Inputs[i] != cur {
			return false
		}
		chain, idx = append(chain, c), append(idx, i)
		cur = c.Outputs[0]
	}
	fx, ok := f.dqFloats(dp)
	if !ok {
		return false
	}
	for k, op := range chain {
		args := make([]*tensor.Tensor, len(op.Inputs))
		for i, name := range op.Inputs {
			if i == idx[k] {
				args[i] = fx
			} else if name != "" {
				args[i] = f.constant(name)
			}
		}
		if fx, ok = f.run(op, args...); !ok || fx.Len() != 256 || fx.DType() != tensor.Float32 {
			return false
		}
	}
	zp := qp.zp
	if zp == nil {
		zp = tensor.Zeros(qp.dt)
	}
	qn := &ir.Node{Name: "qf_q", OpType: "QuantizeLinear", Inputs: []string{"x", "s", "z"}, Outputs: []string{"y"}}
	table, ok := f.run(qn, fx, qp.scale, zp)
	if !ok || table.Len() != 256 || table.DType() != qp.dt {
		return false
	}
	f.replace(append(chain, q), f.lookup(n.Name, d.Inputs[0], q.Outputs[0], table))
	return true
}

// dqFloats dequantizes all 256 values of p's 8-bit type (by bit pattern).
func (f *qdqFuser) dqFloats(p qdqParams) (*tensor.Tensor, bool) {
	var x *tensor.Tensor
	if p.dt == tensor.Uint8 {
		v := make([]uint8, 256)
		for i := range v {
			v[i] = uint8(i)
		}
		x, _ = tensor.FromData(tensor.Uint8, []int{256}, v)
	} else {
		v := make([]int8, 256)
		for i := range v {
			v[i] = int8(uint8(i))
		}
		x, _ = tensor.FromData(tensor.Int8, []int{256}, v)
	}
	dq := &ir.Node{Name: "qf_dq", OpType: "DequantizeLinear", Inputs: []string{"x", "s", "z"}, Outputs: []string{"y"}}
	return f.run(dq, x, p.scale, p.zp)
}

// dqMergeLookups composes QLookup → QLookup, the first read only by the
// second, into one table: the same bytes with one pass over the tensor.
func (f *qdqFuser) dqMergeLookups(a *ir.Node) bool {
	if len(a.Inputs) != 1 || len(a.Outputs) != 1 {
		return false
	}
	out := a.Outputs[0]
	if f.isOutput[out] || len(f.consumers[out]) != 1 {
		return false
	}
	b := f.consumers[out][0]
	if b.Domain != QDQDomain || b.OpType != QDQLookupOp || len(b.Inputs) != 1 || b.Inputs[0] != out || len(b.Outputs) != 1 {
		return false
	}
	ta, tb := a.AttrTensor("table"), b.AttrTensor("table")
	if ta == nil || tb == nil || ta.Len() != 256 || tb.Len() != 256 {
		return false
	}
	if ta.DType() != tensor.Uint8 && ta.DType() != tensor.Int8 || tb.DType() != tensor.Uint8 && tb.DType() != tensor.Int8 {
		return false
	}
	c := tensor.Zeros(tb.DType(), 256)
	for i := 0; i < 256; i++ {
		c.SetInt64(i, tb.Int64At(int(uint8(ta.Int64At(i)))))
	}
	f.replace([]*ir.Node{a, b}, f.lookup(b.Name, a.Inputs[0], b.Outputs[0], c))
	return true
}

// dqGrowing are ops that only copy input 0's elements (each output element
// is some input element) and never produce fewer of them, so a lookup table
// after them gives the same bytes applied before them, on fewer elements.
var dqGrowing = map[string]bool{"Resize": true, "Expand": true, "Tile": true}

// dqHoistLookup moves a QLookup in front of the integer movement op feeding
// it (M → QLookup ⇒ QLookup → M) when nothing else reads M's output: the
// table then runs before an upsampling Resize instead of after it.
func (f *qdqFuser) dqHoistLookup(l *ir.Node) bool {
	if len(l.Inputs) != 1 || len(l.Outputs) != 1 {
		return false
	}
	in := l.Inputs[0]
	m := f.producer[in]
	if m == nil || m.Domain != "" || !dqGrowing[m.OpType] || len(m.Outputs) != 1 || len(m.Inputs) == 0 || m.Inputs[0] == "" ||
		f.isOutput[in] || len(f.consumers[in]) != 1 || len(m.Subgraphs()) > 0 {
		return false
	}
	if m.OpType == "Resize" {
		if m.AttrString("mode", "nearest") != "nearest" || m.AttrString("coordinate_transformation_mode", "") == "tf_crop_and_resize" {
			return false
		}
		// Only upsampling (constant scales >= 1) moves: downsampling would
		// give the table more elements.
		sc := f.constant(m.Input(2))
		if m.Input(3) != "" || sc == nil || sc.DType() != tensor.Float32 || sc.Len() == 0 {
			return false
		}
		for _, v := range sc.Float32s() {
			if !(v >= 1) {
				return false
			}
		}
	}
	for _, x := range m.Inputs[1:] {
		if x != "" && f.constant(x) == nil {
			return false
		}
	}
	mid := f.unique(l.Outputs[0] + "_qf_hoist")
	nl := f.lookup(l.Name, m.Inputs[0], mid, l.AttrTensor("table"))
	nm := m.Clone()
	nm.Inputs[0] = mid
	nm.Outputs = []string{l.Outputs[0]}
	f.replace([]*ir.Node{m, l}, nl, nm)
	return true
}
