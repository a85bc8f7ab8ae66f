package ops

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// shA builds attributes for tests.
func shAI(name string, v int64) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrInt, I: v} }
func shAIs(name string, v ...int64) *ir.Attr {
	return &ir.Attr{Name: name, Type: ir.AttrInts, Ints: v}
}
func shAS(name, v string) *ir.Attr { return &ir.Attr{Name: name, Type: ir.AttrString, S: v} }

func shI64(v ...int64) *tensor.Tensor { return tensor.From([]int{len(v)}, v) }

// shRunOp builds and runs one node.
func shRunOp(op string, opset, nout int, attrs []*ir.Attr, in ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	n := &ir.Node{Name: "t", OpType: op, Attrs: attrs}
	for i := range in {
		n.Inputs = append(n.Inputs, fmt.Sprint("i", i))
	}
	for i := 0; i < nout; i++ {
		n.Outputs = append(n.Outputs, fmt.Sprint("o", i))
	}
	f, err := Lookup("", op, opset)
	if err != nil {
		return nil, err
	}
	k, err := f(n, opset)
	if err != nil {
		return nil, err
	}
	return k.Run(&Context{Node: n, Opset: opset, Threads: 2}, in)
}

type shCase struct {
	name  string
	op    string
	opset int
	attrs []*ir.Attr
	in    []*tensor.Tensor
	want  []*tensor.Tensor // nil with err set: expect error
	err   error
}

func shCheck(t *testing.T, cases []shCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.op+"/"+c.name, func(t *testing.T) {
			nout := len(c.want)
			if nout == 0 {
				nout = 1
			}
			got, err := shRunOp(c.op, c.opset, nout, c.attrs, c.in...)
			if c.err != nil {
				if err == nil {
					t.Fatalf("want error %v, got %v", c.err, got)
				}
				if !errors.Is(err, c.err) {
					t.Fatalf("error %v does not wrap %v", err, c.err)
				}
				if !strings.Contains(err.Error(), `"t"`) {
					t.Fatalf("error %q does not name the node", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) < len(c.want) {
				t.Fatalf("got %d outputs, want %d", len(got), len(c.want))
			}
			for i, w := range c.want {
				g := got[i]
				if g.DType() != w.DType() || !tensor.SameShape(g.Shape(), w.Shape()) ||
					(w.Len() > 0 && !reflect.DeepEqual(g.Data(), w.Data())) {
					t.Errorf("output %d: got %v %v, want %v %v", i, g, g.Shape(), w, w.Shape())
				}
			}
		})
	}
}

