package linalg

import (
	"fmt"
	"math/rand"
	"sync"
	"testing"
)

// amxCase builds weights (rows padded to amxMR, K to whole chunks, zero
// padding), one B panel, row constants and multipliers.
type amxCase struct {
	m, k, chunks, rows int
	a, b               []byte
	rowc               []int32
	mult               []float32
}

func amxNewCase(r *rand.Rand, m, k int, edge bool) *amxCase {
	c := &amxCase{m: m, k: k, chunks: (k + 63) / 64}
	c.rows = (m + amxMR - 1) / amxMR * amxMR
	lda := 64 * c.chunks
	c.a = make([]byte, c.rows*lda)
	c.b = make([]byte, 2048*c.chunks)
	pick := func(vals []int) byte {
		if edge && r.Intn(2) == 0 {
			return byte(vals[r.Intn(len(vals))])
		}
		return byte(r.Intn(256))
	}
	for i := 0; i < m; i++ {
		for kk := 0; kk < k; kk++ {
			c.a[i*lda+kk] = pick([]int{0, 0x80, 0x7f, 0xff})
		}
	}
	for i := range c.b {
		c.b[i] = pick([]int{0, 0x80, 0x7f, 0xff}) // as s8: 0, -128, 127, -1 (x = 128, 0, 255, 127)
	}
	c.rowc = make([]int32, c.rows)
	c.mult = make([]float32, c.rows)
	for i := 0; i < m; i++ {
		c.rowc[i] = int32(r.Intn(200001) - 100000)
		c.mult[i] = float32(1e-5 + r.Float64()*2e-3)
	}
	return c
}

// amxRef is the definition: the int32 sums of the m×k weights with the
// panel's 32 columns, plus rowc, requantized.
func (c *amxCase) ref(zp int32) []byte {
	lda := 64 * c.chunks
	y := make([]byte, c.m*qNR)
	for i := 0; i < c.m; i++ {
		acc := make([]int32, qNR)
		for j := 0; j < qNR; j++ {
			s := c.rowc[i]
			for kk := 0; kk < c.k; kk++ {
				s += int32(int8(c.a[i*lda+kk])) * int32(int8(c.b[128*(kk/4)+4*j+kk%4]))
			}
			acc[j] = s
		}
		RequantRef(y[i*qNR:(i+1)*qNR], acc, c.mult[i:i+1], []int32{zp})
	}
	return y
}

func (c *amxCase) run(asm bool, zp int32, lo, hi float32, signed bool) []byte {
	y := make([]byte, c.rows*qNR)
	lda := 64 * c.chunks
	segs := [amxMaxSeg]amxSeg{{mask: ^uint32(0)}}
	one := [1]int{1}
	if asm {
		tile := make([]int32, 2*amxMR*qNR)
		amxConvFn(&c.a[0], lda, &c.b[0], c.chunks, &y[0], qNR, &c.rowc[0], &c.mult[0], c.rows/amxMR, zp, lo, hi, &tile[0], &amxCfg[0], &segs[0], &one[0], c.m, 1, 0, signed)
	} else {
		amxKernGeneric(c.a, lda, c.b, c.chunks, y, 0, qNR, c.rowc, c.mult, c.m, zp, lo, hi, signed, segs[:1])
	}
	for i := c.m * qNR; i < len(y); i++ {
		if y[i] != 0 {
			panic("amx: row past rows stored")
		}
	}
	return y[:c.m*qNR]
}

// TestAMXKernel checks the AMX kernel and its Go twin against the plain
// sums on odd M and K with edge values, for uint8 and int8 outputs.
func TestAMXKernel(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	impls := []bool{false}
	if amxReady() {
		impls = append(impls, true)
	} else {
		t.Log("no AMX: Go twin only")
	}
	sizes := []int{1, 3, 7, 17, 63, 65, 257}
	for _, m := range sizes {
		for _, k := range sizes {
			for _, signed := range []bool{false, true} {
				c := amxNewCase(r, m, k, (m+k)%2 == 0)
				zp, lo, hi := int32(128), float32(-128), float32(127)
				if signed {
					zp, lo, hi = 3, -131, 124
				}
				want := c.ref(zp)
				if signed {
					// RequantRef writes uint8 bytes; int8 output is the same
					// two's-complement byte of the clamped value.
					want = c.refSigned(zp)
				}
				for _, asm := range impls {
					got := c.run(asm, zp, lo, hi, signed)
					for i := range want {
						if got[i] != want[i] {
							t.Fatalf("m=%d k=%d signed=%v asm=%v: y[%d][%d] = %d, want %d", m, k, signed, asm, i/qNR, i%qNR, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

func (c *amxCase) refSigned(zp int32) []byte {
	lda := 64 * c.chunks
	y8 := make([]int8, c.m*qNR)
	for i := 0; i < c.m; i++ {
		acc := make([]int32, qNR)
		for j := 0; j < qNR; j++ {
			s := c.rowc[i]
			for kk := 0; kk < c.k; kk++ {
				s += int32(int8(c.a[i*lda+kk])) * int32(int8(c.b[128*(kk/4)+4*j+kk%4]))
			}
			acc[j] = s
		}
		RequantRef(y8[i*qNR:(i+1)*qNR], acc, c.mult[i:i+1], []int32{zp})
	}
	y := make([]byte, len(y8))
	for i, v := range y8 {
		y[i] = byte(v)
	}
	return y
}

// TestAMXParallel runs the kernel from many goroutines at once (tile
// state is per thread: each call must configure and release its own).
func TestAMXParallel(t *testing.T) {
	if !amxReady() {
		t.Skip("no AMX")
	}
	r := rand.New(rand.NewSource(8))
	cases := []*amxCase{amxNewCase(r, 65, 257, true), amxNewCase(r, 32, 64, false), amxNewCase(r, 96, 576, false)}
	want := make([][]byte, len(cases))
	for i, c := range cases {
		want[i] = c.ref(128)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for it := 0; it < 200; it++ {
				i := (g + it) % len(cases)
				got := cases[i].run(true, 128, -128, 127, false)
				for j := range want[i] {
					if got[j] != want[i][j] {
						errs <- fmt.Errorf("goroutine %d iteration %d case %d: y[%d] = %d, want %d", g, it, i, j, got[j], want[i][j])
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
