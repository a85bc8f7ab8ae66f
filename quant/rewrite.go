package quant

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/ir/passes"
	"github.com/qinfer/qinfer/tensor"
)

// Quantize returns a quantized copy of m (m itself is not changed) and a
// report of what was done.
//
//   - WeightOnly: MatMul/Gemm with constant 2-D weights become
//     DequantizeLinear(int8, per channel) → MatMul/Gemm, or with 4 bits
//     com.microsoft MatMulNBits (or, with Int4QDQ, an opset-21 blocked int4
//     DequantizeLinear → MatMul); Conv becomes DequantizeLinear(int8 per
//     output channel) → Conv.
//   - Dynamic: MatMul with a constant weight becomes com.microsoft
//     DynamicQuantizeMatMul (or DynamicQuantizeLinear + MatMulInteger +
//     Cast + Mul with DynamicONNX); Conv becomes DynamicQuantizeLinear +
//     ConvInteger + Cast + Mul (+ Add for the bias).
//   - Static: the inputs and outputs of selected
//     nodes are calibrated on data (at most cfg.Samples feeds, one observer
//     per tensor, memory independent of the sample count; progress is
//     called after each sample with total cfg.Samples, 0 when unbounded),
//     and QuantizeLinear → DequantizeLinear pairs are inserted on them, with
//     int8 weights and int32 biases, so that qinfer's FuseQDQ (and ONNX
//     Runtime) run every selected Conv/MatMul/Gemm as an integer kernel.
//
// Every method first folds BatchNormalization into the Conv before it and
// turns Constant nodes into initializers. Names stay stable so that a quantized tensor can be matched with its float
// twin: an activation x produced by a node becomes x_float → QuantizeLinear
// → x_quantized → DequantizeLinear → x (a graph input x becomes x →
// x_quantized → x_dequantized); a weight w becomes the initializer
// w_quantized (with w_scale, w_zero_point) → DequantizeLinear → w.
//
// data is only read by Static (nil otherwise). Bad input is reported before
// any work: a model that is already quantized (ErrAlreadyQuantized), a
// bad config or override naming an unknown node or tensor (ErrConfig,
// ErrOverrides), empty data or a sample that does not fit the model's
// inputs (ErrCalibrationData).
func Quantize(m *ir.Model, cfg Config, data Samples, progress func(done, total int)) (*ir.Model, *Report, error) {
	if m == nil || m.Graph == nil {
		return nil, nil, fmt.Errorf("quant: model has no graph: %w", ir.ErrInvalidModel)
	}
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, nil, err
	}
	if err := m.Graph.Validate(nil); err != nil {
		return nil, nil, err
	}
	if err := rwCheckNotQuantized(m.Graph); err != nil {
		return nil, nil, err
	}
	if err := rwCheckNames(m.Graph, cfg); err != nil {
		return nil, nil, err
	}
	if cfg.Method == Static && data == nil {
		return nil, nil, fmt.Errorf("%w: static quantization needs calibration data", ErrCalibrationData)
	}
	out := m.Clone()
	rwHoistConstants(out.Graph)
	rwDropInitInputs(out.Graph)
	passes.FoldBatchNorm(out.Graph)
	if cfg.Method == Static {
		// Run the first calibration sample once to learn every tensor's
		// rank: exporters like paddle2onnx write no value_info, and without
		// ranks an opset-9 model cannot be raised to opset 13, so its
		// weights would stay per tensor (PP-OCR rec: 95% CER instead of 1%).
		first, err := data.Next()
		if err == io.EOF {
			return nil, nil, fmt.Errorf("%w: the data set is empty", ErrCalibrationData)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrCalibrationData, err)
		}
		data = &rwPeeked{first: first, rest: data}
		if annotated, err := AnnotateRanks(out, first, 0); err == nil {
			out = annotated
		}
	}
	rep := &Report{Method: cfg.Method, BytesBefore: rwInitBytes(out.Graph)}
	switch cfg.Method {
	case WeightOnly:
		err = rwWeightOnly(out, cfg, rep)
	case Dynamic:
		err = rwDynamic(out, cfg, rep)
	case Static:
		err = rwStatic(out, cfg, data, progress, rep)
	}
	if err != nil {
		return nil, nil, err
	}
	passes.RemoveDeadNodes(out.Graph)
	rwDropUnusedInits(out.Graph)
	if err := out.Graph.Validate(nil); err != nil {
		return nil, nil, fmt.Errorf("quant: rewrite produced an invalid graph (a bug): %w", err)
	}
	rep.BytesAfter = rwInitBytes(out.Graph)
	return out, rep, nil
}

