package quant

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func batches(r *rand.Rand, n, size int, gen func() float64) [][]float32 {
	out := make([][]float32, n)
	for i := range out {
		out[i] = make([]float32, size)
		for j := range out[i] {
			out[i][j] = float32(gen())
		}
	}
	return out
}

func TestObserversNoData(t *testing.T) {
	for name, o := range map[string]Observer{
		"minmax": NewMinMax(), "percentile": NewPercentile(99.9, true), "entropy": NewEntropy(), "mse": NewMSE(8, false),
	} {
		o.Observe(nil)
		o.Observe([]float32{float32(math.NaN()), float32(math.Inf(1))})
		if _, _, err := o.Range(); !errors.Is(err, ErrNoData) {
			t.Errorf("%s: err %v, want ErrNoData", name, err)
		}
	}
}

func TestMinMax(t *testing.T) {
	m := NewMinMax()
	m.Observe([]float32{1, -2, float32(math.NaN())})
	m.Observe([]float32{5, 0})
	if lo, hi, _ := m.Range(); lo != -2 || hi != 5 {
		t.Errorf("MinMax = [%g, %g], want [-2, 5]", lo, hi)
	}
	a := NewMovingAverageMinMax(0.5)
	a.Observe([]float32{-1, 1})
	a.Observe([]float32{-3, 5})
	if lo, hi, _ := a.Range(); lo != -2 || hi != 3 {
		t.Errorf("moving average = [%g, %g], want [-2, 3]", lo, hi)
	}
}

func TestObserversUniform(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	data := batches(r, 50, 4000, func() float64 { return r.Float64()*2 - 1 })
	p := NewPercentile(99, true)
	pa := NewPercentile(98, false)
	e := NewEntropy()
	m := NewMSE(8, true)
	for _, b := range data {
		for _, o := range []Observer{p, pa, e, m} {
			o.Observe(b)
		}
	}
	check := func(name string, o Observer, wantLo, wantHi, tol float64) {
		lo, hi, err := o.Range()
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(float64(lo)-wantLo) > tol || math.Abs(float64(hi)-wantHi) > tol {
			t.Errorf("%s on uniform[-1,1] = [%g, %g], want ≈ [%g, %g]", name, lo, hi, wantLo, wantHi)
		}
	}
	check("percentile 99 sym", p, -0.99, 0.99, 0.005)
	check("percentile 98 asym", pa, -0.98, 0.98, 0.005)
	// No outliers: the best clip of a uniform distribution is (nearly) the full range.
	check("entropy", e, -1, 1, 0.05)
	check("mse", m, -1, 1, 0.02)
}

func TestObserversGaussianWithOutliers(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	data := batches(r, 100, 2000, r.NormFloat64)
	data[3][5] = 20 // outliers that MinMax keeps and the others clip
	data[60][9] = -16
	mm := NewMinMax()
	obs := map[string]Observer{
		"percentile": NewPercentile(99.99, true), "entropy": NewEntropy(),
	}
	for _, b := range data {
		mm.Observe(b)
		for _, o := range obs {
			o.Observe(b)
		}
	}
	if lo, hi, _ := mm.Range(); lo != -16 || hi != 20 {
		t.Errorf("MinMax [%g, %g]", lo, hi)
	}
	for name, o := range obs {
		lo, hi, err := o.Range()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-10s N(0,1)+outliers → [%.3f, %.3f]", name, lo, hi)
		// 99.99% of |N(0,1)| is 3.89; the KL threshold for 8 bits lies
		// around 3..6 σ. Outliers at 20 and -16 must be clipped.
		if hi < 2.5 || hi > 8 || lo > -2.5 || lo < -8 {
			t.Errorf("%s: [%g, %g] is not a clipped N(0,1) range", name, lo, hi)
		}
	}
	// MSE: the optimal 4-bit clip of N(0,1) is about 2.55σ (Banner et al.,
	// ACIQ), 8-bit about 4σ; asymmetric search finds the same on symmetric data.
	for _, tc := range []struct {
		bits   int
		sym    bool
		lo, hi float32
	}{{4, true, 2.2, 2.9}, {4, false, 2.2, 2.9}, {8, true, 3.4, 4.8}} {
		m := NewMSE(tc.bits, tc.sym)
		for _, b := range data[61:] { // no outliers
			m.Observe(b)
		}
		lo, hi, _ := m.Range()
		t.Logf("mse %d-bit sym=%v N(0,1) → [%.3f, %.3f]", tc.bits, tc.sym, lo, hi)
		if hi < tc.lo || hi > tc.hi || -lo < tc.lo || -lo > tc.hi {
			t.Errorf("MSE %d-bit sym=%v: [%g, %g], want |t| in [%g, %g]", tc.bits, tc.sym, lo, hi, tc.lo, tc.hi)
		}
	}
	// Post-ReLU data give a range starting at 0.
	e := NewEntropy()
	for _, b := range data[:20] {
		relu := make([]float32, len(b))
		for i, v := range b {
			relu[i] = max(v, 0)
		}
		e.Observe(relu)
	}
	if lo, hi, _ := e.Range(); lo != 0 || hi <= 1 {
		t.Errorf("entropy on ReLU data [%g, %g]", lo, hi)
	}
}

