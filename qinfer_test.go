package qinfer_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qinfer/qinfer"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/onnx"
	"github.com/qinfer/qinfer/runtime"
	"github.com/qinfer/qinfer/tensor"
)

// errModel is x float32[2,3] -> op -> y.
func errModel(op string) *ir.Model {
	return &ir.Model{IRVersion: 8, Opsets: map[string]int64{"": 17}, Graph: &ir.Graph{Name: "g",
		Inputs:  []*ir.ValueInfo{{Name: "x", Type: ir.TensorType(tensor.Float32, 2, 3)}},
		Outputs: []*ir.ValueInfo{{Name: "y"}},
		Nodes:   []*ir.Node{{Name: "n0", OpType: op, Inputs: []string{"x"}, Outputs: []string{"y"}}},
	}}
}

func save(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func encode(t *testing.T, m *ir.Model) []byte {
	t.Helper()
	b, err := onnx.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestErrorSentinels shows which sentinel each kind of bad input wraps, as
// callers test them with errors.Is, and that the message names the part.
func TestErrorSentinels(t *testing.T) {
	good := encode(t, errModel("Relu"))
	run := func(path string, in map[string]*tensor.Tensor, opts runtime.Options) error {
		p, err := qinfer.Load(path, opts)
		if err != nil {
			return err
		}
		_, err = p.NewSession().Run(in)
		return err
	}
	x := map[string]*tensor.Tensor{"x": tensor.Zeros(tensor.Float32, 2, 3)}
	cases := []struct {
		name     string
		path     string
		in       map[string]*tensor.Tensor
		opts     runtime.Options
		sentinel error
		mention  string
	}{
		{"corrupt file", save(t, "corrupt.onnx", good[:len(good)-3]), x, runtime.Options{}, qinfer.ErrInvalidModel, "corrupt.onnx"},
		{"garbage", save(t, "garbage.onnx", []byte("\xff\xff\xff\xff")), x, runtime.Options{}, qinfer.ErrInvalidModel, "garbage.onnx"},
		{"unknown op", save(t, "unk.onnx", encode(t, errModel("NoSuchOp"))), x, runtime.Options{}, qinfer.ErrUnsupportedOp, `NoSuchOp "n0"`},
		{"wrong input shape", save(t, "ok.onnx", good), map[string]*tensor.Tensor{"x": tensor.Zeros(tensor.Float32, 3, 2)}, runtime.Options{}, qinfer.ErrShapeMismatch, `"x"`},
		{"wrong input dtype", save(t, "ok.onnx", good), map[string]*tensor.Tensor{"x": tensor.Zeros(tensor.Int32, 2, 3)}, runtime.Options{}, qinfer.ErrShapeMismatch, `"x"`},
		{"missing input", save(t, "ok.onnx", good), nil, runtime.Options{}, qinfer.ErrShapeMismatch, `"x"`},
		{"hostile size", save(t, "huge.onnx", hugeInitializerModel()), x, runtime.Options{}, qinfer.ErrLimit, `"huge"`},
		{"over MaxMemory", save(t, "ok.onnx", good), x, runtime.Options{MaxMemory: 8}, qinfer.ErrLimit, "Relu"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := run(c.path, c.in, c.opts)
			if !errors.Is(err, c.sentinel) {
				t.Fatalf("got %v, want errors.Is %v", err, c.sentinel)
			}
			if !strings.Contains(err.Error(), c.mention) {
				t.Errorf("error %q does not name %q", err, c.mention)
			}
		})
	}
}

// hugeInitializerModel is a tiny model whose sparse initializer "huge"
// densifies to 2^36 float32 elements (256 GiB).
func hugeInitializerModel() []byte {
	// SparseTensorProto{values: TensorProto{dims:[0], data_type:1, name:"huge"}, dims:[2^18, 2^18]}
	vals := []byte{0x08, 0x00, 0x10, 0x01, 0x42, 0x04, 'h', 'u', 'g', 'e'}
	sp := append([]byte{0x0a, byte(len(vals))}, vals...)
	sp = append(sp, 0x1a, 0x06, 0x80, 0x80, 0x10, 0x80, 0x80, 0x10) // dims packed: 262144, 262144
	g := append([]byte{0x7a, byte(len(sp))}, sp...)                 // GraphProto.sparse_initializer (15)
	return append([]byte{0x08, 0x08, 0x3a, byte(len(g))}, g...)     // ir_version 8, graph (7)
}
