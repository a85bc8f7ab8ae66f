package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	goruntime "runtime"
	"time"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/ops"
	"github.com/qinfer/qinfer/tensor"
)

// ErrShapeMismatch reports an input whose dtype or shape disagrees with the
// model's declaration. It is tensor.ErrShape, so kernel shape errors match too.
var ErrShapeMismatch = tensor.ErrShape

// ErrInternal reports a bug in qinfer itself: a kernel panicked. The run
// fails with an error naming the node instead of crashing the process.
var ErrInternal = errors.New("internal error")

// debugPanics lets kernel panics through (with their stack) when the
// environment sets QINFER_PANIC=1, for debugging.
var debugPanics = os.Getenv("QINFER_PANIC") == "1"

// Options configure Compile.
type Options struct {
	// Threads is the number of goroutines kernels may use; 0 means GOMAXPROCS.
	Threads int
	// MaxMemory caps the bytes of tensors a Session.Run may hold at once
	// (initializers excluded); 0 means no cap. Exceeding it fails the run with
	// an error wrapping tensor.ErrLimit. Compile refuses, the same way, a
	// model whose initializers alone take more than MaxMemory.
	MaxMemory int64
	// NoOptimize disables graph passes (constant folding, dead-node removal).
	NoOptimize bool
	// Profile makes sessions time every node; read the totals with
	// Session.Profile. Off, the run loop only tests one nil pointer per node.
	Profile bool
}

// Plan is a compiled model.
type Plan struct {
	model   *ir.Model
	opts    Options
	main    *graphPlan
	Inputs  []*ir.ValueInfo // inputs the caller feeds (initializers excluded)
	Outputs []*ir.ValueInfo
	// owned lists the initializers of every graph, which outputs must not
	// share memory with.
	owned []*tensor.Tensor
}

type graphPlan struct {
	name     string
	slots    map[string]int
	nslots   int
	consts   []constSlot
	inputs   []int // slots of graph inputs (in order, including those with initializer defaults)
	inNames  []string
	outputs  []int
	outNames []string
	outTypes []*ir.Type
	outer    []outerRef
	steps    []*step
	// release[i] lists slots whose last reader is step i.
	release [][]int
}

type constSlot struct {
	slot int
	val  ops.Value
}

type outerRef struct {
	name string
	slot int
}

type step struct {
	node   *ir.Node
	kernel ops.Kernel
	vk     ops.ValueKernel
	fk     frameKernel
	in     []int // -1: absent
	out    []int // -1: unused
	ctx    ops.Context
}

// frameKernel is implemented by control-flow kernels, which need the frame
// to resolve outer-scope values for their subgraphs.
type frameKernel interface {
	runFrame(s *Session, fr *frame, in []ops.Value) ([]ops.Value, error)
}

// Compile validates m, runs graph passes and builds a Plan.
func Compile(m *ir.Model, opts Options) (*Plan, error) {
	if m == nil || m.Graph == nil {
		return nil, fmt.Errorf("runtime: model has no graph: %w", ir.ErrInvalidModel)
	}
	if opts.Threads <= 0 {
		opts.Threads = goruntime.GOMAXPROCS(0)
	}
	if opts.MaxMemory > 0 {
		if n := initializerBytes(m.Graph, 0); n > opts.MaxMemory {
			return nil, fmt.Errorf("runtime: initializers take %d bytes, over the MaxMemory cap of %d: %w", n, opts.MaxMemory, tensor.ErrLimit)
		}
	}
	m = m.Clone()
	if err := inlineFunctions(m); err != nil {
		return nil, err
	}
	if err := m.Graph.Validate(nil); err != nil {
		return nil, err
	}
	if !opts.NoOptimize {
		if err := optimize(m, opts); err != nil {
			return nil, err
		}
	}
	c := &compiler{model: m, opts: opts}
	gp, err := c.graph(m.Graph, nil, 0)
	if err != nil {
		return nil, err
	}
	if len(gp.outer) > 0 {
		return nil, fmt.Errorf("runtime: graph reads undefined value %q: %w", gp.outer[0].name, ir.ErrInvalidModel)
	}
	p := &Plan{model: m, opts: opts, main: gp, Inputs: m.Graph.RealInputs(), Outputs: m.Graph.Outputs}
	p.owned = collectInitializers(m.Graph, p.owned, 0)
	// Kernels key caches of packed weights on frozen tensors' identity.
	for _, t := range p.owned {
		t.Freeze()
	}
	return p, nil
}

