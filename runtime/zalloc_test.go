package runtime_test

import (
	"context"
	"testing"

	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// zaOutputAllocs is what a steady-state Session.Run may allocate, all of
// it for the values it returns: the output map (2: the map and its slot
// group) and per output tensor 4 (its data, the slice boxed in the
// tensor's data interface, the *tensor.Tensor and its shape). Everything
// else (activations, headers, plans, scratch) comes from the session.
func zaOutputAllocs(outputs int) float64 { return float64(2 + 4*outputs) }

// zaThreadedAllocs is testing.AllocsPerRun(50, f) for a multi-threaded
// Run: the least of three measurements. Kernels keep scratch buffers in
// sync.Pools, whose per-P caches miss now and then when a loaded machine
// moves the pool's goroutines between Ps; that is not a steady-state
// allocation, and one quiet measurement shows there is none.
func zaThreadedAllocs(f func()) float64 {
	got := testing.AllocsPerRun(50, f)
	for i := 0; i < 2; i++ {
		got = min(got, testing.AllocsPerRun(50, f))
	}
	return got
}

// TestSteadyStateAllocs checks with testing.AllocsPerRun that a
// steady-state Run of a conv+relu net, a Gemm/MatMul MLP and a static-int8
// QDQ conv net allocates only its outputs, and that RunInto, reusing the
// caller's output tensors, allocates nothing.
func TestSteadyStateAllocs(t *testing.T) {
	if testing.Short() {
		// make runs -short together with -race, which allocates on its own
		// (and drops sync.Pool items at random): counts mean nothing there.
		t.Skip("allocation counts are measured in the full (non-race) pass")
	}
	for _, c := range []zaCase{zaConvNet(), zaMLP(), zaQDQConvNet(), zaInvertedResidual()} {
		t.Run(c.name, func(t *testing.T) {
			// One thread: the kernels' serial paths make no closures. With
			// more, ctx.Parallel's closures escape into the worker pool.
			p, err := runtime.Compile(c.m, runtime.Options{Threads: 1})
			if err != nil {
				t.Fatal(err)
			}
			s := p.NewSession()
			var want map[string]*tensor.Tensor
			for i := 0; i < 3; i++ { // warm-up: arena, packed weights, caches
				if want, err = s.Run(c.feed); err != nil {
					t.Fatal(err)
				}
			}
			got := testing.AllocsPerRun(50, func() {
				if _, err := s.Run(c.feed); err != nil {
					t.Fatal(err)
				}
			})
			if limit := zaOutputAllocs(len(p.Outputs)); got > limit {
				t.Errorf("steady-state Run: %v allocations, want at most %v (the %d outputs)", got, limit, len(p.Outputs))
			}

			outs := map[string]*tensor.Tensor{}
			ctx := context.Background()
			for i := 0; i < 3; i++ {
				if err := s.RunInto(ctx, c.feed, outs); err != nil {
					t.Fatal(err)
				}
			}
			got = testing.AllocsPerRun(50, func() {
				if err := s.RunInto(ctx, c.feed, outs); err != nil {
					t.Fatal(err)
				}
			})
			if got != 0 {
				t.Errorf("steady-state RunInto: %v allocations, want 0", got)
			}
			for name, w := range want {
				if !zaSameTensor(outs[name], w) {
					t.Errorf("RunInto output %q differs from Run's", name)
				}
			}
		})
	}
}

func zaSameTensor(a, b *tensor.Tensor) bool {
	if a == nil || b == nil || a.DType() != b.DType() || !tensor.SameShape(a.Shape(), b.Shape()) {
		return false
	}
	for i := 0; i < a.Len(); i++ {
		if a.Float64At(i) != b.Float64At(i) {
			return false
		}
	}
	return true
}

// TestRunIntoReplacesMismatched checks that RunInto replaces map entries
// of the wrong dtype or shape, fills missing ones, and that the tensors it
// returns stay valid across later runs (they are the caller's).
func TestRunIntoReplacesMismatched(t *testing.T) {
	c := zaMLP()
	p, err := runtime.Compile(c.m, runtime.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := p.NewSession()
	want, err := s.Run(c.feed)
	if err != nil {
		t.Fatal(err)
	}
	bad := tensor.Zeros(tensor.Float32, 3)
	outs := map[string]*tensor.Tensor{"y": bad}
	if err := s.RunInto(context.Background(), c.feed, outs); err != nil {
		t.Fatal(err)
	}
	if outs["y"] == bad || !zaSameTensor(outs["y"], want["y"]) {
		t.Fatalf("RunInto kept a mismatched output or computed a wrong one")
	}
	first := outs["y"]
	keep := first.Clone()
	x2 := zaRandF32(99, 8, 64)
	if err := s.RunInto(context.Background(), map[string]*tensor.Tensor{"x": x2}, outs); err != nil {
		t.Fatal(err)
	}
	if outs["y"] != first {
		t.Fatalf("RunInto replaced a matching output tensor")
	}
	if zaSameTensor(first, keep) {
		t.Fatalf("RunInto did not write the new values into the caller's tensor")
	}
	// A later Run must not scribble over what RunInto handed out.
	snapshot := first.Clone()
	if _, err := s.Run(c.feed); err != nil {
		t.Fatal(err)
	}
	if !zaSameTensor(first, snapshot) {
		t.Fatalf("a later Run changed a tensor RunInto returned")
	}
	if err := s.RunInto(context.Background(), c.feed, nil); err == nil {
		t.Fatalf("RunInto with a nil map: want an error")
	}
}

// TestSteadyStateAllocsThreads2 is TestSteadyStateAllocs's Run check at
// two threads on the conv net: the convolution's parallel paths bind
// their chunk function once per pooled buffer set, so a multi-threaded
// Run allocates no more than its outputs either.
func TestSteadyStateAllocsThreads2(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts are measured in the full (non-race) pass")
	}
	c := zaConvNet()
	p, err := runtime.Compile(c.m, runtime.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	s := p.NewSession()
	for i := 0; i < 3; i++ {
		if _, err := s.Run(c.feed); err != nil {
			t.Fatal(err)
		}
	}
	got := zaThreadedAllocs(func() {
		if _, err := s.Run(c.feed); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("steady-state Run at 2 threads: %v allocations", got)
	if limit := zaOutputAllocs(len(p.Outputs)); got > limit {
		t.Errorf("steady-state Run at 2 threads: %v allocations, want at most %v (the %d outputs)", got, limit, len(p.Outputs))
	}
}
