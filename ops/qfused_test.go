package ops

import (
	"errors"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func qfTable(dt tensor.DType, f func(i int) int) *tensor.Tensor {
	t := tensor.Zeros(dt, 256)
	switch d := t.Data().(type) {
	case []uint8:
		for i := range d {
			d[i] = uint8(f(i))
		}
	case []int8:
		for i := range d {
			d[i] = int8(f(i))
		}
	}
	return t
}

func qfRunLookup(table *tensor.Tensor, x *tensor.Tensor) (*tensor.Tensor, error) {
	n := &ir.Node{Name: "lut", OpType: "QLookup", Domain: "qinfer", Inputs: []string{"x"}, Outputs: []string{"y"}}
	if table != nil {
		n.Attrs = []*ir.Attr{{Name: "table", Type: ir.AttrTensor, T: table}}
	}
	k, err := qfNewLookup(n, 1)
	if err != nil {
		return nil, err
	}
	out, err := k.Run(&Context{Node: n, Threads: 2}, []*tensor.Tensor{x})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

func TestQLookup(t *testing.T) {
	u8, _ := tensor.FromData(tensor.Uint8, []int{2, 3}, []uint8{0, 1, 127, 128, 254, 255})
	i8, _ := tensor.FromData(tensor.Int8, []int{5}, []int8{-128, -1, 0, 1, 127})
	empty := tensor.Zeros(tensor.Uint8, 0, 3)
	for _, tc := range []struct {
		name  string
		table *tensor.Tensor
		x     *tensor.Tensor
		want  []int64
	}{
		// relu with zero point 128 on uint8: max(x, 128)
		{"u8 relu", qfTable(tensor.Uint8, func(i int) int { return max(i, 128) }), u8, []int64{128, 128, 128, 128, 254, 255}},
		// int8 input indexes by bit pattern: -1 is entry 255
		{"i8 negate", qfTable(tensor.Int8, func(i int) int { return -int(int8(uint8(i))) / 2 }), i8, []int64{64, 0, 0, 0, -63}},
		// u8 → i8 requantize by subtracting 128
		{"u8 to i8", qfTable(tensor.Int8, func(i int) int { return i - 128 }), u8, []int64{-128, -127, -1, 0, 126, 127}},
		{"empty", qfTable(tensor.Uint8, func(i int) int { return i }), empty, nil},
	} {
		y, err := qfRunLookup(tc.table, tc.x)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if y.DType() != tc.table.DType() || !tensor.SameShape(y.Shape(), tc.x.Shape()) {
			t.Fatalf("%s: got %v%v", tc.name, y.DType(), y.Shape())
		}
		for i, w := range tc.want {
			if y.Int64At(i) != w {
				t.Errorf("%s: y[%d] = %d, want %d", tc.name, i, y.Int64At(i), w)
			}
		}
	}
}

func TestQLookupErrors(t *testing.T) {
	u8 := tensor.Zeros(tensor.Uint8, 4)
	good := qfTable(tensor.Uint8, func(i int) int { return i })
	for _, tc := range []struct {
		name  string
		table *tensor.Tensor
		x     *tensor.Tensor
		want  error
	}{
		{"no table", nil, u8, ir.ErrInvalidModel},
		{"short table", tensor.Zeros(tensor.Uint8, 255), u8, tensor.ErrShape},
		{"float table", tensor.Zeros(tensor.Float32, 256), u8, tensor.ErrDType},
		{"float input", good, tensor.Zeros(tensor.Float32, 3), tensor.ErrDType},
		{"uint4 input", good, tensor.Zeros(tensor.Uint4, 3), tensor.ErrDType},
	} {
		_, err := qfRunLookup(tc.table, tc.x)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
	}
}
