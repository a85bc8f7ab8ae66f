package linalg

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// q8ConvRef computes one image × group through im2col, QGemmRef, bias and
// RequantRef (the definition Q8ConvPrepare/Run must match bit for bit).
func q8ConvRef[TX, TW, TY QInt](g *Q8ConvGeom, m int, x []TX, xZ int32, w []TW, wZ []int32, bias []int32, mult []float32, yZ int32) []TY {
	K, P := g.C*g.KH*g.KW, g.OH*g.OW
	cols := make([]TX, K*P)
	for c := 0; c < g.C; c++ {
		for kh := 0; kh < g.KH; kh++ {
			for kw := 0; kw < g.KW; kw++ {
				k := (c*g.KH+kh)*g.KW + kw
				for oh := 0; oh < g.OH; oh++ {
					for ow := 0; ow < g.OW; ow++ {
						ih, iw := oh*g.SH-g.PH+kh*g.DH, ow*g.SW-g.PW+kw*g.DW
						v := TX(xZ)
						if ih >= 0 && ih < g.H && iw >= 0 && iw < g.W {
							v = x[(c*g.H+ih)*g.W+iw]
						}
						cols[k*P+oh*g.OW+ow] = v
					}
				}
			}
		}
	}
	acc := make([]int32, m*P)
	QGemmRef(m, P, K, w, K, wZ, cols, P, []int32{xZ}, acc, P)
	y := make([]TY, m*P)
	for r := 0; r < m; r++ {
		a := acc[r*P : (r+1)*P]
		if bias != nil {
			for j := range a {
				a[j] += bias[r]
			}
		}
		RequantRef(y[r*P:(r+1)*P], a, mult[r:r+1], []int32{yZ})
	}
	return y
}

type q8ConvCase struct {
	g    Q8ConvGeom
	m    int
	edge bool
	zp   int // 0: zero points 0, 1: random, 2: range ends
	bad  bool
}

func q8ConvCases() []q8ConvCase {
	geo := func(c, h, w, k, s, p, d int) Q8ConvGeom {
		oh := (h+2*p-(k-1)*d-1)/s + 1
		ow := (w+2*p-(k-1)*d-1)/s + 1
		return Q8ConvGeom{C: c, H: h, W: w, KH: k, KW: k, SH: s, SW: s, PH: p, PW: p, DH: d, DW: d, OH: oh, OW: ow}
	}
	gs := []Q8ConvGeom{
		geo(1, 1, 1, 1, 1, 0, 1), geo(3, 7, 5, 1, 1, 0, 1), geo(16, 17, 9, 1, 1, 0, 1), geo(5, 13, 11, 1, 2, 0, 1),
		geo(4, 9, 8, 3, 1, 1, 1), geo(7, 9, 12, 3, 2, 1, 1), geo(3, 23, 21, 7, 2, 3, 1), geo(6, 11, 10, 5, 1, 2, 2),
		geo(17, 7, 7, 3, 1, 1, 1), geo(9, 12, 13, 3, 3, 0, 1), geo(2, 6, 65, 3, 1, 0, 1), geo(33, 3, 3, 3, 1, 1, 1),
		geo(3, 5, 131, 3, 2, 1, 1), geo(2, 4, 75, 1, 2, 0, 1), geo(5, 6, 70, 5, 2, 2, 1),
		{C: 4, H: 9, W: 8, KH: 3, KW: 2, SH: 2, SW: 1, PH: 1, PW: 0, DH: 1, DW: 1, OH: 5, OW: 7},
		{C: 3, H: 8, W: 9, KH: 1, KW: 3, SH: 1, SW: 2, PH: 0, PW: 2, DH: 1, DW: 2, OH: 8, OW: 4},
		{C: 2, H: 5, W: 6, KH: 3, KW: 3, SH: 1, SW: 1, PH: 0, PW: 0, DH: 1, DW: 1, OH: 4, OW: 5}, // end padding only
	}
	var cs []q8ConvCase
	for i, g := range gs {
		for _, m := range []int{1, 7, 17, 40} {
			cs = append(cs, q8ConvCase{g: g, m: m, edge: (i+m)%2 == 0, zp: (i + m) % 3, bad: i == 3 && m == 7})
		}
	}
	return cs
}

