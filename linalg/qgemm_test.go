package linalg

import (
	"fmt"
	"math"
	"math/rand"
	"runtime"
	"testing"
)

// qgemmEach runs f once per GEMM implementation the CPU offers, with it
// switched on.
func qgemmEach(t *testing.T, f func(t *testing.T)) {
	for _, im := range qgemmImpls {
		t.Run(im.name, func(t *testing.T) {
			restore, ok := qgemmUse(im.name)
			defer restore()
			if !ok {
				t.Skipf("%s not available on this CPU", im.name)
			}
			f(t)
		})
	}
}

const qGuard = 0x5a5a5a5a

// qzp returns zero points for mode: 0 none, 1 per tensor, 2 per row/column.
func qzp[T QInt](r *rand.Rand, mode, n int, edge bool) []int32 {
	lo, hi := QRange[T]()
	pick := func() int32 {
		if edge {
			return []int32{lo, hi, 0, 128 + lo}[r.Intn(4)]
		}
		return lo + int32(r.Intn(int(hi-lo+1)))
	}
	switch mode {
	case 1:
		return []int32{pick()}
	case 2:
		z := make([]int32, n)
		for i := range z {
			z[i] = pick()
		}
		return z
	}
	return nil
}

func qgemmCheckCase[TA, TB QInt](t *testing.T, r *rand.Rand, m, n, k int, edge bool, zmode int, pad int, threads int) {
	t.Helper()
	lda, ldb, ldc := k+pad, n+pad, n+pad
	a := qFill[TA](r, max(m*lda, 0), edge)
	b := qFill[TB](r, max(k*ldb, 0), edge)
	az := qzp[TA](r, zmode, m, edge)
	bz := qzp[TB](r, zmode, n, edge)
	want := make([]int32, m*ldc)
	QGemmRef(m, n, k, a, lda, az, b, ldb, bz, want, ldc)
	pb := QPackB(k, n, b, ldb, bz)
	// C with guard bands before, after and in the row padding.
	const g = 16
	cbuf := make([]int32, g+m*ldc+g)
	for i := range cbuf {
		cbuf[i] = qGuard
	}
	c := cbuf[g : g+m*ldc]
	QGemm(threads, m, n, k, a, lda, az, pb, c, ldc)
	name := fmt.Sprintf("m=%d n=%d k=%d edge=%v zmode=%d pad=%d threads=%d", m, n, k, edge, zmode, pad, threads)
	for i := range cbuf {
		inside := i >= g && i < g+m*ldc && (i-g)%ldc < n
		if !inside {
			if cbuf[i] != qGuard {
				t.Fatalf("%s: guard at %d overwritten: %#x", name, i-g, cbuf[i])
			}
			continue
		}
		if cbuf[i] != want[i-g] {
			t.Fatalf("%s: C[%d][%d] = %d, want %d", name, (i-g)/ldc, (i-g)%ldc, cbuf[i], want[i-g])
		}
	}
}

func qgemmTypes(t *testing.T, f func(t *testing.T, ty string)) {
	for _, ty := range []string{"u8s8", "s8s8", "u8u8", "s8u8"} {
		t.Run(ty, func(t *testing.T) { f(t, ty) })
	}
}

func qgemmCaseTy(t *testing.T, ty string, r *rand.Rand, m, n, k int, edge bool, zmode, pad, threads int) {
	t.Helper()
	switch ty {
	case "u8s8":
		qgemmCheckCase[uint8, int8](t, r, m, n, k, edge, zmode, pad, threads)
	case "s8s8":
		qgemmCheckCase[int8, int8](t, r, m, n, k, edge, zmode, pad, threads)
	case "u8u8":
		qgemmCheckCase[uint8, uint8](t, r, m, n, k, edge, zmode, pad, threads)
	case "s8u8":
		qgemmCheckCase[int8, uint8](t, r, m, n, k, edge, zmode, pad, threads)
	}
}

func TestQGemmSizes(t *testing.T) {
	ms := []int{0, 1, 3, 5, 6, 7, 8, 9, 17, 63, 65}
	ns := []int{0, 1, 15, 16, 17, 31, 32, 33, 63, 65}
	ks := []int{0, 1, 3, 4, 5, 7, 17, 63, 65, 257}
	if testing.Short() {
		ms, ns, ks = []int{0, 1, 7, 9}, []int{1, 17, 33}, []int{0, 5, 65}
	}
	qgemmEach(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(2))
		for _, m := range ms {
			for _, n := range ns {
				for _, k := range ks {
					qgemmCheckCase[uint8, int8](t, r, m, n, k, (m+n+k)%2 == 0, (m+n+k)%3, (m*n)%3, 1)
				}
			}
		}
	})
}

