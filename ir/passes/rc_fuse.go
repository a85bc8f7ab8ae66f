package passes

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// Op types (domain QDQDomain) emitted by FuseTransformerOps; the kernels
// live in ops/rc_fused.go.
const (
	// LayerNormOp is LayerNormalization(X, Scale, B) with attributes axis
	// and epsilon, available at every opset.
	LayerNormOp = "LayerNorm"
	// SwishOp is Swish(X) = X·σ(alpha·X), attribute alpha.
	SwishOp = "Swish"
	// MatMulBiasOp is MatMulBias(A, B, bias) = A·B + bias for a 2-D float32
	// B and a bias of B's column count, with an optional activation
	// ("Swish", alpha) applied to the sum.
	MatMulBiasOp = "MatMulBias"
	// ScaleResidualOp is ScaleResidual(X, G[, B]) = X + X·G (G broadcast
	// to X), the squeeze-excite block with a residual of PP-OCR det's
	// neck; with B (and attribute scales as UpsampleAdd) the nearest
	// upsampled B is added to that.
	ScaleResidualOp = "ScaleResidual"
	// UpsampleAddOp is UpsampleAdd(A, B) = A + nearest-upsampled B, with
	// integer factors (attribute scales [sh, sw]) on the last two axes of
	// a 4-D B: the top-down path of a feature pyramid.
	UpsampleAddOp = "UpsampleAdd"
	// UpsampleConcatOp is Concat on axis 1 of 4-D inputs, each first
	// nearest-upsampled by its pair of integer factors in attribute scales
	// [sh0, sw0, sh1, sw1, ...] (1, 1 for an input used as is).
	UpsampleConcatOp = "UpsampleConcat"
)

// FuseTransformerOps rewrites the op-by-op transformer blocks of exported
// models (PP-OCRv4 rec's SVTR mixer) into single nodes, each a pass over
// the data instead of several with dispatch and memory traffic between:
//
//	ReduceMean/Sub/Pow 2/ReduceMean/Add eps/Sqrt/Div/Mul γ/Add β  → LayerNorm
//	Mul(x, α)/Sigmoid/Mul x, or Sigmoid/Mul x                    → Swish
//	MatMul(A, W)/Add b [/Swish]                                  → MatMulBias
//	Mul(x, g)/Add x                                              → ScaleResidual
//	Resize nearest ×s (asymmetric, floor)/Add                    → UpsampleAdd
//	Resize nearest ×s (asymmetric, floor)/Concat axis 1          → UpsampleConcat
//
// Every intermediate value must be read only inside its pattern. It
// declares the qinfer domain in m when it changed the graph, and reports
// whether it did.
func FuseTransformerOps(m *ir.Model) bool {
	g := m.Graph
	// The neck rewrites have float32 fast paths only; in a quantized graph
	// the byte Resize/Concat path of the QDQ fusion is the better one.
	quantized := rcQuantized(g)
	a := rcFuseLayerNorm(g)
	b := rcFuseSwish(g)
	c := rcFuseMatMulBias(g)
	var d, e, f bool
	if !quantized {
		d = rcFuseScaleResidual(g)
		e = rcFuseUpsampleAdd(g, m.Opset(""))
		f = rcFuseUpsampleConcat(g, m.Opset(""))
	}
	changed := a || b || c || d || e || f
	if changed && m.Opsets[QDQDomain] == 0 {
		m.Opsets[QDQDomain] = 1
	}
	return changed
}

// rcQuantized reports whether g holds quantization nodes or nodes of
// another domain (such as those the QDQ fusion emits).
func rcQuantized(g *ir.Graph) bool {
	for _, n := range g.Nodes {
		switch {
		case n.Domain != "", n.OpType == "QuantizeLinear", n.OpType == "DequantizeLinear", n.OpType == "DynamicQuantizeLinear":
			return true
		}
	}
	return false
}

// rcSole returns the single node reading value v, or nil when v has
// other readers or is a graph output.
func rcSole(readers map[string][]*ir.Node, v string) *ir.Node {
	rs := readers[v]
	if len(rs) != 1 {
		return nil
	}
	return rs[0]
}

// rcIs reports whether n is the ai.onnx op with k inputs and one output.
func rcIs(n *ir.Node, op string, k int) bool {
	return n != nil && n.Domain == "" && n.OpType == op && len(n.Inputs) == k && len(n.Outputs) == 1
}

