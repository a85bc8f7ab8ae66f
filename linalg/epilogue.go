package linalg

import "math"

// Activation selects the element-wise function an Epilogue applies.
type Activation uint8

// Activations an Epilogue can fuse into SGEMM's output.
const (
	ActNone      Activation = iota // x
	ActRelu                        // max(x, 0)
	ActClip                        // min(max(x, Min), Max)
	ActLeakyRelu                   // x if x >= 0, else Alpha*x
	ActHardSwish                   // x * min(max(x/6 + 1/2, 0), 1)
	ActSigmoid                     // 1 / (1 + exp(-x))
)

// Epilogue is an output stage fused into SgemmEpilogue: after the product
// is complete, every element of C becomes
//
//	C[i][j] = Act(C[i][j] + RowBias[i] + ColBias[j])
//
// where a nil bias adds nothing. RowBias has m entries (a convolution's
// per-output-channel bias), ColBias has n (a fully connected layer's).
// NaNs propagate through every activation.
type Epilogue struct {
	RowBias []float32
	ColBias []float32
	// Residual, when not nil, is a matrix shaped and strided like C
	// (element (i, j) at Residual[i*ldc+j]) added before the activation:
	// C = Act(A·B + bias + Residual), a convolution fused with the Add of
	// a residual connection. It requires beta == 0.
	Residual []float32
	Act      Activation
	Min      float32 // ActClip lower bound
	Max      float32 // ActClip upper bound
	Alpha    float32 // ActLeakyRelu slope for x < 0
	// Post, when set, maps the activation's result v to v*PostScale +
	// PostShift (an affine layer after the activation).
	Post                 bool
	PostScale, PostShift float32
}

// sub returns the epilogue of the sub-matrix at (i0, j0) of a C with row
// stride ldc.
func (ep *Epilogue) sub(i0, j0, m, n, ldc int) *Epilogue {
	if ep == nil {
		return nil
	}
	s := *ep
	if s.RowBias != nil {
		s.RowBias = s.RowBias[i0 : i0+m]
	}
	if s.ColBias != nil {
		s.ColBias = s.ColBias[j0 : j0+n]
	}
	if s.Residual != nil {
		s.Residual = s.Residual[i0*ldc+j0:]
	}
	return &s
}

// apply runs the epilogue on the m×n block of c at (i0, j0) of the whole
// product (bias indices are relative to the whole product).
func (ep *Epilogue) apply(c []float32, ldc, i0, j0, m, n int) {
	for i := 0; i < m; i++ {
		row := c[(i0+i)*ldc+j0 : (i0+i)*ldc+j0+n]
		if ep.RowBias != nil {
			bv := ep.RowBias[i0+i]
			for j := range row {
				row[j] += bv
			}
		}
		if ep.ColBias != nil {
			cb := ep.ColBias[j0 : j0+n]
			for j := range row {
				row[j] += cb[j]
			}
		}
		switch ep.Act {
		case ActRelu:
			for j, v := range row {
				if v < 0 {
					row[j] = 0
				}
			}
		case ActClip:
			lo, hi := ep.Min, ep.Max
			for j, v := range row {
				if v < lo {
					v = lo
				}
				if v > hi {
					v = hi
				}
				row[j] = v
			}
		case ActLeakyRelu:
			al := ep.Alpha
			for j, v := range row {
				if v < 0 {
					row[j] = al * v
				}
			}
		case ActHardSwish:
			for j, v := range row {
				g := v/6 + 0.5
				if g < 0 {
					g = 0
				}
				if g > 1 {
					g = 1
				}
				row[j] = v * g
			}
		case ActSigmoid:
			for j, v := range row {
				row[j] = sgemmSigmoid(v)
			}
		}
		if ep.Post {
			s, t := ep.PostScale, ep.PostShift
			for j, v := range row {
				row[j] = v*s + t
			}
		}
	}
}

// sgemmSigmoid is a numerically stable logistic function.
func sgemmSigmoid(v float32) float32 {
	if v >= 0 {
		return float32(1 / (1 + math.Exp(-float64(v))))
	}
	e := math.Exp(float64(v))
	return float32(e / (1 + e))
}
