package onnx

import (
	"fmt"
	"math"
	"unsafe"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// TensorProto field numbers.
const (
	tpDims         = 1
	tpDataType     = 2
	tpSegment      = 3
	tpFloatData    = 4
	tpInt32Data    = 5
	tpStringData   = 6
	tpInt64Data    = 7
	tpName         = 8
	tpRawData      = 9
	tpDoubleData   = 10
	tpUint64Data   = 11
	tpDocString    = 12
	tpExternalData = 13
	tpDataLocation = 14
)

// tpExternal is TensorProto.DataLocation EXTERNAL.
const tpExternal = 1

// littleEndian reports whether the host stores integers little-endian, in
// which case raw_data can be viewed in place.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// tensorProto holds the fields of one TensorProto before conversion.
type tensorProto struct {
	name     string
	dims     []int64
	dtype    int32
	floats   []uint32
	int32s   []int32
	strings  []string
	int64s   []int64
	doubles  []uint64
	uint64s  []uint64
	raw      []byte
	hasRaw   bool
	external []ir.KV
	location int32
}

func parseTensorProto(b []byte) (*tensorProto, error) {
	p := &tensorProto{}
	const what = "TensorProto"
	err := walk(b, what, func(f *field) error {
		var err error
		switch f.num {
		case tpDims:
			p.dims, err = appendVarints(p.dims, f, what, func(v uint64) int64 { return int64(v) })
		case tpDataType:
			p.dtype, err = f.int32(what)
		case tpFloatData:
			p.floats, err = appendFixed32s(p.floats, f, what)
		case tpInt32Data:
			p.int32s, err = appendVarints(p.int32s, f, what, func(v uint64) int32 { return int32(v) })
		case tpStringData:
			var s string
			s, err = f.str(what)
			p.strings = append(p.strings, s)
		case tpInt64Data:
			p.int64s, err = appendVarints(p.int64s, f, what, func(v uint64) int64 { return int64(v) })
		case tpName:
			p.name, err = f.str(what)
		case tpRawData:
			p.raw, err = f.msg(what)
			p.hasRaw = true
		case tpDoubleData:
			p.doubles, err = appendFixed64s(p.doubles, f, what)
		case tpUint64Data:
			p.uint64s, err = appendVarints(p.uint64s, f, what, func(v uint64) uint64 { return v })
		case tpExternalData:
			var m []byte
			if m, err = f.msg(what); err == nil {
				var kv ir.KV
				kv, err = parseKV(m)
				p.external = append(p.external, kv)
			}
		case tpDataLocation:
			p.location, err = f.int32(what)
		}
		return err
	})
	if err != nil {
		return p, fmt.Errorf("onnx: tensor %q: %w", scanName(b), err)
	}
	return p, nil
}

// scanName finds the name field of a possibly corrupt TensorProto, for
// error messages.
func scanName(b []byte) string {
	name := ""
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			break
		}
		b = b[n:]
		if num == tpName && typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(b)
			if m >= 0 {
				name = string(v)
			}
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			break
		}
		b = b[m:]
	}
	return name
}

// tensorErr formats an error about the named tensor, wrapping sentinel.
func tensorErr(name string, sentinel error, format string, args ...any) error {
	return fmt.Errorf("onnx: tensor %q: %s: %w", name, fmt.Sprintf(format, args...), sentinel)
}

// shapeOf validates proto dims and returns them as ints with the element
// count.
func shapeOf(name string, dims []int64) ([]int, int, error) {
	shape := make([]int, len(dims))
	for i, d := range dims {
		if d < 0 || int64(int(d)) != d {
			return nil, 0, tensorErr(name, ir.ErrInvalidModel, "bad dim %d in %v", d, dims)
		}
		shape[i] = int(d)
	}
	n, err := tensor.NumElements(shape)
	if err != nil {
		return nil, 0, fmt.Errorf("onnx: tensor %q: dims %v: %w", name, dims, err)
	}
	return shape, n, nil
}

