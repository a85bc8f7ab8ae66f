// Package onnx reads and writes ONNX model files (ModelProto) and tensor
// files (TensorProto, SequenceProto, OptionalProto, MapProto) directly into
// qinfer's ir and tensor types, using the protobuf wire format through
// google.golang.org/protobuf/encoding/protowire and no generated code.
//
// Decoding is defensive: every length is checked against the bytes present
// before anything is allocated, element counts are overflow-checked, tensor
// byte sizes are capped (Options.MaxTensorBytes), subgraph nesting is
// bounded (Options.MaxDepth), external-data paths must stay inside the
// model's directory, and unknown fields are skipped. Bad input yields an
// error wrapping ir.ErrInvalidModel (or tensor.ErrLimit / tensor.ErrDType),
// never a panic.
//
// Raw tensor bytes are referenced, not copied: on a little-endian host a
// raw_data field whose bytes are suitably aligned for the element type is
// viewed in place as the typed slice. The byte buffer passed to Decode or
// DecodeTensor must therefore not be modified while the returned model or
// tensors are in use. Load reads the file into a buffer of its own, so it
// has no such caveat.
//
// Encoding writes numeric tensors as raw_data (little-endian) and strings
// as string_data; Save keeps all data inline, SaveExternal moves large
// tensors into a side file.
//
// A sparse tensor is densified, so a small file can legitimately ask for a
// dense tensor up to Options.MaxTensorBytes; lower that limit for untrusted
// models.
//
// Not kept: TrainingInfoProto, quantization annotations, per-node and
// per-value metadata_props, tensor doc strings and segments. Sparse
// initializers and sparse attributes are densified on decode.
package onnx
