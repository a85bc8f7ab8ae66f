package linalg

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"testing"
)

func nbitsEach(t *testing.T, f func(t *testing.T)) {
	for _, im := range nbitsImpls {
		t.Run(im.name, func(t *testing.T) {
			restore, ok := nbitsUse(im.name)
			defer restore()
			if !ok {
				t.Skipf("%s not available on this CPU", im.name)
			}
			f(t)
		})
	}
}

type nbitsCase struct {
	l       QNBitsLayout
	b       []uint8
	scales  []float32
	zpP     []uint8
	zpF     []float32
	w       []float32 // dequantized N×K
	zpLabel string
}

func nbitsMake(r *rand.Rand, n, k, bs, zmode int) nbitsCase {
	l := QNBitsLayout{N: n, K: k, Bits: 4, BlockSize: bs}
	nb := l.Blocks()
	c := nbitsCase{l: l, b: make([]uint8, n*nb*l.BlobBytes()), scales: make([]float32, n*nb)}
	for i := range c.b {
		c.b[i] = uint8(r.Intn(256))
	}
	for i := range c.scales {
		c.scales[i] = float32(r.Float64()*0.1 + 0.001)
	}
	switch zmode {
	case 1:
		c.zpP = make([]uint8, n*l.ZeroPointBytes())
		for i := range c.zpP {
			c.zpP[i] = uint8(r.Intn(256))
		}
		c.zpLabel = "packed"
	case 2:
		c.zpF = make([]float32, n*nb)
		for i := range c.zpF {
			c.zpF[i] = float32(r.Intn(16)) + 0.25
		}
		c.zpLabel = "float"
	default:
		c.zpLabel = "default"
	}
	c.w = make([]float32, n*k)
	if err := QNBitsDequantize(l, c.w, c.b, c.scales, c.zpP, c.zpF, nil); err != nil {
		panic(err)
	}
	return c
}

func TestQNBitsGemm(t *testing.T) {
	nbitsEach(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(7))
		for _, bs := range []int{16, 32, 64, 128} {
			for _, n := range []int{1, 15, 16, 17, 33} {
				for _, k := range []int{1, 16, 31, 32, 64, 100, 257} {
					for _, m := range []int{1, 3} {
						for zmode := 0; zmode < 3; zmode++ {
							nbitsCheck(t, r, m, n, k, bs, zmode, (m+n+k)%2 == 0)
						}
					}
				}
			}
		}
		nbitsCheck(t, r, 5, 300, 1024, 32, 1, true)
	})
}

func nbitsCheck(t *testing.T, r *rand.Rand, m, n, k, bs, zmode int, withBias bool) {
	t.Helper()
	c := nbitsMake(r, n, k, bs, zmode)
	pk, err := QNBitsPack(c.l, c.b, c.scales, c.zpP, c.zpF)
	if err != nil {
		t.Fatal(err)
	}
	lda, ldc := k+3, n+2
	a := make([]float32, m*lda)
	for i := range a {
		a[i] = float32(r.NormFloat64())
	}
	aa := make([]float32, m*k)
	for i := 0; i < m; i++ {
		copy(aa[i*k:], a[i*lda:i*lda+k])
	}
	var bias []float32
	if withBias {
		bias = make([]float32, n)
		for j := range bias {
			bias[j] = float32(r.NormFloat64())
		}
	}
	want := make([]float32, m*n)
	QNBitsGemmRef(m, n, k, aa, c.w, bias, want)
	for _, acc := range []int{QNBitsAccF32, QNBitsAccInt8} {
		got := make([]float32, m*ldc)
		for i := range got {
			got[i] = float32(math.NaN())
		}
		QNBitsGemm(2, m, a, lda, pk, bias, got, ldc, acc)
		for i := 0; i < m; i++ {
			for j := 0; j < ldc; j++ {
				g := got[i*ldc+j]
				if j >= n {
					if g == g {
						t.Fatalf("m=%d n=%d k=%d: padding C[%d][%d] written", m, n, k, i, j)
					}
					continue
				}
				// Error bound: float rounding, plus A's int8 quantization.
				var mag, qerr float64
				for blk := 0; blk*bs < k; blk++ {
					var amax, wsum float64
					for p := blk * bs; p < min(k, (blk+1)*bs); p++ {
						amax = max(amax, math.Abs(float64(aa[i*k+p])))
						wsum += math.Abs(float64(c.w[j*k+p]))
						mag += math.Abs(float64(aa[i*k+p]) * float64(c.w[j*k+p]))
					}
					qerr += amax / 254 * wsum
				}
				tol := 1e-5*(mag+1) + 1e-6
				if acc == QNBitsAccInt8 && qkern.nbits.i8 != nil {
					tol += qerr * 1.01
				}
				if d := math.Abs(float64(g - want[i*n+j])); !(d <= tol) {
					t.Fatalf("%s m=%d n=%d k=%d bs=%d zp=%s acc=%d: C[%d][%d] = %g, want %g (tol %g)", qkern.nbits.name, m, n, k, bs, c.zpLabel, acc, i, j, g, want[i*n+j], tol)
				}
			}
		}
	}
}

