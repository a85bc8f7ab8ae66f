package quant

import (
	"fmt"
	"math"
)

// Observer watches the values a tensor takes during calibration and proposes
// the float range to quantize it with. Implementations keep memory
// independent of the number of samples and do not allocate per Observe call
// once warmed up. They are not safe for concurrent use; give each goroutine
// its own and merge (see Histogram.Merge) or keep one per tensor.
type Observer interface {
	// Observe records a batch of values. NaN and ±Inf are ignored.
	Observe(x []float32)
	// Range returns the proposed range, lo <= hi; ErrNoData if no finite
	// value was observed.
	Range() (lo, hi float32, err error)
}

// noData is the error of an observer that saw nothing.
func noData(name string) error { return fmt.Errorf("quant: %s observer: %w", name, ErrNoData) }

// MinMax tracks the minimum and maximum, either over all batches or as an
// exponential moving average of per-batch extremes (PyTorch's
// MovingAverageMinMaxObserver, ONNX Runtime's MinMax calibrater with
// moving_average): lo += c·(batchMin - lo).
type MinMax struct {
	// Averaging is the moving-average constant c in (0, 1]; 0 keeps the
	// absolute min and max.
	Averaging float32
	lo, hi    float32
	seen      bool
}

// NewMinMax returns an observer of the absolute minimum and maximum.
func NewMinMax() *MinMax { return &MinMax{} }

// NewMovingAverageMinMax returns an observer averaging per-batch extremes
// with constant c (0.01 is PyTorch's and ONNX Runtime's default).
func NewMovingAverageMinMax(c float32) *MinMax { return &MinMax{Averaging: c} }

