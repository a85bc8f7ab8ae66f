package linalg

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

func qgemmBrute[TA, TB QInt](m, n, k int, a []TA, az []int32, b []TB, bz []int32) []int32 {
	c := make([]int32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s int64
			for p := 0; p < k; p++ {
				var za, zb int64
				if len(az) == 1 {
					za = int64(az[0])
				} else if len(az) > 1 {
					za = int64(az[i])
				}
				if len(bz) == 1 {
					zb = int64(bz[0])
				} else if len(bz) > 1 {
					zb = int64(bz[j])
				}
				s += (int64(a[i*k+p]) - za) * (int64(b[p*n+j]) - zb)
			}
			c[i*n+j] = int32(s)
		}
	}
	return c
}

func qFill[T QInt](r *rand.Rand, n int, edge bool) []T {
	lo, hi := QRange[T]()
	out := make([]T, n)
	for i := range out {
		switch {
		case edge && i%3 == 0:
			out[i] = T(lo)
		case edge && i%3 == 1:
			out[i] = T(hi)
		default:
			out[i] = T(int32(r.Intn(int(hi-lo+1))) + lo)
		}
	}
	return out
}

func qgemmCase[TA, TB QInt](t *testing.T, name string) {
	r := rand.New(rand.NewSource(1))
	sizes := [][3]int{{0, 3, 2}, {3, 0, 2}, {2, 3, 0}, {1, 1, 1}, {3, 5, 7}, {7, 13, 17}, {17, 3, 64}, {5, 65, 63}}
	for _, sz := range sizes {
		for _, edge := range []bool{false, true} {
			for zmode := 0; zmode < 3; zmode++ {
				m, n, k := sz[0], sz[1], sz[2]
				a := qFill[TA](r, m*k, edge)
				b := qFill[TB](r, k*n, edge)
				alo, ahi := QRange[TA]()
				blo, bhi := QRange[TB]()
				var az, bz []int32
				switch zmode {
				case 1:
					az, bz = []int32{ahi}, []int32{blo}
				case 2:
					az = make([]int32, m)
					for i := range az {
						az[i] = []int32{alo, ahi, 0, 3}[i%4]
					}
					bz = make([]int32, n)
					for j := range bz {
						bz[j] = []int32{bhi, blo, 1}[j%3]
					}
				}
				want := qgemmBrute(m, n, k, a, az, b, bz)
				c := make([]int32, m*n)
				for i := range c {
					c[i] = 12345 // must be overwritten
				}
				QGemmRef(m, n, k, a, k, az, b, n, bz, c, n)
				for i := range want {
					if c[i] != want[i] {
						t.Fatalf("%s m=%d n=%d k=%d edge=%v zmode=%d: c[%d]=%d want %d", name, m, n, k, edge, zmode, i, c[i], want[i])
					}
				}
			}
		}
	}
}

func TestQGemmRef(t *testing.T) {
	qgemmCase[uint8, int8](t, "u8s8")
	qgemmCase[int8, int8](t, "s8s8")
	qgemmCase[uint8, uint8](t, "u8u8")
	qgemmCase[int8, uint8](t, "s8u8")
}

func TestQGemmRefStrided(t *testing.T) {
	// A 2x2 inside a 2x3 buffer, B 2x2 inside a 2x4 buffer, C inside 2x3.
	a := []uint8{255, 0, 9, 1, 2, 9}
	b := []int8{-128, 127, 9, 9, 1, -1, 9, 9}
	c := []int32{0, 0, -7, 0, 0, -7}
	QGemmRef(2, 2, 2, a, 3, []int32{1}, b, 4, []int32{0, -1}, c, 3)
	want := []int32{254*-128 + -1*1, 254*128 + -1*0, -7, 0*-128 + 1*1, 0*128 + 1*0, -7}
	for i := range want {
		if c[i] != want[i] {
			t.Fatalf("c=%v want %v", c, want)
		}
	}
}

func TestRequantRef(t *testing.T) {
	tests := []struct {
		acc  []int32
		mult []float32
		zp   []int32
		u8   []uint8
		s8   []int8
	}{
		{[]int32{0, 1, 2, 3, 5, -1, -3}, []float32{0.5}, []int32{0}, []uint8{0, 0, 1, 2, 2, 0, 0}, []int8{0, 0, 1, 2, 2, 0, -2}},
		{[]int32{1000, -1000, 100}, []float32{1}, []int32{10}, []uint8{255, 0, 110}, []int8{127, -128, 110}},
		{[]int32{4, 4}, []float32{0.25, 2}, []int32{-1, 3}, []uint8{0, 11}, []int8{0, 11}},
		{[]int32{math.MaxInt32, math.MinInt32}, []float32{1}, nil, []uint8{255, 0}, []int8{127, -128}},
	}
	for i, tc := range tests {
		u := make([]uint8, len(tc.acc))
		s := make([]int8, len(tc.acc))
		RequantRef(u, tc.acc, tc.mult, tc.zp)
		RequantRef(s, tc.acc, tc.mult, tc.zp)
		if fmt.Sprint(u) != fmt.Sprint(tc.u8) || fmt.Sprint(s) != fmt.Sprint(tc.s8) {
			t.Errorf("case %d: u8 %v want %v, s8 %v want %v", i, u, tc.u8, s, tc.s8)
		}
	}
	u := make([]uint8, 1)
	RequantRef(u, []int32{1}, []float32{float32(math.NaN())}, []int32{5})
	if u[0] != 0 {
		t.Errorf("NaN: got %d", u[0])
	}
}

// TestRequantRefFloat32Tie is the regression for requantizing in float64:
// 5 * float32(0.1) is 0.50000000745 in float64 (rounds to 1) but exactly
// 0.5 in float32 (rounds to even 0), and ONNX Runtime's MLAS gives 0.
func TestRequantRefFloat32Tie(t *testing.T) {
	dst := make([]uint8, 2)
	RequantRef(dst, []int32{5, 15}, []float32{0.1}, []int32{0})
	if dst[0] != 0 || dst[1] != 2 {
		t.Fatalf("RequantRef(5, 15 × 0.1) = %v, want [0 2] (float32 product, ties to even)", dst)
	}
}
