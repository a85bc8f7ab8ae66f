package tensor

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Sentinel errors. Callers test them with errors.Is; messages wrapping them
// name the tensor, node or dims involved.
var (
	// ErrShape reports a shape that does not fit: wrong rank, mismatched
	// dims, non-broadcastable shapes, a data length that disagrees with dims.
	ErrShape = errors.New("shape mismatch")
	// ErrDType reports an element type that an operation does not accept.
	ErrDType = errors.New("unsupported dtype")
	// ErrLimit reports a size that overflows or exceeds a configured cap.
	ErrLimit = errors.New("size limit exceeded")
)

// MaxElements caps the element count of any one tensor (2^40). It keeps a
// hostile dims field from turning into a huge allocation.
const MaxElements = int64(1) << 40

// Tensor is a dense row-major n-dimensional array. The zero shape (rank 0)
// is a scalar holding one element.
type Tensor struct {
	dtype  DType
	shape  []int
	data   any
	frozen bool
}

// Freeze promises that t's values never change again (a model's
// initializers, once compiled): kernels may then cache work derived from
// them, such as packed weights, keyed on the tensor's identity alone.
// Writing to a frozen tensor's data afterwards is a bug.
func (t *Tensor) Freeze() { t.frozen = true }

// Frozen reports whether Freeze was called on t. Derived tensors (Clone,
// Reshape) are not frozen.
func (t *Tensor) Frozen() bool { return t.frozen }

// Number is the set of Go element types on which arithmetic kernels are
// written generically.
type Number interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// Elem is every Go element type a tensor can hold.
type Elem interface {
	Number | ~bool | ~string
}

// NumElements returns the product of dims, or an error wrapping ErrLimit
// when a dim is negative, the product overflows, or it exceeds MaxElements.
func NumElements(shape []int) (int, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("tensor: negative dim in %v: %w", slices.Clone(shape), ErrShape) // a copy: shape stays off the heap
		}
		if d == 0 {
			n = 0
			continue
		}
		if n != 0 && int64(d) > MaxElements/n {
			return 0, fmt.Errorf("tensor: %v has more than 2^40 elements: %w", slices.Clone(shape), ErrLimit)
		}
		n *= int64(d)
	}
	for _, d := range shape {
		if d == 0 {
			return 0, nil
		}
	}
	return int(n), nil
}

// Size returns the product of dims without checks; use it on shapes that
// came from existing tensors.
func Size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// New returns a zero-filled tensor. It fails with ErrLimit or ErrDType on a
// hostile shape or an unsupported type.
func New(dt DType, shape ...int) (*Tensor, error) {
	n, err := NumElements(shape)
	if err != nil {
		return nil, err
	}
	data, err := makeData(dt, n)
	if err != nil {
		return nil, err
	}
	return &Tensor{dtype: dt, shape: append([]int{}, shape...), data: data}, nil
}

// Must returns t, panicking on err. For tests and package-level constants only.
func Must(t *Tensor, err error) *Tensor {
	if err != nil {
		panic(err)
	}
	return t
}

// Zeros is New for shapes known to be valid (e.g. computed from inputs that
// already exist); it panics on a bad type, which is a programming error.
func Zeros(dt DType, shape ...int) *Tensor {
	t, err := New(dt, shape...)
	if err != nil {
		panic(err)
	}
	return t
}

func makeData(dt DType, n int) (any, error) {
	switch dt {
	case Float32:
		return make([]float32, n), nil
	case Float64:
		return make([]float64, n), nil
	case Float16, BFloat16, Uint16:
		return make([]uint16, n), nil
	case Int8, Int4:
		return make([]int8, n), nil
	case Uint8, Uint4, Float8E4M3FN, Float8E4M3FNUZ, Float8E5M2, Float8E5M2FNUZ:
		return make([]uint8, n), nil
	case Int16:
		return make([]int16, n), nil
	case Int32:
		return make([]int32, n), nil
	case Int64:
		return make([]int64, n), nil
	case Uint32:
		return make([]uint32, n), nil
	case Uint64:
		return make([]uint64, n), nil
	case Bool:
		return make([]bool, n), nil
	case String:
		return make([]string, n), nil
	}
	return nil, fmt.Errorf("tensor: %v: %w", dt, ErrDType)
}

