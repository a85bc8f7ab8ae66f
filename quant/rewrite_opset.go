package quant

import (
	"math"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// Raising a model's ai.onnx opset (QuantizeLinear needs 10, per-axis
// parameters 13, int4 blocks 21) is only done when every op keeps its
// meaning: rwSemanticChanges lists the versions at which an op's meaning
// changed, and rwUpgraders rewrites the ops whose change is mechanical
// (attributes that became inputs, defaults made explicit).

// rwSemanticChanges lists, for ai.onnx ops, the opset versions at which
// their meaning (not only their type list or a new attribute with a neutral
// default) changed.
var rwSemanticChanges = map[string][]int{
	"Softmax": {13}, "LogSoftmax": {13}, "Hardmax": {13}, "Squeeze": {13}, "Unsqueeze": {13},
	"ReduceSum": {13}, "Split": {13, 18}, "ReduceMean": {18}, "ReduceMax": {18}, "ReduceMin": {18},
	"ReduceProd": {18}, "ReduceL1": {18}, "ReduceL2": {18}, "ReduceLogSum": {18}, "ReduceLogSumExp": {18},
	"ReduceSumSquare": {18}, "Clip": {11}, "Pad": {11}, "Resize": {11}, "Upsample": {10},
	"Slice": {10}, "TopK": {10}, "Dropout": {10, 12}, "GroupNormalization": {21},
	"BatchNormalization": {9}, "Scan": {9, 16}, "If": {11}, "Loop": {11},
	"ConvTranspose": {11}, "Gemm": {7, 11}, "Concat": {4}, "Flatten": {9}, "Reshape": {5}, "DFT": {20},
}

// rwUpgrader rewrites node n for opset version v (attributes to inputs...);
// check-only when apply is false. It returns false when it cannot.
type rwUpgrader func(r *rwGraph, n *ir.Node, apply bool) bool

// rwUpgraders maps "op@version" to the rewrite across that change.
var rwUpgraders = map[string]rwUpgrader{
	"Clip@11":            rwUpClip,
	"Slice@10":           rwUpAttrsToInputs([]string{"starts", "ends", "axes"}, 1, true),
	"Squeeze@13":         rwUpAttrsToInputs([]string{"axes"}, 1, false),
	"Unsqueeze@13":       rwUpAttrsToInputs([]string{"axes"}, 1, true),
	"ReduceSum@13":       rwUpAttrsToInputs([]string{"axes"}, 1, false),
	"TopK@10":            rwUpAttrsToInputs([]string{"k"}, 1, true),
	"Softmax@13":         rwUpSoftmax,
	"LogSoftmax@13":      rwUpSoftmax,
	"Hardmax@13":         rwUpSoftmax,
	"Dropout@10":         rwUpDropout,
	"Dropout@12":         rwUpDropout,
	"Pad@11":             rwUpPad,
	"Split@13":           rwUpAttrsToInputs([]string{"split"}, 1, false),
	"Split@18":           rwUpSplit18,
	"ReduceMean@18":      rwUpAttrsToInputs([]string{"axes"}, 1, false),
	"ReduceMax@18":       rwUpAttrsToInputs([]string{"axes"}, 1, false),
	"ReduceMin@18":       rwUpAttrsToInputs([]string{"axes"}, 1, false),
	"ReduceProd@18":      rwUpAttrsToInputs([]string{"axes"}, 1, false),
	"ReduceL1@18":        rwUpAttrsToInputs([]string{"axes"}, 1, false),
	"ReduceL2@18":        rwUpAttrsToInputs([]string{"axes"}, 1, false),
	"ReduceLogSum@18":    rwUpAttrsToInputs([]string{"axes"}, 1, false),
	"ReduceLogSumExp@18": rwUpAttrsToInputs([]string{"axes"}, 1, false),
	"ReduceSumSquare@18": rwUpAttrsToInputs([]string{"axes"}, 1, false),
}

// upgradable reports whether every change of n in (from, to] has an
// upgrader (or none is needed); with apply it runs them in order.
func (r *rwGraph) upgradeNode(n *ir.Node, from, to int64, apply bool) bool {
	for _, v := range rwSemanticChanges[n.OpType] {
		if int64(v) <= from || int64(v) > to {
			continue
		}
		up := rwUpgraders[n.OpType+"@"+itoaRW(v)]
		if up == nil || !up(r, n, apply) {
			return false
		}
	}
	return true
}

func itoaRW(v int) string {
	if v < 10 {
		return string(rune('0' + v))
	}
	return string(rune('0'+v/10)) + string(rune('0'+v%10))
}

// rwUpAttrsToInputs moves int attributes (ints, or a single int for "k")
// into int64 inputs starting at position first. Absent attributes give
// absent inputs; required says the first one must be present.
func rwUpAttrsToInputs(attrs []string, first int, required bool) rwUpgrader {
	return func(r *rwGraph, n *ir.Node, apply bool) bool {
		if len(n.Inputs) > first {
			return false // already in input form
		}
		present := false
		for i, a := range attrs {
			at := n.Attr(a)
			if at == nil {
				if i == 0 && required {
					return false
				}
				continue
			}
			if at.Type != ir.AttrInts && at.Type != ir.AttrInt {
				return false
			}
			present = true
		}
		if !apply {
			return true
		}
		_ = present
		ins := append([]string(nil), n.Inputs...)
		last := len(ins)
		for _, a := range attrs {
			at := n.Attr(a)
			if at == nil {
				ins = append(ins, "")
				continue
			}
			var v []int64
			if at.Type == ir.AttrInt {
				v = []int64{at.I}
			} else {
				v = at.Ints
			}
			t, _ := tensor.FromData(tensor.Int64, []int{len(v)}, append([]int64(nil), v...))
			ins = append(ins, r.addInit(n.Name+"_"+a, t))
			last = len(ins)
		}
		n.Inputs = ins[:last]
		var kept []*ir.Attr
		for _, at := range n.Attrs {
			drop := false
			for _, a := range attrs {
				drop = drop || at.Name == a
			}
			if !drop {
				kept = append(kept, at)
			}
		}
		n.Attrs = kept
		return true
	}
}

// rwUpClip moves min/max attributes (defaults ∓FLT_MAX) to inputs.
func rwUpClip(r *rwGraph, n *ir.Node, apply bool) bool {
	if len(n.Inputs) > 1 || r.notFloat(n.Input(0)) {
		return false
	}
	if !apply {
		return true
	}
	lo := n.AttrFloat("min", -math.MaxFloat32)
	hi := n.AttrFloat("max", math.MaxFloat32)
	n.Inputs = []string{n.Inputs[0], r.addInit(n.Name+"_min", tensor.Scalar(lo)), r.addInit(n.Name+"_max", tensor.Scalar(hi))}
	n.Attrs = nil
	return true
}

// rwUpSoftmax: before 13 the op coerced its input to 2-D at axis; that
// equals the new per-axis meaning when axis is the last dimension.
func rwUpSoftmax(r *rwGraph, n *ir.Node, apply bool) bool {
	rank := int64(r.rank(n.Input(0), 0))
	if rank <= 0 {
		rank = int64(r.rank(n.Outputs[0], 0)) // same rank as the input
	}
	if rank <= 0 {
		return false
	}
	axis := n.AttrInt("axis", 1)
	if axis < 0 {
		axis += rank
	}
	if axis != rank-1 {
		return false
	}
	if apply {
		n.SetAttr(rwIntAttr("axis", -1))
	}
	return true
}

// rwUpDropout: at inference Dropout is the identity; its mask output must
// be unused.
func rwUpDropout(r *rwGraph, n *ir.Node, apply bool) bool {
	if len(n.Outputs) > 1 && n.Outputs[1] != "" {
		return false
	}
	if apply {
		n.OpType = "Identity"
		n.Inputs = n.Inputs[:1]
		n.Outputs = n.Outputs[:1]
		n.Attrs = nil
	}
	return true
}

// rwUpPad moves pads and value attributes to inputs (float data).
func rwUpPad(r *rwGraph, n *ir.Node, apply bool) bool {
	if len(n.Inputs) > 1 || n.Attr("pads") == nil || r.notFloat(n.Input(0)) {
		return false
	}
	if !apply {
		return true
	}
	pads := n.AttrInts("pads")
	t, _ := tensor.FromData(tensor.Int64, []int{len(pads)}, append([]int64(nil), pads...))
	n.Inputs = []string{n.Inputs[0], r.addInit(n.Name+"_pads", t), r.addInit(n.Name+"_value", tensor.Scalar(n.AttrFloat("value", 0)))}
	var kept []*ir.Attr
	for _, a := range n.Attrs {
		if a.Name == "mode" {
			kept = append(kept, a)
		}
	}
	n.Attrs = kept
	return true
}

// rwUpSplit18: without a split input, opset 18 wants num_outputs.
func rwUpSplit18(r *rwGraph, n *ir.Node, apply bool) bool {
	if apply && n.Input(1) == "" && n.Attr("split") == nil {
		n.SetAttr(rwIntAttr("num_outputs", int64(len(n.Outputs))))
	}
	return true
}

// rwRankKeeping are ops whose output has the rank of input 0.
var rwRankKeeping = map[string]bool{"Slice": true, "Clip": true, "Relu": true, "Sigmoid": true, "Tanh": true,
	"Dropout": true, "Identity": true, "Cast": true, "LeakyRelu": true, "HardSigmoid": true, "HardSwish": true,
	"BatchNormalization": true, "Abs": true, "Neg": true, "Exp": true, "Log": true, "Sqrt": true, "Elu": true,
	"Softmax": true, "LogSoftmax": true, "Pad": true, "Transpose": true, "Resize": true}

// rank returns the rank of a value when known from the type annotations or
// through rank-keeping producers, else -1.
func (r *rwGraph) rank(name string, depth int) int {
	if ty := r.types[name]; ty != nil && ty.HasShape {
		return len(ty.Shape)
	}
	for _, o := range r.g.Outputs {
		if o.Name == name && o.Type != nil && o.Type.HasShape {
			return len(o.Type.Shape)
		}
	}
	if t := r.g.Initializers[name]; t != nil {
		return t.Rank()
	}
	if depth > 64 {
		return -1
	}
	for _, n := range r.g.Nodes {
		for _, o := range n.Outputs {
			if o == name && n.Domain == "" && rwRankKeeping[n.OpType] && len(n.Inputs) > 0 {
				return r.rank(n.Inputs[0], depth+1)
			}
		}
	}
	return -1
}
