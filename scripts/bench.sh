#!/usr/bin/env bash
# bench.sh (`make bench`) times qinfer against ONNX Runtime on a fixed model
# set and writes the table to docs/BENCH.md. Slow; not part of `make test`.
#
#   models : resnet18, mobilenetv2 (scripts/models/export_benchmodels.py ->
#            .cache/bench/, exported here when missing), PP-OCRv4 det at
#            1x3x640x640, rec at 1x3x48x320, mobile v2.0 cls at 1x3x48x192
#            (.cache/ppocr/), and each one's static-int8 version
#            .cache/bench/<name>_int8.onnx (made here when missing, see
#            make_int8; delete the files to remake them after quantizer changes)
#   runs   : `bin/qinfer bench --ort --json` per model and thread count
#
#   GEMM   : linalg's BenchmarkSgemmVsPeak and BenchmarkPeakVNNI (512³ on one
#            thread against a register-only FMA / VPDPBUSD loop, alternated,
#            best samples), reported as % of peak
#
# Environment: BENCH_THREADS (default "1 2"), BENCH_RUNS (10), BENCH_WARMUP
# (2), BENCH_OUT (docs/BENCH.md), BENCH_ONLY (space-separated model names),
# BENCH_GEMM (1; 0 skips the GEMM micro-benchmarks).
# Needs what scripts/testdata.sh installs (run here when its output is
# missing): node + onnxruntime-node, the PP-OCR models, python3-torch.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
THREADS="${BENCH_THREADS:-1 2}"
RUNS="${BENCH_RUNS:-10}"
WARMUP="${BENCH_WARMUP:-2}"
OUT="${BENCH_OUT:-docs/BENCH.md}"
GO="${GO:-go}"
PY=/usr/bin/python3

if [ ! -d .cache/ppocr ] || [ ! -d .cache/ort/node_modules/onnxruntime-node ]; then
	echo "bench.sh: running scripts/testdata.sh" >&2
	scripts/testdata.sh
fi
echo "bench.sh: building bin/qinfer" >&2
CGO_ENABLED=0 "$GO" build -o bin/qinfer ./cmd/qinfer
if [ ! -f .cache/bench/resnet18.onnx ] || [ ! -f .cache/bench/mobilenetv2.onnx ]; then
	echo "bench.sh: exporting benchmark models" >&2
	"$PY" scripts/models/export_benchmodels.py --only resnet18 mobilenetv2 >&2
fi

# name|float model|qinfer bench arguments sizing its inputs
PP=p2o.DynamicDimension
MODELS=(
	"resnet18|.cache/bench/resnet18.onnx|"
	"mobilenetv2|.cache/bench/mobilenetv2.onnx|"
	"ppocr_det|.cache/ppocr/ch_PP-OCRv4_det_infer.onnx|--dim $PP.0=1 --dim $PP.1=640 --dim $PP.2=640"
	"ppocr_rec|.cache/ppocr/ch_PP-OCRv4_rec_infer.onnx|--dim $PP.0=1 --dim $PP.1=320"
	"ppocr_cls|.cache/ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx|--dim $PP.0=1 --dim $PP.1=48 --dim $PP.2=192"
)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
RESULTS="$WORK/results.jsonl"
NOTES="$WORK/notes.txt"
: >"$RESULTS"
: >"$NOTES"

bench_one() { # name path threads args...
	local name="$1" path="$2" threads="$3"
	shift 3
	echo "bench.sh: $name threads=$threads" >&2
	local out="$WORK/out.json" err="$WORK/err.txt" rc=0
	bin/qinfer bench "$path" --threads "$threads" --runs "$RUNS" --warmup "$WARMUP" --ort --json "$@" >"$out" 2>"$err" || rc=$?
	"$PY" - "$name" "$threads" "$rc" "$out" "$err" >>"$RESULTS" <<'EOF'
import json, sys
name, threads, rc, out, err = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
text = open(out).read().strip()
try:
    row = json.loads(text) if text else {}
except ValueError:
    row = {}
row.pop("times_ms", None)
row.pop("profile", None)
row["name"], row["threads"] = name, threads
if rc != 0 and "median_ms" not in row:
    lines = [l for l in open(err).read().splitlines() if l.strip()]
    row["error"] = lines[-1] if lines else "exit status %d" % rc
print(json.dumps(row))
EOF
	cat "$err" >&2
}

