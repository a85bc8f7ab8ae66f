package onnx

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/qinfer/qinfer/ir"
)

// checkLocation rejects external-data locations that could leave the model
// directory: empty, absolute, with a volume name, or with ".." components.
func checkLocation(loc string) error {
	switch {
	case loc == "":
		return fmt.Errorf("empty location")
	case strings.IndexByte(loc, 0) >= 0:
		return fmt.Errorf("location %q contains NUL", loc)
	case filepath.IsAbs(loc), strings.HasPrefix(loc, "/"), strings.HasPrefix(loc, `\`), filepath.VolumeName(loc) != "":
		return fmt.Errorf("location %q is absolute", loc)
	}
	for _, part := range strings.FieldsFunc(loc, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			return fmt.Errorf("location %q has a .. component", loc)
		}
	}
	return nil
}

// within reports whether path (resolved, absolute) lies inside dir.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	if err != nil || filepath.IsAbs(rel) {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// readExternal reads the want bytes of tensor name from the external file
// described by kvs, after checking that the file lies inside BaseDir.
func (d *decoder) readExternal(name string, kvs []ir.KV, want int64) ([]byte, error) {
	fail := func(format string, args ...any) ([]byte, error) {
		return nil, tensorErr(name, ir.ErrInvalidModel, "external data: "+format, args...)
	}
	if d.opts.BaseDir == "" {
		return fail("refused (no base directory given)")
	}
	var loc string
	offset, length := int64(0), int64(-1)
	for _, kv := range kvs {
		switch kv.Key {
		case "location":
			loc = kv.Value
		case "offset", "length":
			v, err := strconv.ParseInt(kv.Value, 10, 64)
			if err != nil || v < 0 {
				return fail("bad %s %q", kv.Key, kv.Value)
			}
			if kv.Key == "offset" {
				offset = v
			} else {
				length = v
			}
		}
	}
	if err := checkLocation(loc); err != nil {
		return fail("%v", err)
	}
	base, err := filepath.EvalSymlinks(d.opts.BaseDir)
	if err == nil {
		base, err = filepath.Abs(base)
	}
	if err != nil {
		return fail("base directory: %v", err)
	}
	real, err := filepath.EvalSymlinks(filepath.Join(base, filepath.FromSlash(loc)))
	if err == nil {
		real, err = filepath.Abs(real)
	}
	if err != nil {
		return fail("%v", err)
	}
	if !within(base, real) {
		return fail("location %q resolves outside %s", loc, base)
	}
	f, err := os.Open(real)
	if err != nil {
		return fail("%v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fail("%v", err)
	}
	if !st.Mode().IsRegular() {
		return fail("%q is not a regular file", loc)
	}
	size := st.Size()
	if offset > size {
		return fail("offset %d past the end of %q (%d bytes)", offset, loc, size)
	}
	if length < 0 {
		length = size - offset
	}
	if length > size-offset {
		return fail("offset %d + length %d past the end of %q (%d bytes)", offset, length, loc, size)
	}
	if length != want {
		return fail("%q holds %d bytes at offset %d, tensor needs %d", loc, length, offset, want)
	}
	buf := make([]byte, length)
	if n, err := f.ReadAt(buf, offset); err != nil && !(err == io.EOF && int64(n) == length) {
		return fail("%v", err)
	}
	return buf, nil
}

// extFile writes tensors of at least threshold bytes to an external data
// file, 64-byte aligned.
type extFile struct {
	w         *os.File
	location  string
	threshold int64
	off       int64
}

func (e *extFile) place(name string, raw []byte) ([]ir.KV, error) {
	if int64(len(raw)) < e.threshold || len(raw) == 0 {
		return nil, nil
	}
	if pad := (64 - e.off%64) % 64; pad > 0 {
		if _, err := e.w.Write(make([]byte, pad)); err != nil {
			return nil, fmt.Errorf("onnx: tensor %q: writing external data: %w", name, err)
		}
		e.off += pad
	}
	if _, err := e.w.Write(raw); err != nil {
		return nil, fmt.Errorf("onnx: tensor %q: writing external data: %w", name, err)
	}
	kvs := []ir.KV{
		{Key: "location", Value: e.location},
		{Key: "offset", Value: strconv.FormatInt(e.off, 10)},
		{Key: "length", Value: strconv.Itoa(len(raw))},
	}
	e.off += int64(len(raw))
	return kvs, nil
}
