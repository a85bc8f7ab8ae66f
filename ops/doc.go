// Package ops holds qinfer's operator kernels and the registry that maps
// (domain, op type, opset) to them. A kernel is built once per node by its
// Factory, which validates attributes and precomputes what it can; Run then
// computes outputs from inputs. Kernels here are plain Go and define what
// each operator means; fast paths live in package linalg.
//
// Values flowing between nodes are *tensor.Tensor for ordinary tensors,
// *Sequence for tensor sequences and *Optional for optionals. Most kernels
// see only tensors (Kernel); the few that handle sequences or optionals
// implement ValueKernel.
package ops