// GoType names the Go slice type that holds elements of dt.
func goTypeOK(dt DType, data any) bool {
	switch data.(type) {
	case []float32:
		return dt == Float32
	case []float64:
		return dt == Float64
	case []uint16:
		return dt == Float16 || dt == BFloat16 || dt == Uint16
	case []int8:
		return dt == Int8 || dt == Int4
	case []uint8:
		return dt == Uint8 || dt == Uint4 || dt == Float8E4M3FN || dt == Float8E4M3FNUZ || dt == Float8E5M2 || dt == Float8E5M2FNUZ
	case []int16:
		return dt == Int16
	case []int32:
		return dt == Int32
	case []int64:
		return dt == Int64
	case []uint32:
		return dt == Uint32
	case []uint64:
		return dt == Uint64
	case []bool:
		return dt == Bool
	case []string:
		return dt == String
	}
	return false
}

// FromData wraps an existing slice (not copied). The slice type must be the
// storage type of dt and its length the product of shape.
func FromData(dt DType, shape []int, data any) (*Tensor, error) {
	if !goTypeOK(dt, data) {
		return nil, fmt.Errorf("tensor: %T cannot hold %v: %w", data, dt, ErrDType)
	}
	n, err := NumElements(shape)
	if err != nil {
		return nil, err
	}
	if l := lenOf(data); l != n {
		return nil, fmt.Errorf("tensor: shape %v needs %d elements, data has %d: %w", shape, n, l, ErrShape)
	}
	return &Tensor{dtype: dt, shape: append([]int{}, shape...), data: data}, nil
}

// DTypeOf returns the natural DType of a Go slice type ([]uint16 → Uint16,
// []int8 → Int8 ...).
func DTypeOf(data any) DType {
	switch data.(type) {
	case []float32:
		return Float32
	case []float64:
		return Float64
	case []uint16:
		return Uint16
	case []int8:
		return Int8
	case []uint8:
		return Uint8
	case []int16:
		return Int16
	case []int32:
		return Int32
	case []int64:
		return Int64
	case []uint32:
		return Uint32
	case []uint64:
		return Uint64
	case []bool:
		return Bool
	case []string:
		return String
	}
	return Undefined
}

// From wraps a slice with its natural DType (see DTypeOf). It panics if the
// length disagrees with shape: meant for literals in code and tests.
func From[T Elem](shape []int, data []T) *Tensor {
	t, err := FromData(DTypeOf(any(data)), shape, any(data))
	if err != nil {
		panic(err)
	}
	return t
}

// Scalar returns a rank-0 tensor holding v with v's natural DType.
func Scalar[T Elem](v T) *Tensor {
	return From[T](nil, []T{v})
}

func lenOf(data any) int {
	switch d := data.(type) {
	case []float32:
		return len(d)
	case []float64:
		return len(d)
	case []uint16:
		return len(d)
	case []int8:
		return len(d)
	case []uint8:
		return len(d)
	case []int16:
		return len(d)
	case []int32:
		return len(d)
	case []int64:
		return len(d)
	case []uint32:
		return len(d)
	case []uint64:
		return len(d)
	case []bool:
		return len(d)
	case []string:
		return len(d)
	}
	return -1
}

// DType returns the element type.
func (t *Tensor) DType() DType { return t.dtype }

// Shape returns the dims. The slice is the tensor's own: do not modify it.
func (t *Tensor) Shape() []int { return t.shape }

// Rank returns the number of dims.
func (t *Tensor) Rank() int { return len(t.shape) }

// Len returns the number of elements.
func (t *Tensor) Len() int { return lenOf(t.data) }