// initializerBytes sums the in-memory bytes of g's initializers and those
// of its subgraphs.
func initializerBytes(g *ir.Graph, depth int) int64 {
	var n int64
	for _, t := range g.Initializers {
		if t != nil {
			n += t.Bytes()
		}
	}
	if depth > ir.MaxGraphDepth {
		return n
	}
	for _, node := range g.Nodes {
		for _, sg := range node.Subgraphs() {
			n += initializerBytes(sg, depth+1)
		}
	}
	return n
}

// collectInitializers appends the initializers of g and its subgraphs.
func collectInitializers(g *ir.Graph, acc []*tensor.Tensor, depth int) []*tensor.Tensor {
	for _, name := range g.InitOrder {
		if t := g.Initializers[name]; t != nil && t.Len() > 0 {
			acc = append(acc, t)
		}
	}
	if depth > ir.MaxGraphDepth {
		return acc
	}
	for _, n := range g.Nodes {
		for _, sg := range n.Subgraphs() {
			acc = collectInitializers(sg, acc, depth+1)
		}
	}
	return acc
}

// Model returns the (optimized) model the plan was built from.
func (p *Plan) Model() *ir.Model { return p.model }

type compiler struct {
	model *ir.Model
	opts  Options
}

func (c *compiler) graph(g *ir.Graph, outerScope map[string]bool, depth int) (*graphPlan, error) {
	if depth > ir.MaxGraphDepth {
		return nil, fmt.Errorf("runtime: subgraphs nested too deep: %w", ir.ErrInvalidModel)
	}
	order, err := g.TopoSort()
	if err != nil {
		return nil, err
	}
	gp := &graphPlan{name: g.Name, slots: map[string]int{}}
	slot := func(name string) int {
		if s, ok := gp.slots[name]; ok {
			return s
		}
		s := gp.nslots
		gp.nslots++
		gp.slots[name] = s
		return s
	}
	for _, in := range g.Inputs {
		gp.inputs = append(gp.inputs, slot(in.Name))
		gp.inNames = append(gp.inNames, in.Name)
	}
	for _, name := range g.InitOrder {
		t := g.Initializers[name]
		if t == nil {
			continue
		}
		gp.consts = append(gp.consts, constSlot{slot(name), t})
	}
	defined := map[string]bool{}
	for name := range gp.slots {
		defined[name] = true
	}
	for _, n := range order {
		for _, o := range n.Outputs {
			if o != "" {
				defined[o] = true
			}
		}
	}
	// Outer references: names read but not defined here.
	for _, name := range g.OuterNames() {
		gp.outer = append(gp.outer, outerRef{name, slot(name)})
	}
	inner := map[string]bool{}
	for k := range outerScope {
		inner[k] = true
	}
	for k := range defined {
		inner[k] = true
	}
	lastUse := map[int]int{}
	for i, n := range order {
		st := &step{node: n}
		for _, in := range n.Inputs {
			if in == "" {
				st.in = append(st.in, -1)
				continue
			}
			s := slot(in)
			st.in = append(st.in, s)
			lastUse[s] = i
		}
		for _, sg := range n.Subgraphs() {
			for _, name := range sg.OuterNames() {
				lastUse[slot(name)] = i
			}
		}
		for _, o := range n.Outputs {
			if o == "" {
				st.out = append(st.out, -1)
				continue
			}
			st.out = append(st.out, slot(o))
		}
		opset := int(c.model.Opset(n.Domain))
		if opset == 0 && n.Domain == "" {
			opset = 21
		}
		st.ctx = ops.Context{Node: n, Opset: opset, Threads: c.opts.Threads}
		if fk, err := c.controlFlow(n, opset, inner, depth); err != nil {
			return nil, err
		} else if fk != nil {
			st.fk = fk
		} else {
			f, err := ops.Lookup(n.Domain, n.OpType, opset)
			if err != nil {
				return nil, fmt.Errorf("runtime: %v: %w", n, err)
			}
			k, err := newKernel(f, n, opset)
			if err != nil {
				return nil, err
			}
			st.kernel = k
			if vk, ok := k.(ops.ValueKernel); ok {
				st.vk = vk
			}
		}
		gp.steps = append(gp.steps, st)
	}
	for _, o := range g.Outputs {
		gp.outputs = append(gp.outputs, slot(o.Name))
		gp.outNames = append(gp.outNames, o.Name)
		gp.outTypes = append(gp.outTypes, o.Type)
	}
	keep := map[int]bool{}
	for _, s := range gp.outputs {
		keep[s] = true
	}
	for _, cs := range gp.consts {
		keep[cs.slot] = true
	}
	gp.release = make([][]int, len(gp.steps))
	for s, i := range lastUse {
		if !keep[s] {
			gp.release[i] = append(gp.release[i], s)
		}
	}
	return gp, nil
}