// rwPeeked serves a sample already read, then the rest of the stream.
type rwPeeked struct {
	first map[string]*tensor.Tensor
	rest  Samples
}

// Next returns the peeked sample first.
func (p *rwPeeked) Next() (map[string]*tensor.Tensor, error) {
	if p.first != nil {
		f := p.first
		p.first = nil
		return f, nil
	}
	return p.rest.Next()
}

// rwQuantizedOps are operators whose presence means the model was already
// quantized.
var rwQuantizedOps = map[string]bool{
	"QuantizeLinear": true, "DequantizeLinear": true, "DynamicQuantizeLinear": true,
	"MatMulInteger": true, "ConvInteger": true, "MatMulNBits": true, "DynamicQuantizeMatMul": true,
	"MatMulIntegerToFloat": true, "QGemm": true, "QAttention": true, "GatherBlockQuantized": true,
	"DynamicQuantizeLSTM": true, "MatMulBnb4": true, "MatMulFpQ4": true,
}

func rwCheckNotQuantized(g *ir.Graph) error {
	for _, n := range g.Nodes {
		if rwQuantizedOps[n.OpType] || strings.HasPrefix(n.OpType, "QLinear") {
			return fmt.Errorf("%w: it contains %v", ErrAlreadyQuantized, n)
		}
		for _, sg := range n.Subgraphs() {
			if err := rwCheckNotQuantized(sg); err != nil {
				return err
			}
		}
	}
	return nil
}

// rwCheckNames checks that every node and tensor named by cfg exists.
func rwCheckNames(g *ir.Graph, cfg Config) error {
	nodes := map[string]bool{}
	values := map[string]bool{}
	for _, in := range g.Inputs {
		values[in.Name] = true
	}
	for name := range g.Initializers {
		values[name] = true
	}
	for _, n := range g.Nodes {
		nodes[n.Name] = true
		for _, o := range n.Outputs {
			values[o] = true
		}
	}
	for _, name := range cfg.Exclude {
		if !nodes[name] {
			return fmt.Errorf("%w: excluded node %q is not in the model", ErrConfig, name)
		}
	}
	if o := cfg.Overrides; o != nil {
		for _, name := range sortedKeys(o.Nodes) {
			if !nodes[name] {
				return fmt.Errorf("%w: node %q is not in the model", ErrOverrides, name)
			}
		}
		for _, name := range sortedKeys(o.Tensors) {
			if !values[name] {
				return fmt.Errorf("%w: tensor %q is not in the model", ErrOverrides, name)
			}
		}
	}
	return nil
}

// rwHoistConstants turns Constant nodes holding a tensor into initializers,
// so that weights stored that way are quantized too.
func rwHoistConstants(g *ir.Graph) {
	var kept []*ir.Node
	for _, n := range g.Nodes {
		if n.Domain == "" && n.OpType == "Constant" && len(n.Outputs) == 1 && len(n.Attrs) == 1 {
			if t := n.AttrTensor("value"); t != nil {
				g.AddInitializer(n.Outputs[0], t)
				continue
			}
		}
		kept = append(kept, n)
	}
	g.Nodes = kept
}

// rwDropInitInputs removes graph inputs that only give an initializer a
// default (IR < 4 style): the quantized model fixes its weights.
func rwDropInitInputs(g *ir.Graph) {
	var kept []*ir.ValueInfo
	for _, in := range g.Inputs {
		if _, ok := g.Initializers[in.Name]; !ok {
			kept = append(kept, in)
		}
	}
	g.Inputs = kept
}

