package onnx

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/qinfer/qinfer/ir"
)

// field is one decoded protobuf field: its number and wire type, the value
// of a varint or fixed field in v, the payload of a bytes field in b.
type field struct {
	num protowire.Number
	typ protowire.Type
	v   uint64
	b   []byte
}

// walk calls fn for each field of the message b. Groups are skipped. what
// names the message for error messages.
func walk(b []byte, what string, fn func(f *field) error) error {
	var f field
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return wireErr(what, n)
		}
		b = b[n:]
		f = field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			f.v = uint64(v)
		case protowire.Fixed64Type:
			f.v, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return wireErr(what, n)
			}
			b = b[n:]
			continue
		}
		if n < 0 {
			return wireErr(what, n)
		}
		b = b[n:]
		if err := fn(&f); err != nil {
			return err
		}
	}
	return nil
}

func wireErr(what string, n int) error {
	return fmt.Errorf("onnx: %s: %v: %w", what, protowire.ParseError(n), ir.ErrInvalidModel)
}

func typeErr(what string, f *field) error {
	return fmt.Errorf("onnx: %s: field %d has wire type %d: %w", what, f.num, f.typ, ir.ErrInvalidModel)
}

// str returns a bytes field as a string (copied, so it does not pin the
// input buffer).
func (f *field) str(what string) (string, error) {
	if f.typ != protowire.BytesType {
		return "", typeErr(what, f)
	}
	return string(f.b), nil
}

// msg returns the payload of an embedded message field.
func (f *field) msg(what string) ([]byte, error) {
	if f.typ != protowire.BytesType {
		return nil, typeErr(what, f)
	}
	return f.b, nil
}

// int64 returns a varint field as int64.
func (f *field) int64(what string) (int64, error) {
	if f.typ != protowire.VarintType {
		return 0, typeErr(what, f)
	}
	return int64(f.v), nil
}

// int32 returns a varint field as int32 (proto int32/enum semantics: the
// low 32 bits, sign-extended).
func (f *field) int32(what string) (int32, error) {
	if f.typ != protowire.VarintType {
		return 0, typeErr(what, f)
	}
	return int32(f.v), nil
}

// float32 returns a fixed32 field as float32.
func (f *field) float32(what string) (float32, error) {
	if f.typ != protowire.Fixed32Type {
		return 0, typeErr(what, f)
	}
	return math.Float32frombits(uint32(f.v)), nil
}

// countVarints returns the number of varints in a packed payload; it does
// not validate them.
func countVarints(b []byte) int {
	n := 0
	for _, c := range b {
		if c < 0x80 {
			n++
		}
	}
	return n
}

// appendVarints appends the values of a repeated varint field, packed or
// not, to dst, converting each with conv.
func appendVarints[T any](dst []T, f *field, what string, conv func(uint64) T) ([]T, error) {
	switch f.typ {
	case protowire.VarintType:
		return append(dst, conv(f.v)), nil
	case protowire.BytesType:
		b := f.b
		if dst == nil {
			dst = make([]T, 0, countVarints(b))
		}
		for len(b) > 0 {
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, wireErr(what, n)
			}
			dst = append(dst, conv(v))
			b = b[n:]
		}
		return dst, nil
	}
	return nil, typeErr(what, f)
}

// appendFixed32s appends the values of a repeated fixed32 field.
func appendFixed32s(dst []uint32, f *field, what string) ([]uint32, error) {
	switch f.typ {
	case protowire.Fixed32Type:
		return append(dst, uint32(f.v)), nil
	case protowire.BytesType:
		if len(f.b)%4 != 0 {
			return nil, fmt.Errorf("onnx: %s: packed fixed32 field %d has %d bytes: %w", what, f.num, len(f.b), ir.ErrInvalidModel)
		}
		if dst == nil {
			dst = make([]uint32, 0, len(f.b)/4)
		}
		for b := f.b; len(b) > 0; b = b[4:] {
			dst = append(dst, uint32(b[0])|uint32(b[1])<<8|uint32(b[2])<<16|uint32(b[3])<<24)
		}
		return dst, nil
	}
	return nil, typeErr(what, f)
}

// appendFixed64s appends the values of a repeated fixed64 field.
func appendFixed64s(dst []uint64, f *field, what string) ([]uint64, error) {
	switch f.typ {
	case protowire.Fixed64Type:
		return append(dst, f.v), nil
	case protowire.BytesType:
		if len(f.b)%8 != 0 {
			return nil, fmt.Errorf("onnx: %s: packed fixed64 field %d has %d bytes: %w", what, f.num, len(f.b), ir.ErrInvalidModel)
		}
		if dst == nil {
			dst = make([]uint64, 0, len(f.b)/8)
		}
		for b := f.b; len(b) > 0; b = b[8:] {
			dst = append(dst, protowireFixed64(b))
		}
		return dst, nil
	}
	return nil, typeErr(what, f)
}

func protowireFixed64(b []byte) uint64 {
	v, _ := protowire.ConsumeFixed64(b)
	return v
}

// ---- encoding helpers ----

func appendStr(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

// appendStrAlways writes s even when empty (repeated string elements).
func appendStrAlways(b []byte, num protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendInt(b []byte, num protowire.Number, v int64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

func appendIntAlways(b []byte, num protowire.Number, v int64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

// appendMsg appends field num holding the message that fill appends. The
// length prefix is reserved as one byte and the body shifted if it turns
// out longer, so no temporary buffer is needed.
func appendMsg(b []byte, num protowire.Number, fill func([]byte) ([]byte, error)) ([]byte, error) {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	start := len(b)
	b = append(b, 0)
	b, err := fill(b)
	if err != nil {
		return b, err
	}
	n := len(b) - start - 1
	sz := protowire.SizeVarint(uint64(n))
	if sz > 1 {
		b = append(b, make([]byte, sz-1)...)
		copy(b[start+sz:], b[start+1:start+1+n])
	}
	protowire.AppendVarint(b[start:start], uint64(n))
	return b, nil
}

func appendPackedInts(b []byte, num protowire.Number, v []int64) []byte {
	if len(v) == 0 {
		return b
	}
	sz := 0
	for _, x := range v {
		sz += protowire.SizeVarint(uint64(x))
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(sz))
	for _, x := range v {
		b = protowire.AppendVarint(b, uint64(x))
	}
	return b
}

func appendPackedFloats(b []byte, num protowire.Number, v []float32) []byte {
	if len(v) == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(4*len(v)))
	for _, x := range v {
		b = protowire.AppendFixed32(b, math.Float32bits(x))
	}
	return b
}
