// Package quant turns float models into quantized ones: it holds the math and
// statistics that a post-training quantizer needs, independent of any graph.
//
//   - Schemes ([Scheme], [Granularity]) describe how a tensor maps to
//     integers (bits, signedness, symmetric or affine, per tensor, per channel
//     or per block) and compute scale and zero point from a float range the
//     way ONNX Runtime's quantizer does ([Scheme.Params]).
//   - [QuantizeSlice] and [DequantizeSlice] apply one (scale, zero point) with
//     round-half-to-even and saturation, as ONNX QuantizeLinear does;
//     [QuantizeWeights] quantizes a whole weight tensor per scheme, with
//     optional MSE-optimal clipping ([ClipMSE]), into tensors ready to become
//     QDQ initializers; [PackInt4], [UnpackInt4] and [PackMatMulNBits] produce
//     ONNX's packed 4-bit layouts and ONNX Runtime's MatMulNBits layout.
//   - Observers ([MinMax], [Percentile], [Entropy], [MSE]) watch activations
//     during calibration in memory that does not grow with the number of
//     samples and propose a range; [Histogram] is their shared streaming
//     histogram.
//   - Metrics ([SQNR], [Cosine], [MaxAbsError], [MeanSquaredError],
//     [Top1Agreement]) compare float outputs with quantized ones.
//   - [Overrides] is the per-tensor / per-node settings file a user hands to
//     the quantizer.
//
// Graph rewriting (QDQ insertion, MatMulNBits substitution) builds on these
// functions; it never needs protobuf bytes.
package quant