// rawSize is the number of raw_data bytes n elements of dt take.
func rawSize(dt tensor.DType, n int) int64 {
	return (int64(n)*int64(dt.WireBits()) + 7) / 8
}

// toTensor converts a parsed TensorProto.
func (d *decoder) toTensor(p *tensorProto) (*tensor.Tensor, error) {
	name := p.name
	if p.dtype < 0 || p.dtype > 255 {
		return nil, tensorErr(name, ir.ErrInvalidModel, "bad data type %d", p.dtype)
	}
	dt := tensor.DType(p.dtype)
	if !dt.Supported() {
		return nil, tensorErr(name, tensor.ErrDType, "data type %v not supported", dt)
	}
	shape, n, err := shapeOf(name, p.dims)
	if err != nil {
		return nil, err
	}
	memBytes := int64(n) * int64(dt.Size())
	if memBytes > d.opts.MaxTensorBytes {
		return nil, tensorErr(name, tensor.ErrLimit, "dims %v take %d bytes, over the limit of %d", p.dims, memBytes, d.opts.MaxTensorBytes)
	}
	mismatch := func(src string, have int, want int64) error {
		return tensorErr(name, ir.ErrInvalidModel, "%v dims %v need %d %s, have %d", dt, p.dims, want, src, have)
	}
	if p.location == tpExternal {
		if dt == tensor.String {
			return nil, tensorErr(name, ir.ErrInvalidModel, "string tensor in external data")
		}
		raw, err := d.readExternal(name, p.external, rawSize(dt, n))
		if err != nil {
			return nil, err
		}
		return fromRaw(dt, shape, n, raw)
	}
	if dt == tensor.String {
		if p.hasRaw && len(p.raw) > 0 {
			return nil, tensorErr(name, ir.ErrInvalidModel, "string tensor in raw_data")
		}
		if len(p.strings) != n {
			return nil, mismatch("strings", len(p.strings), int64(n))
		}
		s := p.strings
		if s == nil {
			s = []string{}
		}
		return tensor.FromData(dt, shape, s)
	}
	typed := len(p.floats) + len(p.int32s) + len(p.int64s) + len(p.doubles) + len(p.uint64s) + len(p.strings)
	if p.hasRaw && (len(p.raw) > 0 || typed == 0) {
		if want := rawSize(dt, n); int64(len(p.raw)) != want {
			return nil, mismatch("raw_data bytes", len(p.raw), want)
		}
		return fromRaw(dt, shape, n, p.raw)
	}
	switch dt {
	case tensor.Float32:
		if len(p.floats) != n {
			return nil, mismatch("float_data", len(p.floats), int64(n))
		}
		out := make([]float32, n)
		for i, v := range p.floats {
			out[i] = math.Float32frombits(v)
		}
		return tensor.FromData(dt, shape, out)
	case tensor.Float64:
		if len(p.doubles) != n {
			return nil, mismatch("double_data", len(p.doubles), int64(n))
		}
		out := make([]float64, n)
		for i, v := range p.doubles {
			out[i] = math.Float64frombits(v)
		}
		return tensor.FromData(dt, shape, out)
	case tensor.Int64:
		if len(p.int64s) != n {
			return nil, mismatch("int64_data", len(p.int64s), int64(n))
		}
		out := p.int64s
		if out == nil {
			out = []int64{}
		}
		return tensor.FromData(dt, shape, out)
	case tensor.Uint64:
		if len(p.uint64s) != n {
			return nil, mismatch("uint64_data", len(p.uint64s), int64(n))
		}
		out := p.uint64s
		if out == nil {
			out = []uint64{}
		}
		return tensor.FromData(dt, shape, out)
	case tensor.Uint32:
		if len(p.uint64s) != n {
			return nil, mismatch("uint64_data", len(p.uint64s), int64(n))
		}
		return tensor.FromData(dt, shape, convSlice[uint32](p.uint64s))
	case tensor.Int4, tensor.Uint4:
		want := (n + 1) / 2
		if len(p.int32s) != want {
			return nil, mismatch("int32_data", len(p.int32s), int64(want))
		}
		packed := make([]byte, want)
		for i, v := range p.int32s {
			packed[i] = byte(v)
		}
		return fromRaw(dt, shape, n, packed)
	}
	if len(p.int32s) != n {
		return nil, mismatch("int32_data", len(p.int32s), int64(n))
	}
	var data any
	switch dt {
	case tensor.Int32:
		out := p.int32s
		if out == nil {
			out = []int32{}
		}
		data = out
	case tensor.Int16:
		data = convSlice[int16](p.int32s)
	case tensor.Int8:
		data = convSlice[int8](p.int32s)
	case tensor.Uint16, tensor.Float16, tensor.BFloat16:
		data = convSlice[uint16](p.int32s)
	case tensor.Uint8, tensor.Float8E4M3FN, tensor.Float8E4M3FNUZ, tensor.Float8E5M2, tensor.Float8E5M2FNUZ:
		data = convSlice[uint8](p.int32s)
	case tensor.Bool:
		out := make([]bool, n)
		for i, v := range p.int32s {
			out[i] = v != 0
		}
		data = out
	default:
		return nil, tensorErr(name, tensor.ErrDType, "data type %v not supported", dt)
	}
	return tensor.FromData(dt, shape, data)
}

type integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// convSlice converts integers element by element (truncating).
func convSlice[D, S integer](src []S) []D {
	out := make([]D, len(src))
	for i, v := range src {
		out[i] = D(v)
	}
	return out
}

// view returns raw as a []T of n elements: in place when the host is
// little-endian and raw is aligned for T, else a copy.
func view[T tensor.Number](raw []byte, n int) []T {
	if n == 0 {
		return []T{}
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	p := unsafe.Pointer(unsafe.SliceData(raw))
	if littleEndian && uintptr(p)%unsafe.Alignof(zero) == 0 {
		return unsafe.Slice((*T)(p), n)
	}
	out := make([]T, n)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), n*size), raw)
	if !littleEndian {
		swapBytes(unsafe.Slice((*byte)(unsafe.Pointer(&out[0])), n*size), size)
	}
	return out
}

// swapBytes reverses the bytes of each size-byte element of b.
func swapBytes(b []byte, size int) {
	if size == 1 {
		return
	}
	for i := 0; i+size <= len(b); i += size {
		e := b[i : i+size]
		for j, k := 0, size-1; j < k; j, k = j+1, k-1 {
			e[j], e[k] = e[k], e[j]
		}
	}
}

// fromRaw builds a tensor from little-endian raw bytes whose length has
// been checked to be rawSize(dt, n).
func fromRaw(dt tensor.DType, shape []int, n int, raw []byte) (*tensor.Tensor, error) {
	var data any
	switch dt {
	case tensor.Float32:
		data = view[float32](raw, n)
	case tensor.Float64:
		data = view[float64](raw, n)
	case tensor.Float16, tensor.BFloat16, tensor.Uint16:
		data = view[uint16](raw, n)
	case tensor.Int8:
		data = view[int8](raw, n)
	case tensor.Uint8, tensor.Float8E4M3FN, tensor.Float8E4M3FNUZ, tensor.Float8E5M2, tensor.Float8E5M2FNUZ:
		data = view[uint8](raw, n)
	case tensor.Int16:
		data = view[int16](raw, n)
	case tensor.Int32:
		data = view[int32](raw, n)
	case tensor.Int64:
		data = view[int64](raw, n)
	case tensor.Uint32:
		data = view[uint32](raw, n)
	case tensor.Uint64:
		data = view[uint64](raw, n)
	case tensor.Bool:
		out := make([]bool, n)
		for i := range out {
			out[i] = raw[i] != 0
		}
		data = out
	case tensor.Int4:
		out := make([]int8, n)
		for i := range out {
			v := raw[i/2] >> (4 * (i % 2)) & 0xF
			out[i] = int8(v<<4) >> 4
		}
		data = out
	case tensor.Uint4:
		out := make([]uint8, n)
		for i := range out {
			out[i] = raw[i/2] >> (4 * (i % 2)) & 0xF
		}
		data = out
	default:
		return nil, fmt.Errorf("onnx: raw data of type %v: %w", dt, tensor.ErrDType)
	}
	return tensor.FromData(dt, shape, data)
}