func TestQGemmTypes(t *testing.T) {
	sizes := [][3]int{{1, 1, 1}, {3, 7, 17}, {17, 63, 65}, {65, 33, 7}, {9, 65, 257}, {257, 1, 63}, {1, 257, 257}}
	qgemmEach(t, func(t *testing.T) {
		qgemmTypes(t, func(t *testing.T, ty string) {
			r := rand.New(rand.NewSource(3))
			for _, s := range sizes {
				for _, edge := range []bool{false, true} {
					for zmode := 0; zmode < 3; zmode++ {
						qgemmCaseTy(t, ty, r, s[0], s[1], s[2], edge, zmode, 3, 1)
					}
				}
			}
		})
	})
}

func TestQGemmLargeThreads(t *testing.T) {
	sizes := [][3]int{{257, 257, 257}, {100, 1000, 300}, {1, 2048, 1024}, {300, 40, 2000}}
	if testing.Short() {
		sizes = sizes[:1]
	}
	qgemmEach(t, func(t *testing.T) {
		r := rand.New(rand.NewSource(4))
		for _, s := range sizes {
			for _, th := range []int{1, 2, 3, 0} {
				qgemmCheckCase[uint8, int8](t, r, s[0], s[1], s[2], false, 2, 1, th)
			}
		}
		qgemmCheckCase[uint8, uint8](t, r, 129, 70, 333, true, 1, 0, 2)
	})
}

// TestQGemmExtremes: all-255 A against all -128 / 127 B over long k, the
// products that saturate VPMADDUBSW, and k large enough to wrap int32.
func TestQGemmExtremes(t *testing.T) {
	qgemmEach(t, func(t *testing.T) {
		for _, k := range []int{4, 255, 1024, 70000} {
			m, n := 3, 40
			a := make([]uint8, m*k)
			for i := range a {
				a[i] = 255
			}
			for _, bv := range []int8{-128, 127} {
				b := make([]int8, k*n)
				for i := range b {
					b[i] = bv
				}
				want := make([]int32, m*n)
				got := make([]int32, m*n)
				for _, az := range [][]int32{nil, {0}, {128}, {255}} {
					QGemmRef(m, n, k, a, k, az, b, n, []int32{-128}, want, n)
					QGemm(1, m, n, k, a, k, az, QPackB(k, n, b, n, []int32{-128}), got, n)
					for i := range want {
						if got[i] != want[i] {
							t.Fatalf("k=%d b=%d az=%v: C[%d] = %d, want %d", k, bv, az, i, got[i], want[i])
						}
					}
				}
			}
		}
	})
}

func requantCheck[TA, TB, TY QInt](t *testing.T, r *rand.Rand, m, n, k int, perCol bool, withBias bool, scale float32, threads int) {
	t.Helper()
	lda, ldy := k+1, n+2
	a := qFill[TA](r, m*lda, false)
	b := qFill[TB](r, k*n, false)
	az := qzp[TA](r, 1, m, false)
	bz := qzp[TB](r, 2, n, false)
	acc := make([]int32, max(m*n, 1))
	QGemmRef(m, n, k, a, lda, az, b, n, bz, acc, n)
	var bias []int32
	if withBias {
		bias = make([]int32, n)
		for j := range bias {
			bias[j] = int32(r.Intn(2000001)) - 1000000
		}
	}
	mult := []float32{scale}
	if perCol {
		mult = make([]float32, n)
		for j := range mult {
			mult[j] = scale * float32(0.5+r.Float64())
		}
		if n > 2 {
			mult[1] = 0.5 / (1 << 10) // ties at multiples of 512
		}
	}
	yz := int32(r.Intn(256))
	if lo, _ := QRange[TY](); lo < 0 {
		yz -= 128
	}
	want := make([]TY, m*n)
	for i := 0; i < m; i++ {
		row := acc[i*n : i*n+n]
		if bias != nil {
			for j := range row {
				row[j] += bias[j]
			}
		}
		RequantRef(want[i*n:i*n+n], row, mult, []int32{yz})
	}
	const g = 8
	ybuf := make([]TY, g+m*ldy+g)
	for i := range ybuf {
		ybuf[i] = 0x5a
	}
	QGemmRequant(threads, m, n, k, a, lda, az, QPackB(k, n, b, n, bz), bias, mult, yz, ybuf[g:g+m*ldy], ldy)
	for i := range ybuf {
		inside := i >= g && i < g+m*ldy && (i-g)%ldy < n
		if !inside {
			if ybuf[i] != 0x5a {
				t.Fatalf("m=%d n=%d k=%d: guard at %d overwritten", m, n, k, i-g)
			}
			continue
		}
		ii, jj := (i-g)/ldy, (i-g)%ldy
		if ybuf[i] != want[ii*n+jj] {
			t.Fatalf("m=%d n=%d k=%d scale=%g: Y[%d][%d] = %d, want %d (acc %d)", m, n, k, scale, ii, jj, ybuf[i], want[ii*n+jj], acc[ii*n+jj])
		}
	}
}

