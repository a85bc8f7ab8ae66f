package linalg

import (
	"math/rand/v2"
	"testing"
)

func TestQDSumU8(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, n := range []int{0, 1, 3, 7, 17, 63, 64, 65, 127, 128, 129, 257, 1 << 18, 1<<18 + 65, 3<<18 + 1} {
		x := make([]uint8, n)
		for i := range x {
			x[i] = uint8(rng.IntN(256))
			if n > 1000 && i%2 == 0 {
				x[i] = 255 // large sums
			}
		}
		want := qdSumGeneric(x)
		for _, impl := range qdSumImpls {
			if got := impl.fn(x); got != want {
				t.Fatalf("%s n=%d: %d, want %d", impl.name, n, got, want)
			}
		}
		if got := SumU8(x); got != want {
			t.Fatalf("SumU8 n=%d: %d, want %d", n, got, want)
		}
	}
	all := make([]uint8, 1000)
	for i := range all {
		all[i] = 255
	}
	if got := SumU8(all); got != 255000 {
		t.Errorf("sum of 1000×255 = %d", got)
	}
}
