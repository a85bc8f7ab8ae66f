package linalg

import (
	"math"
	"math/rand"
	"testing"
)

// TestVmax checks MaxFloat32s and MaxUint8s (SIMD body + Go tail) against
// the generic twins on odd lengths, NaN, ±Inf, ±0 and in-place use.
func TestVmax(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	nan := float32(math.NaN())
	for _, n := range []int{0, 1, 3, 7, 8, 17, 31, 32, 63, 65, 257} {
		a, b := sgemmRandom(r, n), sgemmRandom(r, n)
		for i := 0; i < n; i += 5 {
			switch i % 4 {
			case 0:
				a[i] = nan
			case 1:
				b[i] = nan
			case 2:
				a[i] = float32(math.Inf(-1))
			case 3:
				a[i], b[i] = 0, float32(math.Copysign(0, -1))
			}
		}
		want := make([]float32, n)
		maxFloat32sGeneric(want, a, b)
		got := make([]float32, n)
		MaxFloat32s(got, a, b)
		MaxFloat32s(a, a, b) // in place
		for i := range want {
			same := got[i] == want[i] || (got[i] != got[i] && want[i] != want[i])
			inPlace := a[i] == want[i] || (a[i] != a[i] && want[i] != want[i])
			if !same || !inPlace {
				t.Fatalf("n=%d: max[%d] = %v (in place %v), want %v", n, i, got[i], a[i], want[i])
			}
		}
		ua, ub := make([]uint8, n), make([]uint8, n)
		for i := range ua {
			ua[i], ub[i] = uint8(r.Intn(256)), uint8(r.Intn(256))
		}
		if n > 0 {
			ua[0] = 255
		}
		uw := make([]uint8, n)
		maxUint8sGeneric(uw, ua, ub)
		MaxUint8s(ua, ua, ub)
		for i := range uw {
			if ua[i] != uw[i] {
				t.Fatalf("n=%d: u8 max[%d] = %d, want %d", n, i, ua[i], uw[i])
			}
		}
	}
}

// TestMaxPoolRow3S2 checks MaxPoolRow3S2 against its generic twin on odd
// lengths (whole and partial 16-output blocks), NaN in each row and
// column phase, ±Inf and exactly 2n+1-element rows.
func TestMaxPoolRow3S2(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	nan := float32(math.NaN())
	for _, n := range []int{1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 55, 56, 63, 65, 257} {
		var rows [3][]float32
		for i := range rows {
			rows[i] = sgemmRandom(r, 2*n+1)
		}
		for i := 0; i < 2*n+1; i += 7 {
			switch i % 5 {
			case 0, 1, 2:
				rows[i%3][i] = nan
			case 3:
				rows[1][i] = float32(math.Inf(-1))
			case 4:
				rows[2][i] = float32(math.Inf(1))
			}
		}
		rows[2][2*n] = nan // the last column
		want := make([]float32, n)
		maxPoolRow3S2Generic(want, rows[0], rows[1], rows[2])
		got := make([]float32, n+1)
		got[n] = 42
		MaxPoolRow3S2(got[:n], rows[0], rows[1], rows[2])
		for i := range want {
			if got[i] != want[i] && !(got[i] != got[i] && want[i] != want[i]) {
				t.Fatalf("n=%d: y[%d] = %v, want %v", n, i, got[i], want[i])
			}
		}
		if got[n] != 42 {
			t.Fatalf("n=%d: wrote past the row", n)
		}
	}
}
