package tensor

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// The .npy reader below parses the header itself rather than with
// codeberg.org/sbinet/npyio: npyio v0.14.0 panics on malformed headers (a
// header without '\n' slices hdr[:-1]), allocates the declared header length
// (up to 4 GiB) before reading it, depends on the key order numpy happens to
// write, has no float16 raw-bits path, and would pull gonum, x/text and
// gopickle into go.mod. The format is small; see numpy's
// numpy/lib/format.py for the definition.

// ErrNpyFormat reports bytes that are not a well-formed .npy file: bad
// magic, unknown version, a header dict that does not parse.
var ErrNpyFormat = errors.New("malformed .npy data")

// NpyMaxHeader caps the length of a .npy header dict accepted by ReadNpy.
// numpy itself refuses headers over 10000 bytes by default.
const NpyMaxHeader = 1 << 16

// npyMaxRank caps the number of dims in a .npy shape (numpy's own limit is 64).
const npyMaxRank = 64

var npyMagic = []byte("\x93NUMPY")

// npyTypes maps a numpy kind+size (without the byte-order character) to a DType.
var npyTypes = map[string]DType{
	"f2": Float16, "f4": Float32, "f8": Float64,
	"i1": Int8, "i2": Int16, "i4": Int32, "i8": Int64,
	"u1": Uint8, "u2": Uint16, "u4": Uint32, "u8": Uint64,
	"b1": Bool, "?": Bool,
}

// npyDescr is the inverse of npyTypes for writing (always little-endian).
var npyDescr = map[DType]string{
	Float16: "<f2", Float32: "<f4", Float64: "<f8",
	Int8: "|i1", Int16: "<i2", Int32: "<i4", Int64: "<i8",
	Uint8: "|u1", Uint16: "<u2", Uint32: "<u4", Uint64: "<u8",
	Bool: "|b1",
}

// ReadNpy reads one array in NumPy .npy format (versions 1.0, 2.0, 3.0) from
// r, leaving r positioned just after the array data. Supported dtypes: f2
// (kept as Float16 raw bits), f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1, in
// either byte order. A Fortran-order array is transposed into C order; a 0-d
// array becomes a scalar (shape []). Errors wrap ErrNpyFormat (malformed
// header), ErrDType (other dtypes), ErrLimit (a shape over MaxElements) or
// ErrShape (data shorter than the shape declares); memory is only allocated
// for data actually present in r.
func ReadNpy(r io.Reader) (*Tensor, error) {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return nil, fmt.Errorf("tensor: npy: reading magic: %w (%w)", ErrNpyFormat, err)
	}
	if !bytes.Equal(pre[:6], npyMagic) {
		return nil, fmt.Errorf("tensor: npy: bad magic %q: %w", pre[:6], ErrNpyFormat)
	}
	var hlen int
	switch major := pre[6]; major {
	case 1:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return nil, fmt.Errorf("tensor: npy: reading header length: %w (%w)", ErrNpyFormat, err)
		}
		hlen = int(binary.LittleEndian.Uint16(pre[8:10]))
	case 2, 3:
		var l [4]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return nil, fmt.Errorf("tensor: npy: reading header length: %w (%w)", ErrNpyFormat, err)
		}
		n := binary.LittleEndian.Uint32(l[:])
		if n > NpyMaxHeader {
			return nil, fmt.Errorf("tensor: npy: header of %d bytes exceeds %d: %w", n, NpyMaxHeader, ErrLimit)
		}
		hlen = int(n)
	default:
		return nil, fmt.Errorf("tensor: npy: unsupported format version %d.%d: %w", major, pre[7], ErrNpyFormat)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, fmt.Errorf("tensor: npy: reading %d-byte header: %w (%w)", hlen, ErrNpyFormat, err)
	}
	descr, fortran, shape, err := npyParseHeader(string(hdr))
	if err != nil {
		return nil, err
	}
	dt, order, err := npyParseDescr(descr)
	if err != nil {
		return nil, err
	}
	n, err := NumElements(shape)
	if err != nil {
		return nil, fmt.Errorf("tensor: npy: shape %v: %w", shape, err)
	}
	nbytes := int64(n) * int64(dt.Size())
	// ReadAll grows its buffer with the data actually read, so a shape that
	// promises more than r holds costs no more memory than r's contents.
	raw, err := io.ReadAll(io.LimitReader(r, nbytes))
	if err != nil {
		return nil, fmt.Errorf("tensor: npy: reading data: %w", err)
	}
	if int64(len(raw)) < nbytes {
		return nil, fmt.Errorf("tensor: npy: shape %v of %s needs %d data bytes, got %d: %w (%w)",
			shape, descr, nbytes, len(raw), ErrShape, io.ErrUnexpectedEOF)
	}
	t, err := New(dt, shape...)
	if err != nil {
		return nil, fmt.Errorf("tensor: npy: %w", err)
	}
	if n > 0 {
		if _, err := binary.Decode(raw, order, t.data); err != nil {
			return nil, fmt.Errorf("tensor: npy: decoding %s: %w", descr, err)
		}
	}
	if fortran && len(shape) > 1 && n > 0 {
		t.data = npyFortranToC(t.data, shape)
	}
	return t, nil
}

