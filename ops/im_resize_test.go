package ops

import (
	"errors"
	"testing"

	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

func imF32(shape []int, v ...float32) *tensor.Tensor { return tensor.From(shape, v) }
func imI64(v ...int64) *tensor.Tensor                { return tensor.From([]int{len(v)}, v) }

func TestImResize(t *testing.T) {
	x22 := imF32([]int{1, 1, 2, 2}, 1, 2, 3, 4)
	ramp := make([]float32, 8)
	for i := range ramp {
		ramp[i] = float32(i)
	}
	cases := []struct {
		name  string
		op    string
		opset int
		attrs map[string]any
		in    []*tensor.Tensor
		shape []int
		want  []float64
	}{
		{"nearest half_pixel x2", "Resize", 13, nil,
			[]*tensor.Tensor{x22, nil, imF32([]int{4}, 1, 1, 2, 2)}, []int{1, 1, 4, 4},
			[]float64{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}},
		{"nearest asymmetric ceil", "Resize", 13, map[string]any{"coordinate_transformation_mode": "asymmetric", "nearest_mode": "ceil"},
			[]*tensor.Tensor{imF32([]int{3}, 1, 2, 3), nil, nil, imI64(5)}, []int{5},
			// x = o*3/5 = 0, .6, 1.2, 1.8, 2.4 → ceil 0,1,2,2,3→clamp 2
			[]float64{1, 2, 3, 3, 3}},
		{"linear align_corners", "Resize", 13, map[string]any{"mode": "linear", "coordinate_transformation_mode": "align_corners"},
			[]*tensor.Tensor{imF32([]int{2}, 1, 3), nil, nil, imI64(3)}, []int{3}, []float64{1, 2, 3}},
		{"linear half_pixel", "Resize", 13, map[string]any{"mode": "linear"},
			[]*tensor.Tensor{imF32([]int{2}, 1, 3), nil, imF32([]int{1}, 2)}, []int{4}, []float64{1, 1.5, 2.5, 3}},
		{"linear uint8 rounds", "Resize", 13, map[string]any{"mode": "linear", "coordinate_transformation_mode": "align_corners"},
			[]*tensor.Tensor{tensor.From([]int{2}, []uint8{0, 255}), nil, nil, imI64(3)}, []int{3}, []float64{0, 128, 255}},
		{"tf_crop_and_resize extrapolates", "Resize", 13, map[string]any{"mode": "linear", "coordinate_transformation_mode": "tf_crop_and_resize", "extrapolation_value": float32(-1)},
			[]*tensor.Tensor{imF32([]int{3}, 10, 20, 30), imF32([]int{2}, 0.5, 1.5), nil, imI64(3)}, []int{3}, []float64{20, 30, -1}},
		{"cubic A=-0.5 reproduces a ramp", "Resize", 13, map[string]any{"mode": "cubic", "cubic_coeff_a": float32(-0.5), "coordinate_transformation_mode": "asymmetric"},
			[]*tensor.Tensor{imF32([]int{8}, ramp...), nil, imF32([]int{1}, 2)}, []int{16},
			[]float64{0, 0.5 - 0.0625, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5 + 0.0625, 7, 7.0625}},
		{"antialias linear downsample", "Resize", 18, map[string]any{"mode": "linear", "antialias": 1},
			[]*tensor.Tensor{imF32([]int{4}, 0, 4, 8, 12), nil, imF32([]int{1}, 0.5)}, []int{2}, []float64{2.5, 9.5}},
		{"axes not_larger", "Resize", 18, map[string]any{"axes": []int64{2, 3}, "keep_aspect_ratio_policy": "not_larger"},
			[]*tensor.Tensor{x22, nil, nil, imI64(4, 8)}, []int{1, 1, 4, 4},
			[]float64{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}},
		{"axes not_smaller", "Resize", 18, map[string]any{"axes": []int64{-1}, "keep_aspect_ratio_policy": "not_smaller"},
			[]*tensor.Tensor{x22, nil, nil, imI64(3)}, []int{1, 1, 2, 3},
			// scale 1.5, half_pixel: x = (o+.5)/1.5-.5 = -1/6, 1/2, 7/6 → 0, 0 (prefer floor), 1
			[]float64{1, 1, 2, 3, 3, 4}},
		{"int64 nearest downsample", "Resize", 11, map[string]any{"coordinate_transformation_mode": "asymmetric"},
			[]*tensor.Tensor{tensor.From([]int{4}, []int64{1 << 60, 2, 3, 4}), imF32([]int{0}), imF32([]int{1}, 0.5)}, []int{2},
			[]float64{1 << 60, 3}},
		{"resize-10 nearest floor", "Resize", 10, nil,
			[]*tensor.Tensor{imF32([]int{1, 2}, 1, 2), imF32([]int{2}, 1, 3)}, []int{1, 6}, []float64{1, 1, 1, 2, 2, 2}},
		{"upsample-7 attr", "Upsample", 7, map[string]any{"scales": []float32{1, 2}},
			[]*tensor.Tensor{imF32([]int{1, 2}, 1, 2)}, []int{1, 4}, []float64{1, 1, 2, 2}},
		{"upsample-9 linear", "Upsample", 9, map[string]any{"mode": "linear"},
			[]*tensor.Tensor{imF32([]int{1, 2}, 1, 3), imF32([]int{2}, 1, 2)}, []int{1, 4}, []float64{1, 2, 3, 3}},
		{"empty output", "Resize", 13, nil,
			[]*tensor.Tensor{imF32([]int{2}, 1, 2), nil, imF32([]int{1}, 0.25)}, []int{0}, nil},
		{"float16 linear", "Resize", 13, map[string]any{"mode": "linear"},
			[]*tensor.Tensor{tensor.Must(tensor.FromFloat32(tensor.Float16, []int{2}, []float32{1, 3})), nil, imF32([]int{1}, 2)}, []int{4}, []float64{1, 1.5, 2.5, 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := imRun(c.op, c.opset, c.attrs, c.in...)
			if err != nil {
				t.Fatal(err)
			}
			if got.DType() != c.in[0].DType() {
				t.Fatalf("dtype %v", got.DType())
			}
			imCheck(t, got, c.shape, c.want, 1e-5)
		})
	}
}

func TestImResizeErrors(t *testing.T) {
	x := imF32([]int{2}, 1, 2)
	cases := []struct {
		name  string
		op    string
		opset int
		attrs map[string]any
		in    []*tensor.Tensor
		want  error
	}{
		{"bad mode", "Resize", 13, map[string]any{"mode": "area"}, []*tensor.Tensor{x, nil, imF32([]int{1}, 2)}, ErrUnsupported},
		{"bad ctm", "Resize", 13, map[string]any{"coordinate_transformation_mode": "x"}, []*tensor.Tensor{x, nil, imF32([]int{1}, 2)}, ErrUnsupported},
		{"bad nearest_mode", "Resize", 13, map[string]any{"nearest_mode": "x"}, []*tensor.Tensor{x, nil, imF32([]int{1}, 2)}, ErrUnsupported},
		{"bad policy", "Resize", 18, map[string]any{"keep_aspect_ratio_policy": "x"}, []*tensor.Tensor{x, nil, imF32([]int{1}, 2)}, ErrUnsupported},
		{"antialias nearest", "Resize", 18, map[string]any{"antialias": 1}, []*tensor.Tensor{x, nil, imF32([]int{1}, 2)}, ir.ErrInvalidModel},
		{"no scales or sizes", "Resize", 13, nil, []*tensor.Tensor{x, nil, nil, nil}, ir.ErrInvalidModel},
		{"both", "Resize", 13, nil, []*tensor.Tensor{x, nil, imF32([]int{1}, 2), imI64(4)}, ir.ErrInvalidModel},
		{"negative scale", "Resize", 13, nil, []*tensor.Tensor{x, nil, imF32([]int{1}, -2)}, ir.ErrInvalidModel},
		{"scales length", "Resize", 13, nil, []*tensor.Tensor{x, nil, imF32([]int{2}, 2, 2)}, tensor.ErrShape},
		{"huge scale", "Resize", 13, nil, []*tensor.Tensor{x, nil, imF32([]int{1}, 1e30)}, tensor.ErrLimit},
		{"huge sizes", "Resize", 13, nil, []*tensor.Tensor{x, nil, nil, imI64(1 << 50)}, tensor.ErrShape},
		{"negative sizes", "Resize", 13, nil, []*tensor.Tensor{x, nil, nil, imI64(-1)}, tensor.ErrShape},
		{"bad axes", "Resize", 18, map[string]any{"axes": []int64{0, 0}}, []*tensor.Tensor{x, nil, imF32([]int{2}, 2, 2)}, tensor.ErrShape},
		{"upsample-7 without scales", "Upsample", 7, nil, []*tensor.Tensor{x}, ir.ErrInvalidModel},
		{"resize-10 cubic", "Resize", 10, map[string]any{"mode": "cubic"}, []*tensor.Tensor{x, imF32([]int{1}, 2)}, ErrUnsupported},
		{"empty input, non-empty output", "Resize", 13, nil, []*tensor.Tensor{imF32([]int{0}), nil, nil, imI64(3)}, tensor.ErrShape},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := imRun(c.op, c.opset, c.attrs, c.in...)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}
