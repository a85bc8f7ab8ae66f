package eval

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"image"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/qinfer/qinfer/tensor"
)

// Opener opens a fresh reader on a file's bytes; datasets call it once per
// pass.
type Opener func() (io.ReadCloser, error)

// FileOpener opens path.
func FileOpener(path string) Opener {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

// BytesOpener reads b (for embedded data).
func BytesOpener(b []byte) Opener {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// idxHeader is the part of an IDX file before the data: the element type
// code and the dims (big-endian uint32 each).
type idxHeader struct {
	code byte
	dims []int
}

// idxUint8 is the IDX type code of unsigned bytes, the only one images and
// labels use.
const idxUint8 = 0x08

// idxReader opens r as an IDX stream, gunzipping when it starts with the
// gzip magic, and parses the header.
func idxReader(r io.Reader) (io.Reader, idxHeader, error) {
	br := bufio.NewReader(r)
	var rd io.Reader = br
	if m, err := br.Peek(2); err == nil && m[0] == 0x1f && m[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, idxHeader{}, fmt.Errorf("eval: idx: %v: %w", err, ErrData)
		}
		rd = bufio.NewReader(zr)
	}
	var magic [4]byte
	if _, err := io.ReadFull(rd, magic[:]); err != nil {
		return nil, idxHeader{}, fmt.Errorf("eval: idx: short header: %v: %w", err, ErrData)
	}
	if magic[0] != 0 || magic[1] != 0 || magic[3] == 0 || magic[3] > 4 {
		return nil, idxHeader{}, fmt.Errorf("eval: idx: bad magic % x: %w", magic, ErrData)
	}
	h := idxHeader{code: magic[2], dims: make([]int, magic[3])}
	var dim [4]byte
	for i := range h.dims {
		if _, err := io.ReadFull(rd, dim[:]); err != nil {
			return nil, idxHeader{}, fmt.Errorf("eval: idx: short header: %v: %w", err, ErrData)
		}
		h.dims[i] = int(binary.BigEndian.Uint32(dim[:]))
	}
	return rd, h, nil
}

// IDX is a dataset of IDX images (N x H x W uint8, as in MNIST and
// Fashion-MNIST), with labels from an N-element IDX file when given. Each
// image goes through a Preprocessor into one model input.
type IDX struct {
	images, labels Opener
	input          string
	pre            *Preprocessor
	n, h, w        int
}

// OpenIDX opens an IDX image file (gzipped or not) for the model input named
// input. Labels come from the sibling file whose name has "labels-idx1" for
// "images-idx3" (or "labels" for "images") when it exists.
func OpenIDX(path, input string, pre *Preprocessor) (*IDX, error) {
	var labels Opener
	if lp := IDXLabelsPath(path); lp != "" {
		if _, err := os.Stat(lp); err == nil {
			labels = FileOpener(lp)
		}
	}
	ds, err := NewIDX(FileOpener(path), labels, input, pre)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return ds, nil
}

// IDXLabelsPath returns the labels file conventionally paired with an IDX
// images file (t10k-images-idx3-ubyte.gz -> t10k-labels-idx1-ubyte.gz), or ""
// when the name does not say "images".
func IDXLabelsPath(images string) string {
	dir, base := filepath.Split(images)
	lb := strings.Replace(base, "images-idx3", "labels-idx1", 1)
	if lb == base {
		lb = strings.Replace(base, "images", "labels", 1)
	}
	if lb == base {
		return ""
	}
	return filepath.Join(dir, lb)
}

// NewIDX builds an IDX dataset from openers of the images and (optional,
// nil) labels files. It reads both headers and checks them.
func NewIDX(images, labels Opener, input string, pre *Preprocessor) (*IDX, error) {
	if pre == nil {
		return nil, fmt.Errorf("eval: idx: no preprocessor: %w", ErrSpec)
	}
	ds := &IDX{images: images, labels: labels, input: input, pre: pre}
	h, err := idxPeek(images)
	if err != nil {
		return nil, err
	}
	if h.code != idxUint8 || len(h.dims) != 3 {
		return nil, fmt.Errorf("eval: idx: images have type 0x%02x and %d dims, want uint8 (0x08) N x H x W: %w", h.code, len(h.dims), ErrData)
	}
	ds.n, ds.h, ds.w = h.dims[0], h.dims[1], h.dims[2]
	if ds.h <= 0 || ds.w <= 0 || ds.h > MaxImageSide || ds.w > MaxImageSide {
		return nil, fmt.Errorf("eval: idx: image size %dx%d out of 1..%d: %w", ds.h, ds.w, MaxImageSide, ErrData)
	}
	if labels != nil {
		lh, err := idxPeek(labels)
		if err != nil {
			return nil, fmt.Errorf("labels: %w", err)
		}
		if lh.code != idxUint8 || len(lh.dims) != 1 {
			return nil, fmt.Errorf("eval: idx: labels have type 0x%02x and %d dims, want uint8 (0x08) N: %w", lh.code, len(lh.dims), ErrData)
		}
		if lh.dims[0] != ds.n {
			return nil, fmt.Errorf("eval: idx: %d labels for %d images: %w", lh.dims[0], ds.n, ErrData)
		}
	}
	return ds, nil
}

func idxPeek(open Opener) (idxHeader, error) {
	rc, err := open()
	if err != nil {
		return idxHeader{}, err
	}
	defer rc.Close()
	_, h, err := idxReader(rc)
	return h, err
}

// Len returns the number of images the header declares.
func (ds *IDX) Len() int { return ds.n }

// Labelled reports whether the dataset has labels.
func (ds *IDX) Labelled() bool { return ds.labels != nil }

// ImageSize returns the stored images' height and width.
func (ds *IDX) ImageSize() (h, w int) { return ds.h, ds.w }

// Samples streams the images (one H*W buffer reused) through the
// preprocessor. Samples are named by their index.
func (ds *IDX) Samples() iter.Seq2[*Sample, error] {
	return func(yield func(*Sample, error) bool) {
		img, lab, closeAll, err := ds.open()
		if err != nil {
			yield(nil, err)
			return
		}
		defer closeAll()
		gray := image.NewGray(image.Rect(0, 0, ds.w, ds.h))
		var lb [1]byte
		for i := 0; i < ds.n; i++ {
			if _, err := io.ReadFull(img, gray.Pix); err != nil {
				yield(nil, fmt.Errorf("eval: idx: image %d of %d: %v: %w", i, ds.n, err, ErrData))
				return
			}
			label := NoLabel
			if lab != nil {
				if _, err := io.ReadFull(lab, lb[:]); err != nil {
					yield(nil, fmt.Errorf("eval: idx: label %d of %d: %v: %w", i, ds.n, err, ErrData))
					return
				}
				label = int(lb[0])
			}
			t, err := ds.pre.Apply(gray)
			if err != nil {
				yield(nil, err)
				return
			}
			s := &Sample{Name: fmt.Sprint(i), Inputs: map[string]*tensor.Tensor{ds.input: t}, Label: label}
			if !yield(s, nil) {
				return
			}
		}
	}
}

func (ds *IDX) open() (img, lab io.Reader, closeAll func(), err error) {
	var closers []io.Closer
	closeAll = func() {
		for _, c := range closers {
			c.Close()
		}
	}
	rc, err := ds.images()
	if err != nil {
		return nil, nil, nil, err
	}
	closers = append(closers, rc)
	if img, _, err = idxReader(rc); err != nil {
		closeAll()
		return nil, nil, nil, err
	}
	if ds.labels != nil {
		lc, err := ds.labels()
		if err != nil {
			closeAll()
			return nil, nil, nil, err
		}
		closers = append(closers, lc)
		if lab, _, err = idxReader(lc); err != nil {
			closeAll()
			return nil, nil, nil, err
		}
	}
	return img, lab, closeAll, nil
}
