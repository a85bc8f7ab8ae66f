package runtime

import (
	"fmt"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/ops"
	"github.com/qinfer/qinfer/tensor"
)

// controlFlow builds a frame kernel for If, Loop, Scan and SequenceMap, or
// returns nil for every other op.
func (c *compiler) controlFlow(n *ir.Node, opset int, scope map[string]bool, depth int) (frameKernel, error) {
	if n.Domain != "" {
		return nil, nil
	}
	sub := func(name string) (*graphPlan, error) {
		g := n.AttrGraph(name)
		if g == nil {
			return nil, fmt.Errorf("runtime: %v: missing graph attribute %q: %w", n, name, ir.ErrInvalidModel)
		}
		gp, err := c.graph(g, scope, depth+1)
		if err != nil {
			return nil, fmt.Errorf("runtime: in %s of %v: %w", name, n, err)
		}
		return gp, nil
	}
	switch n.OpType {
	case "If":
		th, err := sub("then_branch")
		if err != nil {
			return nil, err
		}
		el, err := sub("else_branch")
		if err != nil {
			return nil, err
		}
		return &ifKernel{node: n, then: th, els: el}, nil
	case "Loop":
		body, err := sub("body")
		if err != nil {
			return nil, err
		}
		if len(body.inputs) < 2 || len(body.outputs) < 1 {
			return nil, fmt.Errorf("runtime: %v: loop body needs >= 2 inputs and >= 1 output: %w", n, ir.ErrInvalidModel)
		}
		return &loopKernel{node: n, body: body}, nil
	case "Scan":
		body, err := sub("body")
		if err != nil {
			return nil, err
		}
		return &scanKernel{node: n, body: body, opset: opset}, nil
	case "SequenceMap":
		body, err := sub("body")
		if err != nil {
			return nil, err
		}
		return &seqMapKernel{node: n, body: body}, nil
	}
	return nil, nil
}

type ifKernel struct {
	node      *ir.Node
	then, els *graphPlan
}

func (k *ifKernel) runFrame(s *Session, fr *frame, in []ops.Value) ([]ops.Value, error) {
	if len(in) < 1 {
		return nil, fmt.Errorf("runtime: %v: missing condition: %w", k.node, ir.ErrInvalidModel)
	}
	c, ok := in[0].(*tensor.Tensor)
	if !ok || c.Len() != 1 {
		return nil, fmt.Errorf("runtime: %v: condition must be a one-element tensor: %w", k.node, ir.ErrInvalidModel)
	}
	g := k.els
	if c.Float64At(0) != 0 {
		g = k.then
	}
	return s.runGraph(g, fr, nil)
}

type loopKernel struct {
	node *ir.Node
	body *graphPlan
}

func scalarBool(v ops.Value) (bool, error) {
	t, ok := v.(*tensor.Tensor)
	if !ok || t.Len() != 1 {
		return false, fmt.Errorf("want a one-element tensor, got %v", v)
	}
	return t.Float64At(0) != 0, nil
}

func (k *loopKernel) runFrame(s *Session, fr *frame, in []ops.Value) ([]ops.Value, error) {
	maxTrip := int64(-1)
	if len(in) > 0 && in[0] != nil {
		t, ok := in[0].(*tensor.Tensor)
		if !ok || t.Len() != 1 {
			return nil, fmt.Errorf("runtime: %v: M must be a scalar: %w", k.node, ir.ErrInvalidModel)
		}
		maxTrip = t.Int64At(0)
	}
	cond := true
	if len(in) > 1 && in[1] != nil {
		b, err := scalarBool(in[1])
		if err != nil {
			return nil, fmt.Errorf("runtime: %v: cond: %v: %w", k.node, err, ir.ErrInvalidModel)
		}
		cond = b
	}
	var carried []ops.Value
	if len(in) > 2 {
		carried = append(carried, in[2:]...)
	}
	nCarried := len(carried)
	nScan := len(k.body.outputs) - 1 - nCarried
	if nScan < 0 {
		return nil, fmt.Errorf("runtime: %v: body has %d outputs for %d loop-carried values: %w", k.node, len(k.body.outputs), nCarried, ir.ErrInvalidModel)
	}
	if maxTrip < 0 && (len(in) < 2 || in[1] == nil) {
		// Neither M nor cond: ONNX allows an endless loop; refuse instead.
		return nil, fmt.Errorf("runtime: %v: loop has neither trip count nor condition: %w", k.node, ir.ErrInvalidModel)
	}
	scans := make([][]ops.Value, nScan)
	for i := int64(0); (maxTrip < 0 || i < maxTrip) && cond; i++ {
		if s.ctx != nil {
			if err := s.ctx.Err(); err != nil {
				return nil, err
			}
		}
		args := make([]ops.Value, 0, 2+nCarried)
		args = append(args, tensor.Scalar(i), tensor.Scalar(cond))
		args = append(args, carried...)
		outs, err := s.runGraph(k.body, fr, args)
		if err != nil {
			return nil, err
		}
		b, err := scalarBool(outs[0])
		if err != nil {
			return nil, fmt.Errorf("runtime: %v: body cond output: %v: %w", k.node, err, ir.ErrInvalidModel)
		}
		cond = b
		copy(carried, outs[1:1+nCarried])
		for j := 0; j < nScan; j++ {
			scans[j] = append(scans[j], outs[1+nCarried+j])
		}
	}
	res := append([]ops.Value{}, carried...)
	for j := 0; j < nScan; j++ {
		if len(scans[j]) == 0 {
			res = append(res, emptyScan(k.body, 1+nCarried+j))
			continue
		}
		st, err := stackValues(scans[j], 0)
		if err != nil {
			return nil, fmt.Errorf("runtime: %v: scan output %d: %w", k.node, j, err)
		}
		res = append(res, st)
	}
	return res, nil
}

