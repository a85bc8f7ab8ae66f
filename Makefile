# qinfer build, test and CI entry points. `make test` is what .ci/run runs.
SHELL := /bin/bash
GO ?= go
export CGO_ENABLED := 0

# libonnx-testdata folders with runnable tests ("real" only lists downloads).
ONNX_DATA := /usr/share/libonnx-testdata/data
ONNX_SUITES := $(ONNX_DATA)/node $(ONNX_DATA)/pytorch-converted $(ONNX_DATA)/pytorch-operator $(ONNX_DATA)/simple

# ./... skips folders named testdata, so internal/testdata is listed by hand.
PKGS := ./... ./internal/testdata
GOFILES = $(shell find . -name '*.go' -not -path './.cache/*' -not -path './.git/*')
CROSS := linux/arm64 darwin/arm64 js/wasm
FUZZTIME ?= 20s

.PHONY: all build testdata test vet fmt-check unit-race unit ppocr fallbacks arm64-kernels fuzz-ci cross test-arm64 conformance fuzz bench accuracy clean

all: build

build:
	$(GO) build ./...
	$(GO) build -o bin/qinfer ./cmd/qinfer

testdata:
	scripts/testdata.sh

test: testdata vet fmt-check unit-race unit cross fallbacks arm64-kernels fuzz-ci

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out="$$(gofmt -l $(GOFILES))"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# Every package under the race detector (which needs cgo), in -short mode:
# heavy tests (whole-dataset accuracy, PP-OCR against ONNX Runtime,
# exhaustive kernel sizes) skip themselves there and run in `unit`.
unit-race:
	QINFER_REQUIRE_TESTDATA=1 CGO_ENABLED=1 $(GO) test -race -short -timeout 40m $(PKGS)

# Every test, full size, without the race detector.
unit:
	QINFER_REQUIRE_TESTDATA=1 $(GO) test -count=1 -timeout 40m $(PKGS)

# Only the PP-OCR differential test against ONNX Runtime.
ppocr:
	QINFER_REQUIRE_TESTDATA=1 $(GO) test -count=1 -timeout 20m -run '^TestPPOCR$$' ./runtime

cross:
	@set -e; for p in $(CROSS); do \
		echo "go build ./... for $$p"; \
		GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build ./...; \
	done

# The SIMD kernels' arm64 twins (NEON SGEMM, SDOT int8 GEMM) against their
# generic references, under qemu-user.
arm64-kernels:
	GOARCH=arm64 $(GO) test -short -count=1 -exec qemu-aarch64 -timeout 20m ./linalg

# The generic kernels: no assembly at all (purego), and the asm build with
# the CPU features switched off (x/sys/cpu reads GODEBUG).
fallbacks:
	$(GO) test -short -count=1 -tags purego ./linalg ./ops
	GODEBUG=cpu.avx512f=off $(GO) test -short -count=1 ./linalg
	GODEBUG=cpu.all=off $(GO) test -short -count=1 ./linalg

# Each fuzz target for a bounded time (regression corpora run in `unit`).
fuzz-ci:
	FUZZTIME=$${FUZZTIME_CI:-10s} scripts/fuzz.sh

# Unit tests on arm64 under qemu-user (not part of `test`: slow).
test-arm64: testdata
	QINFER_REQUIRE_TESTDATA=1 GOARCH=arm64 $(GO) test -exec qemu-aarch64 -timeout 60m $(PKGS)

conformance:
	$(GO) run ./cmd/qinfer testsuite $(ONNX_SUITES)

fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

# qinfer vs ONNX Runtime on the benchmark models; writes docs/BENCH.md.
# Not part of `test`: slow. BENCH_THREADS/BENCH_RUNS/BENCH_ONLY tune it.
bench: testdata
	GO=$(GO) scripts/bench.sh

# Quantization accuracy on real tasks; writes docs/ACCURACY.md. Not part of
# `test`: minutes. ACCURACY_ARGS passes flags to `qinfer accuracy`.
accuracy: testdata
	GO=$(GO) scripts/accuracy.sh

clean:
	rm -rf bin