// newKernel calls a kernel factory, turning a panic into ErrInternal.
func newKernel(f ops.Factory, n *ir.Node, opset int) (k ops.Kernel, err error) {
	defer func() {
		if r := recover(); r != nil {
			k, err = nil, fmt.Errorf("runtime: %v: %w: %v", n, ErrInternal, r)
		}
	}()
	return f(n, opset)
}

// Session runs a Plan. Use one Session per goroutine.
type Session struct {
	plan *Plan
	ctx  context.Context
	live int64
	prof *profiler // nil unless Options.Profile
	// arena recycles kernel output buffers between nodes and runs.
	arena *ops.Arena
	// ctxs holds this session's kernel contexts per graph (the plan's
	// contexts plus the session's arena).
	ctxs map[*graphPlan][]ops.Context
	// zaMain is the main graph's run state, reused by every run so a
	// steady-state run allocates nothing of its own.
	zaMain zaRunState
}

// zaRunState is the scratch of one graph's run: its frame, the argument
// and output slices, and the per-step input and output slices.
type zaRunState struct {
	fr   frame
	args []ops.Value
	outs []ops.Value
	inV  []ops.Value
	inT  []*tensor.Tensor
	outV []ops.Value
}

// NewSession returns a session for p.
func (p *Plan) NewSession() *Session {
	s := &Session{plan: p, arena: ops.NewArena(), ctxs: map[*graphPlan][]ops.Context{}}
	if p.opts.MaxMemory > 0 {
		s.arena.MaxTensorBytes = p.opts.MaxMemory
	}
	if p.opts.Profile {
		s.prof = newProfiler()
	}
	return s
}

type frame struct {
	gp     *graphPlan
	vals   []ops.Value
	parent *frame
}

func (fr *frame) lookup(name string) (ops.Value, bool) {
	for f := fr; f != nil; f = f.parent {
		if s, ok := f.gp.slots[name]; ok && f.vals[s] != nil {
			return f.vals[s], true
		}
	}
	return nil, false
}

// Run executes the model on named input tensors and returns every graph
// output by name.
func (s *Session) Run(inputs map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error) {
	return s.RunContext(context.Background(), inputs)
}

// RunContext is Run with cancellation: the run stops between nodes once ctx
// is done, returning ctx.Err().
func (s *Session) RunContext(ctx context.Context, inputs map[string]*tensor.Tensor) (map[string]*tensor.Tensor, error) {
	res := make(map[string]*tensor.Tensor, len(s.plan.main.outNames))
	if err := s.zaRunTensors(ctx, inputs, res, false); err != nil {
		return nil, err
	}
	return res, nil
}

// RunInto is RunContext writing the outputs into the map outputs, whose
// tensors it reuses: an output already in the map with the right dtype and
// shape gets the new values copied into its data; others are replaced by a
// new tensor. Pass the map a previous RunInto (or Run) filled and a
// steady-state run allocates nothing at all: every output buffer stays in
// the session arena and is recycled. The caller must not keep other
// references to the map's old tensors if it wants their values.
func (s *Session) RunInto(ctx context.Context, inputs, outputs map[string]*tensor.Tensor) error {
	if outputs == nil {
		return fmt.Errorf("runtime: RunInto needs an output map: %w", ErrShapeMismatch)
	}
	return s.zaRunTensors(ctx, inputs, outputs, true)
}

