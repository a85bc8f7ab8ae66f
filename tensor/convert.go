package tensor

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Float32s converts any numeric or bool tensor to a []float32. It returns
// t's own slice when t is Float32 (no copy), so callers must not write to it
// unless they own t.
func ToFloat32(t *Tensor) []float32 {
	if d, ok := t.data.([]float32); ok {
		return d
	}
	out := make([]float32, t.Len())
	switch d := t.data.(type) {
	case []float64:
		for i, v := range d {
			out[i] = float32(v)
		}
	case []uint16:
		switch t.dtype {
		case Float16:
			for i, v := range d {
				out[i] = F16ToF32(v)
			}
		case BFloat16:
			for i, v := range d {
				out[i] = BF16ToF32(v)
			}
		default:
			for i, v := range d {
				out[i] = float32(v)
			}
		}
	default:
		for i := range out {
			out[i] = float32(t.Float64At(i))
		}
	}
	return out
}

// FromFloat32 builds a tensor of type dt from float32 values (rounded to
// nearest even for half types; integer types truncate like a C cast, with
// NaN → 0).
func FromFloat32(dt DType, shape []int, v []float32) (*Tensor, error) {
	if dt == Float32 {
		return FromData(dt, shape, v)
	}
	src := &Tensor{dtype: Float32, shape: shape, data: v}
	return Cast(src, dt)
}

// Cast converts t to dt with ONNX Cast semantics: float→int truncates toward
// zero (out-of-range values wrap as in a C cast through int64), numbers →
// bool is x != 0, strings parse as numbers, numbers format as strings.
// float8 targets saturate.
func Cast(t *Tensor, dt DType) (*Tensor, error) {
	return CastSat(t, dt, true)
}

// CastSat is Cast with explicit float8 saturation.
func CastSat(t *Tensor, dt DType, saturate bool) (*Tensor, error) {
	if t.dtype == dt {
		return t.Clone(), nil
	}
	out, err := New(dt, t.shape...)
	if err != nil {
		return nil, err
	}
	n := t.Len()
	if t.dtype == String {
		src := t.data.([]string)
		for i := 0; i < n; i++ {
			s := strings.TrimSpace(src[i])
			if dt.IsFloat() {
				f, err := strconv.ParseFloat(s, 64)
				if err != nil {
					ls := strings.ToLower(s)
					switch {
					case ls == "inf" || ls == "+inf" || ls == "infinity" || ls == "+infinity":
						f = math.Inf(1)
					case ls == "-inf" || ls == "-infinity":
						f = math.Inf(-1)
					case ls == "nan" || ls == "-nan" || ls == "+nan":
						f = math.NaN()
					default:
						return nil, fmt.Errorf("tensor: cannot cast string %q to %v: %w", s, dt, ErrDType)
					}
				}
				out.setFloat(i, f, saturate)
			} else if dt == Bool {
				f, err := strconv.ParseFloat(s, 64)
				if err != nil {
					b, err2 := strconv.ParseBool(s)
					if err2 != nil {
						return nil, fmt.Errorf("tensor: cannot cast string %q to bool: %w", s, ErrDType)
					}
					out.data.([]bool)[i] = b
				} else {
					out.data.([]bool)[i] = f != 0
				}
			} else {
				v, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					u, err2 := strconv.ParseUint(s, 10, 64)
					if err2 != nil {
						f, err3 := strconv.ParseFloat(s, 64)
						if err3 != nil {
							return nil, fmt.Errorf("tensor: cannot cast string %q to %v: %w", s, dt, ErrDType)
						}
						v = int64(f)
					} else {
						v = int64(u)
					}
				}
				out.setInt(i, v)
			}
		}
		return out, nil
	}
	if dt == String {
		dst := out.data.([]string)
		for i := 0; i < n; i++ {
			switch v := t.At(i).(type) {
			case float64:
				dst[i] = formatFloat(v, t.dtype)
			case int64:
				dst[i] = strconv.FormatInt(v, 10)
			case uint64:
				dst[i] = strconv.FormatUint(v, 10)
			case bool:
				if v {
					dst[i] = "1"
				} else {
					dst[i] = "0"
				}
			}
		}
		return out, nil
	}
	switch {
	case dt.IsFloat():
		switch s := t.data.(type) {
		case []int64:
			for i, v := range s {
				out.setFloat(i, float64(v), saturate)
			}
		case []uint64:
			for i, v := range s {
				out.setFloat(i, float64(v), saturate)
			}
		default:
			if d, ok := out.data.([]float32); ok && t.dtype.IsFloat() {
				copy(d, ToFloat32(t))
				if t.dtype == Float64 {
					for i, v := range t.data.([]float64) {
						d[i] = float32(v)
					}
				}
				break
			}
			for i := 0; i < n; i++ {
				out.setFloat(i, t.Float64At(i), saturate)
			}
		}
	case dt == Bool:
		dst := out.data.([]bool)
		for i := 0; i < n; i++ {
			switch v := t.At(i).(type) {
			case float64:
				dst[i] = v != 0
			case int64:
				dst[i] = v != 0
			case uint64:
				dst[i] = v != 0
			case bool:
				dst[i] = v
			}
		}
	default: // integer target
		for i := 0; i < n; i++ {
			switch v := t.At(i).(type) {
			case float64:
				out.setInt(i, floatToInt64(v))
			case int64:
				out.setInt(i, v)
			case uint64:
				out.setInt(i, int64(v))
			case bool:
				if v {
					out.setInt(i, 1)
				} else {
					out.setInt(i, 0)
				}
			}
		}
	}
	return out, nil
}

