package linalg

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestQ8Depthwise checks Q8Depthwise (assembly and Go twin) against the
// im2col reference plane by plane on odd sizes, strides, kernels and
// edge values, for uint8 and int8 outputs.
func TestQ8Depthwise(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	geo := func(h, w, kh, kw, s, ph, pw int) Q8ConvGeom {
		return Q8ConvGeom{C: 1, H: h, W: w, KH: kh, KW: kw, SH: s, SW: s, PH: ph, PW: pw, DH: 1, DW: 1,
			OH: (h+2*ph-kh)/s + 1, OW: (w+2*pw-kw)/s + 1}
	}
	var gs []Q8ConvGeom
	for _, hw := range []int{1, 3, 7, 17, 63, 65} {
		gs = append(gs, geo(hw, hw, 3, 3, 1, 1, 1), geo(hw, hw+2, 3, 3, 2, 1, 1), geo(hw+4, hw, 5, 5, 1, 2, 2),
			geo(hw, hw, 1, 1, 1, 0, 0), geo(hw+2, hw+2, 3, 3, 1, 0, 0), geo(hw, hw+6, 1, 7, 2, 0, 3), geo(hw+5, hw, 5, 5, 2, 2, 2))
	}
	// End padding only (ONNX pads [0, 0, 1, 1]).
	gs = append(gs, Q8ConvGeom{C: 1, H: 8, W: 9, KH: 3, KW: 3, SH: 2, SW: 2, DH: 1, DW: 1, OH: 4, OW: 4})
	impls := []bool{false}
	if q8DWPlaneFn != nil {
		impls = append(impls, true)
	}
	defer func() { q8DWDirect = true }()
	for i, g := range append(gs, gs...) {
		q8DWDirect = i < len(gs)
		for _, signed := range []bool{false, true} {
			edge := i%2 == 0
			n := 1 + i%4
			K, P := g.KH*g.KW, g.OH*g.OW
			x := qFill[uint8](r, n*g.H*g.W, edge)
			wraw := qFill[int8](r, n*K, edge)
			w := make([]int32, n*K)
			for j, v := range wraw {
				w[j] = int32(v)
			}
			xZ := int32(r.Intn(256))
			if edge {
				xZ = []int32{0, 255}[i%4/2]
			}
			yZ := int32(r.Intn(256))
			if signed {
				yZ -= 128
			}
			bias := make([]int32, n)
			mult := make([]float32, n)
			for c := range bias {
				bias[c] = int32(r.Intn(20001) - 10000)
				mult[c] = float32(1e-4 + r.Float64()*2e-2)
			}
			if i%3 == 0 {
				bias = nil
			}
			want := make([]byte, n*P)
			for c := 0; c < n; c++ {
				var bc []int32
				if bias != nil {
					bc = bias[c : c+1]
				}
				xc, wc := x[c*g.H*g.W:(c+1)*g.H*g.W], wraw[c*K:(c+1)*K]
				if signed {
					for j, v := range q8ConvRef[uint8, int8, int8](&g, 1, xc, xZ, wc, []int32{0}, bc, mult[c:c+1], yZ) {
						want[c*P+j] = byte(v)
					}
				} else {
					copy(want[c*P:], q8ConvRef[uint8, int8, uint8](&g, 1, xc, xZ, wc, []int32{0}, bc, mult[c:c+1], yZ))
				}
			}
			for _, asm := range impls {
				name := fmt.Sprintf("%d/%+v/signed=%v/asm=%v", i, g, signed, asm)
				got := make([]byte, n*P+1)
				got[n*P] = 0x5a
				var ok bool
				if signed {
					y8 := make([]int8, len(got))
					y8[n*P] = 0x5a
					ok = q8Depthwise(y8[:n*P], x, n, &g, w, xZ, bias, mult, yZ, asm)
					for j, v := range y8 {
						got[j] = byte(v)
					}
				} else {
					ok = q8Depthwise(got[:n*P], x, n, &g, w, xZ, bias, mult, yZ, asm)
				}
				if !ok {
					t.Fatalf("%s: refused", name)
				}
				for j := range want {
					if got[j] != want[j] {
						t.Fatalf("%s: plane %d y[%d] = %d, want %d", name, j/P, j%P, got[j], want[j])
					}
				}
				if got[n*P] != 0x5a {
					t.Fatalf("%s: wrote past the end", name)
				}
			}
		}
	}
	// Refusals: weights outside int8, dilation.
	g := geo(5, 5, 3, 3, 1, 1, 1)
	if q8Depthwise(make([]uint8, 25), make([]uint8, 25), 1, &g, []int32{128, 0, 0, 0, 0, 0, 0, 0, 0}, 0, nil, []float32{1}, 0, false) {
		t.Fatal("weight 128 accepted")
	}
	g.DH = 2
	if q8Depthwise(make([]uint8, 25), make([]uint8, 25), 1, &g, make([]int32, 9), 0, nil, []float32{1}, 0, false) {
		t.Fatal("dilation 2 accepted")
	}
}