func q8ConvCheck[TX, TW, TY QInt](t *testing.T, r *rand.Rand, c q8ConvCase, threads int) {
	g := c.g
	K, P := g.C*g.KH*g.KW, g.OH*g.OW
	x := qFill[TX](r, g.C*g.H*g.W, c.edge)
	w := qFill[TW](r, c.m*K, c.edge)
	xlo, xhi := QRange[TX]()
	wlo, whi := QRange[TW]()
	ylo, yhi := QRange[TY]()
	var xZ, yZ int32
	wZ := make([]int32, c.m)
	switch c.zp {
	case 1:
		xZ, yZ = xlo+int32(r.Intn(256)), ylo+int32(r.Intn(256))
		for i := range wZ {
			wZ[i] = wlo + int32(r.Intn(256))
		}
	case 2:
		xZ, yZ = xhi, ylo
		for i := range wZ {
			wZ[i] = []int32{wlo, whi}[i%2]
		}
	}
	bias := make([]int32, c.m)
	mult := make([]float32, c.m)
	for i := range bias {
		bias[i] = int32(r.Intn(200001) - 100000)
		mult[i] = float32(1e-5 + r.Float64()*2e-3)
	}
	if c.bad {
		mult[0], mult[len(mult)-1] = float32(math.NaN()), float32(math.Inf(1))
	}
	if c.m%2 == 1 {
		bias = nil
	}
	want := q8ConvRef[TX, TW, TY](&g, c.m, x, xZ, w, wZ, bias, mult, yZ)
	pw := Q8PackConvWeights(c.m, K, w, wZ)
	const guard = 0x5a
	ybuf := make([]TY, c.m*P+8)
	for i := range ybuf {
		ybuf[i] = guard
	}
	var job Q8ConvJob
	Q8ConvPrepare(&job, &g, x, xZ, pw, bias, mult, yZ, ybuf[:c.m*P])
	for c := 0; c < job.Channels(); c += 2 {
		job.Fill(c, min(c+2, job.Channels()))
	}
	n := job.Panels()
	if nb := job.Blocks(); threads == 2 && nb > 0 {
		// By row blocks (in two uneven parts), as for few-panel layers.
		h := (nb + 2) / 3
		job.RunBlocks(h, nb)
		job.RunBlocks(0, h)
	} else {
		per := (n + threads - 1) / threads
		for p := 0; p < n; p += per {
			job.Run(p, min(p+per, n))
		}
	}
	job.Release()
	_ = yhi
	for i := range want {
		if ybuf[i] != want[i] {
			t.Fatalf("%+v m=%d: y[%d][%d] = %d, want %d", g, c.m, i/P, i%P, ybuf[i], want[i])
		}
	}
	for i := c.m * P; i < len(ybuf); i++ {
		if ybuf[i] != guard {
			t.Fatalf("%+v m=%d: guard %d overwritten", g, c.m, i)
		}
	}
}

// TestQ8ConvVsRef checks the implicit-GEMM convolution against im2col +
// QGemmRef + RequantRef for every GEMM kernel, with and without the
// assembly packer/requantizer, on odd geometries and edge values.
func TestQ8ConvVsRef(t *testing.T) {
	for _, mode := range []int{2, 1, 3} { // the GEMM kernels, the fused one, AMX
		for _, asm := range []bool{true, false} {
			t.Run(fmt.Sprintf("fused=%d/asm=%v", mode, asm), func(t *testing.T) { q8ConvVsRef(t, mode, asm) })
		}
	}
	// The fused path's chunked loop (weights streamed per chunk of
	// panels), with tiny thresholds.
	a, c, gr := q8BigA, q8ChunkB, q8GroupA
	defer func() { q8BigA, q8ChunkB, q8GroupA = a, c, gr }()
	q8BigA, q8GroupA = 0, 1
	geo := func(c, h, w, k, s, p int) Q8ConvGeom {
		o := func(n int) int { return (n+2*p-k)/s + 1 }
		return Q8ConvGeom{C: c, H: h, W: w, KH: k, KW: k, SH: s, SW: s, PH: p, PW: p, DH: 1, DW: 1, OH: o(h), OW: o(w)}
	}
	r := rand.New(rand.NewSource(4))
	oldAMX := amxMode
	defer func() { amxMode = oldAMX }()
	for i, chunk := range []int{1, 3 * 128 * 18, 1 << 20, 1, 1 << 20} {
		amxMode = 2
		if i >= 3 {
			amxMode = 1
		}
		q8ChunkB = chunk
		for _, g := range []Q8ConvGeom{geo(8, 20, 30, 3, 1, 1), geo(6, 19, 40, 3, 2, 1), geo(16, 30, 30, 1, 1, 0), geo(16, 9, 9, 1, 1, 0)} {
			for _, m := range []int{20, 7, 24} {
				for _, th := range []int{1, 2} {
					t.Run(fmt.Sprintf("chunked=%d/%v/m=%d/th=%d", chunk, g, m, th), func(t *testing.T) {
						q8ConvCheck[uint8, int8, uint8](t, r, q8ConvCase{g: g, m: m, edge: m == 7}, th)
					})
				}
			}
		}
	}
}

