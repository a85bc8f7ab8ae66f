package linalg

import (
	"math"
	"math/rand/v2"
	"testing"
)

func mbtRand(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = rng.Float32()*2 - 1
	}
	return v
}

// TestMbtDw compares the depthwise kernel with mbtDwRef.
func TestMbtDw(t *testing.T) {
	if mbtK == nil {
		t.Skip("no channel-blocked kernels")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, oh := range []int{1, 3, 7} {
		for _, ow := range []int{1, 3, 7, 17} {
			for _, st := range [][2]int{{1, 1}, {2, 2}, {1, 2}, {2, 1}} {
				for _, ips := range []int{32, 64} {
					sx, sy := st[0], st[1]
					iw := (ow-1)*sx + 3 + 1
					irs := iw * ips
					ih := (oh-1)*sy + 3
					in := mbtRand(rng, ih*irs)
					w, bias := mbtRand(rng, 144), mbtRand(rng, 16)
					lohi := []float32{-0.5, 0.7}
					if ow == 3 {
						lohi = []float32{float32(math.Inf(-1)), float32(math.Inf(1))}
						in[irs+ips] = float32(math.NaN())
					}
					ops := 64
					got, want := make([]float32, oh*ow*ops), make([]float32, oh*ow*ops)
					mbtK.dw(in, irs, ips, sx, sy, w, bias, lohi, got, ops, oh, ow)
					mbtDwRef(in, irs, ips, sx, sy, w, bias, lohi, want, ops, oh, ow)
					for i := range want {
						d := math.Abs(float64(got[i] - want[i]))
						if !(d <= 1e-5) && !(math.IsNaN(float64(got[i])) && math.IsNaN(float64(want[i]))) {
							t.Fatalf("oh %d ow %d s %v ips %d: out[%d] = %v, want %v", oh, ow, st, ips, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// TestMbtBiasClip compares the bias-and-clamp pass with mbtBiasClipRef.
func TestMbtBiasClip(t *testing.T) {
	if mbtK == nil {
		t.Skip("no channel-blocked kernels")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, nv := range []int{1, 2, 3, 4, 7, 17, 63, 65} {
		p := mbtRand(rng, nv*16+5)
		p[0], p[len(p)-6] = float32(math.NaN()), float32(math.Inf(1))
		q := append([]float32(nil), p...)
		bias, lohi := mbtRand(rng, 64), []float32{-0.3, 0.4}
		mbtK.biasClip(p, bias, lohi)
		mbtBiasClipRef(q, bias, lohi)
		for i := range q {
			if p[i] != q[i] && !(math.IsNaN(float64(p[i])) && math.IsNaN(float64(q[i]))) {
				t.Fatalf("nv %d: p[%d] = %v, want %v", nv, i, p[i], q[i])
			}
		}
	}
}

// TestMbtPKern compares the projection tiles with mbtPKernRef.
func TestMbtPKern(t *testing.T) {
	if mbtK == nil {
		t.Skip("no channel-blocked kernels")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, k := range []int{1, 3, 7, 17, 65, 257} {
		for _, nb := range []int{2, 4} {
			for p := 1; p <= ciMaxP; p++ {
				for _, flags := range []int{0, kfLoad, ciFinal, kfLoad | ciFinal | kfBias | ciRes} {
					nw, hw := nb*16, 11
					w := mbtRand(rng, k*nw)
					x := mbtRand(rng, k*64*8)
					offs := make([]int, k)
					for s := range offs {
						offs[s] = 4 * (s/64*8*64 + s%64)
					}
					acc0 := mbtRand(rng, p*nw)
					bias, res := mbtRand(rng, nw), mbtRand(rng, nw*hw)
					var cst ciConsts
					cst.set(-0.8, 0.9)
					accG, accW := append([]float32(nil), acc0...), append([]float32(nil), acc0...)
					cG, cW := make([]float32, nw*hw), make([]float32, nw*hw)
					mbtK.pk[nb/2-1][p-1](k, &w[0], &x[0], &offs[0], &accG[0], flags, &cG[0], hw, &bias[0], &res[0], &cst.v[0], 0)
					mbtPKernRef(p, nb, k, w, x, offs, accW, flags, cW, hw, bias, res, &cst)
					for i := range accW {
						if d := math.Abs(float64(accG[i] - accW[i])); !(d <= 1e-4) {
							t.Fatalf("k %d nb %d p %d flags %d: acc[%d] = %v, want %v", k, nb, p, flags, i, accG[i], accW[i])
						}
					}
					for i := range cW {
						if d := math.Abs(float64(cG[i] - cW[i])); !(d <= 1e-4) {
							t.Fatalf("k %d nb %d p %d flags %d: c[%d] = %v, want %v", k, nb, p, flags, i, cG[i], cW[i])
						}
					}
				}
			}
		}
	}
}