func floatToInt64(v float64) int64 {
	if v != v {
		return 0
	}
	if v >= 9.223372036854775807e18 {
		return math.MinInt64
	}
	if v < -9.223372036854775808e18 {
		return math.MinInt64
	}
	return int64(v)
}

func formatFloat(v float64, src DType) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "INF"
	case math.IsInf(v, -1):
		return "-INF"
	}
	bits := 64
	if src != Float64 {
		bits = 32
	}
	return strconv.FormatFloat(v, 'g', -1, bits)
}

// setFloat stores v (as float) at i, converting to the tensor's float type.
func (t *Tensor) setFloat(i int, v float64, saturate bool) {
	switch d := t.data.(type) {
	case []float32:
		d[i] = float32(v)
	case []float64:
		d[i] = v
	case []uint16:
		if t.dtype == BFloat16 {
			d[i] = F32ToBF16(float32(v))
		} else {
			d[i] = F32ToF16(float32(v))
		}
	case []uint8:
		d[i] = F32ToFloat8(t.dtype, float32(v), saturate)
	}
}

// setInt stores v at i with C-cast wrap-around into the tensor's int type.
func (t *Tensor) setInt(i int, v int64) {
	switch d := t.data.(type) {
	case []int8:
		if t.dtype == Int4 {
			d[i] = int8(v << 60 >> 60)
		} else {
			d[i] = int8(v)
		}
	case []uint8:
		if t.dtype == Uint4 {
			d[i] = uint8(v) & 15
		} else {
			d[i] = uint8(v)
		}
	case []int16:
		d[i] = int16(v)
	case []uint16:
		d[i] = uint16(v)
	case []int32:
		d[i] = int32(v)
	case []uint32:
		d[i] = uint32(v)
	case []int64:
		d[i] = v
	case []uint64:
		d[i] = uint64(v)
	}
}

// SetFloat64 stores v at flat index i, converting to t's type (integers are
// truncated, bool is v != 0). For non-hot paths.
func (t *Tensor) SetFloat64(i int, v float64) {
	switch {
	case t.dtype.IsFloat():
		t.setFloat(i, v, true)
	case t.dtype == Bool:
		t.data.([]bool)[i] = v != 0
	case t.dtype.IsInt():
		t.setInt(i, floatToInt64(v))
	}
}

// SetInt64 stores v at flat index i, converting to t's type.
func (t *Tensor) SetInt64(i int, v int64) {
	switch {
	case t.dtype.IsFloat():
		t.setFloat(i, float64(v), true)
	case t.dtype == Bool:
		t.data.([]bool)[i] = v != 0
	case t.dtype.IsInt():
		t.setInt(i, v)
	}
}
