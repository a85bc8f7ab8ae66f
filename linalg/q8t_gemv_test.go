package linalg

import (
	"math/rand"
	"testing"
)

// TestQ8tGemv checks the single-row kernel against row 0 of the generic
// micro-kernel on odd step counts, edge bytes and every fixup flag.
func TestQ8tGemv(t *testing.T) {
	if q8tGemvFn == nil {
		t.Skip("no single-row kernel")
	}
	r := rand.New(rand.NewSource(4))
	for _, steps := range []int{1, 2, 3, 4, 5, 7, 17, 63, 65, 257, 320} {
		for flags := 0; flags < 4; flags++ {
			edge := flags%2 == 0
			a := qFill[uint8](r, 4*4*steps, edge) // 4 rows for the generic kernel
			b := qFill[int8](r, 128*steps, edge)
			rfix := make([]int32, 8)
			cfix := make([]int32, 2*qNR)
			for i := range rfix {
				rfix[i] = int32(r.Intn(2001) - 1000)
			}
			for i := range cfix {
				cfix[i] = int32(r.Intn(2001) - 1000)
			}
			want := make([]int32, 4*qNR)
			qgemmKernGeneric(&a[0], 4*steps, (*byte)(&qbytes(b)[0]), steps, &want[0], qNR, &rfix[0], &cfix[0], 1, flags)
			got := make([]int32, qNR+1)
			got[qNR] = 12345
			q8tGemvFn(&a[0], (*byte)(&qbytes(b)[0]), steps, &got[0], &rfix[0], &cfix[0], flags)
			for j := 0; j < qNR; j++ {
				if got[j] != want[j] {
					t.Fatalf("steps %d flags %d: c[%d] = %d, want %d", steps, flags, j, got[j], want[j])
				}
			}
			if got[qNR] != 12345 {
				t.Fatalf("steps %d flags %d: wrote past the row", steps, flags)
			}
		}
	}
}

// TestQ8tGemvProduct checks 1-row products through QGemm and
// QGemmRequant (the single-row tail) against the reference.
func TestQ8tGemvProduct(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	for _, nk := range [][2]int{{1, 1}, {31, 7}, {33, 64}, {1000, 1280}, {65, 257}} {
		n, k := nk[0], nk[1]
		a := qFill[uint8](r, k, false)
		bm := qFill[int8](r, k*n, true)
		pb := QPackB(k, n, bm, n, []int32{3})
		want := make([]int32, n)
		QGemmRef(1, n, k, a, k, []int32{7}, bm, n, []int32{3}, want, n)
		for _, th := range []int{1, 2} {
			got := make([]int32, n)
			QGemm(th, 1, n, k, a, k, []int32{7}, pb, got, n)
			for j := range want {
				if got[j] != want[j] {
					t.Fatalf("1×%d×%d threads %d: c[%d] = %d, want %d", n, k, th, j, got[j], want[j])
				}
			}
			mult := []float32{1e-3}
			y := make([]uint8, n)
			wantY := make([]uint8, n)
			QGemmRequant(th, 1, n, k, a, k, []int32{7}, pb, nil, mult, 128, y, n)
			RequantRef(wantY, want, mult, []int32{128})
			for j := range wantY {
				if y[j] != wantY[j] {
					t.Fatalf("1×%d×%d threads %d requant: y[%d] = %d, want %d", n, k, th, j, y[j], wantY[j])
				}
			}
		}
	}
}