// emptyScan returns a zero-length scan output with the body output's dtype.
func emptyScan(gp *graphPlan, i int) ops.Value {
	dt := tensor.Float32
	if t := gp.outTypes[i]; t != nil && t.Kind == ir.KindTensor && t.Elem.Supported() {
		dt = t.Elem
	}
	return tensor.Zeros(dt, 0)
}

// stackValues stacks tensors (all of one shape) along a new axis.
func stackValues(vs []ops.Value, axis int) (ops.Value, error) {
	ts := make([]*tensor.Tensor, len(vs))
	for i, v := range vs {
		t, ok := v.(*tensor.Tensor)
		if !ok {
			// Scan outputs of sequences are not defined by ONNX; keep the
			// last as the result.
			return nil, fmt.Errorf("scan output is a %T, want tensors: %w", v, ir.ErrInvalidModel)
		}
		ts[i] = t
	}
	return stack(ts, axis)
}

// stack joins same-shaped tensors along a new axis.
func stack(ts []*tensor.Tensor, axis int) (*tensor.Tensor, error) {
	first := ts[0]
	shape := first.Shape()
	for _, t := range ts[1:] {
		if !tensor.SameShape(t.Shape(), shape) || t.DType() != first.DType() {
			return nil, fmt.Errorf("cannot stack %v%v with %v%v: %w", first.DType(), shape, t.DType(), t.Shape(), tensor.ErrShape)
		}
	}
	outShape := make([]int, 0, len(shape)+1)
	outShape = append(outShape, shape[:axis]...)
	outShape = append(outShape, len(ts))
	outShape = append(outShape, shape[axis:]...)
	out, err := tensor.New(first.DType(), outShape...)
	if err != nil {
		return nil, err
	}
	outer := tensor.Size(shape[:axis])
	inner := tensor.Size(shape[axis:])
	for i, t := range ts {
		for o := 0; o < outer; o++ {
			copyRange(out, (o*len(ts)+i)*inner, t, o*inner, inner)
		}
	}
	return out, nil
}

// sliceAxis returns t[..., i, ...] along axis (rank drops by one).
func sliceAxis(t *tensor.Tensor, axis, i int) *tensor.Tensor {
	shape := t.Shape()
	outShape := append(append([]int{}, shape[:axis]...), shape[axis+1:]...)
	out := tensor.Zeros(t.DType(), outShape...)
	outer := tensor.Size(shape[:axis])
	inner := tensor.Size(shape[axis+1:])
	n := shape[axis]
	for o := 0; o < outer; o++ {
		copyRange(out, o*inner, t, (o*n+i)*inner, inner)
	}
	return out
}

// copyRange copies n elements src[so:] to dst[do:]; dtypes must match.
func copyRange(dst *tensor.Tensor, do int, src *tensor.Tensor, so, n int) {
	switch d := dst.Data().(type) {
	case []float32:
		copy(d[do:do+n], src.Data().([]float32)[so:so+n])
	case []float64:
		copy(d[do:do+n], src.Data().([]float64)[so:so+n])
	case []uint16:
		copy(d[do:do+n], src.Data().([]uint16)[so:so+n])
	case []int8:
		copy(d[do:do+n], src.Data().([]int8)[so:so+n])
	case []uint8:
		copy(d[do:do+n], src.Data().([]uint8)[so:so+n])
	case []int16:
		copy(d[do:do+n], src.Data().([]int16)[so:so+n])
	case []int32:
		copy(d[do:do+n], src.Data().([]int32)[so:so+n])
	case []int64:
		copy(d[do:do+n], src.Data().([]int64)[so:so+n])
	case []uint32:
		copy(d[do:do+n], src.Data().([]uint32)[so:so+n])
	case []uint64:
		copy(d[do:do+n], src.Data().([]uint64)[so:so+n])
	case []bool:
		copy(d[do:do+n], src.Data().([]bool)[so:so+n])
	case []string:
		copy(d[do:do+n], src.Data().([]string)[so:so+n])
	}
}