# make_int8 NAME PATH SHAPE writes .cache/bench/NAME_int8.onnx when missing:
# `qinfer quantize --method static` (per-channel int8 weights, uint8
# activations, MinMax) calibrated on 8 random inputs of SHAPE (input "x").
# Calibration data only sets ranges; for speed any plausible data does.
# docs/ACCURACY.md measures accuracy with real data.
make_int8() {
	local name="$1" path="$2" shape="$3" out=".cache/bench/${1}_int8.onnx"
	[ -f "$out" ] && return 0
	[ -f "$path" ] || return 0
	local cal=".cache/bench/calib_$name"
	echo "bench.sh: quantizing $name -> $out" >&2
	"$PY" - "$cal" "$shape" <<'EOF2'
import os, sys
import numpy as np
cal, shape = sys.argv[1], [int(v) for v in sys.argv[2].split("x")]
rng = np.random.default_rng(7)
for i in range(8):
    d = os.path.join(cal, "s%02d" % i)
    os.makedirs(d, exist_ok=True)
    np.save(os.path.join(d, "x.npy"), rng.uniform(-1, 1, size=shape).astype(np.float32))
EOF2
	bin/qinfer quantize "$path" -o "$out" --method static --data "npy:$cal" --samples 8 >&2 ||
		echo "${name}_int8: quantize failed" >>"$NOTES"
}
make_int8 resnet18 .cache/bench/resnet18.onnx 1x3x224x224
make_int8 mobilenetv2 .cache/bench/mobilenetv2.onnx 1x3x224x224
make_int8 ppocr_det .cache/ppocr/ch_PP-OCRv4_det_infer.onnx 1x3x640x640
make_int8 ppocr_rec .cache/ppocr/ch_PP-OCRv4_rec_infer.onnx 1x3x48x320
make_int8 ppocr_cls .cache/ppocr/ch_ppocr_mobile_v2.0_cls_infer.onnx 1x3x48x192

for entry in "${MODELS[@]}"; do
	IFS='|' read -r name path args <<<"$entry"
	for variant in "$name|$path" "${name}_int8|.cache/bench/${name}_int8.onnx"; do
		IFS='|' read -r vname vpath <<<"$variant"
		if [ -n "${BENCH_ONLY:-}" ] && [[ " $BENCH_ONLY " != *" $vname "* ]]; then
			continue
		fi
		if [ ! -f "$vpath" ]; then
			echo "$vname: $vpath missing, skipped" >>"$NOTES"
			continue
		fi
		for t in $THREADS; do
			# shellcheck disable=SC2086 # args holds separate words
			bench_one "$vname" "$vpath" "$t" $args
		done
	done
done

GEMMOUT="$WORK/gemm.txt"
: >"$GEMMOUT"
if [ "${BENCH_GEMM:-1}" != 0 ]; then
	echo "bench.sh: GEMM micro-benchmarks" >&2
	"$GO" test ./linalg -run XXX -bench 'SgemmVsPeak|PeakVNNI' -benchtime 200x >"$GEMMOUT" 2>&1 || echo "GEMM micro-benchmarks failed" >>"$NOTES"
fi

"$PY" - "$RESULTS" "$NOTES" "$RUNS" "$WARMUP" "$OUT" "$GEMMOUT" <<'EOF'
import datetime, json, os, platform, re, subprocess, sys
results, notes, runs, warmup, out, gemmout = sys.argv[1:7]
rows = [json.loads(l) for l in open(results) if l.strip()]
skipped = [l.strip() for l in open(notes) if l.strip()]