// decodeTensor decodes a TensorProto.
func (d *decoder) decodeTensor(b []byte) (string, *tensor.Tensor, error) {
	p, err := parseTensorProto(b)
	if err != nil {
		return "", nil, err
	}
	t, err := d.toTensor(p)
	return p.name, t, err
}

// SparseTensorProto field numbers.
const (
	spValues  = 1
	spIndices = 2
	spDims    = 3
)

// decodeSparse decodes a SparseTensorProto into a dense tensor and its name
// (the name of its values tensor).
func (d *decoder) decodeSparse(b []byte) (string, *tensor.Tensor, error) {
	const what = "SparseTensorProto"
	var vals, idx []byte
	var dims []int64
	var hasVals, hasIdx bool
	err := walk(b, what, func(f *field) error {
		var err error
		switch f.num {
		case spValues:
			vals, err = f.msg(what)
			hasVals = true
		case spIndices:
			idx, err = f.msg(what)
			hasIdx = true
		case spDims:
			dims, err = appendVarints(dims, f, what, func(v uint64) int64 { return int64(v) })
		}
		return err
	})
	if err != nil {
		return "", nil, err
	}
	if !hasVals {
		return "", nil, fmt.Errorf("onnx: sparse tensor without values: %w", ir.ErrInvalidModel)
	}
	name, vt, err := d.decodeTensor(vals)
	if err != nil {
		return name, nil, err
	}
	shape, n, err := shapeOf(name, dims)
	if err != nil {
		return name, nil, err
	}
	dt := vt.DType()
	if mem := int64(n) * int64(dt.Size()); mem > d.opts.MaxTensorBytes {
		return name, nil, tensorErr(name, tensor.ErrLimit, "sparse dims %v take %d bytes, over the limit of %d", dims, mem, d.opts.MaxTensorBytes)
	} else if err := d.checkSparseExpansion(name, dims, mem, int64(len(b))); err != nil {
		return name, nil, err
	}
	nnz := vt.Len()
	if vt.Rank() != 1 {
		return name, nil, tensorErr(name, ir.ErrInvalidModel, "sparse values have shape %v, want 1-D", vt.Shape())
	}
	var ind []int64
	if hasIdx {
		_, it, err := d.decodeTensor(idx)
		if err != nil {
			return name, nil, err
		}
		if ind, err = it.AsInt64s(); err != nil {
			return name, nil, fmt.Errorf("onnx: tensor %q: sparse indices: %w", name, err)
		}
		is := it.Shape()
		switch {
		case len(is) == 1 && is[0] == nnz:
		case len(is) == 2 && is[0] == nnz && is[1] == len(shape):
			// Coordinates: linearise.
			lin := make([]int64, nnz)
			for i := 0; i < nnz; i++ {
				var off int64
				for j, s := range shape {
					c := ind[i*len(shape)+j]
					if c < 0 || c >= int64(s) {
						return name, nil, tensorErr(name, ir.ErrInvalidModel, "sparse index %d out of range for dims %v", c, dims)
					}
					off = off*int64(s) + c
				}
				lin[i] = off
			}
			ind = lin
		default:
			return name, nil, tensorErr(name, ir.ErrInvalidModel, "sparse indices shape %v does not fit %d values in dims %v", is, nnz, dims)
		}
	} else if nnz != 0 {
		return name, nil, tensorErr(name, ir.ErrInvalidModel, "sparse tensor has %d values but no indices", nnz)
	}
	for _, o := range ind {
		if o < 0 || o >= int64(n) {
			return name, nil, tensorErr(name, ir.ErrInvalidModel, "sparse index %d out of range for dims %v", o, dims)
		}
	}
	dense, err := tensor.New(dt, shape...)
	if err != nil {
		return name, nil, fmt.Errorf("onnx: tensor %q: %w", name, err)
	}
	scatter(dense.Data(), vt.Data(), ind)
	return name, dense, nil
}

