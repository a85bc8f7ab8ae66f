// Package linalg holds qinfer's dense numeric kernels: fp32 GEMM, im2col
// and col2im for N-D convolution. It knows no graphs, tensors or operators:
// every function takes plain slices, sizes and leading dimensions.
//
// Each kernel exists as plain Go that defines its meaning (the *Generic and
// *Ref functions); faster versions are tested against those twins.
// Arguments are trusted: callers (package ops) validate shapes before
// calling, and an inconsistent call panics like an out-of-range slice
// index would.
package linalg
