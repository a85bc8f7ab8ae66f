package ops

// Internal operators (domain "qinfer") emitted by the QDQ fusion pass
// (ir/passes/qdq.go). They never appear in ONNX files written by others.
//
// qinfer.QLookup(x) -> y, attribute table: an 8-bit lookup table. x is uint8
// or int8; y[i] = table[uint8 bit pattern of x[i]], so table must hold 256
// uint8 or int8 values (y takes table's type). The pass fills the table by
// running DequantizeLinear, the float op and QuantizeLinear on all 256
// inputs, so one table replaces elementwise ops (Relu, Clip, Sigmoid, ...)
// and requantization between two scales.

import (
	"unsafe"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/linalg"
	"github.com/qinfer/qinfer/tensor"
)

func init() {
	Register("qinfer", "QLookup", 1, qfNewLookup)
}

type qfLookup struct {
	table *tensor.Tensor
	bytes [256]uint8 // table as raw bytes
}

func qfNewLookup(n *ir.Node, opset int) (Kernel, error) {
	t := n.AttrTensor("table")
	if t == nil {
		return nil, NodeErrf(n, "attribute table is missing: %w", ir.ErrInvalidModel)
	}
	if t.DType() != tensor.Uint8 && t.DType() != tensor.Int8 {
		return nil, NodeErrf(n, "table has dtype %v, want uint8 or int8: %w", t.DType(), tensor.ErrDType)
	}
	if t.Len() != 256 {
		return nil, NodeErrf(n, "table has %d entries, want 256: %w", t.Len(), tensor.ErrShape)
	}
	k := &qfLookup{table: t}
	for i := range k.bytes {
		k.bytes[i] = uint8(t.Int64At(i))
	}
	return k, nil
}

func (k *qfLookup) Run(ctx *Context, in []*tensor.Tensor) ([]*tensor.Tensor, error) {
	if err := NeedInputs(ctx, in, 1); err != nil {
		return nil, err
	}
	x := in[0]
	out, err := ctx.NewTensorUninit(k.table.DType(), x.Shape()...)
	if err != nil {
		return nil, ctx.Errf("output: %w", err)
	}
	var src []uint8
	switch d := x.Data().(type) {
	case []uint8:
		if x.DType() != tensor.Uint8 {
			return nil, ctx.Errf("input dtype %v, want uint8 or int8: %w", x.DType(), tensor.ErrDType)
		}
		src = d
	case []int8:
		if x.DType() != tensor.Int8 {
			return nil, ctx.Errf("input dtype %v, want uint8 or int8: %w", x.DType(), tensor.ErrDType)
		}
		src = qfBytes(d)
	default:
		return nil, ctx.Errf("input dtype %v, want uint8 or int8: %w", x.DType(), tensor.ErrDType)
	}
	dst := qfByteData(out)
	tab := &k.bytes
	ctx.Parallel(len(src), 1<<14, func(lo, hi int) {
		linalg.Lookup8(dst[lo:hi], src[lo:hi], tab)
	})
	return ctx.One(out), nil
}

// qfByteData views an 8-bit tensor's data as bytes (nil for other
// dtypes).
func qfByteData(t *tensor.Tensor) []uint8 {
	switch d := t.Data().(type) {
	case []uint8:
		return d
	case []int8:
		return qfBytes(d)
	}
	return nil
}

// qfBytes views an int8 slice as bytes (same size and layout).
func qfBytes(s []int8) []uint8 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*uint8)(unsafe.Pointer(&s[0])), len(s))
}
