package linalg

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

func TestSgemmSmallM(t *testing.T) {
	dotEachImpl(t, func(t *testing.T) {
		for _, m := range []int{0, 1, 2, 3, 4, 5} {
			for _, n := range []int{0, 1, 7, 16, 17, 33, 100} {
				for _, k := range []int{0, 1, 9, 31, 64, 130} {
					for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
						for _, ab := range [][2]float32{{1, 0}, {0.5, 1}, {-2, 0.25}} {
							for _, threads := range []int{1, 3} {
								gemvCase(t, threads, tr[0], tr[1], m, n, k, 2, ab[0], ab[1], m%2 == 1, false)
							}
						}
					}
				}
			}
		}
		for _, tr := range [][2]bool{{false, false}, {false, true}} {
			gemvCase(t, 2, tr[0], tr[1], 1, 1000, 1280, 0, 1, 0, true, false)
			gemvCase(t, 1, tr[0], tr[1], 3, 50, 70, 1, 1, 0, false, true)
		}
	})
}

// gemvCase runs SgemmSmallM against sgemmRef (plus the epilogue when
// withEp) with padded leading dimensions and guard bands around C.
func gemvCase(t *testing.T, threads int, transA, transB bool, m, n, k, pad int, alpha, beta float32, withEp, special bool) {
	t.Helper()
	r := rand.New(rand.NewSource(int64(m*131 + n*17 + k)))
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	lda, ldb, ldc := ac+pad, bc+pad, n+pad
	a := sgemmRandom(r, ar*lda)
	b := sgemmRandom(r, br*ldb)
	if special && len(a) > 0 && len(b) > 0 {
		a[r.Intn(len(a))] = float32(math.NaN())
		b[r.Intn(len(b))] = float32(math.Inf(1))
	}
	var ep *Epilogue
	if withEp {
		ep = &Epilogue{RowBias: sgemmRandom(r, m), ColBias: sgemmRandom(r, n), Act: ActClip, Min: -1, Max: 2}
	}
	const guard = 7
	buf := sgemmRandom(r, guard+m*ldc+guard)
	c := buf[guard : guard+m*ldc]
	want := append([]float32{}, buf...)
	SgemmSmallM(threads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ep)
	sgemmRef(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, want[guard:guard+m*ldc], ldc)
	if ep != nil {
		ep.apply(want[guard:guard+m*ldc], ldc, 0, 0, m, n)
	}
	for i := range buf {
		if !sgemmClose(buf[i], want[i]) {
			t.Fatalf("threads=%d tA=%v tB=%v m=%d n=%d k=%d pad=%d alpha=%v beta=%v ep=%v: buf[%d] (c[%d]) = %v want %v",
				threads, transA, transB, m, n, k, pad, alpha, beta, withEp, i, i-guard, buf[i], want[i])
		}
	}
}

func BenchmarkSgemmSmallM(b *testing.B) {
	for _, sz := range [][3]int{{1, 1000, 1280}, {4, 1000, 1280}, {1, 4096, 4096}} {
		m, n, k := sz[0], sz[1], sz[2]
		a := make([]float32, m*k)
		bm := make([]float32, n*k)
		c := make([]float32, m*n)
		for _, tb := range []bool{false, true} {
			b.Run(fmt.Sprintf("small/%dx%dx%d/transB=%v", m, n, k, tb), func(b *testing.B) {
				ldb := n
				if tb {
					ldb = k
				}
				b.ReportAllocs()
				for b.Loop() {
					SgemmSmallM(1, false, tb, m, n, k, 1, a, k, bm, ldb, 0, c, n, nil)
				}
				b.ReportMetric(float64(2*m*n*k*b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
			b.Run(fmt.Sprintf("packed/%dx%dx%d/transB=%v", m, n, k, tb), func(b *testing.B) {
				ldb := n
				if tb {
					ldb = k
				}
				b.ReportAllocs()
				for b.Loop() {
					SgemmEpilogue(1, false, tb, m, n, k, 1, a, k, bm, ldb, 0, c, n, nil)
				}
				b.ReportMetric(float64(2*m*n*k*b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