// scatter sets dst[ind[i]] = src[i] for slices of the same element type.
func scatter(dst, src any, ind []int64) {
	switch d := dst.(type) {
	case []float32:
		scatterT(d, src.([]float32), ind)
	case []float64:
		scatterT(d, src.([]float64), ind)
	case []uint16:
		scatterT(d, src.([]uint16), ind)
	case []int8:
		scatterT(d, src.([]int8), ind)
	case []uint8:
		scatterT(d, src.([]uint8), ind)
	case []int16:
		scatterT(d, src.([]int16), ind)
	case []int32:
		scatterT(d, src.([]int32), ind)
	case []int64:
		scatterT(d, src.([]int64), ind)
	case []uint32:
		scatterT(d, src.([]uint32), ind)
	case []uint64:
		scatterT(d, src.([]uint64), ind)
	case []bool:
		scatterT(d, src.([]bool), ind)
	case []string:
		scatterT(d, src.([]string), ind)
	}
}

func scatterT[T any](dst, src []T, ind []int64) {
	for i, o := range ind {
		dst[o] = src[i]
	}
}

// ---- encoding ----

// rawBytes returns t's elements as little-endian ONNX raw_data; on a
// little-endian host numeric data is returned in place, not copied.
func rawBytes(t *tensor.Tensor) []byte {
	switch d := t.Data().(type) {
	case []float32:
		return leBytes(d)
	case []float64:
		return leBytes(d)
	case []uint16:
		return leBytes(d)
	case []int8:
		if t.DType() == tensor.Int4 {
			return pack4(d)
		}
		return leBytes(d)
	case []uint8:
		if t.DType() == tensor.Uint4 {
			return pack4(d)
		}
		return d
	case []int16:
		return leBytes(d)
	case []int32:
		return leBytes(d)
	case []int64:
		return leBytes(d)
	case []uint32:
		return leBytes(d)
	case []uint64:
		return leBytes(d)
	case []bool:
		out := make([]byte, len(d))
		for i, v := range d {
			if v {
				out[i] = 1
			}
		}
		return out
	}
	return nil
}

func leBytes[T tensor.Number](d []T) []byte {
	if len(d) == 0 {
		return nil
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(d))), len(d)*size)
	if littleEndian {
		return b
	}
	c := append([]byte{}, b...)
	swapBytes(c, size)
	return c
}

// pack4 packs 4-bit values two per byte, low nibble first.
func pack4[T int8 | uint8](d []T) []byte {
	out := make([]byte, (len(d)+1)/2)
	for i, v := range d {
		out[i/2] |= (byte(v) & 0xF) << (4 * (i % 2))
	}
	return out
}

// extSink receives tensors to be stored outside the model file.
type extSink interface {
	// place stores raw and returns the external_data entries, or nil to
	// keep the tensor inline.
	place(name string, raw []byte) ([]ir.KV, error)
}

// appendTensorProto appends the body of a TensorProto for t.
func appendTensorProto(b []byte, name string, t *tensor.Tensor, ext extSink) ([]byte, error) {
	if t == nil {
		return b, fmt.Errorf("onnx: tensor %q is nil: %w", name, ir.ErrInvalidModel)
	}
	if t.Len() < 0 || !t.DType().Supported() {
		return b, fmt.Errorf("onnx: tensor %q: cannot encode %v: %w", name, t.DType(), tensor.ErrDType)
	}
	if t.Len() != tensor.Size(t.Shape()) {
		return b, fmt.Errorf("onnx: tensor %q: %d elements for dims %v: %w", name, t.Len(), t.Shape(), tensor.ErrShape)
	}
	dims := make([]int64, t.Rank())
	for i, d := range t.Shape() {
		dims[i] = int64(d)
	}
	b = appendPackedInts(b, tpDims, dims)
	b = appendIntAlways(b, tpDataType, int64(t.DType()))
	b = appendStr(b, tpName, name)
	if t.DType() == tensor.String {
		for _, s := range tensor.Data[string](t) {
			b = appendStrAlways(b, tpStringData, s)
		}
		return b, nil
	}
	raw := rawBytes(t)
	if ext != nil {
		kvs, err := ext.place(name, raw)
		if err != nil {
			return b, err
		}
		if kvs != nil {
			for _, kv := range kvs {
				b, _ = appendMsg(b, tpExternalData, func(b []byte) ([]byte, error) { return appendKV(b, kv), nil })
			}
			return appendIntAlways(b, tpDataLocation, tpExternal), nil
		}
	}
	b = protowire.AppendTag(b, tpRawData, protowire.BytesType)
	return protowire.AppendBytes(b, raw), nil
}