// rcOther returns the input of the binary node n that is not v, or "".
func rcOther(n *ir.Node, v string) string {
	switch {
	case n.Inputs[0] == v && n.Inputs[1] != v:
		return n.Inputs[1]
	case n.Inputs[1] == v && n.Inputs[0] != v:
		return n.Inputs[0]
	}
	return ""
}

// rcScalarOf returns the value of a one-element float32 constant.
func rcScalarOf(g *ir.Graph, name string) (float32, bool) {
	t := fuseConst(g, name)
	if t == nil || t.Len() != 1 {
		return 0, false
	}
	return t.Float32s()[0], true
}

// rcLastAxisMean reports whether n is ReduceMean over the last axis only
// (axes [-1], as attribute or constant input) with keepdims.
func rcLastAxisMean(g *ir.Graph, n *ir.Node) bool {
	if n == nil || n.Domain != "" || n.OpType != "ReduceMean" || len(n.Outputs) != 1 || n.AttrInt("keepdims", 1) != 1 {
		return false
	}
	axes := n.AttrInts("axes")
	if len(n.Inputs) == 2 && n.Inputs[1] != "" {
		t, ok := g.Initializers[n.Inputs[1]]
		if !ok || axes != nil || t.DType() != tensor.Int64 {
			return false
		}
		var err error
		if axes, err = t.AsInt64s(); err != nil {
			return false
		}
	} else if len(n.Inputs) != 1 {
		return false
	}
	return len(axes) == 1 && axes[0] == -1
}

// rcFuseLayerNorm finds the decomposed layer normalisation from its first
// ReduceMean.
func rcFuseLayerNorm(g *ir.Graph) bool {
	readers := fuseReaders(g)
	removed := map[*ir.Node]bool{}
	for _, r1 := range g.Nodes {
		if removed[r1] || !rcLastAxisMean(g, r1) {
			continue
		}
		x := r1.Inputs[0]
		sub := rcSole(readers, r1.Outputs[0])
		if !rcIs(sub, "Sub", 2) || sub.Inputs[0] != x || sub.Inputs[1] != r1.Outputs[0] {
			continue
		}
		d := sub.Outputs[0]
		var pow, div *ir.Node
		if rs := readers[d]; len(rs) == 2 {
			for _, r := range rs {
				switch {
				case rcIs(r, "Pow", 2) && r.Inputs[0] == d:
					pow = r
				case rcIs(r, "Div", 2) && r.Inputs[0] == d:
					div = r
				}
			}
		}
		if pow == nil || div == nil {
			continue
		}
		if e, ok := rcScalarOf(g, pow.Inputs[1]); !ok || e != 2 {
			continue
		}
		r2 := rcSole(readers, pow.Outputs[0])
		if !rcLastAxisMean(g, r2) || r2.Inputs[0] != pow.Outputs[0] {
			continue
		}
		addEps := rcSole(readers, r2.Outputs[0])
		if !rcIs(addEps, "Add", 2) {
			continue
		}
		eps, ok := rcScalarOf(g, rcOther(addEps, r2.Outputs[0]))
		if !ok || !(eps >= 0) {
			continue
		}
		sqrt := rcSole(readers, addEps.Outputs[0])
		if !rcIs(sqrt, "Sqrt", 1) || div.Inputs[1] != sqrt.Outputs[0] || rcSole(readers, sqrt.Outputs[0]) != div {
			continue
		}
		mul := rcSole(readers, div.Outputs[0])
		if !rcIs(mul, "Mul", 2) {
			continue
		}
		gamma := fuseConst(g, rcOther(mul, div.Outputs[0]))
		add := rcSole(readers, mul.Outputs[0])
		if gamma == nil || len(gamma.Shape()) != 1 || !rcIs(add, "Add", 2) {
			continue
		}
		betaName := rcOther(add, mul.Outputs[0])
		beta := fuseConst(g, betaName)
		if beta == nil || !tensor.SameShape(beta.Shape(), gamma.Shape()) {
			continue
		}
		for _, n := range []*ir.Node{r1, sub, pow, r2, addEps, sqrt, div, mul} {
			removed[n] = true
		}
		// The last node of the pattern becomes the fused one: its inputs
		// are all defined before it.
		add.Domain, add.OpType = QDQDomain, LayerNormOp
		add.Inputs = []string{x, rcOther(mul, div.Outputs[0]), betaName}
		add.Attrs = []*ir.Attr{
			{Name: "axis", Type: ir.AttrInt, I: -1},
			{Name: "epsilon", Type: ir.AttrFloat, F: eps},
		}
	}
	fuseDrop(g, removed)
	return len(removed) > 0
}

