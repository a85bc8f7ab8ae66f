// Package ir is qinfer's in-memory model: a Model holding a Graph of Nodes
// that name their input and output values, typed value infos, initializers
// as tensors, attributes of every ONNX kind (subgraphs included), opset
// imports and model-local functions. It validates graphs (undefined inputs,
// cycles, duplicate outputs) and orders them topologically. It knows nothing
// of file formats (see package onnx) or kernels (see packages ops, runtime).
package ir
