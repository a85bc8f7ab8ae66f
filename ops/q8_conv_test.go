package ops

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/qinfer/qinfer/tensor"
)

// TestQ8ConvThreads checks layers big enough to split their panels and
// phase planes over several goroutines against the reference, for the
// fused (symmetric int8 weights) and the general kernels.
func TestQ8ConvThreads(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	for _, c := range []qwConvCase{
		{n: 2, cin: 48, cout: 40, group: 1, in: []int{30, 29}, kern: []int{3, 3}, stride: 1, pad: 1, dil: 1},
		{n: 1, cin: 32, cout: 72, group: 1, in: []int{33, 35}, kern: []int{3, 3}, stride: 2, pad: 1, dil: 1},
		{n: 1, cin: 24, cout: 144, group: 1, in: []int{40, 41}, kern: []int{1, 1}, stride: 1, pad: 0, dil: 1},
		{n: 1, cin: 64, cout: 34, group: 2, in: []int{28, 28}, kern: []int{3, 3}, stride: 1, pad: 1, dil: 1},
		{n: 1, cin: 3, cout: 16, group: 1, in: []int{64, 66}, kern: []int{7, 7}, stride: 2, pad: 3, dil: 1},
	} {
		for _, sym := range []bool{true, false} {
			c.xdt, c.wdt, c.ydt, c.xzp, c.yzp, c.perChan, c.bias, c.multHi = tensor.Uint8, tensor.Int8, tensor.Uint8, 117, 128, true, true, 0.003
			t.Run(fmt.Sprintf("%v/sym=%v", c, sym), func(t *testing.T) {
				in := qwConvInputs(r, c)
				if sym {
					in[5] = qwZP(tensor.Int8, []int{c.cout}, 128)
				}
				fast, n := qwKernel(t, "", "QLinearConv", 10, c.attrs())
				ref, _ := qwKernel(t, "", "QLinearConv", 10, c.attrs())
				ref.(*qsConv).qwRef = true
				want, err := qwRun(ref, n, 1, in...)
				if err != nil {
					t.Fatal(err)
				}
				for _, th := range []int{1, 2, 3} {
					got, err := qwRun(fast, n, th, in...)
					if err != nil {
						t.Fatal(err)
					}
					qwSame(t, fmt.Sprint("threads ", th), got, want)
				}
			})
		}
	}
}
