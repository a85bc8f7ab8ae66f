package runtime_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/ops"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// The fuzzers here check that no model, however hostile, makes decode,
// Compile or Run panic. A kernel panic is caught by the runtime and turned
// into an error wrapping runtime.ErrInternal; the fuzzers treat that as a
// failure too, since it is still a kernel bug.

// fuzzDecodeOptions keeps fuzzed tensors small.
var fuzzDecodeOptions = &onnx.Options{MaxTensorBytes: 1 << 24}

const (
	fuzzMaxInputElems = 1 << 12 // synthesised inputs hold at most this many elements
	fuzzMaxMemory     = 64 << 20
)

// fuzzNodeModels lists the conformance node-test models, sorted, so that a
// seed index means the same model on every run. Empty without the data.
var fuzzNodeModels = sync.OnceValue(func() []string {
	files, _ := filepath.Glob("/usr/share/libonnx-testdata/data/node/*/model.onnx")
	sort.Strings(files)
	return files
})

// fuzzHandModels are small hand-built models that seed both fuzzers even
// without the conformance data.
func fuzzHandModels() []*ir.Model {
	var ms []*ir.Model
	ms = append(ms, newB().symIn("x", tensor.Float32, ir.Dim{Param: "N"}, ir.Dim{Value: 3}).
		init("w", tensor.From([]int{3, 2}, []float32{1, 2, 3, 4, 5, 6})).
		node("MatMul", []string{"x", "w"}, []string{"y"}).
		node("Relu", []string{"y"}, []string{"z"}).out("z").model(17))
	ms = append(ms, newB().in("x", tensor.Float32, 1, 1, 4, 4).
		init("w", tensor.Zeros(tensor.Float32, 2, 1, 3, 3)).
		node("Conv", []string{"x", "w"}, []string{"y"}, intsAttr("pads", 1, 1, 1, 1), intsAttr("strides", 2, 2)).
		out("y").model(17))
	ms = append(ms, newB().in("x", tensor.Int64, 2, 3).
		init("s", tensor.From([]int{2}, []int64{3, -1})).
		node("Reshape", []string{"x", "s"}, []string{"y"}).
		node("ReduceSum", []string{"y"}, []string{"z"}, intsAttr("axes", 1), intAttr("keepdims", 0)).
		out("z").model(11))
	ms = append(ms, newB().in("x", tensor.Float32, 2, 5).
		node("Softmax", []string{"x"}, []string{"y"}, intAttr("axis", -1)).
		node("TopK", []string{"y", "k"}, []string{"v", "i"}).
		init("k", tensor.From([]int{1}, []int64{2})).
		out("v", "i").model(13))
	ms = append(ms, newB().in("x", tensor.Float32, 3, 4).
		init("starts", tensor.From([]int{1}, []int64{1})).
		init("ends", tensor.From([]int{1}, []int64{3})).
		init("axes", tensor.From([]int{1}, []int64{1})).
		node("Slice", []string{"x", "starts", "ends", "axes"}, []string{"y"}).
		node("Transpose", []string{"y"}, []string{"z"}, intsAttr("perm", 1, 0)).
		node("Gather", []string{"z", "idx"}, []string{"g"}, intAttr("axis", 0)).
		init("idx", tensor.From([]int{2}, []int64{0, -1})).
		out("g").model(13))
	return ms
}

// fuzzSeedModels returns the encoded seed models: hand-built first, then
// every conformance node model.
func fuzzSeedModels() [][]byte {
	var seeds [][]byte
	for _, m := range fuzzHandModels() {
		b, err := onnx.Encode(m)
		if err != nil {
			panic(err)
		}
		seeds = append(seeds, b)
	}
	for _, p := range fuzzNodeModels() {
		if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 {
			seeds = append(seeds, b)
		}
	}
	return seeds
}

var fuzzSeeds = sync.OnceValue(fuzzSeedModels)

// fuzzBytes hands out fuzz-chosen numbers, then zeros once exhausted.
type fuzzBytes struct{ b []byte }

