package linalg

import (
	"fmt"
	"math/rand"
	"testing"
	"unsafe"
)

// TestQ8DepthwisePacked checks the packed small-plane kernel (assembly
// when present, and its Go twin) against the per-plane path of
// q8Depthwise (itself checked against the reference) on odd map sizes,
// strides 1 and 2, pads, uint8 weights with per-channel zero points,
// channel offsets and both output types, and that it refuses what it
// does not take.
func TestQ8DepthwisePacked(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	defer func() { q8tDWSmall = true }()
	type geo struct{ h, w, kw, s, ph, pw int }
	var gs []geo
	tested := 0
	for _, hw := range []int{1, 2, 3, 7, 14, 17, 28, 31, 45, 57} {
		gs = append(gs, geo{hw, hw, 3, 1, 1, 1}, geo{hw, hw + 1, 3, 2, 1, 1}, geo{hw + 2, hw, 3, 1, 0, 0},
			geo{hw, hw, 2, 2, 0, 1}, geo{hw, hw + 3, 4, 1, 1, 2}, geo{hw, hw, 1, 1, 1, 0})
	}
	for i, gg := range gs {
		g := Q8ConvGeom{C: 1, H: gg.h, W: gg.w, KH: 3, KW: gg.kw, SH: gg.s, SW: gg.s, PH: gg.ph, PW: gg.pw, DH: 1, DW: 1}
		g.OH = (g.H+2*g.PH-3)/g.SH + 1
		g.OW = (g.W+2*g.PW-g.KW)/g.SW + 1
		if g.OH <= 0 || g.OW <= 0 {
			continue
		}
		C := 1 + i%5
		c0, n := i%C, C-i%C
		K, P, hw := 3*g.KW, g.OH*g.OW, g.H*g.W
		edge := i%2 == 0
		x := qFill[uint8](r, n*hw, edge)
		wraw := qFill[uint8](r, C*K, edge)
		wz := make([]int32, C)
		w := make([]int32, C*K)
		for c := range wz {
			wz[c] = 128
			if !edge {
				wz[c] = int32(120 + r.Intn(16))
			}
			for k := 0; k < K; k++ {
				if !edge {
					wraw[c*K+k] = uint8(min(255, max(0, int(wz[c])-128+r.Intn(256))))
				}
				w[c*K+k] = int32(wraw[c*K+k]) - wz[c]
			}
		}
		xZ := int32(r.Intn(256))
		bias := make([]int32, C)
		mult := make([]float32, C)
		for c := range bias {
			bias[c] = int32(r.Intn(20001) - 10000)
			mult[c] = float32(1e-4 + r.Float64()*2e-2)
		}
		if i%3 == 0 {
			bias = nil
		}
		pw := Q8PackDepthwise(C, 3, g.KW, wraw, wz)
		for _, signed := range []bool{false, true} {
			yZ := int32(r.Intn(256))
			if signed {
				yZ -= 128
			}
			name := fmt.Sprintf("%d/%+v/signed=%v", i, g, signed)
			want := make([]byte, n*P)
			got := make([]byte, n*P+1)
			got[n*P] = 0xa5
			q8tDWSmall = false
			var bc []int32
			if bias != nil {
				bc = bias[c0:]
			}
			var ok bool
			if signed {
				y8 := make([]int8, n*P)
				ok = q8Depthwise(y8, x, n, &g, w[c0*K:], xZ, bc, mult[c0:], yZ, false)
				copy(want, qbytes(y8))
			} else {
				ok = q8Depthwise(want, x, n, &g, w[c0*K:], xZ, bc, mult[c0:], yZ, false)
			}
			q8tDWSmall = true
			if !ok {
				t.Fatalf("%s: reference path refused", name)
			}
			if !Q8DepthwisePackedOK(&g, pw) {
				if Q8DepthwiseOK(&g) && q8tDWTable(&g) != nil {
					t.Fatalf("%s: refused", name)
				}
				continue
			}
			for _, asm := range []bool{false, true} {
				if asm && q8tDWSmallFn == nil {
					continue
				}
				for j := range got[:n*P] {
					got[j] = 0
				}
				save := q8tDWSmallFn
				if !asm {
					q8tDWSmallFn = nil
				}
				if signed {
					ok = Q8DepthwisePacked(unsafeInt8s(got[:n*P]), x, c0, n, &g, pw, xZ, bias, mult, yZ)
				} else {
					ok = Q8DepthwisePacked(got[:n*P], x, c0, n, &g, pw, xZ, bias, mult, yZ)
				}
				q8tDWSmallFn = save
				if !ok {
					t.Fatalf("%s/asm=%v: refused", name, asm)
				}
				for j := range want {
					if got[j] != want[j] {
						t.Fatalf("%s/asm=%v: plane %d y[%d] = %d, want %d", name, asm, j/P, j%P, got[j], want[j])
					}
				}
				if got[n*P] != 0xa5 {
					t.Fatalf("%s/asm=%v: wrote past the end", name, asm)
				}
				tested++
			}
		}
	}
	// Without the assembly kernels (purego, other CPUs) Q8DepthwiseOK
	// refuses everything; TestQ8Depthwise covers the Go twin then.
	if q8DWPlaneFn != nil && tested < 60 {
		t.Fatalf("only %d cases took the packed kernel", tested)
	}
	// Refusals: a centred weight outside int8, a 5×5 kernel, a plane too
	// large for the table.
	g := Q8ConvGeom{C: 1, H: 5, W: 5, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, DH: 1, DW: 1, OH: 5, OW: 5}
	if pw := Q8PackDepthwise(1, 3, 3, []uint8{255, 0, 0, 0, 0, 0, 0, 0, 0}, []int32{0}); Q8DepthwisePackedOK(&g, pw) {
		t.Fatal("weight 255 - 0 accepted")
	}
	if pw := Q8PackDepthwise(1, 5, 5, make([]int8, 25), nil); Q8DepthwisePackedOK(&g, pw) {
		t.Fatal("5×5 weights accepted for a 3×3 geometry")
	}
	for _, big := range []Q8ConvGeom{
		{C: 1, H: 72, W: 72, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, DH: 1, DW: 1, OH: 72, OW: 72},
		{C: 1, H: 72, W: 72, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, DH: 1, DW: 1, OH: 36, OW: 36},
	} {
		if Q8DepthwisePackedOK(&big, Q8PackDepthwise(1, 3, 3, make([]int8, 9), nil)) {
			t.Fatalf("%d×%d plane, stride %d accepted", big.OH, big.OW, big.SW)
		}
	}
}

// unsafeInt8s views bytes as int8.
func unsafeInt8s(b []byte) []int8 {
	return unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
}