func TestShShapeOps(t *testing.T) {
	x234 := tensor.From([]int{2, 3, 4}, make([]float32, 24))
	seq := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(i)
		}
		return v
	}
	shCheck(t, []shCase{
		{name: "infer", op: "Reshape", opset: 13, in: []*tensor.Tensor{tensor.From([]int{2, 3}, seq(6)), shI64(3, -1)},
			want: []*tensor.Tensor{tensor.From([]int{3, 2}, seq(6))}},
		{name: "zero copies dim", op: "Reshape", opset: 13, in: []*tensor.Tensor{tensor.From([]int{2, 3}, seq(6)), shI64(0, 3)},
			want: []*tensor.Tensor{tensor.From([]int{2, 3}, seq(6))}},
		{name: "allowzero empty", op: "Reshape", opset: 14, attrs: []*ir.Attr{shAI("allowzero", 1)},
			in: []*tensor.Tensor{tensor.From([]int{0, 3}, []float32{}), shI64(3, 0)}, want: []*tensor.Tensor{tensor.From([]int{3, 0}, []float32{})}},
		{name: "allowzero mismatch", op: "Reshape", opset: 14, attrs: []*ir.Attr{shAI("allowzero", 1)},
			in: []*tensor.Tensor{tensor.From([]int{2, 3}, seq(6)), shI64(0, 3)}, err: tensor.ErrShape},
		{name: "two -1", op: "Reshape", opset: 13, in: []*tensor.Tensor{tensor.From([]int{2, 3}, seq(6)), shI64(-1, -1)}, err: tensor.ErrShape},
		{name: "attr form", op: "Reshape", opset: 1, attrs: []*ir.Attr{shAIs("shape", 6)},
			in:   []*tensor.Tensor{tensor.From([]int{2, 3}, []string{"a", "b", "c", "d", "e", "f"})},
			want: []*tensor.Tensor{tensor.From([]int{6}, []string{"a", "b", "c", "d", "e", "f"})}},
		{name: "start end", op: "Shape", opset: 15, attrs: []*ir.Attr{shAI("start", -2), shAI("end", 10)}, in: []*tensor.Tensor{x234},
			want: []*tensor.Tensor{shI64(3, 4)}},
		{name: "start>end", op: "Shape", opset: 15, attrs: []*ir.Attr{shAI("start", 2), shAI("end", 1)}, in: []*tensor.Tensor{x234},
			want: []*tensor.Tensor{shI64()}},
		{name: "scalar", op: "Size", opset: 13, in: []*tensor.Tensor{x234}, want: []*tensor.Tensor{tensor.Scalar(int64(24))}},
		{name: "axis0", op: "Flatten", opset: 13, attrs: []*ir.Attr{shAI("axis", 0)}, in: []*tensor.Tensor{x234},
			want: []*tensor.Tensor{tensor.From([]int{1, 24}, make([]float32, 24))}},
		{name: "axis-1", op: "Flatten", opset: 13, attrs: []*ir.Attr{shAI("axis", -1)}, in: []*tensor.Tensor{x234},
			want: []*tensor.Tensor{tensor.From([]int{6, 4}, make([]float32, 24))}},
		{name: "bad axis", op: "Flatten", opset: 13, attrs: []*ir.Attr{shAI("axis", 4)}, in: []*tensor.Tensor{x234}, err: tensor.ErrShape},
		{name: "all ones", op: "Squeeze", opset: 13, in: []*tensor.Tensor{tensor.From([]int{1, 2, 1}, []bool{true, false})},
			want: []*tensor.Tensor{tensor.From([]int{2}, []bool{true, false})}},
		{name: "attr axes", op: "Squeeze", opset: 11, attrs: []*ir.Attr{shAIs("axes", -1)}, in: []*tensor.Tensor{tensor.From([]int{1, 2, 1}, []bool{true, false})},
			want: []*tensor.Tensor{tensor.From([]int{1, 2}, []bool{true, false})}},
		{name: "not one", op: "Squeeze", opset: 13, in: []*tensor.Tensor{tensor.From([]int{1, 2, 1}, []bool{true, false}), shI64(1)}, err: tensor.ErrShape},
		{name: "input axes", op: "Unsqueeze", opset: 13, in: []*tensor.Tensor{tensor.From([]int{2}, []int8{1, 2}), shI64(-1, 0)},
			want: []*tensor.Tensor{tensor.From([]int{1, 2, 1}, []int8{1, 2})}},
		{name: "attr axes", op: "Unsqueeze", opset: 11, attrs: []*ir.Attr{shAIs("axes", 1)}, in: []*tensor.Tensor{tensor.From([]int{2}, []int8{1, 2})},
			want: []*tensor.Tensor{tensor.From([]int{2, 1}, []int8{1, 2})}},
		{name: "dup axes", op: "Unsqueeze", opset: 13, in: []*tensor.Tensor{tensor.From([]int{2}, []int8{1, 2}), shI64(0, 0)}, err: tensor.ErrShape},
		{name: "value_ints", op: "Constant", opset: 13, attrs: []*ir.Attr{{Name: "value_ints", Type: ir.AttrInts, Ints: []int64{4, 5}}},
			want: []*tensor.Tensor{shI64(4, 5)}},
		{name: "value_float", op: "Constant", opset: 13, attrs: []*ir.Attr{{Name: "value_float", Type: ir.AttrFloat, F: 2.5}},
			want: []*tensor.Tensor{tensor.Scalar(float32(2.5))}},
		{name: "value_strings", op: "Constant", opset: 13, attrs: []*ir.Attr{{Name: "value_strings", Type: ir.AttrStrings, Strings: []string{"x"}}},
			want: []*tensor.Tensor{tensor.From([]int{1}, []string{"x"})}},
		{name: "sparse", op: "Constant", opset: 13, attrs: []*ir.Attr{{Name: "sparse_value", Type: ir.AttrSparseTensor, T: shI64(0, 7, 0)}},
			want: []*tensor.Tensor{shI64(0, 7, 0)}},
		{name: "two values", op: "Constant", opset: 13, attrs: []*ir.Attr{{Name: "value_int", Type: ir.AttrInt, I: 1}, {Name: "value_float", Type: ir.AttrFloat}},
			err: ir.ErrInvalidModel},
		{name: "int value", op: "ConstantOfShape", opset: 9, attrs: []*ir.Attr{{Name: "value", Type: ir.AttrTensor, T: tensor.From([]int{1}, []int32{7})}},
			in: []*tensor.Tensor{shI64(2, 1)}, want: []*tensor.Tensor{tensor.From([]int{2, 1}, []int32{7, 7})}},
		{name: "default", op: "ConstantOfShape", opset: 9, in: []*tensor.Tensor{shI64(0)}, want: []*tensor.Tensor{tensor.From([]int{0}, []float32{})}},
		{name: "hostile", op: "ConstantOfShape", opset: 9, in: []*tensor.Tensor{shI64(1<<30, 1<<30, 1<<30)}, err: tensor.ErrLimit},
		{name: "negative dim", op: "ConstantOfShape", opset: 9, in: []*tensor.Tensor{shI64(-1)}, err: tensor.ErrShape},
		{name: "int", op: "Range", opset: 11, in: []*tensor.Tensor{tensor.Scalar(int32(10)), tensor.Scalar(int32(4)), tensor.Scalar(int32(-3))},
			want: []*tensor.Tensor{tensor.From([]int{2}, []int32{10, 7})}},
		{name: "float", op: "Range", opset: 11, in: []*tensor.Tensor{tensor.Scalar(float32(1)), tensor.Scalar(float32(2)), tensor.Scalar(float32(0.25))},
			want: []*tensor.Tensor{tensor.From([]int{4}, []float32{1, 1.25, 1.5, 1.75})}},
		{name: "empty", op: "Range", opset: 11, in: []*tensor.Tensor{tensor.Scalar(int64(5)), tensor.Scalar(int64(1)), tensor.Scalar(int64(1))},
			want: []*tensor.Tensor{tensor.From([]int{0}, []int64{})}},
		{name: "hostile", op: "Range", opset: 11, in: []*tensor.Tensor{tensor.Scalar(int64(0)), tensor.Scalar(int64(math.MaxInt64)), tensor.Scalar(int64(1))},
			err: tensor.ErrLimit},
		{name: "zero delta", op: "Range", opset: 11, in: []*tensor.Tensor{tensor.Scalar(int64(0)), tensor.Scalar(int64(3)), tensor.Scalar(int64(0))},
			err: tensor.ErrShape},
		{name: "k dtype", op: "EyeLike", opset: 9, attrs: []*ir.Attr{shAI("k", 1), shAI("dtype", int64(tensor.Bool))},
			in:   []*tensor.Tensor{tensor.From([]int{2, 3}, make([]float32, 6))},
			want: []*tensor.Tensor{tensor.From([]int{2, 3}, []bool{false, true, false, false, false, true})}},
		{name: "neg k", op: "EyeLike", opset: 9, attrs: []*ir.Attr{shAI("k", -1)},
			in:   []*tensor.Tensor{tensor.From([]int{3, 2}, make([]int64, 6))},
			want: []*tensor.Tensor{tensor.From([]int{3, 2}, []int64{0, 0, 1, 0, 0, 1})}},
	})
}