func (f *fuzzBytes) byte() byte {
	if len(f.b) == 0 {
		return 0
	}
	c := f.b[0]
	f.b = f.b[1:]
	return c
}

func (f *fuzzBytes) intn(n int) int {
	if n <= 0 {
		return 0
	}
	v := int(f.byte())<<8 | int(f.byte())
	return v % n
}

// synthInputs builds inputs from the plan's declared input types: unknown
// or symbolic dims take 1..3 (from r), unknown ranks are 1-D, element
// counts are capped. ok is false when an input cannot be made (a
// sequence, a map, or a declared size over the cap).
func synthInputs(p *runtime.Plan, r *fuzzBytes) (map[string]*tensor.Tensor, bool) {
	in := map[string]*tensor.Tensor{}
	for _, vi := range p.Inputs {
		ty := vi.Type
		if ty != nil && ty.Kind == ir.KindOptional {
			continue
		}
		if ty != nil && ty.Kind != ir.KindTensor && ty.Kind != ir.KindUnknown {
			return nil, false
		}
		dt := tensor.Float32
		var shape []int
		if ty != nil {
			if ty.Elem != tensor.Undefined {
				dt = ty.Elem
			}
			if !dt.Supported() {
				return nil, false
			}
			for _, d := range ty.Shape {
				if d.Known() {
					if d.Value > fuzzMaxInputElems {
						return nil, false
					}
					shape = append(shape, int(d.Value))
				} else {
					shape = append(shape, 1+r.intn(3))
				}
			}
			if !ty.HasShape {
				shape = []int{1 + r.intn(3)}
			}
		}
		n := 1
		for _, d := range shape {
			n *= d
			if n > fuzzMaxInputElems {
				return nil, false
			}
		}
		t, err := tensor.New(dt, shape...)
		if err != nil {
			return nil, false
		}
		if dt == tensor.String {
			s := t.Data().([]string)
			for i := range s {
				s[i] = string(rune('a' + i%26))
			}
		} else {
			base := int(r.byte())
			for i := 0; i < n; i++ {
				t.SetFloat64(i, float64((base+i)%7-3)*0.5)
			}
		}
		in[vi.Name] = t
	}
	return in, true
}

// fuzzRun decodes, compiles and runs a model; it fails the test on a panic
// (the fuzzer reports those itself) or on an ErrInternal error.
func fuzzRun(t *testing.T, model []byte, r *fuzzBytes) {
	m, err := onnx.Decode(model, fuzzDecodeOptions)
	if err != nil {
		return
	}
	p, err := runtime.Compile(m, runtime.Options{Threads: 2, MaxMemory: fuzzMaxMemory})
	if err != nil {
		if errors.Is(err, runtime.ErrInternal) {
			t.Fatalf("compile: %v", err)
		}
		return
	}
	in, ok := synthInputs(p, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = p.NewSession().RunContext(ctx, in)
	if errors.Is(err, runtime.ErrInternal) {
		t.Fatalf("run: %v", err)
	}
}

// FuzzCompileRun feeds raw bytes through Decode, Compile and Run.
func FuzzCompileRun(f *testing.F) {
	for _, b := range fuzzSeeds() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzRun(t, b, &fuzzBytes{b: b})
	})
}

// FuzzMutateModel is a structured fuzzer: the bytes pick a seed model and
// a list of mutations of its attributes, integer initializers and declared
// input dims; the mutated model is re-encoded and run. This reaches kernel
// edge cases far faster than raw bytes, which mostly fail to decode.
func FuzzMutateModel(f *testing.F) {
	seeds := fuzzSeeds()
	for i := range seeds {
		f.Add(uint16(i), []byte{})
	}
	for i := 0; i < len(seeds); i += 7 {
		f.Add(uint16(i), []byte{0, 0, 0, 1, 0, 0, 0, 3, 1, 0, 0, 2})
	}
	f.Fuzz(func(t *testing.T, seed uint16, muts []byte) {
		if len(seeds) == 0 {
			t.Skip("no seeds")
		}
		m, err := onnx.Decode(seeds[int(seed)%len(seeds)], fuzzDecodeOptions)
		if err != nil {
			return
		}
		r := &fuzzBytes{b: muts}
		for len(r.b) > 0 {
			mutateModel(m, r)
		}
		b, err := onnx.Encode(m)
		if err != nil {
			return
		}
		fuzzRun(t, b, &fuzzBytes{b: muts})
	})
}

