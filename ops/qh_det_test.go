package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// The DequantizeLinear table path must equal the reference formula
// float32((x - zp) * scale) for every value, per tensor and per axis.
func TestQhDequantizeFast(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, signed := range []bool{false, true} {
		for _, shape := range [][]int{{1}, {3}, {7}, {2, 17}, {1, 3, 5, 5}, {2, 65, 3}, {257}} {
			for _, perAxis := range []bool{false, true} {
				if perAxis && len(shape) < 2 {
					continue
				}
				n := tensor.Size(shape)
				nc := 1
				if perAxis {
					nc = shape[1]
				}
				sc := make([]float32, nc)
				zpv := make([]int64, nc)
				for i := range sc {
					sc[i] = rng.Float32()*0.3 + 1e-3
					zpv[i] = int64(rng.IntN(256))
					if signed {
						zpv[i] -= 128
					}
				}
				var x, zp *tensor.Tensor
				xv := make([]int64, n)
				if signed {
					d := make([]int8, n)
					for i := range d {
						d[i] = int8(rng.IntN(256) - 128)
						xv[i] = int64(d[i])
					}
					d[0] = -128
					xv[0] = -128
					x = tensor.Must(tensor.FromData(tensor.Int8, shape, d))
					z := make([]int8, nc)
					for i := range z {
						z[i] = int8(zpv[i])
					}
					zp = tensor.Must(tensor.FromData(tensor.Int8, []int{nc}, z))
				} else {
					d := make([]uint8, n)
					for i := range d {
						d[i] = uint8(rng.IntN(256))
						xv[i] = int64(d[i])
					}
					d[n-1] = 255
					xv[n-1] = 255
					x = tensor.Must(tensor.FromData(tensor.Uint8, shape, d))
					z := make([]uint8, nc)
					for i := range z {
						z[i] = uint8(zpv[i])
					}
					zp = tensor.Must(tensor.FromData(tensor.Uint8, []int{nc}, z))
				}
				s := tensor.Must(tensor.FromData(tensor.Float32, []int{nc}, sc))
				if !perAxis {
					s = tensor.Scalar(sc[0])
					zp = tensor.Must(zp.Reshape())
				}
				node := &ir.Node{Name: "dq", OpType: "DequantizeLinear", Inputs: []string{"x", "s", "z"}, Outputs: []string{"y"}}
				k, err := qsNewDequantize(node, 21)
				if err != nil {
					t.Fatal(err)
				}
				out, err := k.Run(&Context{Node: node, Opset: 21, Threads: 3}, []*tensor.Tensor{x, s, zp})
				if err != nil {
					t.Fatal(err)
				}
				got := out[0].Float32s()
				post := 1
				if perAxis {
					for _, d := range shape[2:] {
						post *= d
					}
				}
				for i, v := range xv {
					c := 0
					if perAxis {
						c = (i / post) % nc
					}
					want := float32((float64(v) - float64(zpv[c])) * float64(sc[c]))
					if math.Float32bits(got[i]) != math.Float32bits(want) {
						t.Fatalf("signed %v shape %v perAxis %v: y[%d] = %v, want %v", signed, shape, perAxis, i, got[i], want)
					}
				}
			}
		}
	}
}

// The nearest row path must equal a direct gather with asymmetric/floor
// coordinates (PP-OCR's upsampling) on odd shapes, up and down.
func TestQhResizeNearestRows(t *testing.T) {
	for _, c := range []struct {
		shape  []int
		scales []float32
	}{
		{[]int{1, 3, 5, 7}, []float32{1, 1, 2, 2}},
		{[]int{2, 3, 4, 5}, []float32{1, 1, 8, 3}},
		{[]int{1, 1, 17, 9}, []float32{1, 1, 0.5, 0.5}},
		{[]int{3, 7}, []float32{2, 1}},
		{[]int{65}, []float32{3}},
	} {
		n := tensor.Size(c.shape)
		xv := make([]uint8, n)
		for i := range xv {
			xv[i] = uint8(i*37 + 11)
		}
		x := tensor.Must(tensor.FromData(tensor.Uint8, c.shape, xv))
		attrs := map[string]any{"coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"}
		got, err := imRun("Resize", 13, attrs, x, nil, imF32([]int{len(c.scales)}, c.scales...))
		if err != nil {
			t.Fatal(err)
		}
		os := got.Shape()
		is := tensor.Strides(c.shape)
		idx := make([]int, len(os))
		gv := got.Data().([]uint8)
		for p := range gv {
			rem, off := p, 0
			for d := len(os) - 1; d >= 0; d-- {
				idx[d] = rem % os[d]
				rem /= os[d]
				src := int(math.Floor(float64(idx[d]) / float64(c.scales[d])))
				off += min(src, c.shape[d]-1) * is[d]
			}
			if gv[p] != xv[off] {
				t.Fatalf("shape %v scales %v: out[%d] = %d, want %d", c.shape, c.scales, p, gv[p], xv[off])
			}
		}
	}
}
