package ops

import (
	"errors"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func TestOptionalOps(t *testing.T) {
	x := tensor.From([]int{2}, []int64{5, 6})
	seq := &Sequence{Elem: tensor.Int64, Items: []*tensor.Tensor{x}}
	seqType := &ir.Type{Kind: ir.KindSequence, Inner: &ir.Type{Kind: ir.KindTensor, Elem: tensor.Float32}}
	tests := []struct {
		name  string
		op    string
		opset int
		attrs map[string]any
		in    []Value
		want  string
	}{
		{"wrap tensor", "Optional", 15, nil, []Value{x}, "opt(int64[2][5 6])"},
		{"wrap sequence", "Optional", 15, nil, []Value{seq}, "opt(seq<int64>[int64[2][5 6]])"},
		{"empty tensor optional", "Optional", 15, map[string]any{"type": ir.TensorType(tensor.Uint8)}, []Value{nil}, "opt<uint8,false>()"},
		{"empty sequence optional", "Optional", 15, map[string]any{"type": seqType}, nil, "opt<float32,true>()"},
		{"has element", "OptionalHasElement", 15, nil, []Value{&Optional{Value: x}}, "bool[][true]"},
		{"has no element", "OptionalHasElement", 15, nil, []Value{&Optional{Elem: tensor.Float32}}, "bool[][false]"},
		{"has: missing input", "OptionalHasElement", 18, nil, []Value{nil}, "bool[][false]"},
		{"has: plain tensor", "OptionalHasElement", 18, nil, []Value{x}, "bool[][true]"},
		{"get tensor", "OptionalGetElement", 15, nil, []Value{&Optional{Value: x}}, "int64[2][5 6]"},
		{"get sequence", "OptionalGetElement", 15, nil, []Value{&Optional{Value: seq, IsSeq: true}}, "seq<int64>[int64[2][5 6]]"},
		{"get plain tensor", "OptionalGetElement", 18, nil, []Value{x}, "int64[2][5 6]"},
		{"get plain sequence", "OptionalGetElement", 18, nil, []Value{seq}, "seq<int64>[int64[2][5 6]]"},
	}
	for _, tc := range tests {
		out, err := qsRunV(tc.op, tc.opset, tc.attrs, tc.in...)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := qsSeqStr(out[0]); got != tc.want {
			t.Errorf("%s: got %s want %s", tc.name, got, tc.want)
		}
	}
	errs := []struct {
		name string
		op   string
		in   []Value
		want error
	}{
		{"get empty", "OptionalGetElement", []Value{&Optional{Elem: tensor.Float32}}, ir.ErrInvalidModel},
		{"get missing", "OptionalGetElement", []Value{nil}, ir.ErrInvalidModel},
		{"empty without type", "Optional", []Value{nil}, ir.ErrInvalidModel},
	}
	for _, tc := range errs {
		_, err := qsRunV(tc.op, 18, nil, tc.in...)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v want %v", tc.name, err, tc.want)
		}
	}
	// A nested optional type is not supported.
	nested := &ir.Type{Kind: ir.KindOptional, Inner: ir.TensorType(tensor.Float32)}
	if _, err := qsRunV("Optional", 15, map[string]any{"type": nested}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("nested optional type: got %v", err)
	}
}
