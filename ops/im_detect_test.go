package ops

import (
	"errors"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func TestImGridSample(t *testing.T) {
	x := imF32([]int{1, 1, 2, 2}, 1, 2, 3, 4)
	// grid points (x, y): corners, centre, top-right.
	grid := imF32([]int{1, 1, 4, 2}, -1, -1, 1, 1, 0, 0, 1, -1)
	x3 := make([]float32, 8)
	for i := range x3 {
		x3[i] = float32(i)
	}
	cases := []struct {
		name  string
		opset int
		attrs map[string]any
		in    []*tensor.Tensor
		shape []int
		want  []float64
	}{
		{"bilinear align_corners", 16, map[string]any{"align_corners": 1}, []*tensor.Tensor{x, grid}, []int{1, 1, 1, 4}, []float64{1, 4, 2.5, 2}},
		{"nearest align_corners", 16, map[string]any{"align_corners": 1, "mode": "nearest"}, []*tensor.Tensor{x, grid}, []int{1, 1, 1, 4}, []float64{1, 4, 1, 2}}, // 0.5 rounds to even,
		{"bicubic align_corners", 16, map[string]any{"align_corners": 1, "mode": "bicubic", "padding_mode": "border"}, []*tensor.Tensor{x, imF32([]int{1, 1, 1, 2}, -1, 1)}, []int{1, 1, 1, 1}, []float64{3}},
		{"zeros padding at edge", 16, nil, []*tensor.Tensor{x, imF32([]int{1, 1, 1, 2}, -1, -1)}, []int{1, 1, 1, 1}, []float64{0.25}},
		{"border padding at edge", 16, map[string]any{"padding_mode": "border"}, []*tensor.Tensor{x, imF32([]int{1, 1, 1, 2}, -1, -1)}, []int{1, 1, 1, 1}, []float64{1}},
		{"reflection padding far out", 16, map[string]any{"padding_mode": "reflection", "align_corners": 1}, []*tensor.Tensor{x, imF32([]int{1, 1, 1, 2}, 3, -1)}, []int{1, 1, 1, 1}, []float64{1}},
		{"3-D linear centre (opset 20)", 20, map[string]any{"align_corners": 1}, []*tensor.Tensor{imF32([]int{1, 1, 2, 2, 2}, x3...), imF32([]int{1, 1, 1, 1, 3}, 0, 0, 0)}, []int{1, 1, 1, 1, 1}, []float64{3.5}},
		{"cubic name (opset 20)", 20, map[string]any{"mode": "cubic", "align_corners": 1}, []*tensor.Tensor{x, imF32([]int{1, 1, 1, 2}, 1, 1)}, []int{1, 1, 1, 1}, []float64{4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := imRun("GridSample", c.opset, c.attrs, c.in...)
			if err != nil {
				t.Fatal(err)
			}
			imCheck(t, got, c.shape, c.want, 1e-5)
		})
	}
	errCases := []struct {
		name  string
		opset int
		attrs map[string]any
		in    []*tensor.Tensor
		want  error
	}{
		{"bad mode", 16, map[string]any{"mode": "area"}, []*tensor.Tensor{x, grid}, ErrUnsupported},
		{"bad padding", 16, map[string]any{"padding_mode": "wrap"}, []*tensor.Tensor{x, grid}, ErrUnsupported},
		{"grid last dim", 16, nil, []*tensor.Tensor{x, imF32([]int{1, 1, 1, 3}, 0, 0, 0)}, tensor.ErrShape},
		{"3-D at opset 16", 16, nil, []*tensor.Tensor{imF32([]int{1, 1, 2, 2, 2}, x3...), imF32([]int{1, 1, 1, 1, 3}, 0, 0, 0)}, tensor.ErrShape},
		{"batch mismatch", 16, nil, []*tensor.Tensor{x, imF32([]int{2, 1, 1, 2}, 0, 0, 0, 0)}, tensor.ErrShape},
		{"int input", 16, nil, []*tensor.Tensor{tensor.From([]int{1, 1, 1, 1}, []int32{1}), imF32([]int{1, 1, 1, 2}, 0, 0)}, ErrUnsupported},
	}
	for _, c := range errCases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := imRun("GridSample", c.opset, c.attrs, c.in...); !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func TestImRoiAlign(t *testing.T) {
	v := make([]float32, 16)
	for i := range v {
		v[i] = float32(i)
	}
	x := imF32([]int{1, 1, 4, 4}, v...)
	roi := imF32([]int{1, 4}, 0, 0, 3, 3)
	b0 := tensor.From([]int{1}, []int64{0})
	cases := []struct {
		name  string
		opset int
		attrs map[string]any
		want  []float64
	}{
		{"output_half_pixel", 16, map[string]any{"coordinate_transformation_mode": "output_half_pixel", "sampling_ratio": 1}, []float64{7.5}},
		{"opset 10 default", 10, map[string]any{"sampling_ratio": 1}, []float64{7.5}},
		{"half_pixel", 16, map[string]any{"sampling_ratio": 1}, []float64{5}},
		{"max", 16, map[string]any{"mode": "max", "coordinate_transformation_mode": "output_half_pixel", "sampling_ratio": 1}, []float64{2.5}},
		// adaptive grid: ceil(3/1) = 3 samples per side at 0.5, 1.5, 2.5 → mean 7.5
		{"adaptive avg", 10, nil, []float64{7.5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := imRun("RoiAlign", c.opset, c.attrs, x, roi, b0)
			if err != nil {
				t.Fatal(err)
			}
			imCheck(t, got, []int{1, 1, 1, 1}, c.want, 1e-5)
		})
	}
	t.Run("2x2 bins", func(t *testing.T) {
		got, err := imRun("RoiAlign", 16, map[string]any{"output_height": 2, "output_width": 2, "sampling_ratio": 1, "coordinate_transformation_mode": "output_half_pixel"},
			x, imF32([]int{1, 4}, 0, 0, 2, 2), b0)
		if err != nil {
			t.Fatal(err)
		}
		// bins of 1 pixel, samples at 0.5 and 1.5 → averages of 2x2 blocks
		imCheck(t, got, []int{1, 1, 2, 2}, []float64{2.5, 3.5, 6.5, 7.5}, 1e-5)
	})
	if _, err := imRun("RoiAlign", 16, nil, x, roi, tensor.From([]int{1}, []int64{1})); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("bad batch index: %v", err)
	}
	if _, err := imRun("RoiAlign", 16, map[string]any{"mode": "min"}, x, roi, b0); !errors.Is(err, ErrUnsupported) {
		t.Errorf("bad mode: %v", err)
	}
	if _, err := imRun("RoiAlign", 16, map[string]any{"output_height": 0}, x, roi, b0); !errors.Is(err, ir.ErrInvalidModel) {
		t.Errorf("zero output: %v", err)
	}
	if _, err := imRun("RoiAlign", 16, nil, x, imF32([]int{1, 4}, 0, 0, 1e30, 1e30), b0); !errors.Is(err, tensor.ErrLimit) {
		t.Errorf("huge roi: %v", err)
	}
}

func TestImNMS(t *testing.T) {
	boxes := imF32([]int{1, 3, 4},
		0, 0, 1, 1,
		0, 0.1, 1, 1.1, // IoU with box 0 is 0.9/1.1
		0, 2, 1, 3)
	scores := imF32([]int{1, 1, 3}, 0.9, 0.95, 0.5)
	f := func(v float32) *tensor.Tensor { return imF32([]int{1}, v) }
	cases := []struct {
		name  string
		attrs map[string]any
		in    []*tensor.Tensor
		want  []float64
	}{
		{"suppress", nil, []*tensor.Tensor{boxes, scores, imI64(3), f(0.5)}, []float64{0, 0, 1, 0, 0, 2}},
		{"loose iou keeps all", nil, []*tensor.Tensor{boxes, scores, imI64(3), f(0.9)}, []float64{0, 0, 1, 0, 0, 0, 0, 0, 2}},
		{"score threshold", nil, []*tensor.Tensor{boxes, scores, imI64(3), f(0.5), f(0.6)}, []float64{0, 0, 1}},
		{"limit", nil, []*tensor.Tensor{boxes, scores, imI64(1), f(0.5)}, []float64{0, 0, 1}},
		{"no max given", nil, []*tensor.Tensor{boxes, scores}, nil},
		{"center boxes", map[string]any{"center_point_box": 1}, []*tensor.Tensor{
			imF32([]int{1, 2, 4}, 0.5, 0.5, 1, 1, 0.5, 0.6, 1, 1), imF32([]int{1, 1, 2}, 0.1, 0.2), imI64(5), f(0.5)}, []float64{0, 0, 1}},
		{"flipped corners", nil, []*tensor.Tensor{
			imF32([]int{1, 2, 4}, 1, 1, 0, 0, 0, 0, 1, 1), imF32([]int{1, 1, 2}, 0.3, 0.2), imI64(5), f(0.5)}, []float64{0, 0, 0}},
		{"two classes", nil, []*tensor.Tensor{boxes, imF32([]int{1, 2, 3}, 0.9, 0.95, 0.5, 0.1, 0.2, 0.3), imI64(1), f(0.5)}, []float64{0, 0, 1, 0, 1, 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := imRun("NonMaxSuppression", 11, c.attrs, c.in...)
			if err != nil {
				t.Fatal(err)
			}
			if got.DType() != tensor.Int64 {
				t.Fatalf("dtype %v", got.DType())
			}
			imCheck(t, got, []int{len(c.want) / 3, 3}, c.want, 0)
		})
	}
	if _, err := imRun("NonMaxSuppression", 11, nil, boxes, imF32([]int{1, 1, 2}, 1, 2)); !errors.Is(err, tensor.ErrShape) {
		t.Errorf("mismatched scores: %v", err)
	}
	if _, err := imRun("NonMaxSuppression", 11, map[string]any{"center_point_box": 2}, boxes, scores); !errors.Is(err, ir.ErrInvalidModel) {
		t.Errorf("bad center_point_box: %v", err)
	}
}