// rcFuseSwish finds x·σ(αx) from its Sigmoid.
func rcFuseSwish(g *ir.Graph) bool {
	readers := fuseReaders(g)
	producer := fuseProducers(g)
	removed := map[*ir.Node]bool{}
	for _, sig := range g.Nodes {
		if removed[sig] || !rcIs(sig, "Sigmoid", 1) {
			continue
		}
		x, alpha := sig.Inputs[0], float32(1)
		var pre *ir.Node
		if p := producer[x]; rcIs(p, "Mul", 2) && !removed[p] && rcSole(readers, x) == sig {
			for _, cand := range p.Inputs {
				if c, ok := rcScalarOf(g, rcOther(p, cand)); ok && cand != "" {
					pre, x, alpha = p, cand, c
					break
				}
			}
		}
		mul := rcSole(readers, sig.Outputs[0])
		if !rcIs(mul, "Mul", 2) || rcOther(mul, sig.Outputs[0]) != x {
			continue
		}
		if pre != nil {
			removed[pre] = true
		}
		removed[sig] = true
		mul.Domain, mul.OpType = QDQDomain, SwishOp
		mul.Inputs = []string{x}
		mul.Attrs = []*ir.Attr{{Name: "alpha", Type: ir.AttrFloat, F: alpha}}
	}
	fuseDrop(g, removed)
	return len(removed) > 0
}

// rcFuseMatMulBias finds MatMul by a constant 2-D float32 matrix followed
// by the Add of a constant bias row, and a Swish after it.
func rcFuseMatMulBias(g *ir.Graph) bool {
	readers := fuseReaders(g)
	removed := map[*ir.Node]bool{}
	for _, mm := range g.Nodes {
		if removed[mm] || !rcIs(mm, "MatMul", 2) {
			continue
		}
		w := fuseConst(g, mm.Inputs[1])
		if w == nil || len(w.Shape()) != 2 {
			continue
		}
		add := rcSole(readers, mm.Outputs[0])
		if !rcIs(add, "Add", 2) {
			continue
		}
		biasName := rcOther(add, mm.Outputs[0])
		bias := fuseConst(g, biasName)
		if bias == nil || len(bias.Shape()) != 1 || bias.Len() != w.Shape()[1] {
			continue
		}
		removed[mm] = true
		fused := add
		attrs := []*ir.Attr(nil)
		if sw := rcSole(readers, add.Outputs[0]); sw != nil && sw.Domain == QDQDomain && sw.OpType == SwishOp && len(sw.Inputs) == 1 {
			removed[add] = true
			fused = sw
			attrs = []*ir.Attr{
				{Name: "activation", Type: ir.AttrString, S: "Swish"},
				{Name: "alpha", Type: ir.AttrFloat, F: sw.AttrFloat("alpha", 1)},
			}
		}
		fused.Domain, fused.OpType = QDQDomain, MatMulBiasOp
		fused.Inputs = []string{mm.Inputs[0], mm.Inputs[1], biasName}
		fused.Attrs = attrs
	}
	fuseDrop(g, removed)
	return len(removed) > 0
}

// rcFuseScaleResidual finds Add(x, Mul(x, g)) where the Mul's result has
// no other reader.
func rcFuseScaleResidual(g *ir.Graph) bool {
	readers := fuseReaders(g)
	removed := map[*ir.Node]bool{}
	for _, mul := range g.Nodes {
		if removed[mul] || !rcIs(mul, "Mul", 2) || mul.Inputs[0] == mul.Inputs[1] {
			continue
		}
		add := rcSole(readers, mul.Outputs[0])
		if !rcIs(add, "Add", 2) {
			continue
		}
		x := rcOther(add, mul.Outputs[0])
		gate := rcOther(mul, x)
		if x == "" || gate == "" {
			continue
		}
		removed[mul] = true
		add.Domain, add.OpType = QDQDomain, ScaleResidualOp
		add.Inputs = []string{x, gate}
		add.Attrs = nil
	}
	fuseDrop(g, removed)
	return len(removed) > 0
}