func TestQNBitsPackErrors(t *testing.T) {
	l := QNBitsLayout{N: 2, K: 32, Bits: 2, BlockSize: 32}
	if _, err := QNBitsPack(l, make([]uint8, 16), make([]float32, 2), nil, nil); !errors.Is(err, ErrQNBitsUnsupported) {
		t.Fatalf("2 bits: err = %v", err)
	}
	l.Bits = 4
	if _, err := QNBitsPack(l, make([]uint8, 3), make([]float32, 2), nil, nil); err == nil {
		t.Fatal("short B: no error")
	}
	l.BlockSize = 24
	if _, err := QNBitsPack(l, make([]uint8, 64), make([]float32, 2), nil, nil); err == nil {
		t.Fatal("bad block size: no error")
	}
}

// BenchmarkQNBitsGemv: M=1, K=N=4096, int4 (block 32) against fp32 Sgemm
// on the dequantized weight (the same product).
func BenchmarkQNBitsGemv(b *testing.B) {
	const n, k, bs = 4096, 4096, 32
	r := rand.New(rand.NewSource(1))
	c := nbitsMake(r, n, k, bs, 1)
	pk, err := QNBitsPack(c.l, c.b, c.scales, c.zpP, c.zpF)
	if err != nil {
		b.Fatal(err)
	}
	a := make([]float32, k)
	for i := range a {
		a[i] = float32(r.NormFloat64())
	}
	out := make([]float32, n)
	wt := make([]float32, k*n) // W as K×N
	for j := 0; j < n; j++ {
		for p := 0; p < k; p++ {
			wt[p*n+j] = c.w[j*k+p]
		}
	}
	b.Run("fp32-read-bound", func(b *testing.B) {
		// Any fp32 GEMV reads all of W once: time copying it (a lower
		// bound for the memory traffic, whatever the fp32 kernel).
		dst := make([]float32, len(c.w))
		for b.Loop() {
			copy(dst, c.w)
		}
	})
	for _, th := range []int{1, 0} {
		b.Run(fmt.Sprintf("sgemm-fp32-NT/threads=%d", th), func(b *testing.B) {
			for b.Loop() {
				// C (1×N) = A (1×K) · Wᵀ, W stored N×K.
				SgemmParallel(th, false, true, 1, n, k, 1, a, k, c.w, k, 0, out, n)
			}
			b.ReportMetric(float64(2*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("sgemm-fp32-NN/threads=%d", th), func(b *testing.B) {
			for b.Loop() {
				SgemmParallel(th, false, false, 1, n, k, 1, a, k, wt, n, 0, out, n)
			}
			b.ReportMetric(float64(2*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		for _, im := range nbitsImpls {
			for _, acc := range []int{QNBitsAccF32, QNBitsAccInt8} {
				b.Run(fmt.Sprintf("int4-%s-acc%d/threads=%d", im.name, acc, th), func(b *testing.B) {
					restore, ok := nbitsUse(im.name)
					defer restore()
					if !ok {
						b.Skip("not available")
					}
					b.ReportAllocs()
					for b.Loop() {
						QNBitsGemm(th, 1, a, k, pk, nil, out, n, acc)
					}
					b.ReportMetric(float64(2*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}