// appendSparseProto appends a SparseTensorProto body holding t's non-zero
// elements with linear indices.
func appendSparseProto(b []byte, name string, t *tensor.Tensor) ([]byte, error) {
	if t == nil {
		return b, fmt.Errorf("onnx: sparse tensor %q is nil: %w", name, ir.ErrInvalidModel)
	}
	var ind []int64
	for i := 0; i < t.Len(); i++ {
		if !isZero(t, i) {
			ind = append(ind, int64(i))
		}
	}
	vals, err := gather(t, ind)
	if err != nil {
		return b, err
	}
	b, err = appendMsg(b, spValues, func(b []byte) ([]byte, error) { return appendTensorProto(b, name, vals, nil) })
	if err != nil {
		return b, err
	}
	b, err = appendMsg(b, spIndices, func(b []byte) ([]byte, error) {
		return appendTensorProto(b, "", tensor.From([]int{len(ind)}, append([]int64{}, ind...)), nil)
	})
	if err != nil {
		return b, err
	}
	dims := make([]int64, t.Rank())
	for i, d := range t.Shape() {
		dims[i] = int64(d)
	}
	return appendPackedInts(b, spDims, dims), nil
}

func isZero(t *tensor.Tensor, i int) bool {
	switch d := t.Data().(type) {
	case []float32:
		return math.Float32bits(d[i]) == 0
	case []float64:
		return math.Float64bits(d[i]) == 0
	case []bool:
		return !d[i]
	case []string:
		return d[i] == ""
	}
	v := t.At(i)
	switch v := v.(type) {
	case int64:
		return v == 0
	case uint64:
		return v == 0
	case float64:
		// float16/bfloat16/float8: compare raw bits.
		switch d := t.Data().(type) {
		case []uint16:
			return d[i] == 0
		case []uint8:
			return d[i] == 0
		}
	}
	return false
}

// gather returns the 1-D tensor of t's elements at flat indices ind.
func gather(t *tensor.Tensor, ind []int64) (*tensor.Tensor, error) {
	out, err := tensor.New(t.DType(), len(ind))
	if err != nil {
		return nil, err
	}
	switch d := out.Data().(type) {
	case []float32:
		gatherT(d, t.Data().([]float32), ind)
	case []float64:
		gatherT(d, t.Data().([]float64), ind)
	case []uint16:
		gatherT(d, t.Data().([]uint16), ind)
	case []int8:
		gatherT(d, t.Data().([]int8), ind)
	case []uint8:
		gatherT(d, t.Data().([]uint8), ind)
	case []int16:
		gatherT(d, t.Data().([]int16), ind)
	case []int32:
		gatherT(d, t.Data().([]int32), ind)
	case []int64:
		gatherT(d, t.Data().([]int64), ind)
	case []uint32:
		gatherT(d, t.Data().([]uint32), ind)
	case []uint64:
		gatherT(d, t.Data().([]uint64), ind)
	case []bool:
		gatherT(d, t.Data().([]bool), ind)
	case []string:
		gatherT(d, t.Data().([]string), ind)
	}
	return out, nil
}

func gatherT[T any](dst, src []T, ind []int64) {
	for i, o := range ind {
		dst[i] = src[o]
	}
}
