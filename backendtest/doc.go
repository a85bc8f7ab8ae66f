// Package backendtest runs test folders in the ONNX backend-test layout
// (model.onnx plus test_data_set_N/input_K.pb and output_K.pb) through
// qinfer and compares the outputs with the suite's tolerances: floats with
// |got-want| <= atol + rtol*|want| (rtol 1e-3, atol 1e-7, NaN equals NaN),
// integers, bools and strings exactly. Tests known not to apply are listed
// in skips.go with the reason.
package backendtest