func TestShMovementOps(t *testing.T) {
	x23 := tensor.From([]int{2, 3}, []int32{1, 2, 3, 4, 5, 6})
	s23 := tensor.From([]int{2, 3}, []string{"a", "b", "c", "d", "e", "f"})
	f5 := tensor.From([]int{5}, []float64{0, 1, 2, 3, 4})
	shCheck(t, []shCase{
		{name: "default perm", op: "Transpose", opset: 13, in: []*tensor.Tensor{s23},
			want: []*tensor.Tensor{tensor.From([]int{3, 2}, []string{"a", "d", "b", "e", "c", "f"})}},
		{name: "3d", op: "Transpose", opset: 13, attrs: []*ir.Attr{shAIs("perm", 1, 2, 0)},
			in:   []*tensor.Tensor{tensor.From([]int{2, 1, 2}, []uint16{1, 2, 3, 4})},
			want: []*tensor.Tensor{tensor.From([]int{1, 2, 2}, []uint16{1, 3, 2, 4})}},
		{name: "bad perm", op: "Transpose", opset: 13, attrs: []*ir.Attr{shAIs("perm", 0, 0)}, in: []*tensor.Tensor{x23}, err: tensor.ErrShape},
		{name: "axis -1 with empty", op: "Concat", opset: 13, attrs: []*ir.Attr{shAI("axis", -1)},
			in:   []*tensor.Tensor{x23, tensor.From([]int{2, 0}, []int32{}), tensor.From([]int{2, 1}, []int32{7, 8})},
			want: []*tensor.Tensor{tensor.From([]int{2, 4}, []int32{1, 2, 3, 7, 4, 5, 6, 8})}},
		{name: "mismatch", op: "Concat", opset: 13, attrs: []*ir.Attr{shAI("axis", 0)},
			in: []*tensor.Tensor{x23, tensor.From([]int{1, 2}, []int32{7, 8})}, err: tensor.ErrShape},
		{name: "num_outputs uneven", op: "Split", opset: 18, attrs: []*ir.Attr{shAI("num_outputs", 2)}, in: []*tensor.Tensor{f5},
			want: []*tensor.Tensor{tensor.From([]int{3}, []float64{0, 1, 2}), tensor.From([]int{2}, []float64{3, 4})}},
		{name: "split input", op: "Split", opset: 13, attrs: []*ir.Attr{shAI("axis", 1)}, in: []*tensor.Tensor{s23, shI64(1, 2)},
			want: []*tensor.Tensor{tensor.From([]int{2, 1}, []string{"a", "d"}), tensor.From([]int{2, 2}, []string{"b", "c", "e", "f"})}},
		{name: "split attr", op: "Split", opset: 11, attrs: []*ir.Attr{shAIs("split", 4, 1)}, in: []*tensor.Tensor{f5},
			want: []*tensor.Tensor{tensor.From([]int{4}, []float64{0, 1, 2, 3}), tensor.From([]int{1}, []float64{4})}},
		{name: "bad sum", op: "Split", opset: 13, in: []*tensor.Tensor{f5, shI64(1, 1)}, err: tensor.ErrShape},
		{name: "neg step sentinels", op: "Slice", opset: 13,
			in:   []*tensor.Tensor{f5, shI64(math.MaxInt64), shI64(math.MinInt64), shI64(0), shI64(-2)},
			want: []*tensor.Tensor{tensor.From([]int{3}, []float64{4, 2, 0})}},
		{name: "clamp", op: "Slice", opset: 13, in: []*tensor.Tensor{x23, shI64(-100, 1), shI64(100, 1000), shI64(0, -1)},
			want: []*tensor.Tensor{tensor.From([]int{2, 2}, []int32{2, 3, 5, 6})}},
		{name: "attrs", op: "Slice", opset: 9, attrs: []*ir.Attr{shAIs("starts", 1), shAIs("ends", 3), shAIs("axes", 1)}, in: []*tensor.Tensor{x23},
			want: []*tensor.Tensor{tensor.From([]int{2, 2}, []int32{2, 3, 5, 6})}},
		{name: "empty", op: "Slice", opset: 13, in: []*tensor.Tensor{f5, shI64(3), shI64(1)},
			want: []*tensor.Tensor{tensor.From([]int{0}, []float64{})}},
		{name: "huge step", op: "Slice", opset: 13, in: []*tensor.Tensor{f5, shI64(1), shI64(5), shI64(0), shI64(math.MaxInt64)},
			want: []*tensor.Tensor{tensor.From([]int{1}, []float64{1})}},
		{name: "zero step", op: "Slice", opset: 13, in: []*tensor.Tensor{f5, shI64(0), shI64(5), shI64(0), shI64(0)}, err: tensor.ErrShape},
		{name: "bidirectional", op: "Expand", opset: 13, in: []*tensor.Tensor{tensor.From([]int{2, 1}, []bool{true, false}), shI64(1, 3)},
			want: []*tensor.Tensor{tensor.From([]int{2, 3}, []bool{true, true, true, false, false, false})}},
		{name: "hostile", op: "Expand", opset: 13, in: []*tensor.Tensor{tensor.Scalar(float32(1)), shI64(1<<40, 1<<40)}, err: tensor.ErrLimit},
		{name: "bad bcast", op: "Expand", opset: 13, in: []*tensor.Tensor{x23, shI64(4)}, err: tensor.ErrShape},
		{name: "2d", op: "Tile", opset: 13, in: []*tensor.Tensor{tensor.From([]int{1, 2}, []string{"a", "b"}), shI64(2, 2)},
			want: []*tensor.Tensor{tensor.From([]int{2, 4}, []string{"a", "b", "a", "b", "a", "b", "a", "b"})}},
		{name: "hostile", op: "Tile", opset: 13, in: []*tensor.Tensor{x23, shI64(1<<39, 1<<39)}, err: tensor.ErrLimit},
		{name: "negative", op: "Tile", opset: 13, in: []*tensor.Tensor{x23, shI64(-1, 1)}, err: tensor.ErrShape},
		{name: "constant value", op: "Pad", opset: 13, in: []*tensor.Tensor{tensor.From([]int{2}, []int32{1, 2}), shI64(1, 2), tensor.Scalar(int32(9))},
			want: []*tensor.Tensor{tensor.From([]int{5}, []int32{9, 1, 2, 9, 9})}},
	})
	shCheck(t, []shCase{
		{name: "reflect", op: "Pad", opset: 13, attrs: []*ir.Attr{shAS("mode", "reflect")}, in: []*tensor.Tensor{tensor.From([]int{3}, []int8{1, 2, 3}), shI64(2, 3)},
			want: []*tensor.Tensor{tensor.From([]int{8}, []int8{3, 2, 1, 2, 3, 2, 1, 2})}},
		{name: "edge", op: "Pad", opset: 13, attrs: []*ir.Attr{shAS("mode", "edge")}, in: []*tensor.Tensor{tensor.From([]int{3}, []int8{1, 2, 3}), shI64(2, 1)},
			want: []*tensor.Tensor{tensor.From([]int{6}, []int8{1, 1, 1, 2, 3, 3})}},
		{name: "wrap axes", op: "Pad", opset: 19, attrs: []*ir.Attr{shAS("mode", "wrap")},
			in:   []*tensor.Tensor{x23, shI64(1, 2), nil, shI64(-1)},
			want: []*tensor.Tensor{tensor.From([]int{2, 6}, []int32{3, 1, 2, 3, 1, 2, 6, 4, 5, 6, 4, 5})}},
		{name: "wrap old opset", op: "Pad", opset: 18, attrs: []*ir.Attr{shAS("mode", "wrap")}, in: []*tensor.Tensor{x23, shI64(0, 0, 0, 0)}, err: ErrUnsupported},
		{name: "negative crops", op: "Pad", opset: 13, in: []*tensor.Tensor{x23, shI64(0, -1, 0, 1)},
			want: []*tensor.Tensor{tensor.From([]int{2, 3}, []int32{2, 3, 0, 5, 6, 0})}},
		{name: "attr pads", op: "Pad", opset: 2, attrs: []*ir.Attr{shAIs("pads", 0, 1, 0, 0), {Name: "value", Type: ir.AttrFloat, F: 1.5}},
			in: []*tensor.Tensor{tensor.From([]int{1, 1}, []float32{7})}, want: []*tensor.Tensor{tensor.From([]int{1, 2}, []float32{1.5, 7})}},
		{name: "hostile", op: "Pad", opset: 13, in: []*tensor.Tensor{x23, shI64(0, 1<<40, 0, 1<<40)}, err: tensor.ErrLimit},
		{name: "bad pads len", op: "Pad", opset: 13, in: []*tensor.Tensor{x23, shI64(1)}, err: tensor.ErrShape},
		{name: "crop and pad", op: "CenterCropPad", opset: 18, in: []*tensor.Tensor{tensor.From([]int{2, 5}, []int32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), shI64(3, 2)},
			want: []*tensor.Tensor{tensor.From([]int{3, 2}, []int32{2, 3, 7, 8, 0, 0})}},
		{name: "axes", op: "CenterCropPad", opset: 18, attrs: []*ir.Attr{shAIs("axes", -1)}, in: []*tensor.Tensor{x23, shI64(1)},
			want: []*tensor.Tensor{tensor.From([]int{2, 1}, []int32{2, 5})}},
		{name: "DCR", op: "DepthToSpace", opset: 13, attrs: []*ir.Attr{shAI("blocksize", 2)},
			in:   []*tensor.Tensor{tensor.From([]int{1, 4, 1, 1}, []uint8{1, 2, 3, 4})},
			want: []*tensor.Tensor{tensor.From([]int{1, 1, 2, 2}, []uint8{1, 2, 3, 4})}},
		{name: "CRD", op: "DepthToSpace", opset: 13, attrs: []*ir.Attr{shAI("blocksize", 2), shAS("mode", "CRD")},
			in:   []*tensor.Tensor{tensor.From([]int{1, 8, 1, 1}, []uint8{1, 2, 3, 4, 5, 6, 7, 8})},
			want: []*tensor.Tensor{tensor.From([]int{1, 2, 2, 2}, []uint8{1, 2, 3, 4, 5, 6, 7, 8})}},
		{name: "bad channels", op: "DepthToSpace", opset: 13, attrs: []*ir.Attr{shAI("blocksize", 2)},
			in: []*tensor.Tensor{tensor.From([]int{1, 3, 1, 1}, []uint8{1, 2, 3})}, err: tensor.ErrShape},
		{name: "basic", op: "SpaceToDepth", opset: 13, attrs: []*ir.Attr{shAI("blocksize", 2)},
			in:   []*tensor.Tensor{tensor.From([]int{1, 1, 2, 2}, []uint8{1, 2, 3, 4})},
			want: []*tensor.Tensor{tensor.From([]int{1, 4, 1, 1}, []uint8{1, 2, 3, 4})}},
		{name: "lower k", op: "Trilu", opset: 14, attrs: []*ir.Attr{shAI("upper", 0)}, in: []*tensor.Tensor{x23, tensor.Scalar(int64(1))},
			want: []*tensor.Tensor{tensor.From([]int{2, 3}, []int32{1, 2, 0, 4, 5, 6})}},
		{name: "upper strings", op: "Trilu", opset: 14, in: []*tensor.Tensor{s23},
			want: []*tensor.Tensor{tensor.From([]int{2, 3}, []string{"a", "b", "c", "", "e", "f"})}},
		{name: "batch1", op: "ReverseSequence", opset: 10, in: []*tensor.Tensor{tensor.From([]int{3, 2}, []int32{1, 2, 3, 4, 5, 6}), shI64(3, 2)},
			want: []*tensor.Tensor{tensor.From([]int{3, 2}, []int32{5, 4, 3, 2, 1, 6})}},
		{name: "bad len", op: "ReverseSequence", opset: 10, in: []*tensor.Tensor{tensor.From([]int{3, 2}, []int32{1, 2, 3, 4, 5, 6}), shI64(4, 2)},
			err: tensor.ErrShape},
	})
}