// WriteNpy writes t to w in NumPy .npy format 1.0 (2.0 if the header needs
// it), little-endian, C order. DTypes without a numpy equivalent (bfloat16,
// float8, int4, uint4, string) fail with ErrDType.
func WriteNpy(w io.Writer, t *Tensor) error {
	descr, ok := npyDescr[t.dtype]
	if !ok {
		return fmt.Errorf("tensor: npy: %v has no .npy dtype: %w", t.dtype, ErrDType)
	}
	var sb strings.Builder
	sb.WriteString("(")
	for i, d := range t.shape {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strconv.Itoa(d))
	}
	if len(t.shape) == 1 {
		sb.WriteString(",")
	}
	sb.WriteString(")")
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, sb.String())

	// Pad with spaces and a final '\n' so that the data starts on a 64-byte
	// boundary, as numpy does.
	version, lenBytes := byte(1), 2
	if len(dict)+1+10 > 65535 {
		version, lenBytes = 2, 4
	}
	pre := 6 + 2 + lenBytes
	total := (pre + len(dict) + 1 + 63) / 64 * 64
	hlen := total - pre
	buf := make([]byte, 0, total+int(t.Bytes()))
	buf = append(buf, npyMagic...)
	buf = append(buf, version, 0)
	if lenBytes == 2 {
		buf = binary.LittleEndian.AppendUint16(buf, uint16(hlen))
	} else {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(hlen))
	}
	buf = append(buf, dict...)
	for len(buf) < total-1 {
		buf = append(buf, ' ')
	}
	buf = append(buf, '\n')
	buf, err := binary.Append(buf, binary.LittleEndian, t.data)
	if err != nil {
		return fmt.Errorf("tensor: npy: encoding %v: %w", t.dtype, err)
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("tensor: npy: %w", err)
	}
	return nil
}

