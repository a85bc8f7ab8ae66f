package quant

import (
	"fmt"
	"math"
)

// DefaultBins is the bin count of the histogram observers (ONNX Runtime's
// HistogramCalibrater default is 2048 too).
const DefaultBins = 2048

// Histogram is a streaming histogram in bounded memory. Bin edges lie on a
// grid anchored at 0 (edges at integer multiples of the bin width), so 0 is
// always an edge and the histogram can be folded into one of |x| exactly.
// It keeps a window of a fixed number of bins; when new data fall outside
// the window it first slides the window, and only when the data no longer
// fit in the bin count does it double the width, merging bin pairs exactly
// (no counts are smeared). The initial width comes from the first batch
// holding a nonzero value. NaN and ±Inf are counted apart and otherwise
// ignored.
type Histogram struct {
	counts  []float64 // window: counts[j] covers [(k0+j)·width, (k0+j+1)·width)
	scratch []float64 // same size, for re-binning without allocating
	width   float64
	inv     float64 // 1/width (exact: widths only double)
	k0      int64
	occLo   int // occupied window indices; occLo > occHi while empty
	occHi   int
	zeros   float64 // zeros seen before the width was known
	total   float64
	min     float32
	max     float32
	// NonFinite counts the NaN and ±Inf values seen (and ignored).
	NonFinite int64
}

// NewHistogram returns an empty histogram of bins bins (rounded up to an even
// number, at least 16; 0 means DefaultBins).
func NewHistogram(bins int) *Histogram {
	if bins == 0 {
		bins = DefaultBins
	}
	bins = max(16, bins+bins&1)
	return &Histogram{
		counts: make([]float64, bins), scratch: make([]float64, bins),
		occLo: 1, occHi: 0,
		min: float32(math.Inf(1)), max: float32(math.Inf(-1)),
	}
}

// Count is the number of finite values seen.
func (h *Histogram) Count() float64 { return h.total }

// Min and Max are the exact extreme finite values seen (+Inf/-Inf if none).
func (h *Histogram) Min() float32 { return h.min }

// Max is the largest finite value seen.
func (h *Histogram) Max() float32 { return h.max }

// Width is the current bin width (0 until a nonzero value was seen).
func (h *Histogram) Width() float64 { return h.width }

// Bins returns the occupied bins: counts[i] covers [lo+i·width, lo+(i+1)·width).
// The slice aliases the histogram; it is empty if nothing nonzero was seen
// (all-zero data are then reported as lo = 0, width = 0, counts = [n]).
func (h *Histogram) Bins() (lo, width float64, counts []float64) {
	if h.width == 0 {
		if h.zeros > 0 {
			return 0, 0, []float64{h.zeros}
		}
		return 0, 0, nil
	}
	if h.occLo > h.occHi {
		return 0, h.width, nil
	}
	return float64(h.k0+int64(h.occLo)) * h.width, h.width, h.counts[h.occLo : h.occHi+1]
}

func (h *Histogram) bin(x float32) int64 { return int64(math.Floor(float64(x) * h.inv)) }

// Add adds the finite values of x. After the first nonzero batch it does not
// allocate.
func (h *Histogram) Add(x []float32) {
	mn, mx := float32(math.Inf(1)), float32(math.Inf(-1))
	n := 0
	for _, v := range x {
		if v-v != 0 { // NaN or Inf
			h.NonFinite++
			continue
		}
		mn, mx = min(mn, v), max(mx, v)
		n++
	}
	if n == 0 {
		return
	}
	h.min, h.max = min(h.min, mn), max(h.max, mx)
	h.total += float64(n)
	if h.width == 0 {
		if mn == 0 && mx == 0 {
			h.zeros += float64(n)
			return
		}
		lo, hi := math.Min(float64(mn), 0), math.Max(float64(mx), 0)
		h.width = (hi - lo) / float64(len(h.counts)-2)
		if h.width < math.SmallestNonzeroFloat64*4 {
			h.width = math.SmallestNonzeroFloat64 * 4
		}
		h.inv = 1 / h.width
		h.k0 = int64(math.Floor(lo * h.inv))
		if h.zeros > 0 {
			h.addCount(0, 0, h.zeros)
			h.zeros = 0
		}
	}
	h.widenFor(mn)
	h.widenFor(mx)
	h.fit(h.bin(mn), h.bin(mx))
	for _, v := range x {
		if v-v != 0 {
			continue
		}
		j := int(h.bin(v) - h.k0)
		j = min(max(j, 0), len(h.counts)-1)
		h.counts[j]++
	}
	h.occLo = min(h.occLo, int(h.bin(mn)-h.k0))
	h.occHi = max(h.occHi, int(h.bin(mx)-h.k0))
}

// addCount adds c values at absolute bin a (already fitted when b >= a).
func (h *Histogram) addCount(a, b int64, c float64) {
	h.fit(a, b)
	j := int(a - h.k0)
	h.counts[j] += c
	h.occLo, h.occHi = min(h.occLo, j), max(h.occHi, j)
}

