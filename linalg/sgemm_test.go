package linalg

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"
	"unsafe"
)

func sgemmRandom(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.Intn(17)-8) / 4
	}
	return x
}

// sgemmEachImpl runs f once per SGEMM implementation this CPU offers,
// with that implementation active (a test toggle over kern.sgemm).
func sgemmEachImpl(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved := kern.sgemm
	defer func() { kern.sgemm = saved }()
	for _, impl := range sgemmImpls {
		kern.sgemm = impl
		t.Run(impl.name, f)
	}
}

// sgemmClose reports whether got matches want within the FMA-reordering
// tolerance; NaN must match NaN and infinities must be equal.
func sgemmClose(got, want float32) bool {
	if math.IsNaN(float64(want)) {
		return math.IsNaN(float64(got))
	}
	if math.IsInf(float64(want), 0) {
		return got == want
	}
	d := math.Abs(float64(got - want))
	return d <= 1e-4*(1+math.Abs(float64(want)))
}

// sgemmCase runs SgemmParallel against sgemmRef with padded leading
// dimensions and guard bands before and after C (the padding columns
// between rows are guards too: only the m×n window may change).
func sgemmCase(t *testing.T, threads int, transA, transB bool, m, n, k, pad int, alpha, beta float32) {
	t.Helper()
	sgemmCaseSpecial(t, threads, transA, transB, m, n, k, pad, alpha, beta, false)
}

func sgemmCaseSpecial(t *testing.T, threads int, transA, transB bool, m, n, k, pad int, alpha, beta float32, special bool) {
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
		nan, inf := float32(math.NaN()), float32(math.Inf(1))
		a[r.Intn(len(a))] = nan
		b[r.Intn(len(b))] = inf
		a[r.Intn(len(a))] = -inf
	}
	const guard = 7
	buf := sgemmRandom(r, guard+m*ldc+guard)
	c := buf[guard : guard+m*ldc]
	want := append([]float32{}, buf...)
	SgemmParallel(threads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	sgemmRef(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, want[guard:guard+m*ldc], ldc)
	for i := range buf {
		if !sgemmClose(buf[i], want[i]) {
			t.Fatalf("%s threads=%d tA=%v tB=%v m=%d n=%d k=%d pad=%d alpha=%v beta=%v: buf[%d] (c[%d]) = %v want %v",
				kern.sgemm.name, threads, transA, transB, m, n, k, pad, alpha, beta, i, i-guard, buf[i], want[i])
		}
	}
}

func TestSgemm(t *testing.T) {
	sgemmEachImpl(t, sgemmTestSizes)
}

func sgemmTestSizes(t *testing.T) {
	mr, nr := kern.sgemm.mr, kern.sgemm.nr
	sizes := []int{0, 1, 3, 7, 8, 9, 17, 63, 65, 257, mr - 1, mr, mr + 1, 2 * mr, 13 * mr, nr - 1, nr + 1}
	if testing.Short() {
		sizes = []int{0, 1, 7, 65, mr + 1, 13 * mr, nr + 1}
	}
	for _, tA := range []bool{false, true} {
		for _, tB := range []bool{false, true} {
			for _, m := range sizes {
				for _, n := range sizes {
					for _, k := range []int{0, 1, 5, 64, 257, 300} {
						if m*n*k > 257*257*64 {
							continue
						}
						sgemmCase(t, 1, tA, tB, m, n, k, 0, 1, 0)
					}
				}
			}
		}
	}
}

func TestSgemmAlphaBetaLd(t *testing.T) {
	sgemmEachImpl(t, sgemmTestAlphaBetaLd)
}

func sgemmTestAlphaBetaLd(t *testing.T) {
	cases := []struct {
		m, n, k, pad int
		alpha, beta  float32
	}{
		{3, 5, 7, 2, 2, 0},
		{17, 9, 13, 3, 0.5, 1},
		{65, 33, 70, 1, -1, 0.25},
		{4, 8, 3, 0, 0, 2},         // alpha 0: only scale C
		{7, 7, 0, 1, 1, 3},         // k 0: only scale C
		{72, 520, 260, 5, 1.5, -1}, // crosses mc, nc and kc blocks
	}
	for _, c := range cases {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				sgemmCase(t, 1, tA, tB, c.m, c.n, c.k, c.pad, c.alpha, c.beta)
				sgemmCase(t, 3, tA, tB, c.m, c.n, c.k, c.pad, c.alpha, c.beta)
			}
		}
	}
}

func TestSgemmParallel(t *testing.T) {
	sgemmEachImpl(t, sgemmTestParallel)
}

func sgemmTestParallel(t *testing.T) {
	// Crosses every kernel's mc, nc and kc blocks.
	sgemmCase(t, 3, false, true, 200, 2100, 300, 2, 1, 0)
	for _, s := range [][3]int{{64, 1000, 300}, {300, 20, 200}, {129, 131, 257}} {
		for _, th := range []int{2, 3, 8, 0} {
			sgemmCase(t, th, false, false, s[0], s[1], s[2], 0, 1, 0)
			sgemmCase(t, th, true, true, s[0], s[1], s[2], 1, 1, 1)
		}
	}
}

// TestSgemmNaNInf feeds NaN and ±Inf through every kernel.
func TestSgemmNaNInf(t *testing.T) {
	sgemmEachImpl(t, func(t *testing.T) {
		for _, s := range [][3]int{{1, 1, 1}, {9, 33, 5}, {17, 65, 63}, {64, 64, 257}} {
			for _, tA := range []bool{false, true} {
				sgemmCaseSpecial(t, 1, tA, !tA, s[0], s[1], s[2], 1, 1, 0.5, true)
			}
		}
	})
}

