package quant

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
)

// Overrides are user settings that beat the quantizer's defaults for named
// tensors and nodes. The file is JSON:
//
//	{
//	  "tensors": {"conv1_out": {"scale": 0.1, "zero_point": 3, "bits": 8}},
//	  "nodes":   {"conv1": {"exclude": true}}
//	}
//
// Unknown keys are errors, so typos do not silently do nothing.
type Overrides struct {
	Tensors map[string]TensorOverride `json:"tensors,omitempty"`
	Nodes   map[string]NodeOverride   `json:"nodes,omitempty"`
}

// TensorOverride fixes settings of one tensor. Nil fields keep the default.
// Either Scale (with ZeroPoint, default 0 or the symmetric mid code) or a
// Min/Max range may be given, not both.
type TensorOverride struct {
	Scale     *float32 `json:"scale,omitempty"`
	ZeroPoint *int32   `json:"zero_point,omitempty"`
	Min       *float32 `json:"min,omitempty"`
	Max       *float32 `json:"max,omitempty"`
	Bits      *int     `json:"bits,omitempty"`
	Signed    *bool    `json:"signed,omitempty"`
	Symmetric *bool    `json:"symmetric,omitempty"`
}

// NodeOverride tunes one node: Exclude leaves it in float; Bits, Signed,
// Symmetric, PerChannel and BlockSize change the scheme of its weights.
type NodeOverride struct {
	Exclude    bool  `json:"exclude,omitempty"`
	Bits       *int  `json:"bits,omitempty"`
	Signed     *bool `json:"signed,omitempty"`
	Symmetric  *bool `json:"symmetric,omitempty"`
	PerChannel *bool `json:"per_channel,omitempty"`
	BlockSize  *int  `json:"block_size,omitempty"`
}

// ParseOverrides decodes and validates an overrides document.
func ParseOverrides(data []byte) (*Overrides, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var o Overrides
	if err := dec.Decode(&o); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOverrides, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data after the JSON object", ErrOverrides)
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &o, nil
}

// LoadOverrides reads and parses an overrides file.
func LoadOverrides(path string) (*Overrides, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	o, err := ParseOverrides(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return o, nil
}

func validBits(b *int) bool { return b == nil || *b == 4 || *b == 8 || *b == 16 }

// Validate checks every entry: bits 4, 8 or 16; scale positive and finite;
// zero point within the code range of the tensor's type (int8 by default
// when signed is given, uint8 otherwise); min <= max; scale and min/max not
// both; block size >= 2 and not with per_channel.
func (o *Overrides) Validate() error {
	for _, name := range sortedKeys(o.Tensors) {
		t := o.Tensors[name]
		bad := func(f string, a ...any) error {
			return fmt.Errorf("%w: tensor %q: %s", ErrOverrides, name, fmt.Sprintf(f, a...))
		}
		if !validBits(t.Bits) {
			return bad("bits %d (want 4, 8 or 16)", *t.Bits)
		}
		if t.Scale != nil && !(*t.Scale > 0 && !math.IsInf(float64(*t.Scale), 0)) {
			return bad("scale %g must be positive and finite", *t.Scale)
		}
		if t.ZeroPoint != nil && t.Scale == nil {
			return bad("zero_point without scale")
		}
		if (t.Min != nil || t.Max != nil) && t.Scale != nil {
			return bad("give scale/zero_point or min/max, not both")
		}
		if (t.Min == nil) != (t.Max == nil) {
			return bad("min and max go together")
		}
		if t.Min != nil && !(*t.Min <= *t.Max) || t.Min != nil && (math.IsInf(float64(*t.Min), 0) || math.IsInf(float64(*t.Max), 0)) {
			return bad("range [%g, %g] is not a finite min <= max", *t.Min, *t.Max)
		}
		if t.ZeroPoint != nil {
			s := t.Apply(Uint8Asym)
			if lo, hi := s.TypeRange(); *t.ZeroPoint < lo || *t.ZeroPoint > hi {
				return bad("zero_point %d outside %v range [%d, %d]", *t.ZeroPoint, s.DType(), lo, hi)
			}
		}
	}
	for _, name := range sortedKeys(o.Nodes) {
		n := o.Nodes[name]
		if !validBits(n.Bits) {
			return fmt.Errorf("%w: node %q: bits %d (want 4, 8 or 16)", ErrOverrides, name, *n.Bits)
		}
		if n.BlockSize != nil && (*n.BlockSize < 2 || n.PerChannel != nil && *n.PerChannel) {
			return fmt.Errorf("%w: node %q: block_size %d (want >= 2, without per_channel)", ErrOverrides, name, *n.BlockSize)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}

// Apply returns base with the override's bits, signedness and symmetry.
func (t TensorOverride) Apply(base Scheme) Scheme {
	if t.Bits != nil {
		base.Bits = *t.Bits
	}
	if t.Signed != nil {
		base.Signed = *t.Signed
	}
	if t.Symmetric != nil {
		base.Symmetric = *t.Symmetric
	}
	return base
}

// Params returns the fixed parameters for a tensor quantized with scheme s
// (after Apply): the given scale and zero point, or parameters computed from
// the given min/max. ok is false when the override fixes neither.
func (t TensorOverride) Params(s Scheme) (p Params, ok bool, err error) {
	switch {
	case t.Scale != nil:
		p = Params{Scale: *t.Scale}
		if t.ZeroPoint != nil {
			p.ZeroPoint = *t.ZeroPoint
		} else if s.Symmetric && !s.Signed {
			p.ZeroPoint = 1 << (s.Bits - 1)
		}
		if lo, hi := s.TypeRange(); p.ZeroPoint < lo || p.ZeroPoint > hi {
			return Params{}, false, fmt.Errorf("%w: zero_point %d outside %v", ErrOverrides, p.ZeroPoint, s.DType())
		}
		return p, true, nil
	case t.Min != nil && t.Max != nil:
		p, err = s.Params(*t.Min, *t.Max)
		return p, err == nil, err
	}
	return Params{}, false, nil
}

// Apply returns base with the node's weight scheme changes (PerChannel
// keeps base's axis when it already is per channel, else axis 0; BlockSize
// blocks along base's axis).
func (n NodeOverride) Apply(base Scheme) Scheme {
	if n.Bits != nil {
		base.Bits = *n.Bits
	}
	if n.Signed != nil {
		base.Signed = *n.Signed
	}
	if n.Symmetric != nil {
		base.Symmetric = *n.Symmetric
	}
	if n.PerChannel != nil {
		if !*n.PerChannel {
			base.Granularity = Granularity{}
		} else if base.Granularity.Kind != PerChannel {
			base.Granularity = ChannelAxis(base.Granularity.Axis)
		}
	}
	if n.BlockSize != nil {
		base.Granularity = BlockAxis(base.Granularity.Axis, *n.BlockSize)
	}
	return base
}

// Excluded reports whether node name is to stay in float.
func (o *Overrides) Excluded(name string) bool {
	if o == nil {
		return false
	}
	return o.Nodes[name].Exclude
}

// Tensor returns the override of tensor name, if any.
func (o *Overrides) Tensor(name string) (TensorOverride, bool) {
	if o == nil {
		return TensorOverride{}, false
	}
	t, ok := o.Tensors[name]
	return t, ok
}

// Node returns the override of node name, if any.
func (o *Overrides) Node(name string) (NodeOverride, bool) {
	if o == nil {
		return NodeOverride{}, false
	}
	n, ok := o.Nodes[name]
	return n, ok
}