func TestShGatherScatterOps(t *testing.T) {
	x23 := tensor.From([]int{2, 3}, []int32{1, 2, 3, 4, 5, 6})
	s23 := tensor.From([]int{2, 3}, []string{"a", "b", "c", "d", "e", "f"})
	shCheck(t, []shCase{
		{name: "neg idx axis1", op: "Gather", opset: 13, attrs: []*ir.Attr{shAI("axis", 1)}, in: []*tensor.Tensor{s23, tensor.From([]int{2}, []int32{-1, 0})},
			want: []*tensor.Tensor{tensor.From([]int{2, 2}, []string{"c", "a", "f", "d"})}},
		{name: "rows scalar idx", op: "Gather", opset: 13, in: []*tensor.Tensor{x23, tensor.Scalar(int64(1))},
			want: []*tensor.Tensor{tensor.From([]int{3}, []int32{4, 5, 6})}},
		{name: "oob", op: "Gather", opset: 13, in: []*tensor.Tensor{x23, shI64(2)}, err: tensor.ErrShape},
		{name: "axis1", op: "GatherElements", opset: 13, attrs: []*ir.Attr{shAI("axis", 1)},
			in:   []*tensor.Tensor{x23, tensor.From([]int{2, 2}, []int64{2, -3, 1, 1})},
			want: []*tensor.Tensor{tensor.From([]int{2, 2}, []int32{3, 1, 5, 5})}},
		{name: "oob", op: "GatherElements", opset: 13, in: []*tensor.Tensor{x23, tensor.From([]int{1, 1}, []int64{-3})}, err: tensor.ErrShape},
		{name: "batch_dims", op: "GatherND", opset: 13, attrs: []*ir.Attr{shAI("batch_dims", 1)},
			in:   []*tensor.Tensor{x23, tensor.From([]int{2, 1}, []int64{2, -3})},
			want: []*tensor.Tensor{tensor.From([]int{2}, []int32{3, 4})}},
		{name: "slices", op: "GatherND", opset: 13, in: []*tensor.Tensor{s23, tensor.From([]int{1, 1}, []int64{1})},
			want: []*tensor.Tensor{tensor.From([]int{1, 3}, []string{"d", "e", "f"})}},
		{name: "oob", op: "GatherND", opset: 13, in: []*tensor.Tensor{s23, tensor.From([]int{1, 2}, []int64{0, 3})}, err: tensor.ErrShape},
		{name: "max", op: "ScatterElements", opset: 18, attrs: []*ir.Attr{shAI("axis", 1), shAS("reduction", "max")},
			in:   []*tensor.Tensor{x23, tensor.From([]int{1, 2}, []int64{0, 0}), tensor.From([]int{1, 2}, []int32{0, 9})},
			want: []*tensor.Tensor{tensor.From([]int{2, 3}, []int32{9, 2, 3, 4, 5, 6})}},
		{name: "min f16", op: "ScatterElements", opset: 18, attrs: []*ir.Attr{shAS("reduction", "min")},
			in: []*tensor.Tensor{tensor.Must(tensor.FromFloat32(tensor.Float16, []int{2}, []float32{1, 2})), shI64(1),
				tensor.Must(tensor.FromFloat32(tensor.Float16, []int{1}, []float32{-0.5}))},
			want: []*tensor.Tensor{tensor.Must(tensor.FromFloat32(tensor.Float16, []int{2}, []float32{1, -0.5}))}},
	})
	shCheck(t, []shCase{
		{name: "none strings", op: "ScatterElements", opset: 13,
			in:   []*tensor.Tensor{s23, tensor.From([]int{1, 2}, []int64{1, 0}), tensor.From([]int{1, 2}, []string{"x", "y"})},
			want: []*tensor.Tensor{tensor.From([]int{2, 3}, []string{"a", "y", "c", "x", "e", "f"})}},
		{name: "max at 16", op: "ScatterElements", opset: 16, attrs: []*ir.Attr{shAS("reduction", "max")},
			in: []*tensor.Tensor{x23, tensor.From([]int{1, 1}, []int64{0}), tensor.From([]int{1, 1}, []int32{0})}, err: ErrUnsupported},
		{name: "oob", op: "Scatter", opset: 9,
			in: []*tensor.Tensor{x23, tensor.From([]int{1, 1}, []int64{5}), tensor.From([]int{1, 1}, []int32{0})}, err: tensor.ErrShape},
		{name: "mul slices", op: "ScatterND", opset: 16, attrs: []*ir.Attr{shAS("reduction", "mul")},
			in:   []*tensor.Tensor{x23, tensor.From([]int{2, 1}, []int64{-1, 1}), tensor.From([]int{2, 3}, []int32{2, 2, 2, 3, 3, 3})},
			want: []*tensor.Tensor{tensor.From([]int{2, 3}, []int32{1, 2, 3, 24, 30, 36})}},
		{name: "bad updates", op: "ScatterND", opset: 16,
			in: []*tensor.Tensor{x23, tensor.From([]int{1, 1}, []int64{0}), tensor.From([]int{2}, []int32{2, 2})}, err: tensor.ErrShape},
		{name: "2d", op: "NonZero", opset: 13, in: []*tensor.Tensor{tensor.From([]int{2, 2}, []float32{0, float32(math.Copysign(0, -1)), 3, float32(math.NaN())})},
			want: []*tensor.Tensor{tensor.From([]int{2, 2}, []int64{1, 1, 0, 1})}},
		{name: "axis", op: "Compress", opset: 11, attrs: []*ir.Attr{shAI("axis", -1)}, in: []*tensor.Tensor{s23, tensor.From([]int{2}, []bool{false, true})},
			want: []*tensor.Tensor{tensor.From([]int{2, 1}, []string{"b", "e"})}},
		{name: "flat", op: "Compress", opset: 11, in: []*tensor.Tensor{x23, tensor.From([]int{4}, []bool{true, false, false, true})},
			want: []*tensor.Tensor{tensor.From([]int{2}, []int32{1, 4})}},
		{name: "axis0 neg idx", op: "OneHot", opset: 11, attrs: []*ir.Attr{shAI("axis", 0)},
			in:   []*tensor.Tensor{tensor.From([]int{2}, []float32{-1, 5}), tensor.Scalar(int64(3)), tensor.From([]int{2}, []string{"n", "y"})},
			want: []*tensor.Tensor{tensor.From([]int{3, 2}, []string{"n", "n", "n", "n", "y", "n"})}},
		{name: "hostile depth", op: "OneHot", opset: 11,
			in: []*tensor.Tensor{tensor.From([]int{1 << 20}, make([]int64, 1<<20)), tensor.Scalar(int64(1 << 30)), tensor.From([]int{2}, []float32{0, 1})}, err: tensor.ErrLimit},
		{name: "ties smaller index", op: "TopK", opset: 11, in: []*tensor.Tensor{tensor.From([]int{5}, []int32{3, 1, 3, 2, 3}), shI64(2)},
			want: []*tensor.Tensor{tensor.From([]int{2}, []int32{3, 3}), shI64(0, 2)}},
		{name: "smallest axis0", op: "TopK", opset: 11, attrs: []*ir.Attr{shAI("largest", 0), shAI("axis", 0)},
			in:   []*tensor.Tensor{tensor.From([]int{3, 2}, []float64{5, 1, 4, 1, 6, 0}), shI64(2)},
			want: []*tensor.Tensor{tensor.From([]int{2, 2}, []float64{4, 0, 5, 1}), tensor.From([]int{2, 2}, []int64{1, 2, 0, 0})}},
		{name: "k attr", op: "TopK", opset: 1, attrs: []*ir.Attr{shAI("k", 1)}, in: []*tensor.Tensor{tensor.From([]int{3}, []float32{1, 3, 2})},
			want: []*tensor.Tensor{tensor.From([]int{1}, []float32{3}), shI64(1)}},
		{name: "k too big", op: "TopK", opset: 11, in: []*tensor.Tensor{tensor.From([]int{3}, []float32{1, 3, 2}), shI64(4)}, err: tensor.ErrShape},
		{name: "unsorted", op: "Unique", opset: 11, attrs: []*ir.Attr{shAI("sorted", 0)},
			in:   []*tensor.Tensor{tensor.From([]int{6}, []string{"b", "a", "b", "c", "a", "b"})},
			want: []*tensor.Tensor{tensor.From([]int{3}, []string{"b", "a", "c"}), shI64(0, 1, 3), shI64(0, 1, 0, 2, 1, 0), shI64(3, 2, 1)}},
		{name: "sorted axis", op: "Unique", opset: 11, attrs: []*ir.Attr{shAI("axis", 0)},
			in:   []*tensor.Tensor{tensor.From([]int{3, 2}, []int32{2, 1, 1, 5, 2, 1})},
			want: []*tensor.Tensor{tensor.From([]int{2, 2}, []int32{1, 5, 2, 1}), shI64(1, 0), shI64(1, 0, 1), shI64(1, 2)}},
		{name: "exclusive reverse", op: "CumSum", opset: 14, attrs: []*ir.Attr{shAI("exclusive", 1), shAI("reverse", 1)},
			in:   []*tensor.Tensor{tensor.From([]int{2, 3}, []float32{1, 2, 3, 4, 5, 6}), tensor.Scalar(int32(-1))},
			want: []*tensor.Tensor{tensor.From([]int{2, 3}, []float32{5, 3, 0, 11, 6, 0})}},
		{name: "axis0 int", op: "CumSum", opset: 14, in: []*tensor.Tensor{x23, tensor.Scalar(int64(0))},
			want: []*tensor.Tensor{tensor.From([]int{2, 3}, []int32{1, 2, 3, 5, 7, 9})}},
		{name: "strings", op: "CumSum", opset: 14, in: []*tensor.Tensor{s23, tensor.Scalar(int64(0))}, err: ErrUnsupported},
	})
}

