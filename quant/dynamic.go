package quant

import (
	"fmt"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// rwDynamic rewrites MatMul/Gemm (constant weights) and Conv for dynamic
// quantization (see Quantize). LSTM/GRU/RNN stay in float.
func rwDynamic(m *ir.Model, cfg Config, rep *Report) error {
	r := rwNewGraph(m, cfg, rep)
	defer r.finish()
	onnxOK := r.raiseOpset(11) // DynamicQuantizeLinear
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
		w := r.weightOf(n)
		if w == nil {
			continue
		}
		var err error
		if n.OpType == "Conv" {
			if !onnxOK {
				r.exclude(n, fmt.Sprintf("opset %d < 11 has no DynamicQuantizeLinear", m.Opset("")))
				continue
			}
			err = r.dynamicConv(n, w)
		} else {
			err = r.dynamicMatMul(n, w, onnxOK)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// dynamicMatMul: MatMul/Gemm → DynamicQuantizeMatMul (or the ai.onnx chain),
// weights int8 symmetric per output column.
func (r *rwGraph) dynamicMatMul(n *ir.Node, w *tensor.Tensor, onnxOK bool) error {
	k, nn := w.Shape()[0], w.Shape()[1]
	wkn := w.Float32s()
	wname := n.Input(1)
	var bias string // float [N] bias, or "" (then extra is an Add)
	var extra string
	if n.OpType == "Gemm" {
		wkn, k, nn = rwGemmWeightKN(n, wkn, k, nn)
		if c := n.Input(2); c != "" {
			beta := n.AttrFloat("beta", 1)
			ct := r.constant(c)
			if ct != nil && ct.DType() == tensor.Float32 && ct.Len() == nn && (ct.Rank() == 1 || ct.Rank() == 2 && ct.Shape()[0] == 1) {
				b := make([]float32, nn)
				for i, v := range ct.Float32s() {
					b[i] = beta * v
				}
				bt, _ := tensor.FromData(tensor.Float32, []int{nn}, b)
				bias = r.addInit(c+"_bias", bt)
			} else if beta == 1 {
				extra = c
			} else {
				r.exclude(n, ReasonAttr)
				return nil
			}
		}
	}
	s := r.weightScheme(n, 1, true)
	q, err := QuantizeWeights(wkn, []int{k, nn}, s, r.weightOpts())
	if err != nil {
		return fmt.Errorf("quant: %v: %w", n, err)
	}
	scale := q.Scale
	zp := q.ZeroPoint
	qn := r.addInit(wname+"_quantized", q.Values)
	sn := r.addInit(wname+"_scale", scale)
	zn := r.addInit(wname+"_zero_point", zp)
	out := n.Outputs[0]
	var tail []*ir.Node
	if extra != "" {
		mid := r.unique(out + "_matmul")
		tail = append(tail, &ir.Node{Name: r.unique(n.Name + "_bias"), OpType: "Add", Inputs: []string{mid, extra}, Outputs: []string{out}})
		out = mid
	}
	var nodes []*ir.Node
	into := "DynamicQuantizeMatMul"
	if r.cfg.DynamicFormat == DynamicONNX && onnxOK {
		into = "MatMulInteger"
		a := n.Inputs[0]
		aq, as, az := r.unique(a+"_quantized"), r.unique(a+"_scale"), r.unique(a+"_zero_point")
		acc, accf, sc := r.unique(out+"_int32"), r.unique(out+"_int32_float"), r.unique(out+"_scale")
		mmOut := out
		if bias != "" {
			mmOut = r.unique(out + "_nobias")
		}
		nodes = append(nodes,
			&ir.Node{Name: r.unique(a + "_DynamicQuantizeLinear"), OpType: "DynamicQuantizeLinear", Inputs: []string{a}, Outputs: []string{aq, as, az}},
			&ir.Node{Name: n.Name, OpType: "MatMulInteger", Inputs: []string{aq, qn, az, zn}, Outputs: []string{acc}},
			&ir.Node{Name: r.unique(n.Name + "_cast"), OpType: "Cast", Inputs: []string{acc}, Outputs: []string{accf}, Attrs: []*ir.Attr{rwIntAttr("to", int64(tensor.Float32))}},
			&ir.Node{Name: r.unique(n.Name + "_scale_product"), OpType: "Mul", Inputs: []string{as, sn}, Outputs: []string{sc}},
			&ir.Node{Name: r.unique(n.Name + "_rescale"), OpType: "Mul", Inputs: []string{accf, sc}, Outputs: []string{mmOut}})
		if bias != "" {
			nodes = append(nodes, &ir.Node{Name: r.unique(n.Name + "_add_bias"), OpType: "Add", Inputs: []string{mmOut, bias}, Outputs: []string{out}})
		}
	} else {
		ins := []string{n.Inputs[0], qn, sn, zn}
		if bias != "" {
			ins = append(ins, bias)
		}
		nodes = append(nodes, &ir.Node{Name: n.Name, OpType: "DynamicQuantizeMatMul", Domain: ir.MSDomain, Inputs: ins, Outputs: []string{out}})
		r.useDomain(ir.MSDomain)
	}
	r.replaceNode(n, append(nodes, tail...)...)
	deq, err := q.Dequantize()
	if err != nil {
		return err
	}
	r.layer(n, wname, s.String(), into, wkn, deq)
	return nil
}

// dynamicConv: Conv → DynamicQuantizeLinear(x) + ConvInteger + Cast + Mul by
// x_scale·w_scale[c] (+ Add for the bias). Weights are int8 symmetric per
// output channel (one scalar zero point 0), or uint8 asymmetric.
func (r *rwGraph) dynamicConv(n *ir.Node, w *tensor.Tensor) error {
	wname := n.Input(1)
	s := r.weightScheme(n, 0, true)
	q, err := QuantizeWeights(w.Float32s(), w.Shape(), s, r.weightOpts())
	if err != nil {
		return fmt.Errorf("quant: %v: %w", n, err)
	}
	cout := w.Shape()[0]
	rank := w.Rank()
	bshape := make([]int, rank)
	for i := range bshape {
		bshape[i] = 1
	}
	bshape[1] = cout
	// Scale per output channel, shaped to broadcast over [N, M, ...].
	scale, err := q.Scale.Reshape(rwPerChannelShape(q.Scale.Len(), cout, rank)...)
	if err != nil {
		return err
	}
	qn := r.addInit(wname+"_quantized", q.Values)
	sn := r.addInit(wname+"_scale", scale)
	// ConvInteger takes one zero point, or one per output channel.
	zp := q.ZeroPoint
	if rwAllEqual(zp) {
		zp = rwScalarLike(zp)
	}
	zn := r.addInit(wname+"_zero_point", zp)
	x := n.Inputs[0]
	xq, xs, xz := r.unique(x+"_quantized"), r.unique(x+"_scale"), r.unique(x+"_zero_point")
	out := n.Outputs[0]
	acc, accf, sc := r.unique(out+"_int32"), r.unique(out+"_int32_float"), r.unique(out+"_scale")
	mulOut := out
	if n.Input(2) != "" {
		mulOut = r.unique(out + "_nobias")
	}
	ci := &ir.Node{Name: n.Name, OpType: "ConvInteger", Inputs: []string{xq, qn, xz, zn}, Outputs: []string{acc}}
	for _, a := range n.Attrs {
		c := *a
		ci.Attrs = append(ci.Attrs, &c)
	}
	nodes := []*ir.Node{
		{Name: r.unique(x + "_DynamicQuantizeLinear"), OpType: "DynamicQuantizeLinear", Inputs: []string{x}, Outputs: []string{xq, xs, xz}},
		ci,
		{Name: r.unique(n.Name + "_cast"), OpType: "Cast", Inputs: []string{acc}, Outputs: []string{accf}, Attrs: []*ir.Attr{rwIntAttr("to", int64(tensor.Float32))}},
		{Name: r.unique(n.Name + "_scale_product"), OpType: "Mul", Inputs: []string{xs, sn}, Outputs: []string{sc}},
		{Name: r.unique(n.Name + "_rescale"), OpType: "Mul", Inputs: []string{accf, sc}, Outputs: []string{mulOut}},
	}
	if b := n.Input(2); b != "" {
		bt := r.constant(b)
		bname := b
		if bt != nil && bt.Len() == cout {
			rb, err := bt.Reshape(bshape...)
			if err != nil {
				return err
			}
			bname = r.addInit(b+"_reshaped", rb)
		} else {
			// A runtime bias [M]: reshape it in the graph.
			shp, _ := tensor.FromData(tensor.Int64, []int{rank}, rwInt64s(bshape))
			sh := r.addInit(b+"_shape", shp)
			bname = r.unique(b + "_reshaped")
			nodes = append(nodes, &ir.Node{Name: r.unique(n.Name + "_bias_reshape"), OpType: "Reshape", Inputs: []string{b, sh}, Outputs: []string{bname}})
		}
		nodes = append(nodes, &ir.Node{Name: r.unique(n.Name + "_add_bias"), OpType: "Add", Inputs: []string{mulOut, bname}, Outputs: []string{out}})
	}
	r.replaceNode(n, nodes...)
	deq, err := q.Dequantize()
	if err != nil {
		return err
	}
	r.layer(n, wname, s.String(), "ConvInteger", w.Float32s(), deq)
	return nil
}

// rwPerChannelShape is [1, cout, 1, ...] for per-channel scales, [] for one.
func rwPerChannelShape(n, cout, rank int) []int {
	if n == 1 {
		return []int{}
	}
	s := make([]int, rank)
	for i := range s {
		s[i] = 1
	}
	s[1] = cout
	return s
}

func rwAllEqual(t *tensor.Tensor) bool {
	for i := 1; i < t.Len(); i++ {
		if t.Int64At(i) != t.Int64At(0) {
			return false
		}
	}
	return true
}

// rwScalarLike returns a 0-d tensor holding t's first element.
func rwScalarLike(t *tensor.Tensor) *tensor.Tensor {
	s := tensor.Zeros(t.DType())
	if t.Len() > 0 {
		s.SetInt64(0, t.Int64At(0))
	}
	return s
}

func rwInt64s(v []int) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}
