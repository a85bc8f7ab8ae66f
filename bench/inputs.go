package bench

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// ErrBadSpec reports a malformed --dim or -i argument, or one that names
// nothing in the model.
var ErrBadSpec = errors.New("bench: bad input spec")

// ParseDims parses NAME=VALUE pairs (the --dim flags) into a map from
// symbolic dim name to size. VALUE must be a positive integer; a name given
// twice is an error.
func ParseDims(specs []string) (map[string]int64, error) {
	dims := make(map[string]int64, len(specs))
	for _, s := range specs {
		name, val, ok := strings.Cut(s, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("--dim %q: want NAME=VALUE: %w", s, ErrBadSpec)
		}
		v, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
		if err != nil || v < 1 {
			return nil, fmt.Errorf("--dim %q: value must be a positive integer: %w", s, ErrBadSpec)
		}
		if _, dup := dims[name]; dup {
			return nil, fmt.Errorf("--dim %q: %s given twice: %w", s, name, ErrBadSpec)
		}
		dims[name] = v
	}
	return dims, nil
}

// LoadInputs parses NAME=FILE.npy pairs (the -i flags) and reads each file.
// NAME splits at the first '='.
func LoadInputs(specs []string) (map[string]*tensor.Tensor, error) {
	in := make(map[string]*tensor.Tensor, len(specs))
	for _, s := range specs {
		name, file, ok := strings.Cut(s, "=")
		if !ok || name == "" || file == "" {
			return nil, fmt.Errorf("-i %q: want NAME=FILE.npy: %w", s, ErrBadSpec)
		}
		if _, dup := in[name]; dup {
			return nil, fmt.Errorf("-i %q: input %s given twice: %w", s, name, ErrBadSpec)
		}
		t, err := tensor.LoadNpy(file)
		if err != nil {
			return nil, fmt.Errorf("-i %q: %w", s, err)
		}
		in[name] = t
	}
	return in, nil
}