type scanKernel struct {
	node  *ir.Node
	body  *graphPlan
	opset int
}

func (k *scanKernel) runFrame(s *Session, fr *frame, in []ops.Value) ([]ops.Value, error) {
	n := k.node
	nScanIn := int(n.AttrInt("num_scan_inputs", 0))
	if k.opset < 9 {
		return k.runV8(s, fr, in, nScanIn)
	}
	ts := make([]*tensor.Tensor, len(in))
	for i, v := range in {
		t, ok := v.(*tensor.Tensor)
		if !ok {
			return nil, fmt.Errorf("runtime: %v: input %d must be a tensor: %w", n, i, ir.ErrInvalidModel)
		}
		ts[i] = t
	}
	nState := len(ts) - nScanIn
	if nScanIn <= 0 || nState < 0 {
		return nil, fmt.Errorf("runtime: %v: num_scan_inputs=%d with %d inputs: %w", n, nScanIn, len(ts), ir.ErrInvalidModel)
	}
	states := append([]*tensor.Tensor{}, ts[:nState]...)
	scanIn := ts[nState:]
	return k.scan(s, fr, states, scanIn)
}

func (k *scanKernel) scan(s *Session, fr *frame, states, scanIn []*tensor.Tensor) ([]ops.Value, error) {
	n := k.node
	nState := len(states)
	nScanIn := len(scanIn)
	inAxes := n.AttrInts("scan_input_axes")
	inDirs := n.AttrInts("scan_input_directions")
	outAxes := n.AttrInts("scan_output_axes")
	outDirs := n.AttrInts("scan_output_directions")
	axes := make([]int, nScanIn)
	seqLen := -1
	for i, t := range scanIn {
		a := 0
		if i < len(inAxes) {
			a = int(inAxes[i])
		}
		a, err := tensor.NormAxis(a, t.Rank())
		if err != nil || t.Rank() == 0 {
			return nil, fmt.Errorf("runtime: %v: scan input %d axis: %w", n, i, tensor.ErrShape)
		}
		axes[i] = a
		l := t.Shape()[a]
		if seqLen >= 0 && l != seqLen {
			return nil, fmt.Errorf("runtime: %v: scan inputs have lengths %d and %d: %w", n, seqLen, l, tensor.ErrShape)
		}
		seqLen = l
	}
	nScanOut := len(k.body.outputs) - nState
	if nScanOut < 0 {
		return nil, fmt.Errorf("runtime: %v: body has too few outputs: %w", n, ir.ErrInvalidModel)
	}
	collected := make([][]*tensor.Tensor, nScanOut)
	cur := make([]ops.Value, nState)
	for i, t := range states {
		cur[i] = t
	}
	for it := 0; it < seqLen; it++ {
		args := append([]ops.Value{}, cur...)
		for i, t := range scanIn {
			idx := it
			if i < len(inDirs) && inDirs[i] == 1 {
				idx = seqLen - 1 - it
			}
			args = append(args, sliceAxis(t, axes[i], idx))
		}
		outs, err := s.runGraph(k.body, fr, args)
		if err != nil {
			return nil, err
		}
		copy(cur, outs[:nState])
		for j := 0; j < nScanOut; j++ {
			t, ok := outs[nState+j].(*tensor.Tensor)
			if !ok {
				return nil, fmt.Errorf("runtime: %v: scan output must be a tensor: %w", n, ir.ErrInvalidModel)
			}
			collected[j] = append(collected[j], t)
		}
	}
	res := append([]ops.Value{}, cur...)
	for j := 0; j < nScanOut; j++ {
		items := collected[j]
		if j < len(outDirs) && outDirs[j] == 1 {
			rev := make([]*tensor.Tensor, len(items))
			for i := range items {
				rev[i] = items[len(items)-1-i]
			}
			items = rev
		}
		if len(items) == 0 {
			res = append(res, tensor.Zeros(tensor.Float32, 0))
			continue
		}
		a := 0
		if j < len(outAxes) {
			a = int(outAxes[j])
		}
		a, err := tensor.NormAxis(a, items[0].Rank()+1)
		if err != nil {
			return nil, fmt.Errorf("runtime: %v: scan_output_axes: %w", n, err)
		}
		st, err := stack(items, a)
		if err != nil {
			return nil, fmt.Errorf("runtime: %v: %w", n, err)
		}
		res = append(res, st)
	}
	return res, nil
}