// zaRunTensors runs the main graph on tensor inputs and stores tensor
// outputs in res; reuse copies into res's existing tensors where they fit.
func (s *Session) zaRunTensors(ctx context.Context, inputs, res map[string]*tensor.Tensor, reuse bool) error {
	p := s.plan
	for k := range inputs {
		if err := s.zaCheckName(k); err != nil {
			return err
		}
	}
	args, err := s.zaArgs(func(name string) (ops.Value, bool) {
		t, ok := inputs[name]
		if !ok || t == nil {
			return nil, false
		}
		return t, true
	})
	if err != nil {
		return err
	}
	s.ctx = ctx
	s.live = 0
	defer s.zaEndRun()
	outs, err := s.runGraph(p.main, nil, args)
	if err != nil {
		return err
	}
	for i, name := range p.main.outNames {
		if _, ok := outs[i].(*tensor.Tensor); !ok {
			return fmt.Errorf("runtime: output %q is a %T, not a tensor; use RunValues", name, outs[i])
		}
	}
	for i, name := range p.main.outNames {
		t := outs[i].(*tensor.Tensor)
		if reuse {
			if dst := res[name]; dst != nil && zaCopyInto(dst, t) {
				continue
			}
		}
		s.forget(t)
		res[name] = unalias(t, p.owned, args).(*tensor.Tensor)
	}
	if reuse {
		// Outputs copied out are dead: their buffers go back to the arena.
		for i, sl := range p.main.outputs {
			if zaFirstSlot(p.main.outputs, i, sl) && s.arena.Owns(outs[i].(*tensor.Tensor)) {
				s.release(outs[i])
			}
		}
	}
	return nil
}

// zaEndRun ends a run: the arena forgets what is still tracked, and the
// reused run state drops its references to the caller's values.
func (s *Session) zaEndRun() {
	s.arena.EndRun()
	clear(s.zaMain.fr.vals)
	clear(s.zaMain.args)
	clear(s.zaMain.outs)
	clear(s.zaMain.inV)
	clear(s.zaMain.inT)
	clear(s.zaMain.outV)
}

// zaFirstSlot reports whether slots[i] (= sl) does not occur before i.
func zaFirstSlot(slots []int, i, sl int) bool {
	for _, x := range slots[:i] {
		if x == sl {
			return false
		}
	}
	return true
}

// zaCheckName fails for a name that is not an input of the model.
func (s *Session) zaCheckName(name string) error {
	for _, in := range s.plan.model.Graph.Inputs {
		if in.Name == name {
			return nil
		}
	}
	return fmt.Errorf("runtime: input %q is not an input of the model: %w", name, ErrShapeMismatch)
}

// zaArgs builds the main graph's arguments (in the session's reused slice)
// from get, checking each against the model's declaration.
func (s *Session) zaArgs(get func(string) (ops.Value, bool)) ([]ops.Value, error) {
	g := s.plan.model.Graph
	args := s.zaMain.args[:0]
	for _, in := range g.Inputs {
		v, ok := get(in.Name)
		if !ok || v == nil {
			if _, isInit := g.Initializers[in.Name]; isInit {
				args = append(args, nil)
				continue
			}
			if in.Type != nil && in.Type.Kind == ir.KindOptional {
				args = append(args, nil)
				continue
			}
			return nil, fmt.Errorf("runtime: input %q (%v) is missing: %w", in.Name, in.Type, ErrShapeMismatch)
		}
		if err := checkInput(in, v); err != nil {
			return nil, err
		}
		args = append(args, v)
	}
	s.zaMain.args = args
	return args, nil
}

// zaCopyInto copies src's elements into dst when both have the same dtype
// and shape, reporting whether it did.
func zaCopyInto(dst, src *tensor.Tensor) bool {
	if dst == src || dst.DType() != src.DType() || !tensor.SameShape(dst.Shape(), src.Shape()) {
		return false
	}
	switch d := dst.Data().(type) {
	case []float32:
		copy(d, src.Data().([]float32))
	case []float64:
		copy(d, src.Data().([]float64))
	case []uint16:
		copy(d, src.Data().([]uint16))
	case []int8:
		copy(d, src.Data().([]int8))
	case []uint8:
		copy(d, src.Data().([]uint8))
	case []int16:
		copy(d, src.Data().([]int16))
	case []int32:
		copy(d, src.Data().([]int32))
	case []int64:
		copy(d, src.Data().([]int64))
	case []uint32:
		copy(d, src.Data().([]uint32))
	case []uint64:
		copy(d, src.Data().([]uint64))
	case []bool:
		copy(d, src.Data().([]bool))
	case []string:
		copy(d, src.Data().([]string))
	default:
		return false
	}
	return true
}

