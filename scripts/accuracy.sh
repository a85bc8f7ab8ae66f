#!/usr/bin/env bash
# accuracy.sh (`make accuracy`) measures quantization accuracy on real tasks
# and writes the tables to docs/ACCURACY.md. Slow (minutes); not part of
# `make test` or CI.
#
#   fmnist : demo Fashion-MNIST CNN on the 10k test split, every method,
#            calibrated on the train split (Debian's dataset-fashion-mnist)
#   ort    : the static int8 file in ONNX Runtime vs qinfer
#   rec    : PP-OCRv4 recognition CER on rendered text lines
#   det    : PP-OCRv4 detection map IoU on rendered pages
#   memory : peak RSS of entropy calibration over 100 vs 10,000 samples
#
# Environment: ACCURACY_OUT (docs/ACCURACY.md), ACCURACY_ARGS (extra
# `qinfer accuracy` flags, e.g. "--tasks rec,det --rec-lines 500").
# Needs what scripts/testdata.sh installs (run here when missing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="${ACCURACY_OUT:-docs/ACCURACY.md}"
GO="${GO:-go}"

if [ ! -f .cache/ppocr/ch_PP-OCRv4_rec_infer.onnx ] || [ ! -d .cache/ort/node_modules/onnxruntime-node ] ||
	[ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
	echo "accuracy.sh: running scripts/testdata.sh" >&2
	scripts/testdata.sh
fi
echo "accuracy.sh: building bin/qinfer" >&2
CGO_ENABLED=0 "$GO" build -o bin/qinfer ./cmd/qinfer
# shellcheck disable=SC2086
bin/qinfer accuracy -o "$OUT" ${ACCURACY_ARGS:-}