func q8ConvVsRef(t *testing.T, mode int, asm bool) {
	{
		qgemmEach(t, func(t *testing.T) {
			old, oldMode, oldAMX := q8UseAsm, q8FusedMode, amxMode
			q8UseAsm, q8FusedMode, amxMode = asm, mode, 2
			if mode == 3 {
				q8FusedMode, amxMode = 1, 1
			}
			defer func() { q8UseAsm, q8FusedMode, amxMode = old, oldMode, oldAMX }()
			r := rand.New(rand.NewSource(3))
			for i, c := range q8ConvCases() {
				t.Run(fmt.Sprintf("asm=%v/%d", asm, i), func(t *testing.T) {
					th := 1 + i%3
					switch i % 4 {
					case 0:
						q8ConvCheck[uint8, int8, uint8](t, r, c, th)
					case 1:
						q8ConvCheck[int8, int8, int8](t, r, c, th)
					case 2:
						q8ConvCheck[uint8, uint8, int8](t, r, c, th)
					default:
						q8ConvCheck[int8, uint8, uint8](t, r, c, th)
					}
				})
			}
		})
	}
}

// TestQ8EvenFill checks the strided gather and the fill on every length
// around the vector widths, with and without assembly.
func TestQ8EvenFill(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	src := qFill[uint8](r, 300, false)
	for _, asm := range []bool{true, false} {
		old := q8UseAsm
		q8UseAsm = asm
		for n := 0; n <= 100; n++ {
			for _, extra := range []int{-1, 0, 1, 70} { // source length 2n+extra (2n-1 is the minimum)
				sl := 2*n + extra
				if n == 0 || sl < 2*n-1 {
					continue
				}
				for _, room := range []int{0, 1, 31, 40} { // bytes of d past n
					d := make([]byte, n+room+1)
					d[n+room] = 0xee
					q8Even(d[:n+room], n, src[:sl])
					for j := 0; j < n; j++ {
						if d[j] != src[2*j] {
							t.Fatalf("asm=%v n=%d len(s)=%d room=%d: d[%d] = %d, want %d", asm, n, sl, room, j, d[j], src[2*j])
						}
					}
					if d[n+room] != 0xee {
						t.Fatalf("asm=%v n=%d room=%d: wrote past the end", asm, n, room)
					}
				}
			}
			for _, v := range []byte{0, 7} {
				d := make([]byte, n+1)
				d[n] = 0xee
				q8Fill(d[:n], v)
				for j := 0; j < n; j++ {
					if d[j] != v {
						t.Fatalf("fill %d n=%d: d[%d] = %d", v, n, j, d[j])
					}
				}
				if d[n] != 0xee {
					t.Fatalf("fill n=%d: wrote past the end", n)
				}
			}
		}
		q8UseAsm = old
	}
}

// TestQ8PhasePlaneAsm checks the assembly plane fill against the Go one
// on every width around the vector sizes, strides 1 and 2, both phases
// and pads 0..3 (the source ends exactly at the plane: masked tails must
// not read past it).
func TestQ8PhasePlaneAsm(t *testing.T) {
	if q8PadFn == nil {
		t.Skip("no assembly fill")
	}
	r := rand.New(rand.NewSource(12))
	for w := 1; w <= 200; w++ {
		for _, s := range []int{1, 2} {
			for p := 0; p <= 3; p++ {
				h := 1 + r.Intn(5)
				k := 3
				g := Q8ConvGeom{C: 1, H: h, W: w, KH: k, KW: k, SH: s, SW: s, PH: p, PW: p, DH: 1, DW: 1}
				g.OH = (h+2*p-k)/s + 1
				g.OW = (w+2*p-k)/s + 1
				if g.OH <= 0 || g.OW <= 0 {
					continue
				}
				hq := g.OH + (k-1)/s
				wq := g.OW + (k-1)/s
				x := qFill[uint8](r, h*w, false)
				for py := 0; py < s; py++ {
					for px := 0; px < s; px++ {
						want := make([]byte, hq*wq+8)
						got := make([]byte, hq*wq+8)
						for i := range got {
							got[i], want[i] = 0xee, 0xee
						}
						q8UseAsm = false
						q8PhasePlane(want[:hq*wq], x, &g, hq, wq, py, px, 7)
						q8UseAsm = true
						q8PhasePlane(got[:hq*wq], x, &g, hq, wq, py, px, 7)
						for i := range want {
							if got[i] != want[i] {
								t.Fatalf("w=%d s=%d p=%d phase %d,%d: byte %d (row %d) = %d, want %d", w, s, p, py, px, i, i/wq, got[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}