// RunValues is Run for models whose inputs or outputs are sequences or
// optionals (values are *tensor.Tensor, *ops.Sequence or *ops.Optional).
func (s *Session) RunValues(ctx context.Context, inputs map[string]ops.Value) (map[string]ops.Value, error) {
	p := s.plan
	for name := range inputs {
		if err := s.zaCheckName(name); err != nil {
			return nil, err
		}
	}
	args, err := s.zaArgs(func(name string) (ops.Value, bool) {
		v, ok := inputs[name]
		return v, ok
	})
	if err != nil {
		return nil, err
	}
	s.ctx = ctx
	s.live = 0
	outs, err := s.runGraph(p.main, nil, args)
	defer s.zaEndRun()
	if err != nil {
		return nil, err
	}
	res := make(map[string]ops.Value, len(outs))
	for i, name := range p.main.outNames {
		s.forget(outs[i])
		res[name] = unalias(outs[i], p.owned, args)
	}
	return res, nil
}

// unalias returns v, with every tensor in it that shares its backing array
// with a constant of the plan or with a caller's input cloned. Kernels like
// Identity, Reshape or Squeeze return views; a caller writing into such an
// output would otherwise corrupt the Plan shared by every session (or its
// own input).
func unalias(v ops.Value, owned []*tensor.Tensor, args []ops.Value) ops.Value {
	shared := func(t *tensor.Tensor) bool {
		for _, c := range owned {
			if sameBacking(t, c) {
				return true
			}
		}
		for _, a := range args {
			if c, ok := a.(*tensor.Tensor); ok && sameBacking(t, c) {
				return true
			}
		}
		return false
	}
	switch x := v.(type) {
	case *tensor.Tensor:
		if shared(x) {
			return x.Clone()
		}
	case *ops.Sequence:
		var items []*tensor.Tensor
		for i, t := range x.Items {
			if shared(t) {
				if items == nil {
					items = append([]*tensor.Tensor(nil), x.Items...)
				}
				items[i] = t.Clone()
			}
		}
		if items != nil {
			return &ops.Sequence{Elem: x.Elem, Items: items}
		}
	case *ops.Optional:
		if x.Value != nil {
			if u := unalias(x.Value, owned, args); u != x.Value {
				return &ops.Optional{Value: u, Elem: x.Elem, IsSeq: x.IsSeq}
			}
		}
	}
	return v
}

// sameBacking reports whether a and b have overlapping data arrays.
func sameBacking(a, b *tensor.Tensor) bool {
	if a == nil || b == nil || a.Len() == 0 || b.Len() == 0 {
		return false
	}
	if a == b {
		return true
	}
	ra, rb := reflect.ValueOf(a.Data()), reflect.ValueOf(b.Data())
	if ra.Kind() != reflect.Slice || rb.Kind() != reflect.Slice {
		return false
	}
	alo, blo := ra.Pointer(), rb.Pointer()
	ahi := alo + uintptr(ra.Len())*ra.Type().Elem().Size()
	bhi := blo + uintptr(rb.Len())*rb.Type().Elem().Size()
	return alo < bhi && blo < ahi
}

func checkInput(vi *ir.ValueInfo, v ops.Value) error {
	t, ok := v.(*tensor.Tensor)
	if !ok || vi.Type == nil || vi.Type.Kind != ir.KindTensor {
		return nil
	}
	want := vi.Type
	if want.Elem != tensor.Undefined && t.DType() != want.Elem {
		return fmt.Errorf("runtime: input %q is %v, model wants %v: %w", vi.Name, t.DType(), want, ErrShapeMismatch)
	}
	if want.HasShape {
		if len(want.Shape) != t.Rank() {
			return fmt.Errorf("runtime: input %q has shape %v, model wants %v: %w", vi.Name, t.Shape(), want, ErrShapeMismatch)
		}
		for i, d := range want.Shape {
			if d.Known() && d.Value != int64(t.Shape()[i]) {
				return fmt.Errorf("runtime: input %q has shape %v, model wants %v: %w", vi.Name, t.Shape(), want, ErrShapeMismatch)
			}
		}
	}
	return nil
}