// rwDropUnusedInits removes initializers nothing reads any more (float
// weights replaced by their quantized form).
func rwDropUnusedInits(g *ir.Graph) {
	used := map[string]bool{}
	for _, n := range g.Nodes {
		for _, in := range n.Uses() {
			used[in] = true
		}
	}
	for _, o := range g.Outputs {
		used[o.Name] = true
	}
	for _, name := range append([]string(nil), g.InitOrder...) {
		if !used[name] {
			g.RemoveInitializer(name)
			// An initializer listed as graph input goes with it.
			for i, in := range g.Inputs {
				if in.Name == name {
					g.Inputs = append(g.Inputs[:i:i], g.Inputs[i+1:]...)
					break
				}
			}
		}
	}
}

// rwTensorBytes is the stored size of t: 4-bit types packed two per byte.
func rwTensorBytes(t *tensor.Tensor) int64 {
	switch t.DType() {
	case tensor.Int4, tensor.Uint4:
		return (int64(t.Len()) + 1) / 2
	}
	return t.Bytes()
}

func rwInitBytes(g *ir.Graph) int64 {
	var n int64
	for _, t := range g.Initializers {
		n += rwTensorBytes(t)
	}
	return n
}

// rwGraph is a graph being rewritten, with the indexes the rewrites need.
type rwGraph struct {
	m       *ir.Model
	g       *ir.Graph
	names   map[string]bool // every value and node name in use
	isInput map[string]bool
	types   map[string]*ir.Type
	cfg     Config
	rep     *Report
}

func rwNewGraph(m *ir.Model, cfg Config, rep *Report) *rwGraph {
	r := &rwGraph{m: m, g: m.Graph, names: map[string]bool{}, isInput: map[string]bool{}, cfg: cfg, rep: rep}
	for _, in := range r.g.Inputs {
		r.names[in.Name] = true
		r.isInput[in.Name] = true
	}
	for _, o := range r.g.Outputs {
		r.names[o.Name] = true
	}
	for name := range r.g.Initializers {
		r.names[name] = true
	}
	for _, n := range r.g.Nodes {
		r.names[n.Name] = true
		for _, v := range n.Inputs {
			r.names[v] = true
		}
		for _, v := range n.Outputs {
			r.names[v] = true
		}
	}
	// Types of intermediate values, where inference knows them.
	c := m.Clone()
	if ts, err := passes.InferShapes(c); err == nil {
		r.types = ts
	}
	return r
}

