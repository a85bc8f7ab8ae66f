package onnx

import (
	"errors"
	"math"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

// sparseModel is a model whose one sparse initializer "sp" holds a single
// 1.0 at offset 0 of a float tensor with the given dims.
func sparseModel(dims ...int64) []byte {
	vals := pb{}.packed(tpDims, 1).varint(tpDataType, 1).str(tpName, "sp").fixed32s(tpFloatData, math.Float32bits(1))
	idx := pb{}.packed(tpDims, 1).varint(tpDataType, 7).packed(tpInt64Data, 0)
	sp := pb{}.bytes(spValues, vals).bytes(spIndices, idx).packed(spDims, dims...)
	return pb{}.bytes(mpGraph, pb{}.bytes(gpSparseInitializer, sp))
}

func TestSparseExpansionLimit(t *testing.T) {
	// 32 Mi floats = 128 MiB dense from a ~40-byte sparse tensor.
	big := sparseModel(1<<15, 1<<10)
	if len(big) > 100 {
		t.Fatalf("model is %d bytes", len(big))
	}
	_, err := Decode(big, nil)
	if !errors.Is(err, tensor.ErrLimit) || !strings.Contains(err.Error(), `"sp"`) {
		t.Fatalf("default options: got %v, want ErrLimit naming the tensor", err)
	}
	// Under the 64 MiB floor: fine.
	m, err := Decode(sparseModel(1<<10, 1<<10), nil)
	if err != nil {
		t.Fatalf("4 MiB sparse: %v", err)
	}
	if got := m.Graph.Initializers["sp"]; got.Len() != 1<<20 || tensor.Data[float32](got)[0] != 1 {
		t.Fatalf("got %v", got.Shape())
	}
	// A lower floor and expansion refuse it ...
	_, err = Decode(sparseModel(1<<10, 1<<10), &Options{MaxSparseDenseBytes: 1 << 20, SparseExpansion: 16})
	if !errors.Is(err, tensor.ErrLimit) {
		t.Fatalf("lowered cap: got %v, want ErrLimit", err)
	}
	// ... a large expansion factor allows it again ...
	if _, err = Decode(sparseModel(1<<10, 1<<10), &Options{MaxSparseDenseBytes: 1 << 20, SparseExpansion: 1 << 20}); err != nil {
		t.Fatalf("expansion 2^20: %v", err)
	}
	// ... and negative values turn the cap off (MaxTensorBytes still holds).
	if _, err = Decode(sparseModel(1<<11, 1<<10), &Options{MaxSparseDenseBytes: -1, SparseExpansion: -1}); err != nil {
		t.Fatalf("cap off: %v", err)
	}
	if _, err = Decode(sparseModel(1<<11, 1<<10), &Options{MaxSparseDenseBytes: -1, SparseExpansion: -1, MaxTensorBytes: 1 << 20}); !errors.Is(err, tensor.ErrLimit) {
		t.Fatalf("MaxTensorBytes: got %v, want ErrLimit", err)
	}
	// Sparse attributes are capped the same way.
	vals := pb{}.packed(tpDims, 1).varint(tpDataType, 1).fixed32s(tpFloatData, math.Float32bits(1))
	sp := pb{}.bytes(spValues, vals).bytes(spIndices, pb{}.packed(tpDims, 1).varint(tpDataType, 7).packed(tpInt64Data, 0)).packed(spDims, 1<<15, 1<<10)
	n := pb{}.str(npOpType, "Constant").str(npOutput, "y").bytes(npAttribute, pb{}.str(apName, "sparse_value").varint(apType, int64(ir.AttrSparseTensor)).bytes(apSparseTensor, sp))
	if _, err = Decode(pb{}.bytes(mpGraph, pb{}.bytes(gpNode, n)), nil); !errors.Is(err, tensor.ErrLimit) {
		t.Fatalf("sparse attribute: got %v, want ErrLimit", err)
	}
}

// TestHostileHugeInitializerMemory checks that refusing a ~1 KB file that
// declares a 10^12-element initializer is fast and allocates nothing big.
func TestHostileHugeInitializerMemory(t *testing.T) {
	b := hugeModel()
	var before, after goruntime.MemStats
	goruntime.GC()
	goruntime.ReadMemStats(&before)
	start := time.Now()
	for i := 0; i < 10; i++ {
		_, err := Decode(b, &Options{MaxTensorBytes: math.MaxInt64})
		if !errors.Is(err, tensor.ErrLimit) && !errors.Is(err, ir.ErrInvalidModel) {
			t.Fatalf("got %v, want ErrLimit or ErrInvalidModel", err)
		}
	}
	d := time.Since(start) / 10
	goruntime.ReadMemStats(&after)
	if d > 10*time.Millisecond {
		t.Errorf("rejecting took %v per decode, want < 10ms", d)
	}
	if grew := int64(after.TotalAlloc) - int64(before.TotalAlloc); grew > 1<<20 {
		t.Errorf("decoding allocated %d bytes in total", grew)
	}
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 1<<20 {
		t.Errorf("heap grew by %d bytes", grew)
	}
}

// BenchmarkHostileHugeInitializer measures refusing a ~1 KB model that
// declares a 10^12-element initializer, with no tensor size cap set.
func BenchmarkHostileHugeInitializer(b *testing.B) {
	m := hugeModel()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(m, &Options{MaxTensorBytes: math.MaxInt64}); err == nil {
			b.Fatal("decoded")
		}
	}
}