// Data returns the backing slice (see the package comment for its type).
func (t *Tensor) Data() any { return t.data }

// Bytes returns the in-memory size of the elements.
func (t *Tensor) Bytes() int64 { return int64(t.Len()) * int64(t.dtype.Size()) }

// Dim returns dim i; negative i counts from the end.
func (t *Tensor) Dim(i int) int {
	if i < 0 {
		i += len(t.shape)
	}
	return t.shape[i]
}

// Data returns t's backing slice as []T, or panics when T is not t's storage
// type. Kernels call it after checking the dtype.
func Data[T Elem](t *Tensor) []T {
	return t.data.([]T)
}

// Float32s returns the []float32 backing a Float32 tensor.
func (t *Tensor) Float32s() []float32 { return t.data.([]float32) }

// Int64s returns the []int64 backing an Int64 tensor.
func (t *Tensor) Int64s() []int64 { return t.data.([]int64) }

// Reshape returns a tensor sharing t's data with another shape of the same
// element count.
func (t *Tensor) Reshape(shape ...int) (*Tensor, error) {
	n, err := NumElements(shape)
	if err != nil {
		return nil, err
	}
	if n != t.Len() {
		return nil, fmt.Errorf("tensor: cannot reshape %v to %v: %w", t.shape, shape, ErrShape)
	}
	return &Tensor{dtype: t.dtype, shape: append([]int{}, shape...), data: t.data}, nil
}

// WithDType returns a tensor sharing t's data, relabelled as dt. The storage
// types must agree (e.g. Uint16 ↔ Float16).
func (t *Tensor) WithDType(dt DType) (*Tensor, error) {
	if !goTypeOK(dt, t.data) {
		return nil, fmt.Errorf("tensor: cannot relabel %v as %v: %w", t.dtype, dt, ErrDType)
	}
	return &Tensor{dtype: dt, shape: t.shape, data: t.data}, nil
}

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	c := &Tensor{dtype: t.dtype, shape: append([]int{}, t.shape...)}
	switch d := t.data.(type) {
	case []float32:
		c.data = append([]float32{}, d...)
	case []float64:
		c.data = append([]float64{}, d...)
	case []uint16:
		c.data = append([]uint16{}, d...)
	case []int8:
		c.data = append([]int8{}, d...)
	case []uint8:
		c.data = append([]uint8{}, d...)
	case []int16:
		c.data = append([]int16{}, d...)
	case []int32:
		c.data = append([]int32{}, d...)
	case []int64:
		c.data = append([]int64{}, d...)
	case []uint32:
		c.data = append([]uint32{}, d...)
	case []uint64:
		c.data = append([]uint64{}, d...)
	case []bool:
		c.data = append([]bool{}, d...)
	case []string:
		c.data = append([]string{}, d...)
	}
	return c
}

// String gives a short description: dtype, shape and the first elements.
func (t *Tensor) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v%v", t.dtype, t.shape)
	n := t.Len()
	if n > 8 {
		n = 8
	}
	b.WriteString("{")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprint(&b, t.At(i))
	}
	if t.Len() > n {
		b.WriteString(" …")
	}
	b.WriteString("}")
	return b.String()
}

// At returns element i (flat index) as a Go value: float types as float64
// (float16/bfloat16 decoded), integers as int64 or uint64, bool, string.
func (t *Tensor) At(i int) any {
	switch d := t.data.(type) {
	case []float32:
		return float64(d[i])
	case []float64:
		return d[i]
	case []uint16:
		switch t.dtype {
		case Float16:
			return float64(F16ToF32(d[i]))
		case BFloat16:
			return float64(BF16ToF32(d[i]))
		}
		return uint64(d[i])
	case []int8:
		return int64(d[i])
	case []uint8:
		if t.dtype.IsFloat() {
			return float64(Float8ToF32(t.dtype, d[i]))
		}
		return uint64(d[i])
	case []int16:
		return int64(d[i])
	case []int32:
		return int64(d[i])
	case []int64:
		return d[i]
	case []uint32:
		return uint64(d[i])
	case []uint64:
		return d[i]
	case []bool:
		return d[i]
	case []string:
		return d[i]
	}
	return nil
}