// rcUpsampleScales returns the integer factors of a nearest Resize (opset
// >= 11) by constant scales [1, 1, sh, sw] that maps output index i to
// input i/s (asymmetric coordinates, floor), or ok false.
func rcUpsampleScales(g *ir.Graph, n *ir.Node, opset int64) (sh, sw int64, ok bool) {
	if !rcIs(n, "Resize", 3) || opset < 11 || n.Inputs[2] == "" ||
		n.AttrString("mode", "nearest") != "nearest" ||
		n.AttrString("coordinate_transformation_mode", "half_pixel") != "asymmetric" ||
		n.AttrString("nearest_mode", "round_prefer_floor") != "floor" ||
		n.AttrInts("axes") != nil || n.AttrInt("antialias", 0) != 0 {
		return 0, 0, false
	}
	sc := fuseConst(g, n.Inputs[2])
	if sc == nil || sc.Len() != 4 {
		return 0, 0, false
	}
	v := sc.Float32s()
	if v[0] != 1 || v[1] != 1 {
		return 0, 0, false
	}
	for _, f := range v[2:] {
		if f < 1 || f > 64 || f != float32(int64(f)) {
			return 0, 0, false
		}
	}
	return int64(v[2]), int64(v[3]), true
}

// rcFuseUpsampleAdd finds Add(a, Resize(b)) for a nearest integer
// upsampling whose result has no other reader.
func rcFuseUpsampleAdd(g *ir.Graph, opset int64) bool {
	readers := fuseReaders(g)
	producer := fuseProducers(g)
	removed := map[*ir.Node]bool{}
	for _, rs := range g.Nodes {
		if removed[rs] {
			continue
		}
		sh, sw, ok := rcUpsampleScales(g, rs, opset)
		if !ok {
			continue
		}
		add := rcSole(readers, rs.Outputs[0])
		if !rcIs(add, "Add", 2) {
			continue
		}
		a := rcOther(add, rs.Outputs[0])
		if a == "" {
			continue
		}
		scales := &ir.Attr{Name: "scales", Type: ir.AttrInts, Ints: []int64{sh, sw}}
		p := producer[a]
		if p != nil && p.Domain == "" && (p.OpType == "Conv" || p.OpType == "ConvTranspose") && rcSole(readers, a) == add {
			continue // the Add becomes the convolution's fused residual
		}
		if p != nil && p.Domain == QDQDomain && p.OpType == ScaleResidualOp && len(p.Inputs) == 2 && rcSole(readers, a) == add && !removed[p] {
			// x + x·g + up(b): one pass instead of two.
			removed[rs], removed[p] = true, true
			add.Domain, add.OpType = QDQDomain, ScaleResidualOp
			add.Inputs = []string{p.Inputs[0], p.Inputs[1], rs.Inputs[0]}
			add.Attrs = []*ir.Attr{scales}
			continue
		}
		removed[rs] = true
		add.Domain, add.OpType = QDQDomain, UpsampleAddOp
		add.Inputs = []string{a, rs.Inputs[0]}
		add.Attrs = []*ir.Attr{scales}
	}
	fuseDrop(g, removed)
	return len(removed) > 0
}

// rcFuseUpsampleConcat folds nearest integer upsamplings read only by a
// Concat on axis 1 into it.
func rcFuseUpsampleConcat(g *ir.Graph, opset int64) bool {
	readers := fuseReaders(g)
	producer := fuseProducers(g)
	removed := map[*ir.Node]bool{}
	for _, cc := range g.Nodes {
		if cc.Domain != "" || cc.OpType != "Concat" || len(cc.Outputs) != 1 || len(cc.Inputs) < 2 {
			continue
		}
		if ax := cc.AttrInt("axis", 0); cc.Attr("axis") == nil || (ax != 1 && ax != -3) {
			continue
		}
		var ins []string
		var scales []int64
		var folded []*ir.Node
		for _, v := range cc.Inputs {
			rs := producer[v]
			sh, sw, ok := rcUpsampleScales(g, rs, opset)
			if v == "" || !ok || rcSole(readers, v) != cc || removed[rs] {
				ins, scales = append(ins, v), append(scales, 1, 1)
				continue
			}
			ins, scales = append(ins, rs.Inputs[0]), append(scales, sh, sw)
			folded = append(folded, rs)
		}
		if len(folded) == 0 {
			continue
		}
		for _, rs := range folded {
			removed[rs] = true
		}
		cc.Domain, cc.OpType = QDQDomain, UpsampleConcatOp
		cc.Inputs = ins
		cc.Attrs = []*ir.Attr{
			{Name: "axis", Type: ir.AttrInt, I: 1},
			{Name: "scales", Type: ir.AttrInts, Ints: scales},
		}
	}
	fuseDrop(g, removed)
	return len(removed) > 0
}
