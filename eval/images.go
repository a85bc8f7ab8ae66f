package eval

import (
	"fmt"
	"image"
	_ "image/jpeg" // decoders for images datasets
	_ "image/png"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/qinfer/qinfer/tensor"
)

// ImageDir is a dataset of PNG and JPEG files. Files directly in DIR are
// unlabelled; when DIR has sub-folders, each is a class (DIR/<class>/*.png,
// labels numbered by folder name order, as torchvision's ImageFolder does)
// and loose files are ignored.
type ImageDir struct {
	files   []string
	labels  []int
	classes []string
	input   string
	pre     *Preprocessor
}

// OpenImageDir lists the images under dir for the model input named input.
func OpenImageDir(dir, input string, pre *Preprocessor) (*ImageDir, error) {
	if pre == nil {
		return nil, fmt.Errorf("eval: images: no preprocessor: %w", ErrSpec)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("eval: images: %w", err)
	}
	ds := &ImageDir{input: input, pre: pre}
	for _, e := range ents {
		if e.IsDir() {
			ds.classes = append(ds.classes, e.Name())
		}
	}
	sort.Strings(ds.classes)
	if len(ds.classes) == 0 {
		ds.files = imageFiles(dir, ents)
		for range ds.files {
			ds.labels = append(ds.labels, NoLabel)
		}
		return ds, nil
	}
	for c, name := range ds.classes {
		sub := filepath.Join(dir, name)
		es, err := os.ReadDir(sub)
		if err != nil {
			return nil, fmt.Errorf("eval: images: %w", err)
		}
		for _, f := range imageFiles(sub, es) {
			ds.files = append(ds.files, f)
			ds.labels = append(ds.labels, c)
		}
	}
	return ds, nil
}

func imageFiles(dir string, ents []os.DirEntry) []string {
	var out []string
	for _, e := range ents {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".png", ".jpg", ".jpeg":
			if !e.IsDir() {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
	}
	sort.Strings(out)
	return out
}

// Len returns the number of image files.
func (ds *ImageDir) Len() int { return len(ds.files) }

// Classes returns the class folder names in label order (nil when
// unlabelled).
func (ds *ImageDir) Classes() []string { return ds.classes }

// Samples decodes and preprocesses one file at a time.
func (ds *ImageDir) Samples() iter.Seq2[*Sample, error] {
	return func(yield func(*Sample, error) bool) {
		for i, path := range ds.files {
			t, err := ds.load(path)
			if err != nil {
				yield(nil, err)
				return
			}
			s := &Sample{Name: path, Inputs: map[string]*tensor.Tensor{ds.input: t}, Label: ds.labels[i]}
			if !yield(s, nil) {
				return
			}
		}
	}
}

func (ds *ImageDir) load(path string) (*tensor.Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval: images: %w", err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return nil, fmt.Errorf("eval: images: %s: %v: %w", path, err, ErrData)
	}
	if cfg.Width > MaxImageSide || cfg.Height > MaxImageSide {
		return nil, fmt.Errorf("eval: images: %s is %dx%d, over %d: %w", path, cfg.Width, cfg.Height, MaxImageSide, tensor.ErrLimit)
	}
	if _, err := f.Seek(0, 0); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("eval: images: %s: %v: %w", path, err, ErrData)
	}
	t, err := ds.pre.Apply(img)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}