func TestShHostileNoPanic(t *testing.T) {
	shCheck(t, []shCase{
		{name: "empty huge dim", op: "Pad", opset: 13, in: []*tensor.Tensor{tensor.From([]int{0, 3}, []float32{}), shI64(0, 1<<39, 0, 0)},
			want: []*tensor.Tensor{tensor.From([]int{0, 1<<39 + 3}, []float32{})}},
		{name: "huge num_outputs", op: "Split", opset: 18, attrs: []*ir.Attr{shAI("num_outputs", 1<<50)},
			in: []*tensor.Tensor{tensor.From([]int{2}, []float32{1, 2})}, err: ir.ErrInvalidModel},
		{name: "overflowing split", op: "Split", opset: 13,
			in: []*tensor.Tensor{tensor.From([]int{2}, []float32{1, 2}), shI64(math.MaxInt64, math.MaxInt64, 4)}, err: tensor.ErrShape},
	})
	// Every op on a pool of odd inputs: errors are fine, panics are not.
	pool := []*tensor.Tensor{
		nil,
		tensor.Scalar(int64(-1)),
		tensor.Scalar(float32(2)),
		shI64(),
		shI64(1, -7),
		shI64(1 << 41),
		tensor.From([]int{2, 0}, []int64{}),
		tensor.From([]int{2, 3}, []float32{1, 0, 3, 4, 5, 6}),
		tensor.From([]int{1, 2, 2, 2}, []string{"a", "b", "c", "d", "e", "f", "g", "h"}),
		tensor.From([]int{3}, []bool{true, false, true}),
		tensor.From([]int{2, 1}, []int32{5, -9}),
	}
	ops := []string{"Reshape", "Shape", "Size", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Split",
		"Slice", "Gather", "GatherElements", "GatherND", "Scatter", "ScatterElements", "ScatterND", "Expand", "Tile",
		"Pad", "ConstantOfShape", "Range", "OneHot", "NonZero", "Compress", "DepthToSpace", "SpaceToDepth", "Trilu",
		"CumSum", "ReverseSequence", "EyeLike", "TopK", "Unique", "CenterCropPad"}
	attrSets := [][]*ir.Attr{nil, {shAI("axis", -1), shAI("blocksize", 2), shAI("batch_dims", 1), shAIs("axes", 0)},
		{shAI("axis", 1), shAS("mode", "reflect"), shAS("reduction", "add"), shAI("k", 3)}}
	for _, op := range ops {
		for _, opset := range []int{9, 13, 18} {
			for ai, attrs := range attrSets {
				for _, a := range pool {
					for _, b := range pool {
						for _, c := range pool {
							in := []*tensor.Tensor{a, b, c}
							func() {
								defer func() {
									if r := recover(); r != nil {
										t.Errorf("%s opset %d attrs %d inputs %v %v %v: panic %v", op, opset, ai, a, b, c, r)
									}
								}()
								shRunOp(op, opset, 2, attrs, in...)
							}()
						}
					}
				}
			}
		}
	}
}

