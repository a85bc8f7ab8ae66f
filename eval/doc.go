// Package eval feeds models with data and measures them: datasets,
// preprocessing, metrics.
//
// A dataset is named by a spec string (see ParseSpec):
//
//	npy:DIR      DIR/<sample>/<input>.npy, one file per model input per sample
//	idx:FILE     IDX images (MNIST / Fashion-MNIST format, gzipped or not),
//	             labels from the sibling ...labels-idx1... file when present
//	images:DIR   PNG/JPEG files, labelled by sub-folder when DIR has them
//
// Datasets stream: a pass reads one sample at a time, so memory does not grow
// with the dataset. Open checks the first sample against the model's declared
// inputs before any work starts. Images (idx and images datasets) go through a
// Preprocessor built from a --preprocess spec (see ParsePreprocess) and the
// model input's shape.
//
// Accuracy and Agreement run compiled models over a dataset, batching samples
// along the first dimension when the model's batch dimension is dynamic.
package eval