// Observe records a batch.
func (m *MinMax) Observe(x []float32) {
	lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
	for _, v := range x {
		if v-v != 0 {
			continue
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo > hi {
		return
	}
	switch {
	case !m.seen:
		m.lo, m.hi, m.seen = lo, hi, true
	case m.Averaging > 0:
		m.lo += m.Averaging * (lo - m.lo)
		m.hi += m.Averaging * (hi - m.hi)
	default:
		m.lo, m.hi = min(m.lo, lo), max(m.hi, hi)
	}
}

// Range returns the tracked extremes.
func (m *MinMax) Range() (lo, hi float32, err error) {
	if !m.seen {
		return 0, 0, noData("MinMax")
	}
	return m.lo, m.hi, nil
}

// Percentile clips the range at a percentile of the observed distribution,
// as ONNX Runtime's percentile calibration: symmetric uses the Percentile-th
// percentile t of |x| and returns [-t, t]; otherwise (100-Percentile)/2 % is
// cut from each tail. Values come from a Histogram, so the answer is exact
// to one bin width (a bin's upper edge, clamped to the observed extremes).
type Percentile struct {
	Hist       *Histogram
	Percentile float64 // in (0, 100]; 99.999 is ONNX Runtime's default
	Symmetric  bool
}

// NewPercentile returns a percentile observer with DefaultBins bins.
func NewPercentile(percentile float64, symmetric bool) *Percentile {
	return &Percentile{Hist: NewHistogram(0), Percentile: percentile, Symmetric: symmetric}
}

// Observe records a batch.
func (p *Percentile) Observe(x []float32) { p.Hist.Add(x) }

// Range returns the percentile range.
func (p *Percentile) Range() (lo, hi float32, err error) {
	h := p.Hist
	if h.Count() == 0 {
		return 0, 0, noData("Percentile")
	}
	if !(p.Percentile > 0 && p.Percentile <= 100) {
		return 0, 0, fmt.Errorf("%w: percentile %g", ErrRange, p.Percentile)
	}
	if h.Width() == 0 {
		return 0, 0, nil
	}
	if p.Symmetric {
		w, c := h.folded()
		t := float32(float64(cdfIndex(c, p.Percentile/100)+1) * w)
		t = min(t, max(-h.Min(), h.Max()))
		return -t, t, nil
	}
	cut := (100 - p.Percentile) / 200
	base, w, c := h.Bins()
	l := cdfIndex(c, cut)
	r := cdfIndex(c, 1-cut)
	lo = float32(base + float64(l)*w)
	hi = float32(base + float64(r+1)*w)
	if cut == 0 {
		lo = h.Min()
	}
	return max(lo, h.Min()), min(hi, h.Max()), nil
}

// cdfIndex returns the first bin at which the normalised cumulative count
// reaches q (numpy searchsorted on the CDF).
func cdfIndex(c []float64, q float64) int {
	var tot float64
	for _, v := range c {
		tot += v
	}
	var s float64
	for i, v := range c {
		s += v
		if s >= q*tot {
			return i
		}
	}
	return len(c) - 1
}

// Entropy picks a symmetric threshold t by TensorRT's KL-divergence method
// (ONNX Runtime's get_entropy_threshold): for every candidate threshold
// from QuantBins bins up, the |x| histogram clipped there (outliers added to
// the last bin) is compared with its quantization to QuantBins levels, and
// the threshold of least KL divergence wins. Range is [-t, t], or [0, t]
// when no negative value was seen (post-ReLU activations).
type Entropy struct {
	Hist      *Histogram
	QuantBins int // target levels; 0 means 128 (int8 magnitudes)
}

// NewEntropy returns a KL-divergence observer with DefaultBins bins.
func NewEntropy() *Entropy { return &Entropy{Hist: NewHistogram(0)} }

// Observe records a batch.
func (e *Entropy) Observe(x []float32) { e.Hist.Add(x) }

// Range returns the KL-optimal range.
func (e *Entropy) Range() (lo, hi float32, err error) {
	h := e.Hist
	if h.Count() == 0 {
		return 0, 0, noData("Entropy")
	}
	if h.Width() == 0 {
		return 0, 0, nil
	}
	nonNeg := h.Min() >= 0
	qb := e.QuantBins
	if qb == 0 {
		qb = 128
		if nonNeg {
			// [0, t] maps onto all 256 uint8 levels, not 128 magnitudes.
			qb = 256
		}
	}
	if qb < 2 {
		return 0, 0, fmt.Errorf("%w: %d quantization bins", ErrRange, qb)
	}
	w, c := h.folded()
	amax := max(-h.Min(), h.Max())
	if nonNeg && len(c) > 0 {
		// Post-ReLU data put a spike of exact zeros in bin 0, which every
		// threshold represents exactly; left in, it dominates the
		// normalised distributions and drives KL towards tiny thresholds
		// (13% of the range on the Fashion-MNIST model).
		c = append([]float64{0}, c[1:]...)
	}
	t := amax
	if len(c) > qb {
		t = min(amax, float32(float64(klThreshold(c, qb))*w))
	}
	if nonNeg {
		return 0, t, nil
	}
	return -t, t, nil
}

// klThreshold returns the bin count i (threshold i·width) minimising
// KL(P_i || Q_i) over i in [qb, len(c)].
func klThreshold(c []float64, qb int) int {
	n := len(c)
	p := make([]float64, n)
	q := make([]float64, n)
	var above float64 // mass beyond the candidate threshold
	for _, v := range c {
		above += v
	}
	for _, v := range c[:qb] {
		above -= v
	}
	best, bestKL := n, math.Inf(1)
	for i := qb; i <= n; i++ {
		if i > qb {
			above -= c[i-1]
		}
		copy(p, c[:i])
		p[i-1] += max(above, 0)
		// Quantize c[:i] (without outliers) into qb levels and expand back
		// over the nonzero bins of p.
		per := i / qb
		for j := range qb {
			s, e := j*per, (j+1)*per
			if j == qb-1 {
				e = i
			}
			var sum, nz float64
			for k := s; k < e; k++ {
				sum += c[k]
				if p[k] != 0 {
					nz++
				}
			}
			for k := s; k < e; k++ {
				q[k] = 0
				if p[k] != 0 && nz > 0 {
					q[k] = sum / nz
				}
			}
		}
		if kl := klDiv(p[:i], q[:i]); kl < bestKL {
			best, bestKL = i, kl
		}
	}
	return best
}

// klDiv is KL(p || q) of the normalised vectors, with q smoothed where p has
// mass but q has none.
func klDiv(p, q []float64) float64 {
	var sp, sq float64
	for i := range p {
		sp += p[i]
		sq += q[i]
	}
	if sp == 0 || sq == 0 {
		return math.Inf(1)
	}
	const eps = 1e-10
	var kl float64
	for i, v := range p {
		if v == 0 {
			continue
		}
		pi := v / sp
		qi := max(q[i]/sq, eps)
		kl += pi * math.Log(pi/qi)
	}
	return kl
}

// MSE picks the range that minimises the expected squared quantization
// error over the observed histogram: values inside [lo, hi] cost
// step²/12 (uniform rounding noise, step = (hi-lo)/(2^Bits-1)), values
// outside cost their squared distance to the nearest end. Symmetric
// searches t over bin edges of |x| for [-t, t]; otherwise every pair of bin
// edges with lo <= 0 <= hi is tried (O(bins²) with prefix sums).
type MSE struct {
	Hist      *Histogram
	Bits      int // code width; 0 means 8
	Symmetric bool
}

// NewMSE returns an MSE-minimising observer with DefaultBins bins.
func NewMSE(bits int, symmetric bool) *MSE {
	return &MSE{Hist: NewHistogram(0), Bits: bits, Symmetric: symmetric}
}

// Observe records a batch.
func (m *MSE) Observe(x []float32) { m.Hist.Add(x) }

// Range returns the MSE-optimal range.
func (m *MSE) Range() (lo, hi float32, err error) {
	h := m.Hist
	if h.Count() == 0 {
		return 0, 0, noData("MSE")
	}
	bits := m.Bits
	if bits == 0 {
		bits = 8
	}
	if bits < 2 || bits > 16 {
		return 0, 0, fmt.Errorf("%w: MSE observer bits %d", ErrScheme, bits)
	}
	if h.Width() == 0 {
		return 0, 0, nil
	}
	levels := float64(int(1)<<bits - 1)
	if m.Symmetric {
		w, c := h.folded()
		ps := newPrefix(c, 0, w)
		best, bestErr := len(c), math.Inf(1)
		for k := 1; k <= len(c); k++ {
			t := float64(k) * w
			step := 2 * t / levels
			e := ps.inside(0, k)*step*step/12 + ps.above(k, t)
			if e < bestErr {
				best, bestErr = k, e
			}
		}
		t := min(float32(float64(best)*w), max(-h.Min(), h.Max()))
		if h.Min() >= 0 {
			return 0, t, nil
		}
		return -t, t, nil
	}
	base, w, c := h.Bins()
	ps := newPrefix(c, base, w)
	n := len(c)
	// Edge e (0..n) sits at base + e·w; the zero edge is z.
	z := int(math.Round(-base / w))
	z = min(max(z, 0), n)
	bestL, bestH, bestErr := 0, n, math.Inf(1)
	for l := 0; l <= z; l++ {
		L := base + float64(l)*w
		below := ps.below(l, L)
		for r := max(z, l+1); r <= n; r++ {
			H := base + float64(r)*w
			step := (H - L) / levels
			e := below + ps.inside(l, r)*step*step/12 + ps.above(r, H)
			if e < bestErr {
				bestL, bestH, bestErr = l, r, e
			}
		}
	}
	lo = max(float32(base+float64(bestL)*w), h.Min())
	hi = min(float32(base+float64(bestH)*w), h.Max())
	return min(lo, 0), max(hi, 0), nil
}

// prefix holds prefix sums of count, count·centre and count·centre² of a
// histogram, so that clipping costs are O(1).
type prefix struct{ s0, s1, s2 []float64 }

func newPrefix(c []float64, base, w float64) prefix {
	p := prefix{make([]float64, len(c)+1), make([]float64, len(c)+1), make([]float64, len(c)+1)}
	for i, v := range c {
		x := base + (float64(i)+0.5)*w
		p.s0[i+1] = p.s0[i] + v
		p.s1[i+1] = p.s1[i] + v*x
		p.s2[i+1] = p.s2[i] + v*x*x
	}
	return p
}

// inside is the count of bins [a, b).
func (p prefix) inside(a, b int) float64 { return p.s0[b] - p.s0[a] }

// below is Σ n·(L-x)² over bins [0, a).
func (p prefix) below(a int, L float64) float64 {
	return max(0, L*L*p.s0[a]-2*L*p.s1[a]+p.s2[a])
}

// above is Σ n·(x-H)² over bins [b, end).
func (p prefix) above(b int, H float64) float64 {
	n := len(p.s0) - 1
	s0, s1, s2 := p.s0[n]-p.s0[b], p.s1[n]-p.s1[b], p.s2[n]-p.s2[b]
	return max(0, s2-2*H*s1+H*H*s0)
}
