package runtime_test

import (
	"fmt"
	goruntime "runtime"
	"testing"

	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// TestSteadyStateRecyclesActivations runs a 12-layer conv net repeatedly
// in one session and checks that a steady-state run allocates far fewer
// bytes than its activations take: intermediate buffers come back from the
// session arena instead of the heap.
func TestSteadyStateRecyclesActivations(t *testing.T) {
	if testing.Short() {
		// make test runs -short together with -race, whose sync.Pool drops
		// items at random: byte counts mean nothing there.
		t.Skip("allocation counts are measured in the full (non-race) pass")
	}
	const layers, c, hw = 12, 16, 32
	b := newB().in("x", tensor.Float32, 1, c, hw, hw)
	prev := "x"
	for i := 0; i < layers; i++ {
		w := tensor.Zeros(tensor.Float32, c, c, 3, 3)
		for j := range w.Float32s() {
			w.Float32s()[j] = float32((j*7+i)%13-6) / 64
		}
		wn, cn, rn := fmt.Sprintf("w%d", i), fmt.Sprintf("c%d", i), fmt.Sprintf("r%d", i)
		b.init(wn, w).
			node("Conv", []string{prev, wn}, []string{cn}, intsAttr("pads", 1, 1, 1, 1)).
			node("Relu", []string{cn}, []string{rn})
		prev = rn
	}
	b.node("Identity", []string{prev}, []string{"y"}).out("y")
	m := b.model(13)
	p, err := runtime.Compile(m, runtime.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := p.NewSession()
	x := tensor.Zeros(tensor.Float32, 1, c, hw, hw)
	feed := map[string]*tensor.Tensor{"x": x}
	for i := 0; i < 3; i++ { // warm-up: fill the arena and weight caches
		if _, err := s.Run(feed); err != nil {
			t.Fatal(err)
		}
	}
	// A GC cycle empties the sync.Pools that hold SGEMM packing buffers,
	// and other goroutines of the test binary allocate too: take the
	// quietest of several windows.
	const runs, windows = 5, 6
	perRun := -1.0
	for w := 0; w < windows; w++ {
		var before, after goruntime.MemStats
		goruntime.ReadMemStats(&before)
		for i := 0; i < runs; i++ {
			if _, err := s.Run(feed); err != nil {
				t.Fatal(err)
			}
		}
		goruntime.ReadMemStats(&after)
		b := float64(after.TotalAlloc-before.TotalAlloc) / runs
		if perRun < 0 || b < perRun {
			perRun = b
		}
	}
	act := float64(layers * c * hw * hw * 4) // one activation per layer after fusion
	out := float64(c * hw * hw * 4)          // the output escapes to the caller
	t.Logf("steady state: %.0f bytes/run allocated; activations %.0f bytes, output %.0f", perRun, act, out)
	if perRun > out+0.25*act {
		t.Fatalf("steady-state run allocates %.0f bytes, want at most the output (%.0f) plus a quarter of the activations (%.0f)", perRun, out, 0.25*act)
	}
}