// LoadNpy reads the .npy file at path (see ReadNpy).
func LoadNpy(path string) (*Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := ReadNpy(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// SaveNpy writes t to the .npy file at path (see WriteNpy).
func SaveNpy(path string, t *Tensor) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WriteNpy(f, t); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// npyParseDescr maps a numpy dtype string such as "<f4" to a DType and byte order.
func npyParseDescr(descr string) (DType, binary.ByteOrder, error) {
	if descr == "" {
		return Undefined, nil, fmt.Errorf("tensor: npy: empty descr: %w", ErrNpyFormat)
	}
	var order binary.ByteOrder = binary.LittleEndian
	code := descr
	switch descr[0] {
	case '<':
		code = descr[1:]
	case '>':
		order, code = binary.BigEndian, descr[1:]
	case '=':
		order, code = binary.NativeEndian, descr[1:]
	case '|':
		code = descr[1:]
	}
	dt, ok := npyTypes[code]
	if !ok {
		return Undefined, nil, fmt.Errorf("tensor: npy: dtype %q: %w", descr, ErrDType)
	}
	if descr[0] == '|' && dt.Size() != 1 {
		return Undefined, nil, fmt.Errorf("tensor: npy: dtype %q lacks a byte order: %w", descr, ErrNpyFormat)
	}
	return dt, order, nil
}

// npyParseHeader parses the Python dict literal of a .npy header:
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// Keys may come in any order; each of the three must appear exactly once.
func npyParseHeader(h string) (descr string, fortran bool, shape []int, err error) {
	p := npyParser{s: h}
	bad := func(what string) (string, bool, []int, error) {
		return "", false, nil, fmt.Errorf("tensor: npy: header %q: %s at byte %d: %w", npyClip(h), what, p.i, ErrNpyFormat)
	}
	if !p.eat('{') {
		return bad("want '{'")
	}
	seen := map[string]bool{}
	for {
		if p.eat('}') {
			break
		}
		key, ok := p.str()
		if !ok {
			return bad("want a quoted key")
		}
		if seen[key] {
			return bad("duplicate key " + key)
		}
		seen[key] = true
		if !p.eat(':') {
			return bad("want ':'")
		}
		switch key {
		case "descr":
			if descr, ok = p.str(); !ok {
				return bad("descr is not a string (structured dtypes are unsupported)")
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				fortran = true
			case p.word("False"):
				fortran = false
			default:
				return bad("fortran_order is not True or False")
			}
		case "shape":
			if shape, ok = p.tuple(); !ok {
				if len(shape) > npyMaxRank {
					return "", false, nil, fmt.Errorf("tensor: npy: shape has more than %d dims: %w", npyMaxRank, ErrLimit)
				}
				return bad("shape is not a tuple of non-negative ints")
			}
		default:
			return bad("unknown key " + strconv.Quote(key))
		}
		if !p.eat(',') {
			if !p.eat('}') {
				return bad("want ',' or '}'")
			}
			break
		}
	}
	p.skip()
	if p.i != len(p.s) {
		return bad("trailing bytes after '}'")
	}
	if !seen["descr"] || !seen["fortran_order"] || !seen["shape"] {
		return bad("missing descr, fortran_order or shape")
	}
	return descr, fortran, shape, nil
}

func npyClip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// npyParser is a cursor over a header dict.
type npyParser struct {
	s string
	i int
}

func (p *npyParser) skip() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *npyParser) eat(c byte) bool {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *npyParser) word(w string) bool {
	p.skip()
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

// str reads a '...' or "..." literal without escapes.
func (p *npyParser) str() (string, bool) {
	p.skip()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", false
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", false
	}
	v := p.s[p.i+1 : p.i+1+end]
	if strings.IndexByte(v, '\\') >= 0 {
		return "", false
	}
	p.i += end + 2
	return v, true
}

// tuple reads (), (n,) or (a, b, ...) of non-negative decimal ints (a
// trailing 'L' from Python 2 writers is accepted). On a rank over
// npyMaxRank it returns ok=false with the dims read so far.
func (p *npyParser) tuple() ([]int, bool) {
	if !p.eat('(') {
		return nil, false
	}
	shape := []int{}
	for {
		if p.eat(')') {
			return shape, true
		}
		p.skip()
		j := p.i
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		if j == p.i || p.i-j > 18 {
			return nil, false
		}
		d, err := strconv.Atoi(p.s[j:p.i])
		if err != nil {
			return nil, false
		}
		if p.i < len(p.s) && p.s[p.i] == 'L' {
			p.i++
		}
		shape = append(shape, d)
		if len(shape) > npyMaxRank {
			return shape, false
		}
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, false
			}
			if len(shape) == 1 {
				// Python writes a 1-tuple as (n,); (n) is just n.
				return nil, false
			}
			return shape, true
		}
	}
}

// npyFortranToC reorders column-major data into row-major for shape.
func npyFortranToC(data any, shape []int) any {
	switch d := data.(type) {
	case []float32:
		return npyTranspose(d, shape)
	case []float64:
		return npyTranspose(d, shape)
	case []uint16:
		return npyTranspose(d, shape)
	case []int8:
		return npyTranspose(d, shape)
	case []uint8:
		return npyTranspose(d, shape)
	case []int16:
		return npyTranspose(d, shape)
	case []int32:
		return npyTranspose(d, shape)
	case []int64:
		return npyTranspose(d, shape)
	case []uint32:
		return npyTranspose(d, shape)
	case []uint64:
		return npyTranspose(d, shape)
	case []bool:
		return npyTranspose(d, shape)
	}
	return data
}

// npyTranspose returns the C-order copy of src, which holds shape in
// Fortran order: element (i0, ..., ik) sits at i0 + d0*(i1 + d1*(...)).
func npyTranspose[T any](src []T, shape []int) []T {
	dst := make([]T, len(src))
	r := len(shape)
	fstride := make([]int, r)
	s := 1
	for k := 0; k < r; k++ {
		fstride[k] = s
		s *= shape[k]
	}
	idx := make([]int, r)
	off := 0
	for c := range dst {
		dst[c] = src[off]
		// Advance the C-order odometer (last dim fastest).
		for k := r - 1; k >= 0; k-- {
			idx[k]++
			off += fstride[k]
			if idx[k] < shape[k] {
				break
			}
			off -= idx[k] * fstride[k]
			idx[k] = 0
		}
	}
	return dst
}