// runGraph executes gp with the given input values (one per graph input;
// nil falls back to an initializer of the same name) in a new frame whose
// parent resolves outer-scope names.
func (s *Session) runGraph(gp *graphPlan, parent *frame, args []ops.Value) ([]ops.Value, error) {
	var rs *zaRunState
	if gp == s.plan.main && parent == nil {
		rs = &s.zaMain
		if len(rs.fr.vals) != gp.nslots {
			rs.fr.vals = make([]ops.Value, gp.nslots)
		}
		clear(rs.fr.vals)
		rs.fr.gp = gp
	} else {
		// Subgraph runs nest (an If inside a Loop body): fresh state.
		rs = &zaRunState{fr: frame{gp: gp, vals: make([]ops.Value, gp.nslots), parent: parent}}
	}
	fr := &rs.fr
	for _, cs := range gp.consts {
		fr.vals[cs.slot] = cs.val
	}
	for i, a := range args {
		if i < len(gp.inputs) && a != nil {
			fr.vals[gp.inputs[i]] = a
			s.retain(a, nil)
		}
	}
	for _, o := range gp.outer {
		if parent == nil {
			return nil, fmt.Errorf("runtime: value %q is not defined: %w", o.name, ir.ErrInvalidModel)
		}
		v, ok := parent.lookup(o.name)
		if !ok {
			return nil, fmt.Errorf("runtime: outer-scope value %q is not available: %w", o.name, ir.ErrInvalidModel)
		}
		fr.vals[o.slot] = v
		s.retain(v, nil)
	}
	kctxs := s.contexts(gp)
	inT, inV := rs.inT, rs.inV
	defer func() { rs.inT, rs.inV = inT, inV }()
	for i, st := range gp.steps {
		if s.ctx != nil {
			if err := s.ctx.Err(); err != nil {
				return nil, err
			}
		}
		inV = inV[:0]
		for _, sl := range st.in {
			if sl < 0 {
				inV = append(inV, nil)
			} else {
				inV = append(inV, fr.vals[sl])
			}
		}
		var outV []ops.Value
		var err error
		var t0 time.Time
		if s.prof != nil {
			t0 = time.Now()
		}
		outV, inT, err = s.runStep(st, &kctxs[i], fr, inV, inT, rs)
		if err != nil {
			return nil, err // kernel errors already name the node
		}
		if s.prof != nil {
			s.prof.add(st, fr, time.Since(t0))
		}
		for j, sl := range st.out {
			if sl < 0 {
				continue
			}
			if j >= len(outV) || outV[j] == nil {
				// Optional outputs a kernel did not produce stay absent.
				continue
			}
			fr.vals[sl] = outV[j]
			s.retain(outV[j], inV)
		}
		for j, sl := range st.out {
			// Outputs no one reads (optional outputs a kernel made anyway)
			// go straight back to the arena; retain first, since they may
			// share a buffer with a used output or an input.
			if sl < 0 && j < len(outV) && outV[j] != nil {
				s.retain(outV[j], inV)
				s.release(outV[j])
			}
		}
		for j := len(st.out); j < len(outV); j++ {
			if outV[j] != nil {
				s.retain(outV[j], inV)
				s.release(outV[j])
			}
		}
		if s.plan.opts.MaxMemory > 0 {
			if err := s.account(fr, st, outV); err != nil {
				return nil, err
			}
		}
		for _, sl := range gp.release[i] {
			s.release(fr.vals[sl])
			fr.vals[sl] = nil
		}
	}
	outs := rs.outs[:0]
	for i, sl := range gp.outputs {
		outs = append(outs, fr.vals[sl])
		rs.outs = outs
		if outs[i] == nil {
			return nil, fmt.Errorf("runtime: graph output %q was not produced: %w", gp.outNames[i], ir.ErrInvalidModel)
		}
	}
	return outs, nil
}

// contexts returns the session's kernel contexts for gp's steps.
func (s *Session) contexts(gp *graphPlan) []ops.Context {
	if c, ok := s.ctxs[gp]; ok {
		return c
	}
	c := make([]ops.Context, len(gp.steps))
	for i, st := range gp.steps {
		c[i] = st.ctx
		c[i].Arena = s.arena
	}
	s.ctxs[gp] = c
	return c
}

// retain counts a new slot holding v against the arena's buffers; ins are
// the step's inputs, of which v may be a view.
func (s *Session) retain(v ops.Value, ins []ops.Value) {
	switch x := v.(type) {
	case *tensor.Tensor:
		if s.arena.Owns(x) {
			s.arena.Retain(x)
			return
		}
		for _, in := range ins {
			if t, ok := in.(*tensor.Tensor); ok && s.arena.RetainView(x, t) {
				return
			}
			if sq, ok := in.(*ops.Sequence); ok {
				for _, t := range sq.Items {
					if s.arena.RetainView(x, t) {
						return
					}
				}
			}
		}
	case *ops.Sequence:
		for _, t := range x.Items {
			s.retain(t, ins)
		}
	case *ops.Optional:
		s.retain(x.Value, ins)
	}
}

