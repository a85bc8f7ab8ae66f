package quant

import (
	"fmt"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// rwWeightOnly rewrites MatMul, Gemm and Conv nodes with constant weights
// into weight-only quantized form (see Quantize).
func rwWeightOnly(m *ir.Model, cfg Config, rep *Report) error {
	r := rwNewGraph(m, cfg, rep)
	defer r.finish()
	perAxis := r.raiseOpset(13)
	hasDQ := m.Opset("") >= 10
	if !perAxis && hasDQ {
		rep.Notes = append(rep.Notes, fmt.Sprintf("ai.onnx opset %d has no per-axis DequantizeLinear and cannot be raised safely: 8-bit weights are per tensor", m.Opset("")))
	}
	convNote := false
	for _, n := range append([]*ir.Node(nil), r.g.Nodes...) {
		if rwRecurrent[n.OpType] && n.Domain == "" {
			r.exclude(n, ReasonRecurrent)
			continue
		}
		if n.Domain != "" || (n.OpType != "MatMul" && n.OpType != "Gemm" && n.OpType != "Conv") {
			continue
		}
		if !r.gate(n) {
			continue
		}
		bits := cfg.WeightBits
		block := cfg.BlockSize
		if o, ok := cfg.Overrides.Node(n.Name); ok {
			if o.Bits != nil {
				bits = *o.Bits
			}
			if o.BlockSize != nil {
				block = *o.BlockSize
			}
		}
		if n.OpType == "Conv" {
			if bits == 4 && !convNote {
				convNote = true
				rep.Notes = append(rep.Notes, "Conv weights stay 8-bit (4-bit is for MatMul/Gemm)")
			}
			bits = 8
		}
		w := r.weightOf(n)
		if w == nil {
			continue
		}
		if bits == 4 {
			if err := r.weight4(n, w, block); err != nil {
				return err
			}
			continue
		}
		if !hasDQ {
			r.exclude(n, fmt.Sprintf("opset %d < 10 has no DequantizeLinear", m.Opset("")))
			continue
		}
		axis := 0
		if n.OpType == "MatMul" || n.OpType == "Gemm" && n.AttrInt("transB", 0) == 0 {
			axis = 1
		}
		if _, err := r.quantWeight(n, 1, r.weightScheme(n, axis, perAxis), "DQ→"+n.OpType); err != nil {
			return err
		}
	}
	return nil
}

// weight4 rewrites a MatMul or Gemm with a constant 2-D weight into 4-bit
// form: MatMulNBits, or DQ(int4, block) → MatMul at opset 21. A Gemm's alpha
// is folded into the weights and beta·C becomes an Add.
func (r *rwGraph) weight4(n *ir.Node, w *tensor.Tensor, block int) error {
	k, nn := w.Shape()[0], w.Shape()[1]
	wkn := w.Float32s()
	if n.OpType == "Gemm" {
		wkn, k, nn = rwGemmWeightKN(n, wkn, k, nn)
	}
	out := n.Outputs[0]
	var tail []*ir.Node
	if n.OpType == "Gemm" && n.Input(2) != "" {
		c := n.Input(2)
		beta := n.AttrFloat("beta", 1)
		if beta != 1 {
			ct := r.constant(c)
			if ct == nil || ct.DType() != tensor.Float32 {
				r.exclude(n, ReasonAttr)
				return nil
			}
			scaled := make([]float32, ct.Len())
			for i, v := range ct.Float32s() {
				scaled[i] = beta * v
			}
			st, err := tensor.FromData(tensor.Float32, ct.Shape(), scaled)
			if err != nil {
				return err
			}
			c = r.addInit(c+"_scaled", st)
		}
		mid := r.unique(out + "_matmul")
		tail = append(tail, &ir.Node{Name: r.unique(n.Name + "_bias"), OpType: "Add", Inputs: []string{mid, c}, Outputs: []string{out}})
		out = mid
	}
	sym := r.cfg.WeightSigned
	if o, ok := r.cfg.Overrides.Node(n.Name); ok && o.Symmetric != nil {
		sym = *o.Symmetric
	}
	wname := n.Input(1)
	if r.cfg.Int4Format == Int4QDQ {
		if r.raiseOpset(21) {
			return r.weight4QDQ(n, wname, wkn, k, nn, block, sym, out, tail)
		}
		r.rep.Notes = append(r.rep.Notes, fmt.Sprintf("%v: opset %d cannot be raised to 21 safely: MatMulNBits used instead of int4 DequantizeLinear", n, r.m.Opset("")))
	}
	opt := r.weightOpts()
	packed, scales, zps, err := PackMatMulNBitsOpt(wkn, k, nn, 4, block, sym, opt)
	if err != nil {
		return fmt.Errorf("quant: %v: %w", n, err)
	}
	l, _ := NewMatMulNBitsLayout(k, nn, 4, block)
	bt, err := tensor.FromData(tensor.Uint8, []int{nn, l.BlocksPerCol, l.BlobSize}, packed)
	if err != nil {
		return err
	}
	st, err := tensor.FromData(tensor.Float32, []int{nn * l.BlocksPerCol}, scales)
	if err != nil {
		return err
	}
	ins := []string{n.Inputs[0], r.addInit(wname+"_quantized", bt), r.addInit(wname+"_scale", st)}
	if zps != nil {
		zt, err := tensor.FromData(tensor.Uint8, []int{len(zps)}, zps)
		if err != nil {
			return err
		}
		ins = append(ins, r.addInit(wname+"_zero_point", zt))
	}
	mm := &ir.Node{Name: n.Name, OpType: "MatMulNBits", Domain: ir.MSDomain, Inputs: ins, Outputs: []string{out},
		Attrs: []*ir.Attr{rwIntAttr("K", int64(k)), rwIntAttr("N", int64(nn)), rwIntAttr("bits", 4), rwIntAttr("block_size", int64(block))}}
	r.useDomain(ir.MSDomain)
	r.replaceNode(n, append([]*ir.Node{mm}, tail...)...)
	deq, err := UnpackMatMulNBits(packed, scales, zps, k, nn, 4, block)
	if err != nil {
		return err
	}
	scheme := fmt.Sprintf("uint4 asym block %d (MLAS)", block)
	if sym {
		scheme = fmt.Sprintf("int4 sym block %d (MLAS)", block)
	}
	r.layer(n, wname, scheme, "MatMulNBits", wkn, deq)
	return nil
}

// weight4QDQ emits DQ(int4 [K,N], block_size along K, axis 0) → MatMul.
func (r *rwGraph) weight4QDQ(n *ir.Node, wname string, wkn []float32, k, nn, block int, sym bool, out string, tail []*ir.Node) error {
	s := Scheme{Bits: 4, Signed: sym, Symmetric: sym, Granularity: BlockAxis(0, block)}
	q, err := QuantizeWeights(wkn, []int{k, nn}, s, r.weightOpts())
	if err != nil {
		return fmt.Errorf("quant: %v: %w", n, err)
	}
	dqOut := r.unique(wname + "_dequantized")
	dq := &ir.Node{Name: r.unique(wname + "_DequantizeLinear"), OpType: "DequantizeLinear",
		Inputs:  []string{r.addInit(wname+"_quantized", q.Values), r.addInit(wname+"_scale", q.Scale), r.addInit(wname+"_zero_point", q.ZeroPoint)},
		Outputs: []string{dqOut}, Attrs: []*ir.Attr{rwIntAttr("axis", 0), rwIntAttr("block_size", int64(block))}}
	mm := &ir.Node{Name: n.Name, OpType: "MatMul", Inputs: []string{n.Inputs[0], dqOut}, Outputs: []string{out}}
	r.replaceNode(n, append([]*ir.Node{dq, mm}, tail...)...)
	deq, err := q.Dequantize()
	if err != nil {
		return err
	}
	r.layer(n, wname, s.String(), "DQ(int4)→MatMul", wkn, deq)
	return nil
}

// weightOf returns n's constant weight (input 1) when it can be quantized:
// float32, rank 2 for MatMul/Gemm (without transA) or at least 3 for
// Conv. Otherwise it records why n stays in float and returns nil.
func (r *rwGraph) weightOf(n *ir.Node) *tensor.Tensor {
	w := r.constant(n.Input(1))
	switch {
	case w == nil:
		r.exclude(n, ReasonWeightNotConst)
	case w.DType() != tensor.Float32:
		r.exclude(n, ReasonDType)
	case n.OpType == "Conv" && w.Rank() < 3, n.OpType != "Conv" && w.Rank() != 2:
		r.exclude(n, ReasonShape)
	case n.OpType == "Gemm" && n.AttrInt("transA", 0) != 0:
		r.exclude(n, ReasonAttr)
	default:
		return w
	}
	return nil
}

// rwGemmWeightKN returns a Gemm's weight w, stored as a d0×d1 matrix, as
// a fresh K×N row-major matrix times alpha (transposed when transB), with
// its K and N.
func rwGemmWeightKN(n *ir.Node, w []float32, d0, d1 int) ([]float32, int, int) {
	k, nn := d0, d1
	transB := n.AttrInt("transB", 0) != 0
	alpha := n.AttrFloat("alpha", 1)
	if transB {
		k, nn = nn, k
	}
	t := make([]float32, k*nn)
	for i := range k {
		for j := range nn {
			v := w[i*nn+j]
			if transB {
				v = w[j*k+i]
			}
			t[i*nn+j] = alpha * v
		}
	}
	return t, k, nn
}
