package ops

import (
	"errors"
	"fmt"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// qsRunV runs a kernel through RunValues.
func qsRunV(op string, opset int, attrs map[string]any, in ...Value) ([]Value, error) {
	n := qsNode(op, attrs)
	f, err := Lookup("", op, opset)
	if err != nil {
		return nil, err
	}
	k, err := f(n, opset)
	if err != nil {
		return nil, err
	}
	vk, ok := k.(ValueKernel)
	if !ok {
		return nil, fmt.Errorf("%s is not a ValueKernel", op)
	}
	return vk.RunValues(&Context{Node: n, Opset: opset, Threads: 1}, in)
}

func qsSeqStr(v Value) string {
	switch x := v.(type) {
	case *Sequence:
		s := fmt.Sprintf("seq<%v>[", x.Elem)
		for i, t := range x.Items {
			if i > 0 {
				s += " "
			}
			s += qsVals(t)
		}
		return s + "]"
	case *tensor.Tensor:
		return qsVals(x)
	case *Optional:
		if x.Value == nil {
			return fmt.Sprintf("opt<%v,%v>()", x.Elem, x.IsSeq)
		}
		return "opt(" + qsSeqStr(x.Value) + ")"
	}
	return fmt.Sprintf("%T", v)
}

func TestSequenceOps(t *testing.T) {
	a := tensor.From([]int{2}, []float32{1, 2})
	b := tensor.From([]int{1}, []float32{3})
	c := tensor.From([]int{}, []float32{4})
	seq := &Sequence{Elem: tensor.Float32, Items: []*tensor.Tensor{a, b}}
	i64 := func(v int64) *tensor.Tensor { return tensor.Scalar(v) }
	tests := []struct {
		name  string
		op    string
		attrs map[string]any
		in    []Value
		want  string
	}{
		{"construct", "SequenceConstruct", nil, []Value{a, b}, "seq<float32>[float32[2][1 2] float32[1][3]]"},
		{"empty default", "SequenceEmpty", nil, nil, "seq<float32>[]"},
		{"empty int64", "SequenceEmpty", map[string]any{"dtype": int(tensor.Int64)}, nil, "seq<int64>[]"},
		{"insert append", "SequenceInsert", nil, []Value{seq, c}, "seq<float32>[float32[2][1 2] float32[1][3] float32[][4]]"},
		{"insert front", "SequenceInsert", nil, []Value{seq, c, i64(0)}, "seq<float32>[float32[][4] float32[2][1 2] float32[1][3]]"},
		{"insert negative", "SequenceInsert", nil, []Value{seq, c, tensor.Scalar(int32(-1))}, "seq<float32>[float32[2][1 2] float32[][4] float32[1][3]]"},
		{"insert at end", "SequenceInsert", nil, []Value{seq, c, i64(2)}, "seq<float32>[float32[2][1 2] float32[1][3] float32[][4]]"},
		{"insert into empty", "SequenceInsert", nil, []Value{&Sequence{Elem: tensor.Float32}, c}, "seq<float32>[float32[][4]]"},
		{"erase last", "SequenceErase", nil, []Value{seq}, "seq<float32>[float32[2][1 2]]"},
		{"erase -2", "SequenceErase", nil, []Value{seq, i64(-2)}, "seq<float32>[float32[1][3]]"},
		{"at", "SequenceAt", nil, []Value{seq, i64(1)}, "float32[1][3]"},
		{"at negative", "SequenceAt", nil, []Value{seq, i64(-2)}, "float32[2][1 2]"},
		{"length", "SequenceLength", nil, []Value{seq}, "int64[][2]"},
		{"length empty", "SequenceLength", nil, []Value{&Sequence{}}, "int64[][0]"},
	}
	for _, tc := range tests {
		out, err := qsRunV(tc.op, 11, tc.attrs, tc.in...)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := qsSeqStr(out[0]); got != tc.want {
			t.Errorf("%s: got %s want %s", tc.name, got, tc.want)
		}
	}
	if len(seq.Items) != 2 {
		t.Errorf("input sequence was modified: %d items", len(seq.Items))
	}
}

func TestSplitConcatSequence(t *testing.T) {
	x := tensor.From([]int{2, 3}, []int32{1, 2, 3, 4, 5, 6})
	tests := []struct {
		name  string
		op    string
		attrs map[string]any
		in    []Value
		want  string
	}{
		{"split default", "SplitToSequence", nil, []Value{x}, "seq<int32>[int32[1 3][1 2 3] int32[1 3][4 5 6]]"},
		{"split no keepdims", "SplitToSequence", map[string]any{"keepdims": 0, "axis": -1}, []Value{x}, "seq<int32>[int32[2][1 4] int32[2][2 5] int32[2][3 6]]"},
		{"split scalar uneven", "SplitToSequence", map[string]any{"axis": 1, "keepdims": 0}, []Value{x, tensor.Scalar(int64(2))}, "seq<int32>[int32[2 2][1 2 4 5] int32[2 1][3 6]]"},
		{"split list", "SplitToSequence", map[string]any{"axis": 1}, []Value{x, tensor.From([]int{3}, []int64{0, 1, 2})}, "seq<int32>[int32[2 0][] int32[2 1][1 4] int32[2 2][2 3 5 6]]"},
		{"concat axis 1", "ConcatFromSequence", map[string]any{"axis": 1}, []Value{&Sequence{Items: []*tensor.Tensor{x, tensor.From([]int{2, 1}, []int32{7, 8})}}}, "int32[2 4][1 2 3 7 4 5 6 8]"},
		{"concat negative axis", "ConcatFromSequence", map[string]any{"axis": -2}, []Value{&Sequence{Items: []*tensor.Tensor{x, x}}}, "int32[4 3][1 2 3 4 5 6 1 2 3 4 5 6]"},
		{"stack new_axis last", "ConcatFromSequence", map[string]any{"axis": -1, "new_axis": 1}, []Value{&Sequence{Items: []*tensor.Tensor{tensor.From([]int{2}, []string{"a", "b"}), tensor.From([]int{2}, []string{"c", "d"})}}}, "string[2 2][a c b d]"},
		{"stack new_axis 0", "ConcatFromSequence", map[string]any{"axis": 0, "new_axis": 1}, []Value{&Sequence{Items: []*tensor.Tensor{tensor.From([]int{2}, []bool{true, false}), tensor.From([]int{2}, []bool{false, false})}}}, "bool[2 2][true false false false]"},
	}
	for _, tc := range tests {
		out, err := qsRunV(tc.op, 11, tc.attrs, tc.in...)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := qsSeqStr(out[0]); got != tc.want {
			t.Errorf("%s: got %s want %s", tc.name, got, tc.want)
		}
	}
	// Round trip: split then concat restores the input.
	s, err := qsRunV("SplitToSequence", 11, map[string]any{"axis": 1}, x, tensor.Scalar(int64(2)))
	if err != nil {
		t.Fatal(err)
	}
	back, err := qsRunV("ConcatFromSequence", 11, map[string]any{"axis": 1}, s[0])
	if err != nil || qsVals(back[0].(*tensor.Tensor)) != qsVals(x) {
		t.Errorf("round trip: %v %v", back, err)
	}
}

func TestSequenceErrors(t *testing.T) {
	f := tensor.From([]int{1}, []float32{1})
	seq := &Sequence{Elem: tensor.Float32, Items: []*tensor.Tensor{f}}
	tests := []struct {
		name  string
		op    string
		attrs map[string]any
		in    []Value
		want  error
	}{
		{"construct mixed dtypes", "SequenceConstruct", nil, []Value{f, tensor.From([]int{1}, []int32{1})}, tensor.ErrDType},
		{"insert dtype", "SequenceInsert", nil, []Value{seq, tensor.From([]int{1}, []int32{1})}, tensor.ErrDType},
		{"insert position", "SequenceInsert", nil, []Value{seq, f, tensor.Scalar(int64(3))}, tensor.ErrShape},
		{"at out of range", "SequenceAt", nil, []Value{seq, tensor.Scalar(int64(1))}, tensor.ErrShape},
		{"at -2", "SequenceAt", nil, []Value{seq, tensor.Scalar(int64(-2))}, tensor.ErrShape},
		{"at float position", "SequenceAt", nil, []Value{seq, tensor.Scalar(float32(0))}, ir.ErrInvalidModel},
		{"erase empty", "SequenceErase", nil, []Value{&Sequence{}}, tensor.ErrShape},
		{"not a sequence", "SequenceLength", nil, []Value{f}, ir.ErrInvalidModel},
		{"split sum", "SplitToSequence", nil, []Value{f, tensor.From([]int{2}, []int64{1, 1})}, tensor.ErrShape},
		{"split zero", "SplitToSequence", nil, []Value{f, tensor.Scalar(int64(0))}, ir.ErrInvalidModel},
		{"split negative", "SplitToSequence", nil, []Value{f, tensor.From([]int{2}, []int64{2, -1})}, ir.ErrInvalidModel},
		{"split axis", "SplitToSequence", map[string]any{"axis": 1}, []Value{f}, tensor.ErrShape},
		{"concat empty", "ConcatFromSequence", map[string]any{"axis": 0}, []Value{&Sequence{}}, tensor.ErrShape},
		{"concat shapes", "ConcatFromSequence", map[string]any{"axis": 0}, []Value{&Sequence{Items: []*tensor.Tensor{tensor.Zeros(tensor.Float32, 1, 2), tensor.Zeros(tensor.Float32, 1, 3)}}}, tensor.ErrShape},
		{"stack shapes", "ConcatFromSequence", map[string]any{"axis": 0, "new_axis": 1}, []Value{&Sequence{Items: []*tensor.Tensor{tensor.Zeros(tensor.Float32, 2), tensor.Zeros(tensor.Float32, 3)}}}, tensor.ErrShape},
		{"concat dtypes", "ConcatFromSequence", map[string]any{"axis": 0}, []Value{&Sequence{Items: []*tensor.Tensor{tensor.Zeros(tensor.Float32, 2), tensor.Zeros(tensor.Int32, 2)}}}, tensor.ErrDType},
		{"concat axis range", "ConcatFromSequence", map[string]any{"axis": 2, "new_axis": 1}, []Value{seq}, tensor.ErrShape},
		{"concat no axis", "ConcatFromSequence", nil, []Value{seq}, ir.ErrInvalidModel},
	}
	for _, tc := range tests {
		_, err := qsRunV(tc.op, 11, tc.attrs, tc.in...)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v want %v", tc.name, err, tc.want)
		}
	}
}
