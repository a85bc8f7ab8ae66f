package backendtest_test

import (
	"math"

	"github.com/qinfer/qinfer/tensor"
)

func float32NaN() float32 { return float32(math.NaN()) }

func fromAny(v any) *tensor.Tensor {
	switch x := v.(type) {
	case []float32:
		return tensor.From([]int{len(x)}, x)
	case []int64:
		return tensor.From([]int{len(x)}, x)
	case []bool:
		return tensor.From([]int{len(x)}, x)
	}
	panic("unsupported")
}