// brute rebuilds the histogram of all values at h's final width and offset.
func bruteCounts(h *Histogram, all [][]float32) (float64, []float64) {
	lo, w, c := h.Bins()
	out := make([]float64, len(c))
	k := int64(math.Round(lo / w))
	for _, b := range all {
		for _, v := range b {
			out[int64(math.Floor(float64(v)/w))-k]++
		}
	}
	return lo, out
}

func TestHistogramWidensExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	h := NewHistogram(64)
	var all [][]float32
	scale := 0.01
	for i := range 40 {
		b := make([]float32, 100)
		for j := range b {
			b[j] = float32(r.NormFloat64() * scale)
			if i%7 == 3 {
				b[j] += 5 // a shifted batch slides the window
			}
		}
		scale *= 1.3
		h.Add(b)
		all = append(all, b)
	}
	_, want := bruteCounts(h, all)
	_, _, got := h.Bins()
	var tot float64
	for i := range want {
		tot += got[i]
		if got[i] != want[i] {
			t.Fatalf("bin %d: %g, brute force %g (width %g)", i, got[i], want[i], h.Width())
		}
	}
	if tot != 4000 || h.Count() != 4000 || len(got) > 64 {
		t.Errorf("total %g count %g bins %d", tot, h.Count(), len(got))
	}
}

func TestHistogramZerosAndMerge(t *testing.T) {
	h := NewHistogram(32)
	h.Add([]float32{0, 0, 0})
	if _, w, c := h.Bins(); w != 0 || len(c) != 1 || c[0] != 3 {
		t.Fatalf("zeros: %g %v", w, c)
	}
	h.Add([]float32{1, -1})
	lo, w, c := h.Bins()
	if z := int(math.Round(-lo / w)); c[z] != 3 {
		t.Errorf("zeros not in the bin at 0: %v (lo %g w %g)", c, lo, w)
	}

	// Two histograms started from batches of the same range merge into
	// exactly what one histogram of all the data holds.
	r := rand.New(rand.NewPCG(11, 12))
	mk := func(s float64) []float32 {
		b := make([]float32, 500)
		for i := range b {
			b[i] = float32(max(-0.9, min(0.9, r.NormFloat64()*s)))
		}
		b[0], b[1] = -1, 1 // same first range
		return b
	}
	a1, a2, b1, b2 := mk(0.3), mk(0.3), mk(3), mk(0.5)
	ha, hb, hall := NewHistogram(64), NewHistogram(64), NewHistogram(64)
	ha.Add(a1)
	ha.Add(b1)
	hb.Add(a2)
	hb.Add(b2)
	for _, b := range [][]float32{a1, b1, a2, b2} {
		hall.Add(b)
	}
	if err := ha.Merge(hb); err != nil {
		t.Fatal(err)
	}
	l1, w1, c1 := ha.Bins()
	l2, w2, c2 := hall.Bins()
	if w1 != w2 || len(c1) != len(c2) || math.Abs(l1-l2) > 1e-12 {
		t.Fatalf("merged width %g lo %g bins %d, direct %g %g %d", w1, l1, len(c1), w2, l2, len(c2))
	}
	for i := range c1 {
		if c1[i] != c2[i] {
			t.Fatalf("bin %d: merged %g, direct %g", i, c1[i], c2[i])
		}
	}
	if ha.Min() != hall.Min() || ha.Max() != hall.Max() || ha.Count() != 2000 {
		t.Errorf("merged extremes/count differ")
	}
	if err := ha.Merge(NewHistogram(16)); !errors.Is(err, ErrRange) {
		t.Errorf("bin count mismatch: %v", err)
	}
	// Huge values after tiny ones widen without overflow.
	hh := NewHistogram(32)
	hh.Add([]float32{1e-30, -1e-30})
	hh.Add([]float32{3e38, -3e38})
	if _, _, c := hh.Bins(); len(c) == 0 || hh.Count() != 4 {
		t.Errorf("huge range: %v", c)
	}
}

func TestObserversDoNotAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	data := batches(r, 16, 256, r.NormFloat64)
	for name, o := range map[string]Observer{
		"minmax": NewMinMax(), "ema": NewMovingAverageMinMax(0.01), "percentile": NewPercentile(99.9, false),
		"entropy": NewEntropy(), "mse": NewMSE(8, false),
	} {
		for _, b := range data {
			o.Observe(b) // warm up
		}
		i := 0
		allocs := testing.AllocsPerRun(10000, func() {
			b := data[i%len(data)]
			i++
			o.Observe(b)
		})
		if allocs != 0 {
			t.Errorf("%s: %g allocations per Observe", name, allocs)
		}
	}
}

func BenchmarkHistogramAdd(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x := batches(r, 1, 1<<16, r.NormFloat64)[0]
	h := NewHistogram(0)
	h.Add(x)
	b.SetBytes(int64(4 * len(x)))
	b.ReportAllocs()
	for b.Loop() {
		h.Add(x)
	}
}

func BenchmarkEntropyRange(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	e := NewEntropy()
	e.Observe(batches(r, 1, 1<<16, r.NormFloat64)[0])
	b.ReportAllocs()
	for b.Loop() {
		e.Range()
	}
}

func BenchmarkMSERangeAsym(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	m := NewMSE(8, false)
	m.Observe(batches(r, 1, 1<<16, r.NormFloat64)[0])
	b.ReportAllocs()
	for b.Loop() {
		m.Range()
	}
}