// fuzzInts are integer values that tend to break index arithmetic, and
// huge-but-valid sizes (1<<16, MaxInt32) that must hit the per-tensor cap
// instead of allocating (see TestConvHugePads).
var fuzzInts = []int64{0, 1, -1, 2, -2, 3, 5, -5, 16, 255, 1 << 16, math.MaxInt32, math.MaxInt64, math.MinInt64}

// fuzzFloats are float values that tend to break numeric code.
var fuzzFloats = []float32{0, 1, -1, 0.5, 2, 1e-30, 1e30, -1e30, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}

func fuzzInt(r *fuzzBytes) int64 {
	c := r.byte()
	if c < 200 {
		return fuzzInts[int(c)%len(fuzzInts)]
	}
	return int64(c) - 228 // -28..27
}

// mutateModel applies one mutation chosen by r to m (or one of its
// subgraphs' nodes).
func mutateModel(m *ir.Model, r *fuzzBytes) {
	g := m.Graph
	switch r.byte() % 6 {
	case 0, 1, 2: // an attribute of a node
		if len(g.Nodes) == 0 {
			return
		}
		n := g.Nodes[r.intn(len(g.Nodes))]
		if len(n.Attrs) == 0 {
			return
		}
		mutateAttr(n.Attrs[r.intn(len(n.Attrs))], r)
	case 3: // an element of an integer or float initializer
		if len(g.InitOrder) == 0 {
			return
		}
		name := g.InitOrder[r.intn(len(g.InitOrder))]
		t := g.Initializers[name]
		if t == nil || t.Len() == 0 || t.DType() == tensor.String {
			return
		}
		t = t.Clone()
		i := r.intn(t.Len())
		if t.DType().IsFloat() {
			t.SetFloat64(i, float64(fuzzFloats[r.intn(len(fuzzFloats))]))
		} else {
			t.SetInt64(i, fuzzInt(r))
		}
		g.Initializers[name] = t
	case 4: // a declared input dim or rank
		if len(g.Inputs) == 0 {
			return
		}
		ty := g.Inputs[r.intn(len(g.Inputs))].Type
		if ty == nil || ty.Kind != ir.KindTensor {
			return
		}
		switch c := r.byte() % 4; {
		case c == 0 && len(ty.Shape) > 0:
			ty.Shape = ty.Shape[:len(ty.Shape)-1]
		case c == 1 && len(ty.Shape) < 6:
			ty.Shape = append(ty.Shape, ir.Dim{Value: int64(r.intn(4))})
		case len(ty.Shape) > 0:
			ty.Shape[r.intn(len(ty.Shape))] = ir.Dim{Value: int64(r.intn(5))}
		}
	case 5: // drop or blank a node input
		if len(g.Nodes) == 0 {
			return
		}
		n := g.Nodes[r.intn(len(g.Nodes))]
		if len(n.Inputs) == 0 {
			return
		}
		if r.byte()%2 == 0 {
			n.Inputs = n.Inputs[:len(n.Inputs)-1]
		} else {
			n.Inputs[r.intn(len(n.Inputs))] = ""
		}
	}
}

