package ops

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/qinfer/qinfer/tensor"
)

// TestQ8tDepthwiseSplits checks depthwise QLinearConv on the paths this
// package chooses by size and threads (packed small planes, row split of
// large planes, plane split) against the reference, bit for bit: odd
// maps below and above the small-plane bound, strides 1 and 2, both
// output types, uint8 weights with per-channel zero points.
func TestQ8tDepthwiseSplits(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	var cs []qwConvCase
	for i, hw := range [][2]int{{7, 7}, {14, 13}, {29, 31}, {40, 37}, {57, 56}} {
		for _, s := range []int{1, 2} {
			for _, ydt := range []tensor.DType{tensor.Uint8, tensor.Int8} {
				wdt := tensor.Int8
				if i%2 == 1 {
					wdt = tensor.Uint8
				}
				c := 3 + i
				cs = append(cs, qwConvCase{n: 1 + i%2, cin: c, cout: c, group: c, in: []int{hw[0], hw[1]}, kern: []int{3, 3}, stride: s, pad: 1, dil: 1,
					xdt: tensor.Uint8, wdt: wdt, ydt: ydt, xzp: 100 + 10*i, yzp: 128, perChan: i%2 == 0, bias: s == 1, multHi: 0.02})
			}
		}
	}
	for _, c := range cs {
		t.Run(c.String(), func(t *testing.T) {
			in := qwConvInputs(r, c)
			fast, n := qwKernel(t, "", "QLinearConv", 10, c.attrs())
			ref, _ := qwKernel(t, "", "QLinearConv", 10, c.attrs())
			ref.(*qsConv).qwRef = true
			want, err := qwRun(ref, n, 1, in...)
			if err != nil {
				t.Fatal(err)
			}
			for _, threads := range []int{1, 2, 3} {
				for rep := 0; rep < 2; rep++ { // the second run uses the cached packing
					got, err := qwRun(fast, n, threads, in...)
					if err != nil {
						t.Fatal(err)
					}
					qwSame(t, fmt.Sprintf("threads %d run %d", threads, rep), got, want)
				}
			}
		})
	}
}
