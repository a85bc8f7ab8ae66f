package quant

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/qinfer/qinfer/tensor"
)

func TestPackInt4(t *testing.T) {
	codes := []int8{1, -1, 7, -8, 3}
	p := PackInt4(codes)
	want := []uint8{0xF1, 0x87, 0x03}
	if len(p) != 3 || p[0] != want[0] || p[1] != want[1] || p[2] != want[2] {
		t.Fatalf("PackInt4 = %x, want %x", p, want)
	}
	back := make([]int8, 5)
	if err := UnpackInt4(back, p); err != nil {
		t.Fatal(err)
	}
	for i := range codes {
		if back[i] != codes[i] {
			t.Fatalf("UnpackInt4 = %v, want %v", back, codes)
		}
	}
	u := make([]uint8, 4)
	if err := UnpackInt4(u, []uint8{0xF1, 0x87}); err != nil || u[0] != 1 || u[1] != 15 || u[2] != 7 || u[3] != 8 {
		t.Errorf("unsigned unpack %v %v", u, err)
	}
	if err := UnpackInt4(make([]uint8, 5), []uint8{1, 2}); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("short input: %v", err)
	}
	if len(PackInt4([]uint8{})) != 0 {
		t.Error("empty pack")
	}
}

func TestPackMatMulNBitsHand(t *testing.T) {
	// K=16, N=2: column 0 holds 0..15 (asym: scale 1, zp 0, codes = values),
	// column 1 holds -8..7 (sym: m = -8, scale 1, code = v+8).
	const k, n = 16, 2
	w := make([]float32, k*n)
	for i := range k {
		w[i*n] = float32(i)
		w[i*n+1] = float32(i - 8)
	}
	p, s, z, err := PackMatMulNBits(w, k, n, 4, 16, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 16 || len(s) != 2 || len(z) != 2 {
		t.Fatalf("sizes %d %d %d", len(p), len(s), len(z))
	}
	for i := range 8 {
		if want := uint8(2*i) | uint8(2*i+1)<<4; p[i] != want {
			t.Fatalf("column 0 byte %d = %#x, want %#x", i, p[i], want)
		}
	}
	if s[0] != 1 || z[0] != 0 {
		t.Errorf("column 0 scale %g zp %d", s[0], z[0])
	}
	// Column 1 asym: [-8, 7] → scale 1, zp 8.
	if s[1] != 1 || z[1] != 8 {
		t.Errorf("column 1 scale %g zp byte %#x", s[1], z[1])
	}
	p, s, z, err = PackMatMulNBits(w, k, n, 4, 16, true)
	if err != nil {
		t.Fatal(err)
	}
	if z != nil || s[1] != 1 || p[8] != 0x10 || p[15] != 0xFE {
		t.Errorf("symmetric: zp %v scale %v bytes %x", z, s, p[8:])
	}
	// Column 0 symmetric: m = 15 → scale -15/8 (MLAS keeps the sign).
	if s[0] != -15.0/8 {
		t.Errorf("symmetric column 0 scale %g, want %g", s[0], -15.0/8)
	}
}

func TestPackMatMulNBitsLayout(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ k, n, bits, block int }{
		{40, 3, 4, 16}, {16, 1, 4, 16}, {100, 5, 4, 32}, {300, 2, 4, 128}, {33, 4, 8, 16}, {70, 3, 2, 64}, {256, 2, 4, 256},
	} {
		w := make([]float32, tc.k*tc.n)
		for i := range w {
			w[i] = float32(r.NormFloat64())
		}
		for _, sym := range []bool{false, true} {
			p, s, z, err := PackMatMulNBits(w, tc.k, tc.n, tc.bits, tc.block, sym)
			if err != nil {
				t.Fatal(err)
			}
			l, _ := NewMatMulNBitsLayout(tc.k, tc.n, tc.bits, tc.block)
			nb := (tc.k + tc.block - 1) / tc.block
			if len(p) != tc.n*nb*tc.block*tc.bits/8 || len(s) != tc.n*nb || l.BlocksPerCol != nb {
				t.Fatalf("%+v: sizes %d %d", tc, len(p), len(s))
			}
			if !sym && len(z) != tc.n*((nb*tc.bits+7)/8) {
				t.Fatalf("%+v: zero point bytes %d", tc, len(z))
			}
			back, err := UnpackMatMulNBits(p, s, z, tc.k, tc.n, tc.bits, tc.block)
			if err != nil {
				t.Fatal(err)
			}
			for i := range w {
				col, kk := i%tc.n, i/tc.n
				sc := math.Abs(float64(s[col*nb+kk/tc.block]))
				tol := sc / 2
				if sym {
					tol = sc // MLAS maps the extreme to code 0; its opposite saturates one step short
				}
				if d := math.Abs(float64(back[i] - w[i])); d > tol*(1+1e-6) {
					t.Fatalf("%+v sym=%v: w[%d]=%g → %g (scale %g)", tc, sym, i, w[i], back[i], sc)
				}
			}
		}
	}
}

func TestPackMatMulNBitsErrors(t *testing.T) {
	w := make([]float32, 32)
	for _, tc := range []struct {
		name              string
		k, n, bits, block int
		want              error
	}{
		{"bits 3", 32, 1, 3, 16, ErrScheme},
		{"block 24", 32, 1, 4, 24, ErrScheme},
		{"block 8", 32, 1, 4, 8, ErrScheme},
		{"length", 16, 1, 4, 16, tensor.ErrShape},
		{"zero K", 0, 1, 4, 16, tensor.ErrShape},
	} {
		if _, _, _, err := PackMatMulNBits(w, tc.k, tc.n, tc.bits, tc.block, false); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := UnpackMatMulNBits([]uint8{1}, []float32{1}, nil, 32, 1, 4, 16); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("unpack sizes: %v", err)
	}
}
