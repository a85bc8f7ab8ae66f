package passes

import (
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// InferShapes fills in types (dtype and shape, with symbolic dims kept by
// name) for node outputs of the main graph, recording them in
// Graph.ValueInfo, and returns a map from value name to type. Ops it does
// not know leave their outputs untyped, and downstream types may then be
// partial; the runtime resolves every dim when it runs. Values already
// annotated in the model keep their annotation where inference knows less.
func InferShapes(m *ir.Model) (map[string]*ir.Type, error) {
	g := m.Graph
	types := map[string]*ir.Type{}
	for _, vi := range g.ValueInfo {
		types[vi.Name] = vi.Type
	}
	for _, vi := range g.Inputs {
		types[vi.Name] = vi.Type
	}
	for name, t := range g.Initializers {
		types[name] = tensorType(t)
	}
	order, err := g.TopoSort()
	if err != nil {
		return nil, err
	}
	consts := g.Initializers
	for _, n := range order {
		in := make([]*ir.Type, len(n.Inputs))
		for i, name := range n.Inputs {
			in[i] = types[name]
		}
		outs := inferNode(n, in, consts, int(m.Opset(n.Domain)))
		for i, o := range n.Outputs {
			if o == "" || i >= len(outs) || outs[i] == nil {
				continue
			}
			if old, ok := types[o]; ok && old != nil && old.HasShape && !outs[i].HasShape {
				continue
			}
			types[o] = outs[i]
		}
	}
	declared := map[string]bool{}
	for _, vi := range g.ValueInfo {
		declared[vi.Name] = true
	}
	for _, n := range order {
		for _, o := range n.Outputs {
			if o != "" && !declared[o] && types[o] != nil {
				g.ValueInfo = append(g.ValueInfo, &ir.ValueInfo{Name: o, Type: types[o]})
				declared[o] = true
			}
		}
	}
	return types, nil
}

func tensorType(t *tensor.Tensor) *ir.Type {
	dims := make([]int64, t.Rank())
	for i, d := range t.Shape() {
		dims[i] = int64(d)
	}
	return ir.TensorType(t.DType(), dims...)
}

func unknownDim() ir.Dim { return ir.Dim{Value: -1} }

func same(t *ir.Type) *ir.Type {
	if t == nil {
		return nil
	}
	c := *t
	c.Shape = append([]ir.Dim(nil), t.Shape...)
	return &c
}

func withElem(t *ir.Type, dt tensor.DType) *ir.Type {
	if t == nil {
		return &ir.Type{Kind: ir.KindTensor, Elem: dt}
	}
	c := same(t)
	c.Elem = dt
	return c
}

// broadcastTypes broadcasts shapes with symbolic dims: equal dims stay,
// 1 yields to the other, otherwise the dim is unknown.
func broadcastTypes(ts []*ir.Type) *ir.Type {
	var out *ir.Type
	for _, t := range ts {
		if t == nil {
			continue
		}
		if out == nil {
			out = same(t)
			continue
		}
		if !out.HasShape || !t.HasShape {
			out.HasShape, out.Shape = false, nil
			continue
		}
		r := len(out.Shape)
		if len(t.Shape) > r {
			r = len(t.Shape)
		}
		dims := make([]ir.Dim, r)
		for i := range dims {
			a, b := ir.Dim{Value: 1}, ir.Dim{Value: 1}
			if j := i - (r - len(out.Shape)); j >= 0 {
				a = out.Shape[j]
			}
			if j := i - (r - len(t.Shape)); j >= 0 {
				b = t.Shape[j]
			}
			switch {
			case a == b:
				dims[i] = a
			case a.Known() && a.Value == 1:
				dims[i] = b
			case b.Known() && b.Value == 1:
				dims[i] = a
			case a.Known() && b.Known():
				dims[i] = unknownDim() // invalid; the runtime reports it
			case a.Known():
				dims[i] = a
			case b.Known():
				dims[i] = b
			default:
				dims[i] = unknownDim()
			}
		}
		out.Shape = dims
	}
	return out
}

var unaryOps = map[string]bool{
	"Relu": true, "LeakyRelu": true, "Sigmoid": true, "Tanh": true, "Elu": true, "Selu": true, "Celu": true,
	"HardSigmoid": true, "HardSwish": true, "Softplus": true, "Softsign": true, "Exp": true, "Log": true,
	"Sqrt": true, "Abs": true, "Neg": true, "Ceil": true, "Floor": true, "Round": true, "Reciprocal": true,
	"Sin": true, "Cos": true, "Tan": true, "Asin": true, "Acos": true, "Atan": true, "Sinh": true, "Cosh": true,
	"Asinh": true, "Acosh": true, "Atanh": true, "Erf": true, "Sign": true, "Identity": true, "Dropout": true,
	"Softmax": true, "LogSoftmax": true, "Hardmax": true, "Clip": true, "BatchNormalization": true,
	"InstanceNormalization": true, "LayerNormalization": true, "GroupNormalization": true, "LRN": true,
	"Gelu": true, "Mish": true, "ThresholdedRelu": true, "Shrink": true, "Not": true, "CumSum": true,
	"QuantizeLinear": false, "MeanVarianceNormalization": true, "LpNormalization": true, "PRelu": true,
}

var binaryOps = map[string]bool{
	"Add": true, "Sub": true, "Mul": true, "Div": true, "Pow": true, "Mod": true, "Max": true, "Min": true,
	"Sum": true, "Mean": true, "BitShift": true, "BitwiseAnd": true, "BitwiseOr": true, "BitwiseXor": true,
}

var compareOps = map[string]bool{
	"Equal": true, "Less": true, "Greater": true, "LessOrEqual": true, "GreaterOrEqual": true,
	"And": true, "Or": true, "Xor": true,
}

func constInts(consts map[string]*tensor.Tensor, name string) ([]int64, bool) {
	t, ok := consts[name]
	if !ok || !t.DType().IsInt() {
		return nil, false
	}
	v, err := t.AsInt64s()
	return v, err == nil
}

func inferNode(n *ir.Node, in []*ir.Type, consts map[string]*tensor.Tensor, opset int) []*ir.Type {
	if n.Domain != "" {
		return nil
	}
	first := func() *ir.Type {
		if len(in) > 0 {
			return in[0]
		}
		return nil
	}
	switch {
	case unaryOps[n.OpType]:
		return []*ir.Type{same(first())}
	case binaryOps[n.OpType]:
		return []*ir.Type{broadcastTypes(in)}
	case compareOps[n.OpType]:
		return []*ir.Type{withElem(broadcastTypes(in), tensor.Bool)}
	}
	x := first()
	switch n.OpType {
	case "Where":
		if len(in) == 3 {
			return []*ir.Type{withElem(broadcastTypes(in), elemOf(in[1]))}
		}
	case "Cast":
		return []*ir.Type{withElem(x, tensor.DType(n.AttrInt("to", 0)))}
	case "CastLike":
		if len(in) > 1 {
			return []*ir.Type{withElem(x, elemOf(in[1]))}
		}
	case "Constant":
		if t := n.AttrTensor("value"); t != nil {
			return []*ir.Type{tensorType(t)}
		}
	case "Shape":
		if x != nil && x.HasShape {
			start, end := int(n.AttrInt("start", 0)), int(n.AttrInt("end", int64(len(x.Shape))))
			r := len(x.Shape)
			start, end = clampAxis(start, r), clampAxis(end, r)
			l := end - start
			if l < 0 {
				l = 0
			}
			return []*ir.Type{ir.TensorType(tensor.Int64, int64(l))}
		}
		return []*ir.Type{{Kind: ir.KindTensor, Elem: tensor.Int64, HasShape: true, Shape: []ir.Dim{unknownDim()}}}
	case "Size":
		return []*ir.Type{ir.TensorType(tensor.Int64)}
	case "MatMul", "MatMulInteger":
		if len(in) == 2 && in[0] != nil && in[1] != nil {
			dt := elemOf(in[0])
			if n.OpType == "MatMulInteger" {
				dt = tensor.Int32
			}
			return []*ir.Type{matmulType(in[0], in[1], dt)}
		}
	case "Gemm":
		if len(in) >= 2 && in[0] != nil && in[1] != nil && in[0].HasShape && in[1].HasShape && len(in[0].Shape) == 2 && len(in[1].Shape) == 2 {
			m, nn := in[0].Shape[0], in[1].Shape[1]
			if n.AttrInt("transA", 0) != 0 {
				m = in[0].Shape[1]
			}
			if n.AttrInt("transB", 0) != 0 {
				nn = in[1].Shape[0]
			}
			return []*ir.Type{{Kind: ir.KindTensor, Elem: in[0].Elem, HasShape: true, Shape: []ir.Dim{m, nn}}}
		}
	case "Conv", "ConvInteger", "QLinearConv", "MaxPool", "AveragePool", "LpPool":
		return []*ir.Type{convType(n, in, consts)}
	case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool":
		if x != nil && x.HasShape && len(x.Shape) >= 2 {
			c := same(x)
			for i := 2; i < len(c.Shape); i++ {
				c.Shape[i] = ir.Dim{Value: 1}
			}
			return []*ir.Type{c}
		}
	case "Flatten":
		if x != nil && x.HasShape {
			axis := int(n.AttrInt("axis", 1))
			if axis < 0 {
				axis += len(x.Shape)
			}
			return []*ir.Type{{Kind: ir.KindTensor, Elem: x.Elem, HasShape: true, Shape: []ir.Dim{prodDims(x.Shape[:axis]), prodDims(x.Shape[axis:])}}}
		}
	case "Transpose":
		if x != nil && x.HasShape {
			perm := n.AttrInts("perm")
			r := len(x.Shape)
			c := same(x)
			for i := 0; i < r; i++ {
				p := r - 1 - i
				if perm != nil && i < len(perm) {
					p = int(perm[i])
				}
				if p < 0 || p >= r {
					return nil
				}
				c.Shape[i] = x.Shape[p]
			}
			return []*ir.Type{c}
		}
	case "Reshape":
		if x != nil && len(n.Inputs) > 1 {
			if shape, ok := constInts(consts, n.Inputs[1]); ok {
				return []*ir.Type{reshapeType(x, shape, n.AttrInt("allowzero", 0) != 0)}
			}
			return []*ir.Type{{Kind: ir.KindTensor, Elem: x.Elem}}
		}
	case "Unsqueeze", "Squeeze":
		if x != nil && x.HasShape {
			axes := n.AttrInts("axes")
			if len(n.Inputs) > 1 {
				axes, _ = constInts(consts, n.Inputs[1])
			}
			return []*ir.Type{squeezeType(n.OpType == "Unsqueeze", x, axes)}
		}
	case "Concat":
		return []*ir.Type{concatType(in, int(n.AttrInt("axis", 0)))}
	case "Gather":
		if len(in) == 2 && x != nil && in[1] != nil && x.HasShape && in[1].HasShape {
			axis := int(n.AttrInt("axis", 0))
			if axis < 0 {
				axis += len(x.Shape)
			}
			if axis >= 0 && axis < len(x.Shape) {
				dims := append([]ir.Dim{}, x.Shape[:axis]...)
				dims = append(dims, in[1].Shape...)
				dims = append(dims, x.Shape[axis+1:]...)
				return []*ir.Type{{Kind: ir.KindTensor, Elem: x.Elem, HasShape: true, Shape: dims}}
			}
		}
	case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", "ReduceL1",
		"ReduceSumSquare", "ReduceLogSumExp", "ReduceLogSum", "ArgMax", "ArgMin":
		if x != nil && x.HasShape {
			axes := n.AttrInts("axes")
			if n.OpType == "ArgMax" || n.OpType == "ArgMin" {
				axes = []int64{n.AttrInt("axis", 0)}
			} else if len(n.Inputs) > 1 && n.Inputs[1] != "" {
				var ok bool
				if axes, ok = constInts(consts, n.Inputs[1]); !ok {
					return nil
				}
			}
			t := reduceType(x, axes, n.AttrInt("keepdims", 1) != 0, n.AttrInt("noop_with_empty_axes", 0) != 0)
			if n.OpType == "ArgMax" || n.OpType == "ArgMin" {
				t.Elem = tensor.Int64
			}
			return []*ir.Type{t}
		}
	case "QuantizeLinear":
		dt := tensor.Uint8
		if len(in) > 2 && in[2] != nil {
			dt = in[2].Elem
		}
		return []*ir.Type{withElem(x, dt)}
	case "DequantizeLinear":
		dt := tensor.Float32
		if len(in) > 1 && in[1] != nil && in[1].Elem != tensor.Undefined {
			dt = in[1].Elem
		}
		return []*ir.Type{withElem(x, dt)}
	}
	return nil
}

func elemOf(t *ir.Type) tensor.DType {
	if t == nil {
		return tensor.Undefined
	}
	return t.Elem
}

func clampAxis(a, r int) int {
	if a < 0 {
		a += r
	}
	if a < 0 {
		return 0
	}
	if a > r {
		return r
	}
	return a
}

func prodDims(ds []ir.Dim) ir.Dim {
	if len(ds) == 1 {
		return ds[0]
	}
	p := int64(1)
	for _, d := range ds {
		if !d.Known() {
			return unknownDim()
		}
		p *= d.Value
	}
	return ir.Dim{Value: p}
}

func matmulType(a, b *ir.Type, dt tensor.DType) *ir.Type {
	if !a.HasShape || !b.HasShape || len(a.Shape) == 0 || len(b.Shape) == 0 {
		return &ir.Type{Kind: ir.KindTensor, Elem: dt}
	}
	as, bs := a.Shape, b.Shape
	var dims []ir.Dim
	switch {
	case len(as) == 1 && len(bs) == 1:
		return ir.TensorType(dt)
	case len(as) == 1:
		dims = append(append([]ir.Dim{}, bs[:len(bs)-2]...), bs[len(bs)-1])
	case len(bs) == 1:
		dims = append([]ir.Dim{}, as[:len(as)-1]...)
	default:
		ba := &ir.Type{HasShape: true, Shape: as[:len(as)-2]}
		bb := &ir.Type{HasShape: true, Shape: bs[:len(bs)-2]}
		batch := broadcastTypes([]*ir.Type{ba, bb})
		dims = append(append([]ir.Dim{}, batch.Shape...), as[len(as)-2], bs[len(bs)-1])
	}
	return &ir.Type{Kind: ir.KindTensor, Elem: dt, HasShape: true, Shape: dims}
}

func convType(n *ir.Node, in []*ir.Type, consts map[string]*tensor.Tensor) *ir.Type {
	if len(in) == 0 || in[0] == nil {
		return nil
	}
	x := in[0]
	dt := x.Elem
	switch n.OpType {
	case "ConvInteger":
		dt = tensor.Int32
	case "QLinearConv":
		if len(in) > 7 && in[7] != nil {
			dt = in[7].Elem
		}
	}
	if !x.HasShape || len(x.Shape) < 3 {
		return &ir.Type{Kind: ir.KindTensor, Elem: dt}
	}
	spatial := len(x.Shape) - 2
	kernel := n.AttrInts("kernel_shape")
	outC := x.Shape[1]
	if n.OpType == "Conv" || n.OpType == "ConvInteger" || n.OpType == "QLinearConv" {
		wi := 1
		if n.OpType == "QLinearConv" {
			wi = 3
		}
		if wi < len(in) && in[wi] != nil && in[wi].HasShape && len(in[wi].Shape) == spatial+2 {
			outC = in[wi].Shape[0]
			if kernel == nil {
				for _, d := range in[wi].Shape[2:] {
					kernel = append(kernel, d.Value)
				}
			}
		} else {
			outC = unknownDim()
		}
	}
	dims := []ir.Dim{x.Shape[0], outC}
	strides, pads, dil := n.AttrInts("strides"), n.AttrInts("pads"), n.AttrInts("dilations")
	autoPad := n.AttrString("auto_pad", "NOTSET")
	ceil := n.AttrInt("ceil_mode", 0) != 0
	for i := 0; i < spatial; i++ {
		d := x.Shape[2+i]
		if !d.Known() || i >= len(kernel) || kernel[i] < 0 {
			dims = append(dims, unknownDim())
			continue
		}
		s, dl := int64(1), int64(1)
		if i < len(strides) {
			s = strides[i]
		}
		if i < len(dil) {
			dl = dil[i]
		}
		if s <= 0 || dl <= 0 {
			return nil
		}
		var out int64
		switch autoPad {
		case "SAME_UPPER", "SAME_LOWER":
			out = (d.Value + s - 1) / s
		case "VALID":
			out = (d.Value-(kernel[i]-1)*dl-1)/s + 1
		default:
			var p int64
			if len(pads) == 2*spatial {
				p = pads[i] + pads[i+spatial]
			}
			num := d.Value + p - (kernel[i]-1)*dl - 1
			if ceil {
				out = (num+s-1)/s + 1
			} else {
				out = num/s + 1
			}
		}
		dims = append(dims, ir.Dim{Value: out})
	}
	return &ir.Type{Kind: ir.KindTensor, Elem: dt, HasShape: true, Shape: dims}
}

func reshapeType(x *ir.Type, shape []int64, allowZero bool) *ir.Type {
	dims := make([]ir.Dim, len(shape))
	infer := -1
	for i, s := range shape {
		switch {
		case s == 0 && !allowZero:
			if x.HasShape && i < len(x.Shape) {
				dims[i] = x.Shape[i]
			} else {
				dims[i] = unknownDim()
			}
		case s == -1:
			infer = i
			dims[i] = unknownDim()
		default:
			dims[i] = ir.Dim{Value: s}
		}
	}
	if infer >= 0 && x.HasShape {
		total := prodDims(x.Shape)
		rest := int64(1)
		known := total.Known()
		for i, d := range dims {
			if i == infer {
				continue
			}
			if !d.Known() {
				known = false
				break
			}
			rest *= d.Value
		}
		if known && rest > 0 {
			dims[infer] = ir.Dim{Value: total.Value / rest}
		}
	}
	return &ir.Type{Kind: ir.KindTensor, Elem: x.Elem, HasShape: true, Shape: dims}
}

func squeezeType(unsq bool, x *ir.Type, axes []int64) *ir.Type {
	if unsq {
		r := len(x.Shape) + len(axes)
		isNew := make([]bool, r)
		for _, a := range axes {
			if a < 0 {
				a += int64(r)
			}
			if a < 0 || a >= int64(r) {
				return nil
			}
			isNew[a] = true
		}
		dims := make([]ir.Dim, 0, r)
		j := 0
		for i := 0; i < r; i++ {
			if isNew[i] {
				dims = append(dims, ir.Dim{Value: 1})
			} else if j < len(x.Shape) {
				dims = append(dims, x.Shape[j])
				j++
			}
		}
		return &ir.Type{Kind: ir.KindTensor, Elem: x.Elem, HasShape: true, Shape: dims}
	}
	drop := map[int]bool{}
	if axes == nil {
		for i, d := range x.Shape {
			if !d.Known() {
				return &ir.Type{Kind: ir.KindTensor, Elem: x.Elem}
			}
			if d.Value == 1 {
				drop[i] = true
			}
		}
	}
	for _, a := range axes {
		if a < 0 {
			a += int64(len(x.Shape))
		}
		drop[int(a)] = true
	}
	var dims []ir.Dim
	for i, d := range x.Shape {
		if !drop[i] {
			dims = append(dims, d)
		}
	}
	return &ir.Type{Kind: ir.KindTensor, Elem: x.Elem, HasShape: true, Shape: dims}
}

func concatType(in []*ir.Type, axis int) *ir.Type {
	var out *ir.Type
	for _, t := range in {
		if t == nil || !t.HasShape {
			return nil
		}
		if out == nil {
			out = same(t)
			if axis < 0 {
				axis += len(t.Shape)
			}
			if axis < 0 || axis >= len(t.Shape) {
				return nil
			}
			continue
		}
		if len(t.Shape) != len(out.Shape) {
			return nil
		}
		a, b := out.Shape[axis], t.Shape[axis]
		if a.Known() && b.Known() {
			out.Shape[axis] = ir.Dim{Value: a.Value + b.Value}
		} else {
			out.Shape[axis] = unknownDim()
		}
	}
	return out
}

func reduceType(x *ir.Type, axes []int64, keep, noop bool) *ir.Type {
	r := len(x.Shape)
	red := map[int]bool{}
	if len(axes) == 0 {
		if noop {
			return same(x)
		}
		for i := 0; i < r; i++ {
			red[i] = true
		}
	}
	for _, a := range axes {
		if a < 0 {
			a += int64(r)
		}
		red[int(a)] = true
	}
	var dims []ir.Dim
	for i, d := range x.Shape {
		switch {
		case !red[i]:
			dims = append(dims, d)
		case keep:
			dims = append(dims, ir.Dim{Value: 1})
		}
	}
	return &ir.Type{Kind: ir.KindTensor, Elem: x.Elem, HasShape: true, Shape: dims}
}
