package bench

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// ModelBytes returns the bytes a model occupies on disk: the .onnx file plus
// every distinct external-data file its main graph's initializers name
// (TensorProto.external_data "location", relative to the model's folder).
// The file is scanned as a stream; tensor payloads are skipped, not read.
func ModelBytes(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	locs := map[string]bool{}
	r := &msizeReader{r: bufio.NewReaderSize(f, 64<<10)}
	if err := msizeModel(r, st.Size(), locs); err != nil {
		return 0, fmt.Errorf("bench: %s: scanning for external data: %w", path, err)
	}
	total := st.Size()
	names := make([]string, 0, len(locs))
	for l := range locs {
		names = append(names, l)
	}
	sort.Strings(names)
	for _, l := range names {
		est, err := os.Stat(filepath.Join(filepath.Dir(path), filepath.FromSlash(l)))
		if err != nil {
			return 0, fmt.Errorf("bench: %s: external data: %w", path, err)
		}
		total += est.Size()
	}
	return total, nil
}

var errMsizeCorrupt = errors.New("malformed protobuf")

// msizeReader reads protobuf fields from a stream.
type msizeReader struct {
	r *bufio.Reader
}

func (m *msizeReader) varint() (uint64, int64, error) {
	var v uint64
	for i := 0; i < 10; i++ {
		b, err := m.r.ReadByte()
		if err != nil {
			return 0, 0, err
		}
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			return v, int64(i + 1), nil
		}
	}
	return 0, 0, errMsizeCorrupt
}

func (m *msizeReader) skip(n int64) error {
	_, err := m.r.Discard(int(n))
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// fields calls fn for every field of a message of size bytes; fn must consume
// exactly the length-delimited payload it is handed (ln bytes) or return
// handled=false to have it skipped. Other wire types are skipped.
func (m *msizeReader) fields(size int64, fn func(num int, ln int64) (handled bool, err error)) error {
	for size > 0 {
		tag, n, err := m.varint()
		if err != nil {
			return msizeEOF(err)
		}
		size -= n
		num, typ := int(tag>>3), tag&7
		switch typ {
		case 0:
			_, n, err = m.varint()
			if err != nil {
				return msizeEOF(err)
			}
			size -= n
		case 1:
			if err := m.skip(8); err != nil {
				return err
			}
			size -= 8
		case 5:
			if err := m.skip(4); err != nil {
				return err
			}
			size -= 4
		case 2:
			ln, n, err := m.varint()
			if err != nil {
				return msizeEOF(err)
			}
			size -= n
			if ln > uint64(size) {
				return errMsizeCorrupt
			}
			handled, err := fn(num, int64(ln))
			if err != nil {
				return err
			}
			if !handled {
				if err := m.skip(int64(ln)); err != nil {
					return err
				}
			}
			size -= int64(ln)
		default:
			return errMsizeCorrupt
		}
	}
	if size < 0 {
		return errMsizeCorrupt
	}
	return nil
}

func msizeEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// msizeModel walks ModelProto.graph (7) -> GraphProto.initializer (5) ->
// TensorProto.external_data (13) -> StringStringEntryProto key (1) / value (2).
func msizeModel(r *msizeReader, size int64, locs map[string]bool) error {
	return r.fields(size, func(num int, ln int64) (bool, error) {
		if num != 7 {
			return false, nil
		}
		return true, r.fields(ln, func(num int, ln int64) (bool, error) {
			if num != 5 {
				return false, nil
			}
			return true, r.fields(ln, func(num int, ln int64) (bool, error) {
				if num != 13 {
					return false, nil
				}
				var key, val string
				err := r.fields(ln, func(num int, ln int64) (bool, error) {
					if num != 1 && num != 2 || ln > 4096 {
						return false, nil
					}
					b := make([]byte, ln)
					if _, err := io.ReadFull(r.r, b); err != nil {
						return true, msizeEOF(err)
					}
					if num == 1 {
						key = string(b)
					} else {
						val = string(b)
					}
					return true, nil
				})
				if err == nil && key == "location" && val != "" {
					locs[val] = true
				}
				return true, err
			})
		})
	})
}