// TestShTransposeParallel checks a multi-threaded strided copy against a
// naive index computation on odd sizes.
func TestShTransposeParallel(t *testing.T) {
	for _, shape := range [][]int{{37, 129, 65}, {1, 1, 70001}, {70001, 1, 1}, {3, 5, 7}} {
		n := shape[0] * shape[1] * shape[2]
		v := make([]int64, n)
		for i := range v {
			v[i] = int64(i)
		}
		x := tensor.From(shape, v)
		for _, perm := range [][]int64{{2, 0, 1}, {1, 2, 0}, {0, 2, 1}, {0, 1, 2}} {
			node := &ir.Node{Name: "t", OpType: "Transpose", Attrs: []*ir.Attr{shAIs("perm", perm...)}}
			k, err := shTransposeFactory(node, 13)
			if err != nil {
				t.Fatal(err)
			}
			out, err := k.Run(&Context{Node: node, Opset: 13, Threads: 4}, []*tensor.Tensor{x})
			if err != nil {
				t.Fatal(err)
			}
			y := out[0].Int64s()
			os := out[0].Shape()
			xs := tensor.Strides(shape)
			pos := 0
			for a := 0; a < os[0]; a++ {
				for b := 0; b < os[1]; b++ {
					for c := 0; c < os[2]; c++ {
						co := [3]int{a, b, c}
						src := 0
						for i, p := range perm {
							src += co[i] * xs[p]
						}
						if y[pos] != int64(src) {
							t.Fatalf("shape %v perm %v at %v: got %d want %d", shape, perm, co, y[pos], src)
						}
						pos++
					}
				}
			}
		}
	}
}

func BenchmarkShTranspose(b *testing.B) {
	x := tensor.From([]int{64, 256, 256}, make([]float32, 64*256*256))
	node := &ir.Node{Name: "t", OpType: "Transpose", Attrs: []*ir.Attr{shAIs("perm", 0, 2, 1)}}
	k, _ := shTransposeFactory(node, 13)
	ctx := &Context{Node: node, Opset: 13, Threads: 1}
	b.SetBytes(int64(x.Len() * 4))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		k.Run(ctx, []*tensor.Tensor{x})
	}
}
