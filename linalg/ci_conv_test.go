package linalg

import (
	"math"
	"math/rand"
	"testing"
	"unsafe"
)

// ciRefTable is a ciTable of ciKernelRef adapters (tests run the driver
// with it on every platform).
func ciRefTable() *ciTable {
	var t ciTable
	for nb := 1; nb <= 4; nb++ {
		for p := 1; p <= ciMaxP; p++ {
			t[nb-1][p-1] = func(k int, w, x *float32, offs *int, acc *float32, flags int, c *float32, hw int, bias, res *float32, cst *int32, pf uintptr) {
				nw := nb * 16
				os := unsafe.Slice(offs, k)
				xn := 0
				for _, o := range os {
					xn = max(xn, o/4+p)
				}
				var bs, rs, cs []float32
				if flags&kfBias != 0 {
					bs = unsafe.Slice(bias, nw)
				}
				if flags&ciRes != 0 {
					rs = unsafe.Slice(res, (nw-1)*hw+p)
				}
				if flags&ciFinal != 0 {
					cs = unsafe.Slice(c, (nw-1)*hw+p)
				}
				ciKernelRef(p, nb, k, unsafe.Slice(w, k*nw), unsafe.Slice(x, xn), os, unsafe.Slice(acc, p*nw), flags, cs, hw, bs, rs, (*ciConsts)(unsafe.Pointer(cst)))
			}
		}
	}
	return &t
}

// TestCiKernels checks each tile kernel against ciKernelRef for every
// flag combination, with scattered input offsets and a C whose rows are
// hw apart.
func TestCiKernels(t *testing.T) {
	if ciKerns == nil {
		t.Skip("no tile kernels on this CPU")
	}
	for nb := 1; nb <= 4; nb++ {
		for p := 1; p <= ciMaxP; p++ {
			for _, k := range []int{1, 2, 3, 5, 17, 64} {
				for flags := 0; flags < 256; flags++ {
					if flags&(kfMax|kfMin|kfHswish|kfPost) != 0 || flags&ciFinal == 0 && flags&(kfBias|ciRes) != 0 {
						continue
					}
					nw := nb * 16
					hw := p + 3
					r := rand.New(rand.NewSource(int64(k*1000 + flags*7 + p*31 + nb)))
					w := sgemmRandom(r, k*nw)
					x := sgemmRandom(r, 500)
					offs := make([]int, k)
					for s := range offs {
						offs[s] = 4 * r.Intn(490)
					}
					accIn := sgemmRandom(r, p*nw)
					bias := sgemmRandom(r, nw)
					res := sgemmRandom(r, nw*hw)
					if flags == ciFinal|kfBias {
						x[offs[0]/4] = float32(math.NaN())
					}
					cIn := sgemmRandom(r, nw*hw)
					var cst ciConsts
					switch r.Intn(3) {
					case 0:
						cst.set(-0.5, 1.25)
					case 1:
						cst.set(0, float32(math.Inf(1)))
					default:
						cst.set(float32(math.Inf(-1)), float32(math.Inf(1)))
					}
					acc, c := append([]float32{}, accIn...), append([]float32{}, cIn...)
					ciKerns[nb-1][p-1](k, &w[0], &x[0], &offs[0], &acc[0], flags, &c[0], hw, &bias[0], &res[0], &cst.v[0], uintptr(unsafe.Pointer(&w[0])))
					wacc, wc := append([]float32{}, accIn...), append([]float32{}, cIn...)
					ciKernelRef(p, nb, k, w, x, offs, wacc, flags, wc, hw, bias, res, &cst)
					for i := range acc {
						if !sgemmClose(acc[i], wacc[i]) {
							t.Fatalf("p=%d nb=%d k=%d flags=%d: acc[%d] = %v, want %v", p, nb, k, flags, i, acc[i], wacc[i])
						}
					}
					for i := range c {
						if !sgemmClose(c[i], wc[i]) {
							t.Fatalf("p=%d nb=%d k=%d flags=%d: c[%d] = %v, want %v", p, nb, k, flags, i, c[i], wc[i])
						}
					}
				}
			}
		}
	}
}