// runV8 implements opset-8 Scan: a leading optional sequence_lens input and
// a batch axis 0 on every state and scan input (scan axis 1).
func (k *scanKernel) runV8(s *Session, fr *frame, in []ops.Value, nScanIn int) ([]ops.Value, error) {
	n := k.node
	if len(in) < 1 {
		return nil, fmt.Errorf("runtime: %v: no inputs: %w", n, ir.ErrInvalidModel)
	}
	ts := make([]*tensor.Tensor, len(in)-1)
	for i, v := range in[1:] {
		t, ok := v.(*tensor.Tensor)
		if !ok || t.Rank() < 1 {
			return nil, fmt.Errorf("runtime: %v: input %d must be a batched tensor: %w", n, i+1, ir.ErrInvalidModel)
		}
		ts[i] = t
	}
	nState := len(ts) - nScanIn
	if nScanIn <= 0 || nState < 0 || len(ts) == 0 {
		return nil, fmt.Errorf("runtime: %v: num_scan_inputs=%d with %d inputs: %w", n, nScanIn, len(ts), ir.ErrInvalidModel)
	}
	batch := ts[0].Shape()[0]
	for i, t := range ts {
		if t.Shape()[0] != batch || batch == 0 {
			return nil, fmt.Errorf("runtime: %v: input %d has batch %d, input 1 has %d (want equal, non-zero): %w", n, i+1, t.Shape()[0], batch, tensor.ErrShape)
		}
	}
	var perBatch [][]ops.Value
	for b := 0; b < batch; b++ {
		states := make([]*tensor.Tensor, nState)
		for i := range states {
			states[i] = sliceAxis(ts[i], 0, b)
		}
		scanIn := make([]*tensor.Tensor, nScanIn)
		for i := range scanIn {
			scanIn[i] = sliceAxis(ts[nState+i], 0, b)
		}
		// Directions apply per input; axes are all 0 after removing batch.
		outs, err := k.scan(s, fr, states, scanIn)
		if err != nil {
			return nil, err
		}
		perBatch = append(perBatch, outs)
	}
	res := make([]ops.Value, len(perBatch[0]))
	for j := range res {
		col := make([]*tensor.Tensor, batch)
		for b := range col {
			col[b] = perBatch[b][j].(*tensor.Tensor)
		}
		st, err := stack(col, 0)
		if err != nil {
			return nil, fmt.Errorf("runtime: %v: %w", n, err)
		}
		res[j] = st
	}
	return res, nil
}

type seqMapKernel struct {
	node *ir.Node
	body *graphPlan
}

func (k *seqMapKernel) runFrame(s *Session, fr *frame, in []ops.Value) ([]ops.Value, error) {
	n := k.node
	if len(in) < 1 {
		return nil, fmt.Errorf("runtime: %v: no input sequence: %w", n, ir.ErrInvalidModel)
	}
	seq, ok := in[0].(*ops.Sequence)
	if !ok {
		return nil, fmt.Errorf("runtime: %v: input 0 must be a sequence: %w", n, ir.ErrInvalidModel)
	}
	count := len(seq.Items)
	for i, v := range in[1:] {
		if sq, ok := v.(*ops.Sequence); ok && len(sq.Items) != count {
			return nil, fmt.Errorf("runtime: %v: sequence input %d has %d items, want %d: %w", n, i+1, len(sq.Items), count, tensor.ErrShape)
		}
	}
	nOut := len(k.body.outputs)
	res := make([]*ops.Sequence, nOut)
	for j := range res {
		res[j] = &ops.Sequence{}
	}
	for it := 0; it < count; it++ {
		args := make([]ops.Value, len(in))
		for i, v := range in {
			if sq, ok := v.(*ops.Sequence); ok {
				args[i] = sq.Items[it]
			} else {
				args[i] = v
			}
		}
		outs, err := s.runGraph(k.body, fr, args)
		if err != nil {
			return nil, err
		}
		for j, o := range outs {
			t, ok := o.(*tensor.Tensor)
			if !ok {
				return nil, fmt.Errorf("runtime: %v: body output %d must be a tensor: %w", n, j, ir.ErrInvalidModel)
			}
			res[j].Items = append(res[j].Items, t)
			res[j].Elem = t.DType()
		}
	}
	out := make([]ops.Value, nOut)
	for j, r := range res {
		out[j] = r
	}
	return out, nil
}