// Float64At returns element i converted to float64 (bool as 0/1; strings
// NaN). It does not allocate.
func (t *Tensor) Float64At(i int) float64 {
	switch d := t.data.(type) {
	case []float32:
		return float64(d[i])
	case []float64:
		return d[i]
	case []uint16:
		switch t.dtype {
		case Float16:
			return float64(F16ToF32(d[i]))
		case BFloat16:
			return float64(BF16ToF32(d[i]))
		}
		return float64(d[i])
	case []int8:
		return float64(d[i])
	case []uint8:
		if t.dtype.IsFloat() {
			return float64(Float8ToF32(t.dtype, d[i]))
		}
		return float64(d[i])
	case []int16:
		return float64(d[i])
	case []int32:
		return float64(d[i])
	case []int64:
		return float64(d[i])
	case []uint32:
		return float64(d[i])
	case []uint64:
		return float64(d[i])
	case []bool:
		if d[i] {
			return 1
		}
		return 0
	}
	return math.NaN()
}

// Int64At returns element i converted to int64 (floats truncated).
func (t *Tensor) Int64At(i int) int64 {
	switch d := t.data.(type) {
	case []int64:
		return d[i]
	case []int32:
		return int64(d[i])
	}
	switch v := t.At(i).(type) {
	case float64:
		return int64(v)
	case int64:
		return v
	case uint64:
		return int64(v)
	case bool:
		if v {
			return 1
		}
		return 0
	}
	return 0
}

// AsInt64s returns the elements of an integer tensor as []int64 (a copy
// unless t is already Int64). Used for shape-like inputs.
func (t *Tensor) AsInt64s() ([]int64, error) {
	if d, ok := t.data.([]int64); ok {
		return d, nil
	}
	if !t.dtype.IsInt() {
		return nil, fmt.Errorf("tensor: want integer tensor, got %v: %w", t.dtype, ErrDType)
	}
	out := make([]int64, t.Len())
	for i := range out {
		out[i] = t.Int64At(i)
	}
	return out, nil
}

// SameShape reports whether a and b have equal dims.
func SameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Strides returns row-major element strides for shape.
func Strides(shape []int) []int {
	s := make([]int, len(shape))
	acc := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}

// Broadcast returns the numpy-style broadcast of the shapes, or ErrShape.
func Broadcast(shapes ...[]int) ([]int, error) {
	r := 0
	for _, s := range shapes {
		if len(s) > r {
			r = len(s)
		}
	}
	out := make([]int, r)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		off := r - len(s)
		for i, d := range s {
			o := out[off+i]
			switch {
			case o == d || d == 1:
			case o == 1:
				out[off+i] = d
			default:
				return nil, fmt.Errorf("tensor: shapes %v do not broadcast: %w", shapes, ErrShape)
			}
		}
	}
	return out, nil
}

// BroadcastStrides returns strides for reading a tensor of shape `in` as if
// it had shape `out` (zero stride along broadcast dims). `in` must broadcast
// to `out`.
func BroadcastStrides(in, out []int) []int {
	st := make([]int, len(out))
	off := len(out) - len(in)
	acc := 1
	for i := len(in) - 1; i >= 0; i-- {
		if in[i] != 1 {
			st[off+i] = acc
		}
		acc *= in[i]
	}
	return st
}

// NormAxis turns a possibly negative axis into 0..rank-1, or ErrShape.
func NormAxis(axis, rank int) (int, error) {
	if axis < -rank || axis >= rank {
		if !(rank == 0 && (axis == 0 || axis == -1)) {
			return 0, fmt.Errorf("tensor: axis %d out of range for rank %d: %w", axis, rank, ErrShape)
		}
		return 0, nil
	}
	if axis < 0 {
		axis += rank
	}
	return axis, nil
}