// TestSgemmKernels checks each micro-kernel alone against sgemmKernelRef,
// with a guard band around the tile.
func TestSgemmKernels(t *testing.T) {
	for _, impl := range sgemmImpls {
		for _, k := range []int{0, 1, 3, 4, 5, 17, 256} {
			mr, nr := impl.mr, impl.nr
			r := rand.New(rand.NewSource(int64(k)))
			a, b := sgemmRandom(r, k*mr+1), sgemmRandom(r, k*nr+1)
			ldc := nr + 3
			const guard = 5
			buf := sgemmRandom(r, guard+mr*ldc+guard)
			want := append([]float32{}, buf...)
			impl.kernel(k, &a[0], &b[0], &buf[guard], ldc)
			sgemmKernelRef(mr, nr, k, a, b, want[guard:], ldc)
			for i := range buf {
				if !sgemmClose(buf[i], want[i]) {
					t.Fatalf("%s k=%d: buf[%d] = %v, want %v", impl.name, k, i, buf[i], want[i])
				}
			}
		}
	}
}

// TestSgemmKernelsEp checks each fused-epilogue micro-kernel against
// sgemmTileRef for every flag combination, with NaN and infinities in C
// and the bias, and a guard band around the tile.
func TestSgemmKernelsEp(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, impl := range sgemmImpls {
		if impl.kernelEp == nil {
			continue
		}
		for _, k := range []int{0, 1, 3, 4, 5, 17, 256} {
			for flags := 0; flags < 64; flags++ {
				mr, nr := impl.mr, impl.nr
				r := rand.New(rand.NewSource(int64(k*16 + flags)))
				a, b := sgemmRandom(r, k*mr+1), sgemmRandom(r, k*nr+1)
				bias := sgemmRandom(r, mr)
				bias[0] = inf
				ldc := nr + 3
				const guard = 5
				buf := sgemmRandom(r, guard+mr*ldc+guard)
				buf[guard+1] = nan
				buf[guard+ldc+2] = -inf
				want := append([]float32{}, buf...)
				cst := &sgemmConsts{lo: -0.25, hi: 0.5, sixth: 1.0 / 6, half: 0.5, one: 1, postScale: -1.5, postShift: 0.25}
				if flags&kfHswish != 0 {
					cst.hi = 4 // let hard swish see values above 3
				}
				impl.kernelEp(k, &a[0], &b[0], &buf[guard], ldc, flags, &bias[0], &cst.zero[0])
				sgemmTileRef(mr, nr, k, a, b, want[guard:], ldc, flags, bias, cst)
				for i := range buf {
					same := buf[i] == want[i] || (buf[i] != buf[i] && want[i] != want[i]) || sgemmClose(buf[i], want[i])
					if !same {
						t.Fatalf("%s k=%d flags=%d: buf[%d] = %v, want %v", impl.name, k, flags, i, buf[i], want[i])
					}
				}
			}
		}
	}
}

// TestSgemmBetaZeroIgnoresNaN checks that beta == 0 overwrites C.
func TestSgemmBetaZeroIgnoresNaN(t *testing.T) {
	sgemmEachImpl(t, sgemmTestBetaZero)
}

func sgemmTestBetaZero(t *testing.T) {
	c := []float32{float32(math.NaN()), float32(math.Inf(1))}
	Sgemm(false, false, 1, 2, 1, 1, []float32{2}, 1, []float32{3, 4}, 2, 0, c, 2)
	if c[0] != 6 || c[1] != 8 {
		t.Fatalf("got %v, want [6 8]", c)
	}
}

func TestSgemmBadArgsPanic(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("short C did not panic")
		}
	}()
	Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 3), 2)
}

func TestSgemmNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under -race")
	}
	sgemmEachImpl(t, sgemmTestNoAllocs)
}

func sgemmTestNoAllocs(t *testing.T) {
	a, b, c := make([]float32, 64*64), make([]float32, 64*64), make([]float32, 64*64)
	Sgemm(false, false, 64, 64, 64, 1, a, 64, b, 64, 0, c, 64)
	n := testing.AllocsPerRun(10, func() {
		Sgemm(false, false, 64, 64, 64, 1, a, 64, b, 64, 0, c, 64)
	})
	if n > 0 {
		t.Fatalf("Sgemm allocates %v times per call", n)
	}
}

func ExampleSgemm() {
	a := []float32{1, 2, 3, 4} // 2×2
	b := []float32{5, 6, 7, 8} // 2×2
	c := make([]float32, 4)
	Sgemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2)
	fmt.Println(c)
	// Output: [19 22 43 50]
}

// TestSgemmConstsLayout pins the byte offsets the generated kernels read
// sgemmConsts at (linalg/_gen: cZero ... cPT).
func TestSgemmConstsLayout(t *testing.T) {
	var k sgemmConsts
	got := []uintptr{unsafe.Offsetof(k.zero), unsafe.Offsetof(k.lo), unsafe.Offsetof(k.hi), unsafe.Offsetof(k.sixth),
		unsafe.Offsetof(k.half), unsafe.Offsetof(k.one), unsafe.Offsetof(k.postScale), unsafe.Offsetof(k.postShift)}
	want := []uintptr{0, 64, 68, 72, 76, 80, 84, 88}
	if !slices.Equal(got, want) {
		t.Fatalf("offsets %v, want %v", got, want)
	}
}