// release drops a dead slot's hold on v's buffers.
func (s *Session) release(v ops.Value) {
	switch x := v.(type) {
	case *tensor.Tensor:
		s.arena.Release(x)
	case *ops.Sequence:
		for _, t := range x.Items {
			s.arena.Release(t)
		}
	case *ops.Optional:
		s.release(x.Value)
	}
}

// forget hands v's buffers over to the caller.
func (s *Session) forget(v ops.Value) {
	switch x := v.(type) {
	case *tensor.Tensor:
		s.arena.Forget(x)
	case *ops.Sequence:
		for _, t := range x.Items {
			s.arena.Forget(t)
		}
	case *ops.Optional:
		s.forget(x.Value)
	}
}

// runStep runs one step's kernel on inV (inT is scratch for tensor
// inputs, returned for reuse). A panicking kernel becomes an error wrapping
// ErrInternal that names the node, so one bad kernel cannot crash a server.
func (s *Session) runStep(st *step, kctx *ops.Context, fr *frame, inV []ops.Value, inT []*tensor.Tensor, rs *zaRunState) (outV []ops.Value, _ []*tensor.Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			if debugPanics {
				panic(r)
			}
			outV, err = nil, fmt.Errorf("runtime: %v: %w: %v", st.node, ErrInternal, r)
		}
	}()
	switch {
	case st.fk != nil:
		outV, err = st.fk.runFrame(s, fr, inV)
	case st.vk != nil:
		outV, err = st.vk.RunValues(kctx, inV)
	default:
		inT = inT[:0]
		for j, v := range inV {
			switch x := v.(type) {
			case nil:
				inT = append(inT, nil)
			case *tensor.Tensor:
				inT = append(inT, x)
			default:
				return nil, inT, fmt.Errorf("runtime: %v: input %d (%q) is a %T, want a tensor: %w", st.node, j, st.node.Inputs[j], v, ir.ErrInvalidModel)
			}
		}
		var outT []*tensor.Tensor
		outT, err = st.kernel.Run(kctx, inT)
		outV = rs.outV[:0]
		for _, t := range outT {
			if t != nil {
				outV = append(outV, t)
			} else {
				outV = append(outV, nil)
			}
		}
		rs.outV = outV
	}
	return outV, inT, err
}

// account tracks bytes of live tensors in the frame against MaxMemory.
func (s *Session) account(fr *frame, st *step, outV []ops.Value) error {
	var live int64
	for f := fr; f != nil; f = f.parent {
		for _, v := range f.vals {
			live += valueBytes(v)
		}
		for _, cs := range f.gp.consts {
			live -= valueBytes(cs.val)
		}
	}
	if live > s.plan.opts.MaxMemory {
		return fmt.Errorf("runtime: %v: live tensors need %d bytes, over the %d-byte cap: %w", st.node, live, s.plan.opts.MaxMemory, tensor.ErrLimit)
	}
	return nil
}

func valueBytes(v ops.Value) int64 {
	switch x := v.(type) {
	case *tensor.Tensor:
		return x.Bytes()
	case *ops.Sequence:
		var n int64
		for _, t := range x.Items {
			n += t.Bytes()
		}
		return n
	case *ops.Optional:
		return valueBytes(x.Value)
	}
	return 0
}

// Plan node kinds reported by Plan.Nodes.
const (
	KindInt8    = "int8"    // integer kernel on 8-bit data (QLinearConv, QGemm, lookup tables, MaxPool on uint8, ...)
	KindFloat   = "float"   // float arithmetic, including QuantizeLinear/DequantizeLinear
	KindShape   = "shape"   // moves or selects data, or computes shapes
	KindControl = "control" // If, Loop, Scan
)

// PlanNode is a read-only description of one compiled step of the main graph.
type PlanNode struct {
	Index  int    // position in execution order
	OpType string // e.g. "QLinearConv"
	Domain string // "" for ai.onnx, "com.microsoft", "qinfer", ...
	Name   string // the node's name
	Kind   string // KindInt8, KindFloat, KindShape or KindControl
	Note   string // why a Conv/MatMul/Gemm/ConvTranspose stayed in float, else ""
}