// sanitizeName maps characters outside [A-Za-z0-9._-] to '_', as qinfer run
// does for file names, so "-i x_0=..." can name input "x:0".
func sanitizeName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Synthesize returns one tensor per entry of inputs (the model inputs a
// caller feeds, runtime.Plan.Inputs). Inputs named in given are used as
// they are (matched by name, or by name with characters outside
// [A-Za-z0-9._-] as '_'); the others are random from a generator seeded
// with seed, in the declared dtype and shape:
//
//   - float types: uniform in [-1, 1)
//   - int8, uint8: the full range (quantized images)
//   - other integer types: uniform in [0, 4) (safe as indices and lengths)
//   - bool: true or false
//
// A symbolic dim takes its size from dims; an unset symbolic dim or a dim
// of unknown size becomes 1, with a warning returned for each. Errors (all
// wrapping ErrBadSpec or tensor.ErrLimit) cover a given input or a dims
// name the model does not have, and a non-tensor, string or rank-unknown
// input that is not given.
func Synthesize(inputs []*ir.ValueInfo, given map[string]*tensor.Tensor, dims map[string]int64, seed uint64) (map[string]*tensor.Tensor, []string, error) {
	out := make(map[string]*tensor.Tensor, len(inputs))
	for name, t := range given {
		real := ""
		for _, in := range inputs {
			if in.Name == name {
				real = in.Name
				break
			}
		}
		if real == "" {
			for _, in := range inputs {
				if sanitizeName(in.Name) == sanitizeName(name) {
					real = in.Name
					break
				}
			}
		}
		if real == "" {
			return nil, nil, fmt.Errorf("-i %s: model has no input %q (inputs: %s): %w", name, name, inputNames(inputs), ErrBadSpec)
		}
		if _, dup := out[real]; dup {
			return nil, nil, fmt.Errorf("-i %s: input %q given twice: %w", name, real, ErrBadSpec)
		}
		out[real] = t
	}
	params := map[string]bool{}
	for _, in := range inputs {
		if in.Type != nil {
			for _, d := range in.Type.Shape {
				if d.Param != "" {
					params[d.Param] = true
				}
			}
		}
	}
	names := make([]string, 0, len(dims))
	for name := range dims {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !params[name] {
			var have []string
			for p := range params {
				have = append(have, p)
			}
			sort.Strings(have)
			list := strings.Join(have, ", ")
			if list == "" {
				list = "none"
			}
			return nil, nil, fmt.Errorf("--dim %s: no model input has a dim named %q (symbolic dims: %s): %w", name, name, list, ErrBadSpec)
		}
	}

	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	var warns []string
	warned := map[string]bool{}
	for _, in := range inputs {
		if _, ok := out[in.Name]; ok {
			continue
		}
		ty := in.Type
		if ty == nil || ty.Kind != ir.KindTensor {
			return nil, nil, fmt.Errorf("input %q (%v) is not a tensor; give it with -i: %w", in.Name, ty, ErrBadSpec)
		}
		if !ty.HasShape {
			return nil, nil, fmt.Errorf("input %q (%v) has unknown rank; give it with -i: %w", in.Name, ty, ErrBadSpec)
		}
		shape := make([]int, len(ty.Shape))
		for i, d := range ty.Shape {
			switch {
			case d.Known():
				if d.Value > math.MaxInt32 {
					return nil, nil, fmt.Errorf("input %q: dim %d is %d: %w", in.Name, i, d.Value, tensor.ErrLimit)
				}
				shape[i] = int(d.Value)
			case d.Param != "":
				v, ok := dims[d.Param]
				if !ok {
					v = 1
					if !warned[d.Param] {
						warned[d.Param] = true
						warns = append(warns, fmt.Sprintf("symbolic dim %q (input %q axis %d) unset: using 1 (set it with --dim %s=N)", d.Param, in.Name, i, d.Param))
					}
				}
				if v > math.MaxInt32 {
					return nil, nil, fmt.Errorf("input %q: --dim %s=%d: %w", in.Name, d.Param, v, tensor.ErrLimit)
				}
				shape[i] = int(v)
			default:
				shape[i] = 1
				warns = append(warns, fmt.Sprintf("input %q axis %d has unknown size: using 1 (give the input with -i to choose)", in.Name, i))
			}
		}
		t, err := synthRandom(rng, ty.Elem, shape)
		if err != nil {
			return nil, nil, fmt.Errorf("input %q (%v): %w", in.Name, ty, err)
		}
		out[in.Name] = t
	}
	return out, warns, nil
}

func inputNames(inputs []*ir.ValueInfo) string {
	names := make([]string, len(inputs))
	for i, in := range inputs {
		names[i] = in.Name
	}
	return strings.Join(names, ", ")
}

// synthRandom fills a new tensor of dtype dt and the given shape with
// random values (see Synthesize for the ranges).
func synthRandom(rng *rand.Rand, dt tensor.DType, shape []int) (*tensor.Tensor, error) {
	switch dt {
	case tensor.Float32, tensor.Float64, tensor.Float16, tensor.BFloat16,
		tensor.Int8, tensor.Uint8, tensor.Int16, tensor.Uint16, tensor.Int32, tensor.Uint32,
		tensor.Int64, tensor.Uint64, tensor.Bool:
	default:
		return nil, fmt.Errorf("cannot synthesize %v inputs; give it with -i: %w", dt, ErrBadSpec)
	}
	t, err := tensor.New(dt, shape...)
	if err != nil {
		return nil, err
	}
	uni := func() float32 { return rng.Float32()*2 - 1 }
	small := func() int64 { return rng.Int64N(4) }
	switch d := t.Data().(type) {
	case []float32:
		for i := range d {
			d[i] = uni()
		}
	case []float64:
		for i := range d {
			d[i] = rng.Float64()*2 - 1
		}
	case []uint16: // float16, bfloat16 (raw bits) or uint16
		for i := range d {
			switch dt {
			case tensor.Float16:
				d[i] = tensor.F32ToF16(uni())
			case tensor.BFloat16:
				d[i] = tensor.F32ToBF16(uni())
			default:
				d[i] = uint16(small())
			}
		}
	case []int8:
		for i := range d {
			d[i] = int8(rng.IntN(256) - 128)
		}
	case []uint8:
		for i := range d {
			d[i] = uint8(rng.IntN(256))
		}
	case []int16:
		for i := range d {
			d[i] = int16(small())
		}
	case []int32:
		for i := range d {
			d[i] = int32(small())
		}
	case []uint32:
		for i := range d {
			d[i] = uint32(small())
		}
	case []int64:
		for i := range d {
			d[i] = small()
		}
	case []uint64:
		for i := range d {
			d[i] = uint64(small())
		}
	case []bool:
		for i := range d {
			d[i] = rng.IntN(2) == 1
		}
	default:
		return nil, fmt.Errorf("cannot synthesize %v inputs; give it with -i: %w", dt, ErrBadSpec)
	}
	return t, nil
}
