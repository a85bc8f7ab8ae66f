package backendtest

// Skips lists backend tests qinfer does not run, with the reason. Keep it
// short and honest: every entry is either outside qinfer's scope (training
// ops, string normalisation) or has outputs the suite cannot check exactly
// (random numbers).
var Skips = map[string]string{
	// Training-only operators (ai.onnx.preview.training).
	"test_adagrad":           "training-only operator Adagrad",
	"test_adagrad_multiple":  "training-only operator Adagrad",
	"test_adam":              "training-only operator Adam",
	"test_adam_multiple":     "training-only operator Adam",
	"test_momentum":          "training-only operator Momentum",
	"test_momentum_multiple": "training-only operator Momentum",
	"test_nesterov_momentum": "training-only operator Momentum",
	// Random generators: the expected values come from numpy's RNG.
	"test_bernoulli":                 "random output (numpy RNG)",
	"test_bernoulli_double":          "random output (numpy RNG)",
	"test_bernoulli_seed":            "random output (numpy RNG)",
	"test_bernoulli_expanded":        "random output (numpy RNG)",
	"test_bernoulli_double_expanded": "random output (numpy RNG)",
	"test_bernoulli_seed_expanded":   "random output (numpy RNG)",
}
