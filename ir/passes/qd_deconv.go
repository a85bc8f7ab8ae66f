package passes

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// QDQDeconvChainOp is the internal operator for DequantizeLinear →
// ConvTranspose [→ activation] [→ ConvTranspose [→ activation]] where each
// ConvTranspose has stride == kernel, no padding, group 1 and float32
// constant weights (the DB detection head). It reads the 8-bit tensor and
// computes in float32; see ops/qd_deconv.go for its inputs.
const QDQDeconvChainOp = "QDeconvChain"

// qdDeconvStage reports whether n is a 2-D ConvTranspose the chain kernel
// runs: constant float32 weight [cin, m, kh, kw] with strides == kernel,
// no padding, unit dilation, group 1 and a constant [m] bias if any. It
// returns the weight.
func (f *qdqFuser) qdDeconvStage(n *ir.Node) (*tensor.Tensor, bool) {
	if n.Domain != "" || n.OpType != "ConvTranspose" || len(n.Outputs) != 1 || n.Outputs[0] == "" || len(n.Inputs) < 2 || len(n.Inputs) > 3 {
		return nil, false
	}
	w := f.constant(n.Inputs[1])
	if w == nil || w.DType() != tensor.Float32 || w.Rank() != 4 {
		return nil, false
	}
	ws := w.Shape()
	if ws[0] < 1 || ws[1] < 1 || ws[2] < 1 || ws[3] < 1 {
		return nil, false
	}
	if b := n.Input(2); b != "" {
		bt := f.constant(b)
		if bt == nil || bt.DType() != tensor.Float32 || bt.Rank() != 1 || bt.Len() != ws[1] {
			return nil, false
		}
	}
	all := func(name string, want []int64, dflt int64) bool {
		a := n.Attr(name)
		if a == nil {
			return true
		}
		if a.Type != ir.AttrInts || (want != nil && len(a.Ints) != len(want)) {
			return false
		}
		for i, v := range a.Ints {
			if want != nil && v != want[i] || want == nil && v != dflt {
				return false
			}
		}
		return true
	}
	kernel := []int64{int64(ws[2]), int64(ws[3])}
	// strides default to 1, so a kernel larger than 1 needs them written.
	if s := n.Attr("strides"); s == nil {
		if ws[2] != 1 || ws[3] != 1 {
			return nil, false
		}
	} else if !all("strides", kernel, 0) {
		return nil, false
	}
	if !all("kernel_shape", kernel, 0) || !all("pads", nil, 0) || !all("dilations", nil, 1) ||
		!all("output_padding", nil, 0) || n.Attr("output_shape") != nil {
		return nil, false
	}
	if ap := n.AttrString("auto_pad", "NOTSET"); ap != "NOTSET" && ap != "VALID" && ap != "" {
		return nil, false
	}
	if n.AttrInt("group", 1) != 1 {
		return nil, false
	}
	return w, true
}

// qdDeconvAct returns the activation reading name when it is name's only
// reader and one qinfer.FusedConv can express.
func (f *qdqFuser) qdDeconvAct(name string) (*ir.Node, []float32) {
	if f.isOutput[name] || len(f.consumers[name]) != 1 {
		return nil, nil
	}
	a := f.consumers[name][0]
	if a.Domain != "" || len(a.Outputs) != 1 || a.Outputs[0] == "" || a.Input(0) != name || len(a.Subgraphs()) > 0 {
		return nil, nil
	}
	params, ok := fuseActParams(f.g, a, f.isInput)
	if !ok {
		return nil, nil
	}
	return a, params
}

// qdFuseDeconv rewrites DQ → ConvTranspose chains into qinfer.QDeconvChain.
func (f *qdqFuser) qdFuseDeconv(n *ir.Node) bool {
	w1, ok := f.qdDeconvStage(n)
	if !ok {
		return false
	}
	dx, xp, ok := f.dq(n.Inputs[0])
	if !ok || !xp.perTensor {
		return false
	}
	old := []*ir.Node{n}
	k := &ir.Node{Name: n.Name, OpType: QDQDeconvChainOp, Domain: QDQDomain,
		Inputs: []string{dx.Inputs[0], xp.scaleName, xp.zpName, n.Inputs[1], n.Input(2), "", ""}}
	out := n.Outputs[0]
	if a, params := f.qdDeconvAct(out); a != nil {
		old = append(old, a)
		out = a.Outputs[0]
		k.Attrs = append(k.Attrs, &ir.Attr{Name: "activation", Type: ir.AttrString, S: a.OpType},
			&ir.Attr{Name: "activation_params", Type: ir.AttrFloats, Floats: params})
	}
	if !f.isOutput[out] && len(f.consumers[out]) == 1 {
		n2 := f.consumers[out][0]
		if w2, ok := f.qdDeconvStage(n2); ok && n2.Inputs[0] == out && n2.Input(1) != out && n2.Input(2) != out &&
			w2.Shape()[0] == w1.Shape()[1] {
			old = append(old, n2)
			k.Inputs[5], k.Inputs[6] = n2.Inputs[1], n2.Input(2)
			out = n2.Outputs[0]
			if a, params := f.qdDeconvAct(out); a != nil {
				old = append(old, a)
				out = a.Outputs[0]
				k.Attrs = append(k.Attrs, &ir.Attr{Name: "activation2", Type: ir.AttrString, S: a.OpType},
					&ir.Attr{Name: "activation2_params", Type: ir.AttrFloats, Floats: params})
			}
		}
	}
	for len(k.Inputs) > 0 && k.Inputs[len(k.Inputs)-1] == "" {
		k.Inputs = k.Inputs[:len(k.Inputs)-1]
	}
	k.Outputs = []string{out}
	f.replace(old, k)
	return true
}