// fit makes absolute bins a..b (current width) fit in the window with the
// occupied bins, sliding the window and doubling the width as needed.
func (h *Histogram) fit(a, b int64) {
	nb := int64(len(h.counts))
	lo, hi := a, b
	if h.occLo <= h.occHi {
		lo, hi = min(lo, h.k0+int64(h.occLo)), max(hi, h.k0+int64(h.occHi))
	}
	if lo >= h.k0 && hi < h.k0+nb {
		return
	}
	d := uint(0)
	for (hi>>d)-(lo>>d)+1 > nb {
		d++
	}
	h.remap(d, lo>>d, hi>>d)
}

// remap multiplies the width by 2^d (merging each run of 2^d bins exactly)
// and places the window so that it covers absolute bins lo..hi of the new
// width (hi-lo < bin count), moving it as little as possible.
func (h *Histogram) remap(d uint, lo, hi int64) {
	nb := int64(len(h.counts))
	k0 := h.k0 >> d
	if lo < k0 {
		k0 = lo
	} else if hi >= k0+nb {
		k0 = hi - nb + 1
	}
	clear(h.scratch)
	nLo, nHi := len(h.counts), -1
	for j := max(h.occLo, 0); j <= h.occHi; j++ {
		if c := h.counts[j]; c != 0 {
			nj := int(((h.k0 + int64(j)) >> d) - k0)
			h.scratch[nj] += c
			nLo, nHi = min(nLo, nj), max(nHi, nj)
		}
	}
	h.counts, h.scratch = h.scratch, h.counts
	h.occLo, h.occHi = nLo, nHi
	h.k0 = k0
	h.width = math.Ldexp(h.width, int(d))
	h.inv = 1 / h.width
}

// widenFor doubles the width until x's bin index is small enough for int64
// arithmetic (values vastly larger than those seen so far).
func (h *Histogram) widenFor(x float32) {
	const limit = 1 << 50
	for math.Abs(float64(x))*h.inv > limit {
		d := uint(min(40, max(1, math.Ceil(math.Log2(math.Abs(float64(x))*h.inv/limit)))))
		lo, hi := h.k0, h.k0
		if h.occLo <= h.occHi {
			lo, hi = h.k0+int64(h.occLo), h.k0+int64(h.occHi)
		}
		h.remap(d, lo>>d, hi>>d)
	}
}

// Merge adds the counts of o into h (for calibrating in parallel). The
// result is exact when both histograms' widths differ by a power of two,
// as they do when both started from batches of the same range; otherwise
// each bin of o lands where its centre falls.
func (h *Histogram) Merge(o *Histogram) error {
	if len(o.counts) != len(h.counts) {
		return fmt.Errorf("%w: merging histograms of %d and %d bins", ErrRange, len(o.counts), len(h.counts))
	}
	h.NonFinite += o.NonFinite
	if o.total == 0 {
		return nil
	}
	h.min, h.max = min(h.min, o.min), max(h.max, o.max)
	h.total += o.total
	if o.width == 0 {
		if h.width == 0 {
			h.zeros += o.zeros
		} else {
			h.addCount(0, 0, o.zeros)
		}
		return nil
	}
	if h.width == 0 {
		z := h.zeros
		h.counts = append(h.counts[:0], o.counts...)
		h.width, h.inv, h.k0, h.occLo, h.occHi, h.zeros = o.width, o.inv, o.k0, o.occLo, o.occHi, 0
		if z > 0 {
			h.addCount(0, 0, z)
		}
		return nil
	}
	if o.occLo > o.occHi {
		return nil
	}
	// Widen h until its bins are at least as wide as o's.
	if h.width < o.width {
		d := uint(0)
		for math.Ldexp(h.width, int(d)) < o.width {
			d++
		}
		lo, hi := h.k0+int64(h.occLo), h.k0+int64(h.occHi)
		h.remap(d, lo>>d, hi>>d)
	}
	center := func(j int) float32 { return float32((float64(o.k0+int64(j)) + 0.5) * o.width) }
	h.widenFor(center(o.occLo))
	h.widenFor(center(o.occHi))
	h.fit(h.bin(center(o.occLo)), h.bin(center(o.occHi)))
	for j := o.occLo; j <= o.occHi; j++ {
		if c := o.counts[j]; c != 0 {
			a := h.bin(center(j))
			h.addCount(a, a, c)
		}
	}
	return nil
}

// folded returns the histogram of |x|: bin i covers [i·width, (i+1)·width),
// exact because the grid is anchored at 0. It allocates.
func (h *Histogram) folded() (width float64, counts []float64) {
	lo, w, c := h.Bins()
	if w == 0 {
		return 0, c
	}
	k := int64(math.Round(lo / w))
	m := int64(0)
	for j := range c {
		a := k + int64(j)
		if a < 0 {
			a = -a - 1
		}
		m = max(m, a+1)
	}
	out := make([]float64, m)
	for j, v := range c {
		a := k + int64(j)
		if a < 0 {
			a = -a - 1
		}
		out[a] += v
	}
	return w, out
}