func mutateAttr(a *ir.Attr, r *fuzzBytes) {
	switch a.Type {
	case ir.AttrInt:
		a.I = fuzzInt(r)
	case ir.AttrFloat:
		a.F = fuzzFloats[r.intn(len(fuzzFloats))]
	case ir.AttrInts:
		switch c := r.byte() % 4; {
		case c == 0 && len(a.Ints) > 0:
			a.Ints = a.Ints[:len(a.Ints)-1]
		case c == 1:
			a.Ints = append(a.Ints, fuzzInt(r))
		case len(a.Ints) > 0:
			a.Ints[r.intn(len(a.Ints))] = fuzzInt(r)
		}
	case ir.AttrFloats:
		switch c := r.byte() % 3; {
		case c == 0 && len(a.Floats) > 0:
			a.Floats = a.Floats[:len(a.Floats)-1]
		case c == 1:
			a.Floats = append(a.Floats, fuzzFloats[r.intn(len(fuzzFloats))])
		case len(a.Floats) > 0:
			a.Floats[r.intn(len(a.Floats))] = fuzzFloats[r.intn(len(fuzzFloats))]
		}
	case ir.AttrString:
		a.S = []string{"", "x", "NOTSET", "SAME_UPPER", "VALID", "linear", "nearest", "cubic", "constant", "reflect", "edge"}[r.intn(11)]
	case ir.AttrTensor:
		if a.T != nil && a.T.Len() > 0 {
			t := a.T.Clone()
			if t.DType().IsFloat() {
				t.SetFloat64(r.intn(t.Len()), float64(fuzzFloats[r.intn(len(fuzzFloats))]))
			} else if t.DType() != tensor.String {
				t.SetInt64(r.intn(t.Len()), fuzzInt(r))
			}
			a.T = t
		}
	}
}

// TestConvHugePads: found by FuzzMutateModel. Conv on a 1x1x4x4 input with
// pads [1, 2^31-1, 1, 9] used to allocate a ~77 GB buffer before anything
// checked MaxMemory, and the process died with a fatal out-of-memory.
// Kernel allocations now go through the session's arena, which checks the
// per-tensor cap first.
func TestConvHugePads(t *testing.T) {
	m := newB().in("x", tensor.Float32, 1, 1, 4, 4).
		init("w", tensor.Zeros(tensor.Float32, 2, 1, 3, 3)).
		node("Conv", []string{"x", "w"}, []string{"y"}, intsAttr("pads", 1, math.MaxInt32, 1, 9), intsAttr("strides", 2, 2)).
		out("y").model(17)
	p, err := runtime.Compile(m, runtime.Options{MaxMemory: 64 << 20})
	if err != nil {
		return
	}
	_, err = p.NewSession().Run(map[string]*tensor.Tensor{"x": tensor.Zeros(tensor.Float32, 1, 1, 4, 4)})
	if !errors.Is(err, tensor.ErrLimit) {
		t.Fatalf("got %v, want ErrLimit", err)
	}
}

func init() {
	ops.RegisterFunc("test.hostile", "Panic", 1, func(ctx *ops.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		var s []int
		_ = s[len(in)+3] // index out of range
		return nil, nil
	})
	ops.RegisterFunc("test.hostile", "PanicInWorker", 1, func(ctx *ops.Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
		ctx.Parallel(1000, 1, func(lo, hi int) {
			if lo > 0 {
				panic("worker chunk failed")
			}
		})
		return []*tensor.Tensor{in[0]}, nil
	})
}

// TestKernelPanicBecomesError: a kernel that panics, on its own goroutine
// or in a ParallelFor worker, fails the run with ErrInternal naming the
// node, and the plan stays usable.
func TestKernelPanicBecomesError(t *testing.T) {
	for _, op := range []string{"Panic", "PanicInWorker"} {
		g := newB().in("x", tensor.Float32, 4).node(op, []string{"x"}, []string{"y"}).out("y")
		g.g.Nodes[0].Domain = "test.hostile"
		m := g.model(17)
		m.Opsets["test.hostile"] = 1
		p, err := runtime.Compile(m, runtime.Options{Threads: 4})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			_, err = p.NewSession().Run(map[string]*tensor.Tensor{"x": tensor.Zeros(tensor.Float32, 4)})
			if !errors.Is(err, runtime.ErrInternal) || !strings.Contains(err.Error(), op+` "`+op+`_y"`) {
				t.Fatalf("%s: got %v, want ErrInternal naming the node", op, err)
			}
		}
	}
}
