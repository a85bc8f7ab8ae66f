package ops

import (
	"math/rand"
	"testing"

	"github.com/qinfer/qinfer/tensor"
)

// TestQ8tSumBytes checks the SWAR byte sum against a plain loop on odd
// lengths (across the 32-word folds) and all-255 rows, with and without
// the int8 flip.
func TestQ8tSumBytes(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, n := range []int{0, 1, 7, 8, 9, 49, 63, 255, 256, 257, 1000, 4099} {
		for _, fill := range []int{-1, 0, 255} {
			row := make([]uint8, n)
			for i := range row {
				if fill < 0 {
					row[i] = uint8(r.Intn(256))
				} else {
					row[i] = uint8(fill)
				}
			}
			for _, flip := range []uint64{0, 0x8080808080808080} {
				var want uint64
				for _, b := range row {
					want += uint64(b ^ uint8(flip))
				}
				if got := q8tSumBytes(row, flip); got != want {
					t.Fatalf("n %d fill %d flip %x: %d, want %d", n, fill, flip, got, want)
				}
			}
		}
	}
}

// TestQ8tGAP checks the serial channels-first pool against the general
// loop (msGAPParams.run) for both 8-bit types.
func TestQ8tGAP(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	for _, dt := range []tensor.DType{tensor.Uint8, tensor.Int8} {
		for _, img := range []int{1, 49, 127, 128, 300, 3136} {
			c := 37
			x := tensor.Zeros(dt, 1, c, img)
			xb := qfByteData(x)
			for i := range xb {
				xb[i] = uint8(r.Intn(256))
			}
			lo, hi := int32(0), int32(255)
			if dt == tensor.Int8 {
				lo, hi = -128, 127
			}
			for _, p := range []struct {
				bias, yz int32
				scale    float32
			}{{-5 * int32(img), lo + 3, 0.7 / float32(img)}, {0, hi - 9, 3 / float32(img)}} {
				want, got := tensor.Zeros(dt, 1, c), tensor.Zeros(dt, 1, c)
				gp := msGAPParams{x: x, out: want, c: c, img: img, bias: p.bias, scale: p.scale, yz: p.yz, lo: lo, hi: hi}
				gp.run(0, c)
				if !q8tGAP(x, got, c, img, p.bias, p.scale, p.yz, lo, hi) {
					t.Fatalf("%v img %d: refused", dt, img)
				}
				gb, wb := qfByteData(got), qfByteData(want)
				for i := range wb {
					if gb[i] != wb[i] {
						t.Fatalf("%v img %d: y[%d] = %d, want %d", dt, img, i, gb[i], wb[i])
					}
				}
			}
		}
	}
}