// TestCiConv runs the tile path (with the CPU's kernels and with the Go
// twins) against Im2col + SGEMM over strides, dilations, pads, map widths
// around the tile width, channel counts of 1..5 vector blocks, epilogues
// and thread counts.
func TestCiConv(t *testing.T) {
	tabs := map[string]*ciTable{"ref": ciRefTable()}
	if ciKerns != nil {
		tabs["asm"] = ciKerns
	}
	r := rand.New(rand.NewSource(5))
	for ci, cs := range []struct{ c, ih, iw, m, kh, kw, sh, sw, dh, dw, ph, pw, pb, pr int }{
		{3, 5, 5, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
		{2, 7, 9, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},
		{5, 13, 11, 48, 3, 2, 1, 3, 2, 1, 2, 0, 1, 3},
		{1, 1, 1, 16, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // 1x1, padded
		{16, 20, 21, 80, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
		{7, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},   // 7x7 map
		{40, 9, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},  // k > ciKC
		{3, 23, 20, 64, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3}, // 7x7 stride 2 stem
		{3, 16, 18, 32, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2}, // dilation 2
		{6, 12, 14, 144, 3, 3, 3, 2, 1, 1, 1, 0, 2, 1},
		{9, 14, 13, 32, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0}, // 1x1 stride 2
		{2, 4, 1, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},   // one-column image
	} {
		oh := (cs.ih+cs.ph+cs.pb-(cs.kh-1)*cs.dh-1)/cs.sh + 1
		ow := (cs.iw+cs.pw+cs.pr-(cs.kw-1)*cs.dw-1)/cs.sw + 1
		g := ConvGeom{In: []int{cs.ih, cs.iw}, Kernel: []int{cs.kh, cs.kw}, Out: []int{oh, ow},
			Stride: []int{cs.sh, cs.sw}, Dilation: []int{cs.dh, cs.dw}, PadBegin: []int{cs.ph, cs.pw}}
		k, n := cs.c*cs.kh*cs.kw, oh*ow
		img := sgemmRandom(r, cs.c*cs.ih*cs.iw)
		w := sgemmRandom(r, cs.m*k)
		col := make([]float32, k*n)
		Im2col(col, img, cs.c, g)
		prod := make([]float32, cs.m*n)
		sgemmRef(false, false, cs.m, n, k, 1, w, k, col, n, 0, prod, n)
		pa := PackA(cs.m, k, w, k)
		if ci%2 == 1 { // lazy: the tiles repack from the source
			pa = PackALazy(cs.m, k, w, k)
		}
		for ei, ep := range []*Epilogue{
			nil,
			{RowBias: sgemmRandom(r, cs.m)},
			{RowBias: sgemmRandom(r, cs.m), Act: ActRelu, Residual: sgemmRandom(r, cs.m*n)},
			{Act: ActClip, Min: -1, Max: 2},
			{Residual: sgemmRandom(r, cs.m*n), Act: ActRelu},
		} {
			want := append([]float32{}, prod...)
			if ep != nil {
				epilogueRef(ep, cs.m, n, want, n)
			}
			for name, tab := range tabs {
				for _, th := range []int{1, 2, 3} {
					got := sgemmRandom(r, cs.m*n)
					if name == "asm" && th == 2 {
						// Through the public entry point (the direct path
						// picks the tiles when m allows).
						ConvGemmPacked(th, pa, img, cs.c, g, got, ep)
					} else {
						ciDirect(tab, th, pa, img, cs.c, g, got, ep)
					}
					for i := range got {
						if !sgemmClose(got[i], want[i]) {
							t.Fatalf("%s %+v ep=%d threads=%d: c[%d] = %v, want %v", name, cs, ei, th, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// ciDirect is convIndRun's tile path forced (any m multiple of 16).
func ciDirect(tab *ciTable, threads int, pa *PackedA, img []float32, channels int, g ConvGeom, c []float32, ep *Epilogue) {
	geo := newConvIndGeom(g)
	bufs := convIndGet(channels*geo.chanLen+geo.pw+32, pa.k)
	defer convIndPool.Put(bufs)
	q := bufs.q
	clear(q)
	for ch := 0; ch < channels; ch++ {
		geo.fill(q, img, ch)
	}
	geo.offsets(bufs.offs, channels)
	ciRun(tab, threads, pa.m, pa.k, pa.ciPacked(), bufs, &geo, c, ep)
}