// unique returns base, or base_N, whichever is not yet used, and reserves it.
func (r *rwGraph) unique(base string) string {
	name := base
	for i := 1; r.names[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	r.names[name] = true
	return name
}

// constant returns the initializer name when it is a true constant (not
// overridable by a graph input).
func (r *rwGraph) constant(name string) *tensor.Tensor {
	if name == "" || r.isInput[name] {
		return nil
	}
	return r.g.Initializers[name]
}

// addInit adds t under a fresh name derived from base.
func (r *rwGraph) addInit(base string, t *tensor.Tensor) string {
	name := r.unique(base)
	r.g.AddInitializer(name, t)
	return name
}

// notFloat reports a value whose type is known and is not float32.
func (r *rwGraph) notFloat(name string) bool {
	if t := r.constant(name); t != nil {
		return t.DType() != tensor.Float32
	}
	if ty, ok := r.types[name]; ok && ty != nil && ty.Kind == ir.KindTensor && ty.Elem != tensor.Undefined {
		return ty.Elem != tensor.Float32
	}
	return false
}

// consumers returns the nodes reading name, in file order.
func (r *rwGraph) consumers(name string) []*ir.Node {
	var out []*ir.Node
	for _, n := range r.g.Nodes {
		for _, in := range n.Uses() {
			if in == name {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

func (r *rwGraph) isOutput(name string) bool {
	for _, o := range r.g.Outputs {
		if o.Name == name {
			return true
		}
	}
	return false
}

// exclude records a node left in float.
func (r *rwGraph) exclude(n *ir.Node, reason string) {
	r.rep.Excluded = append(r.rep.Excluded, Exclusion{Node: n.Name, OpType: n.OpType, Reason: reason})
}

// userExcluded reports a node named in cfg.Exclude or excluded by an override.
func (r *rwGraph) userExcluded(n *ir.Node) bool {
	for _, e := range r.cfg.Exclude {
		if e == n.Name {
			return true
		}
	}
	return r.cfg.Overrides.Excluded(n.Name)
}

func (r *rwGraph) opSelected(op string) bool {
	for _, o := range r.cfg.OpTypes {
		if o == op {
			return true
		}
	}
	return false
}

// rwRecurrent are ops every method leaves in float.
var rwRecurrent = map[string]bool{"LSTM": true, "GRU": true, "RNN": true}

// gate applies the checks shared by all methods to a node whose op the
// method can quantize; false means it stays float (and is reported).
func (r *rwGraph) gate(n *ir.Node) bool {
	if n.Domain != "" {
		return false
	}
	if rwRecurrent[n.OpType] {
		r.exclude(n, ReasonRecurrent)
		return false
	}
	if !r.opSelected(n.OpType) {
		r.exclude(n, ReasonOpNotSelected)
		return false
	}
	if r.userExcluded(n) {
		r.exclude(n, ReasonUserExcluded)
		return false
	}
	if len(n.Inputs) == 0 || r.notFloat(n.Inputs[0]) {
		r.exclude(n, ReasonDType)
		return false
	}
	return true
}

// weightScheme returns the 8-bit weight scheme of node n with the channel
// axis given, after the config and node overrides.
func (r *rwGraph) weightScheme(n *ir.Node, axis int, perChannelOK bool) Scheme {
	s := Scheme{Bits: 8, Signed: r.cfg.WeightSigned, Symmetric: r.cfg.WeightSigned}
	if !r.cfg.PerTensor && perChannelOK {
		s.Granularity = ChannelAxis(axis)
	}
	if o, ok := r.cfg.Overrides.Node(n.Name); ok {
		s = o.Apply(s)
		if s.Granularity.Kind == PerChannel {
			s.Granularity.Axis = axis
		}
		if s.Granularity.Kind == PerBlock {
			// Blocked 8-bit weights are not fused; keep per channel.
			s.Granularity = ChannelAxis(axis)
		}
		s.Bits = 8
	}
	return s
}

func (r *rwGraph) weightOpts() WeightOptions {
	if r.cfg.ClipMSE {
		return WeightOptions{Clip: ClipMSE}
	}
	return WeightOptions{}
}

// quantWeight quantizes the float initializer w of node n with scheme s,
// adds the quantized initializers and a DequantizeLinear whose output
// replaces w as n's input idx, and records the layer. The DequantizeLinear
// output takes w's own name when the float initializer can go (only readers
// are rewired), else a fresh one.
func (r *rwGraph) quantWeight(n *ir.Node, idx int, s Scheme, into string) (*Quantized, error) {
	name := n.Inputs[idx]
	w := r.constant(name)
	q, err := QuantizeWeights(w.Float32s(), w.Shape(), s, r.weightOpts())
	if err != nil {
		return nil, fmt.Errorf("quant: %v weight %q: %w", n, name, err)
	}
	base := name
	qn := r.addInit(base+"_quantized", q.Values)
	sn := r.addInit(base+"_scale", q.Scale)
	zn := r.addInit(base+"_zero_point", q.ZeroPoint)
	out := name
	if r.readersOutside(name, n) || r.isOutput(name) {
		out = r.unique(name + "_dequantized")
		n.Inputs[idx] = out
	} else {
		r.g.RemoveInitializer(name)
		rwDropInput(r.g, name)
	}
	dq := &ir.Node{Name: r.unique(name + "_DequantizeLinear"), OpType: "DequantizeLinear",
		Inputs: []string{qn, sn, zn}, Outputs: []string{out}}
	if s.Granularity.Kind != PerTensor {
		dq.Attrs = append(dq.Attrs, &ir.Attr{Name: "axis", Type: ir.AttrInt, I: int64(q.Axis)})
	}
	if s.Granularity.Kind == PerBlock {
		dq.Attrs = append(dq.Attrs, &ir.Attr{Name: "block_size", Type: ir.AttrInt, I: int64(q.BlockSize)})
	}
	r.insertBefore(n, dq)
	deq, err := q.Dequantize()
	if err != nil {
		return nil, err
	}
	r.layer(n, name, s.String(), into, w.Float32s(), deq)
	return q, nil
}

// readersOutside reports whether a node other than n reads name.
func (r *rwGraph) readersOutside(name string, n *ir.Node) bool {
	for _, c := range r.consumers(name) {
		if c != n {
			return true
		}
	}
	return false
}

func rwDropInput(g *ir.Graph, name string) {
	for i, in := range g.Inputs {
		if in.Name == name {
			g.Inputs = append(g.Inputs[:i:i], g.Inputs[i+1:]...)
			return
		}
	}
}

// layer records a quantized weight with its SQNR.
func (r *rwGraph) layer(n *ir.Node, weight, scheme, into string, ref, got []float32) {
	s, err := SQNR(ref, got)
	if err != nil {
		s = math.NaN()
	}
	r.rep.Layers = append(r.rep.Layers, LayerReport{Node: n.Name, OpType: n.OpType, Weight: weight, Scheme: scheme, Into: into, SQNR: s})
}

// insertBefore puts nodes in front of n in file order.
func (r *rwGraph) insertBefore(n *ir.Node, add ...*ir.Node) {
	for i, x := range r.g.Nodes {
		if x == n {
			out := make([]*ir.Node, 0, len(r.g.Nodes)+len(add))
			out = append(out, r.g.Nodes[:i]...)
			out = append(out, add...)
			out = append(out, r.g.Nodes[i:]...)
			r.g.Nodes = out
			return
		}
	}
	r.g.Nodes = append(r.g.Nodes, add...)
}

// replaceNode swaps n for repl in file order.
func (r *rwGraph) replaceNode(n *ir.Node, repl ...*ir.Node) {
	for i, x := range r.g.Nodes {
		if x == n {
			out := make([]*ir.Node, 0, len(r.g.Nodes)+len(repl))
			out = append(out, r.g.Nodes[:i]...)
			out = append(out, repl...)
			out = append(out, r.g.Nodes[i+1:]...)
			r.g.Nodes = out
			return
		}
	}
}

// raiseOpset sets the ai.onnx opset to at least want when every op of the
// model keeps its meaning on the way (rewriting those whose change is
// mechanical, see rewrite_opset.go); it reports whether the model is now at
// want or above.
func (r *rwGraph) raiseOpset(want int64) bool {
	cur := r.m.Opset("")
	if cur >= want {
		return true
	}
	if cur == 0 {
		return false
	}
	for _, apply := range []bool{false, true} {
		for _, n := range r.g.Nodes {
			if n.Domain != "" {
				continue
			}
			if len(n.Subgraphs()) > 0 || !r.upgradeNode(n, cur, want, apply) {
				r.rep.Notes = append(r.rep.Notes, fmt.Sprintf("opset %d cannot be raised to %d: %v would change meaning", cur, want, n))
				return false
			}
		}
	}
	r.m.Opsets[""] = want
	if r.m.IRVersion < rwIRVersion(want) {
		r.m.IRVersion = rwIRVersion(want)
	}
	r.rep.Notes = append(r.rep.Notes, fmt.Sprintf("ai.onnx opset raised from %d to %d", cur, want))
	return true
}

// rwIRVersion is the IR version ONNX pairs with an opset.
func rwIRVersion(opset int64) int64 {
	switch {
	case opset >= 21:
		return 10
	case opset >= 19:
		return 9
	case opset >= 15:
		return 8
	case opset >= 13:
		return 7
	}
	return 6
}

// useDomain imports an operator domain at version 1 if absent.
func (r *rwGraph) useDomain(d string) {
	if r.m.Opsets[d] == 0 {
		r.m.Opsets[d] = 1
	}
}

// sortLayers orders the report: layers by file order already; exclusions by
// node name for stable output.
func (r *rwGraph) finish() {
	sort.SliceStable(r.rep.Excluded, func(i, j int) bool { return r.rep.Excluded[i].Node < r.rep.Excluded[j].Node })
}

func rwIntAttr(name string, v int64) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrInt, I: v} }