def cmd(*a):
    try:
        return subprocess.run(a, capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return "?"

cpu = "?"
try:
    for l in open("/proc/cpuinfo"):
        if l.startswith("model name"):
            cpu = l.split(":", 1)[1].strip()
            break
except OSError:
    pass
try:
    load = ", ".join("%.1f" % x for x in os.getloadavg())
except OSError:
    load = "?"
ort = "?"
try:
    ort = json.load(open(".cache/ort/node_modules/onnxruntime-node/package.json"))["version"]
except Exception:
    pass

def ms(v):
    return "%.2f" % v if isinstance(v, (int, float)) else "n/a"

def mb(v):
    return "%.1f" % (v / 1e6) if isinstance(v, (int, float)) else "n/a"

ort_rss = any(isinstance(r.get("ort_peak_rss_bytes"), (int, float)) for r in rows)
head = ["model", "threads", "qinfer median ms", "ORT median ms", "ratio", "qinfer peak RSS MB"]
if ort_rss:
    head.append("ORT peak RSS MB")
head.append("model MB")
lines = [
    "# qinfer benchmarks",
    "",
    "Written by `make bench` (scripts/bench.sh); do not edit by hand.",
    "",
    "- date: %s" % datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
    "- machine: %s, %s cores, %s %s; load average at the end %s" % (cpu, os.cpu_count(), platform.system(), platform.machine(), load),
    "- qinfer: %s, commit %s; ONNX Runtime %s (onnxruntime-node, graph optimization \"all\")" % (
        cmd(os.environ.get("GO", "go"), "version"), cmd("git", "rev-parse", "--short", "HEAD"), ort),
    "- each row: `qinfer bench --ort --json`, %s warm-up + %s timed runs of both engines on the same random inputs (seed 1) and thread count, batch 1" % (warmup, runs),
    "- ratio = qinfer median / ORT median (< 1: qinfer faster). Peak RSS: VmHWM of the qinfer process (ORT runs in a separate node process). Model MB: file plus external data.",
    "- on a shared or loaded machine absolute times are noise; compare ratios measured in the same run.",
    "",
    "| " + " | ".join(head) + " |",
    "|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|",
]
errors = []
for r in rows:
    if "error" in r:
        errors.append("%s (threads %d): %s" % (r["name"], r["threads"], r["error"]))
        cells = [r["name"], str(r["threads"]), "error", "", "", "", ""] + ([""] if ort_rss else [])
    else:
        ratio = "%.2f" % r["ratio"] if isinstance(r.get("ratio"), (int, float)) else "n/a"
        cells = [r["name"], str(r["threads"]), ms(r.get("median_ms")), ms(r.get("ort_median_ms")), ratio, mb(r.get("peak_rss_bytes"))]
        if ort_rss:
            cells.append(mb(r.get("ort_peak_rss_bytes")))
        cells.append(mb(r.get("model_bytes")))
        if r.get("ort_error"):
            errors.append("%s (threads %d): ONNX Runtime: %s" % (r["name"], r["threads"], r["ort_error"].splitlines()[0]))
    lines.append("| " + " | ".join(cells) + " |")
gemm = []
for l in open(gemmout):
    if not l.startswith("Benchmark") or "%peak" not in l:
        continue
    name = re.sub(r"-\d+$", "", l.split()[0])
    m = dict((u, float(v)) for v, u in re.findall(r"([\d.]+) (\S+)", l))
    what = "SGEMM fp32, A packed per call" if "packed=false" in name else "SGEMM fp32, A packed once (constant weights)" if "packed=true" in name else "QGemm u8×s8 (AVX-512 VNNI)"
    unit = "GFLOP/s" if "Sgemm" in name else "GOP/s"
    got = m.get("sgemm_GFLOP/s", m.get("qgemm_GOP/s"))
    peak = m.get("peak_GFLOP/s", m.get("peak_GOP/s"))
    if got is not None and peak is not None:
        gemm.append("| %s | %.0f %s | %.0f %s | %.0f %% |" % (what, got, unit, peak, unit, m["%peak"]))
if gemm:
    lines += ["", "GEMM micro-benchmarks, 512³ on one thread (`go test ./linalg -bench 'SgemmVsPeak|PeakVNNI'`): each alternates the product with a register-only FMA (fp32) or VPDPBUSD (int8) loop and keeps the best sample of each.", "",
              "| product | achieved | peak | % of peak |", "|---|---:|---:|---:|"] + gemm
if errors:
    lines += ["", "Errors:", ""] + ["- " + e for e in errors]
if skipped:
    lines += ["", "Skipped:", ""] + ["- " + s for s in skipped]
os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
echo "bench.sh: wrote $OUT" >&2