func TestQGemmRequant(t *testing.T) {
	sizes := [][3]int{{1, 1, 1}, {3, 7, 17}, {7, 8, 4}, {17, 63, 65}, {65, 33, 7}, {9, 65, 257}, {8, 300, 64}}
	qgemmEach(t, func(t *testing.T) {
		for _, rq := range qrequantImpls {
			t.Run(rq.name, func(t *testing.T) {
				restore, ok := qrequantUse(rq.name)
				defer restore()
				if !ok {
					t.Skip("not available")
				}
				r := rand.New(rand.NewSource(5))
				for _, s := range sizes {
					for _, scale := range []float32{1e-4, 3e-3, 1, 1e6} { // last saturates everything
						requantCheck[uint8, int8, uint8](t, r, s[0], s[1], s[2], true, true, scale, 1)
						requantCheck[uint8, int8, int8](t, r, s[0], s[1], s[2], false, true, scale, 1)
						requantCheck[int8, int8, int8](t, r, s[0], s[1], s[2], true, false, scale, 2)
						requantCheck[uint8, uint8, uint8](t, r, s[0], s[1], s[2], false, false, scale, 1)
					}
				}
			})
		}
	})
}

// TestQRequantRowEdges compares each requantizer with RequantRef on
// accumulators at the int32 limits, ties, NaN / Inf multipliers.
func TestQRequantRowEdges(t *testing.T) {
	accs := []int32{0, 1, -1, 2, 3, -3, 5, 7, 255, 256, -256, math.MaxInt32, math.MinInt32, 1 << 24, 1<<24 + 1, -(1<<24 + 3), 12345678, -87654321}
	mults := []float32{0.5, 0.25, 1, 1.5, 1e-9, 1e9, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 0, -0.5}
	for _, rq := range qrequantImpls {
		t.Run(rq.name, func(t *testing.T) {
			restore, ok := qrequantUse(rq.name)
			defer restore()
			if !ok {
				t.Skip("not available")
			}
			for _, signed := range []bool{false, true} {
				for _, zp := range []int32{0, 3, 128, 255, -128, 127} {
					lo, hi := int32(0), int32(255)
					if signed {
						lo, hi = -128, 127
					}
					if zp < lo || zp > hi {
						continue
					}
					for _, mu := range mults {
						n := len(accs)
						acc := append([]int32(nil), accs...)
						bias := make([]int32, n)
						mult := make([]float32, n)
						for j := range mult {
							mult[j] = mu
						}
						q := &qgemmCall{yZP: zp, ylo: float32(lo - zp), yhi: float32(hi - zp), ySigned: signed}
						ws := &qgemmWS{biasv: bias, mulv: mult}
						got := make([]byte, n)
						q.requantRow(got, acc, ws)
						for j := range acc {
							var w int32
							if signed {
								d := []int8{0}
								RequantRef(d, acc[j:j+1], []float32{mu}, []int32{zp})
								w = int32(d[0])
								if int32(int8(got[j])) != w {
									t.Fatalf("s8 zp=%d mult=%g acc=%d: got %d want %d", zp, mu, acc[j], int8(got[j]), w)
								}
							} else {
								d := []uint8{0}
								RequantRef(d, acc[j:j+1], []float32{mu}, []int32{zp})
								if got[j] != d[0] {
									t.Fatalf("u8 zp=%d mult=%g acc=%d: got %d want %d", zp, mu, acc[j], got[j], d[0])
								}
							}
						}
					}
				}
			}
		})
	}
}

func TestQGemmMismatchPanics(t *testing.T) {
	pb := QPackB(4, 4, make([]int8, 16), 4, nil)
	defer func() {
		if recover() == nil {
			t.Fatal("no panic on mismatched packed B")
		}
	}()
	QGemm(1, 2, 5, 4, make([]uint8, 8), 4, nil, pb, make([]int32, 10), 5)
}

func TestQKernelNames(t *testing.T) {
	g, r, nb := QKernelNames()
	t.Logf("GOARCH=%s gemm=%s requant=%s nbits=%s", runtime.GOARCH, g, r, nb)
}