// Op returns "domain.op" ("op" for ai.onnx).
func (n PlanNode) Op() string {
	if n.Domain == "" {
		return n.OpType
	}
	return n.Domain + "." + n.OpType
}

// planIntOps are kernels whose arithmetic is integer.
var planIntOps = map[string]bool{
	"QLinearConv": true, "QLinearMatMul": true, "ConvInteger": true, "MatMulInteger": true,
	"com.microsoft.QGemm": true, "com.microsoft.QLinearAdd": true, "com.microsoft.QLinearMul": true,
	"com.microsoft.QLinearConcat": true, "com.microsoft.QLinearAveragePool": true,
	"com.microsoft.QLinearGlobalAveragePool": true, "com.microsoft.QLinearSigmoid": true,
	"com.microsoft.QLinearLeakyRelu": true, "com.microsoft.QLinearSoftmax": true,
	"com.microsoft.QLinearConv": true, "com.microsoft.MatMulIntegerToFloat": true,
	"com.microsoft.DynamicQuantizeMatMul": true, "com.microsoft.QAttention": true,
}

// planShapeOps move, select or describe data without arithmetic.
var planShapeOps = map[string]bool{
	"Reshape": true, "Transpose": true, "Squeeze": true, "Unsqueeze": true, "Flatten": true,
	"Slice": true, "Concat": true, "Split": true, "Gather": true, "GatherElements": true, "GatherND": true,
	"Shape": true, "Size": true, "Identity": true, "Expand": true, "Tile": true, "Constant": true,
	"ConstantOfShape": true, "Range": true, "DepthToSpace": true, "SpaceToDepth": true, "Pad": true,
	"NonZero": true, "Cast": true, "CastLike": true,
}

// planInt8Compat run on 8-bit tensors with integer comparisons only.
var planInt8Compat = map[string]bool{"MaxPool": true, "Resize": true, "ReduceMax": true, "ReduceMin": true, "Clip": true, "Relu": true}

// Nodes lists the compiled steps of the main graph in execution order with
// their kind, so tools (qinfer info --plan) can show which work runs on
// integer kernels after optimization.
func (p *Plan) Nodes() []PlanNode {
	g := p.model.Graph
	is8 := map[string]bool{}
	for _, in := range g.Inputs {
		if in.Type != nil && (in.Type.Elem == tensor.Uint8 || in.Type.Elem == tensor.Int8) {
			is8[in.Name] = true
		}
	}
	for name, t := range g.Initializers {
		if t.DType() == tensor.Uint8 || t.DType() == tensor.Int8 {
			is8[name] = true
		}
	}
	out := make([]PlanNode, 0, len(p.main.steps))
	for i, st := range p.main.steps {
		n := st.node
		pn := PlanNode{Index: i, OpType: n.OpType, Domain: n.Domain, Name: n.Name}
		op := pn.Op()
		in8 := len(n.Inputs) > 0 && is8[n.Inputs[0]]
		switch {
		case st.fk != nil || len(n.Subgraphs()) > 0:
			pn.Kind = KindControl
		case op == "qinfer.FusedConv" || op == "qinfer.InvertedResidual" || op == "qinfer.ConvMaxPool": // float Conv + activation, float conv block, float Conv + MaxPool
			pn.Kind = KindFloat
		case planIntOps[op] || n.Domain == "qinfer":
			pn.Kind = KindInt8
		case n.Domain == "" && n.OpType == "QuantizeLinear":
			pn.Kind = KindFloat
		case n.Domain == "" && planShapeOps[n.OpType]:
			pn.Kind = KindShape
		case n.Domain == "" && planInt8Compat[n.OpType] && in8:
			pn.Kind = KindInt8
		default:
			pn.Kind = KindFloat
		}
		if pn.Kind == KindInt8 || n.OpType == "QuantizeLinear" || pn.Kind == KindShape && in8 {
			for _, o := range n.Outputs {
				is8[o] = true
			}
		}
		if n.Domain == "" && pn.Kind == KindFloat {
			switch n.OpType {
			case "ConvTranspose":
				pn.Note = "float: qinfer has no integer ConvTranspose kernel"
			case "Conv", "MatMul", "Gemm":
				pn.Note = "float: not in a DequantizeLinear → op → QuantizeLinear pattern with constant parameters"
			}
		}
		out = append(out, pn)
	}
	return out
}
