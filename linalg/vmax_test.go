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
