// Package demo embeds qinfer's demo model and data: a small CNN trained on
// Fashion-MNIST by scripts/train_fmnist.py, and the first 1,000 images of
// the Fashion-MNIST test split with their labels. Examples, tests and
// benchmarks use them without any download. See README.md for the model.
package demo

import (
	_ "embed"
	"slices"

	"github.com/qinfer/qinfer/eval"
	"github.com/qinfer/qinfer/ir"
	"github.com/qinfer/qinfer/tensor"
)

//go:embed fmnist.onnx
var model []byte

//go:embed t1k-images-idx3-ubyte.gz
var images []byte

//go:embed t1k-labels-idx1-ubyte.gz
var labels []byte

// Accuracies of the fp32 model measured by scripts/train_fmnist.py with
// PyTorch (also in README.md).
const (
	// TestSetSize is the number of embedded test images.
	TestSetSize = 1000
	// TestSetCorrect is how many of the embedded images the model classifies
	// correctly.
	TestSetCorrect = 905
	// Accuracy10k is the top-1 accuracy on the whole 10,000-image test split.
	Accuracy10k = 0.8936
)

// InputName and OutputName are the model's input and output names.
const (
	InputName  = "input"
	OutputName = "logits"
)

// Classes names the ten Fashion-MNIST classes by label.
var Classes = [10]string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// Model returns a copy of the ONNX model (opset 13). Its input "input" is
// N x 1 x 28 x 28 float32 pixels in [0, 1]; the normalisation with mean 0.2860
// and std 0.3530 happens inside the graph. Its output "logits" is N x 10.
func Model() []byte { return slices.Clone(model) }

// Input describes the model's input as ir declares it.
func Input() *ir.ValueInfo {
	return &ir.ValueInfo{Name: InputName, Type: ir.TensorType(tensor.Float32, -1, 1, 28, 28)}
}

// TestSet returns the 1,000 embedded test images, labelled, preprocessed for
// the model (pixels / 255, shape 1 x 1 x 28 x 28 per sample).
func TestSet() (*eval.IDX, error) {
	pp, err := (&eval.Preprocess{}).For(Input())
	if err != nil {
		return nil, err
	}
	return eval.NewIDX(eval.BytesOpener(images), eval.BytesOpener(labels), InputName, pp)
}
