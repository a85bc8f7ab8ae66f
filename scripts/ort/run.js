#!/usr/bin/env node
// run.js runs an ONNX model with onnxruntime-node: qinfer's reference
// runtime for differential tests and benchmarks (see internal/ortref).
//
//   node scripts/ort/run.js --model M.onnx --outdir DIR [--threads N]
//        [--warmup W --runs R] [--ort ORTDIR]
//        (--inputs manifest.json | NAME=FILE.npy ...)
//
// manifest.json maps input names to .npy paths ({"x": "/tmp/in0.npy"}); a
// NAME=FILE argument splits at its last '='. Each output is written to
// DIR/<name>.npy with characters outside [A-Za-z0-9._-] replaced by '_'.
// With --runs R > 0 the model first runs W times untimed, then R timed
// times. stdout gets one JSON object:
//   {"outputs": {"<name>": "<file>"}, "timing": {"warmup": W, "runs": R,
//    "min_ms": .., "median_ms": .., "mean_ms": .., "times_ms": [..],
//    "max_rss_bytes": ..}}  (peak RSS of this node process)
// ORTDIR (default: .cache/ort at the repository root) holds
// node_modules/onnxruntime-node, installed by scripts/testdata.sh.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

// npy dtype codes (without byte order) <-> onnxruntime tensor types.
const NPY_TO_ORT = {
  f2: ['float16', Uint16Array], f4: ['float32', Float32Array], f8: ['float64', Float64Array],
  i1: ['int8', Int8Array], i2: ['int16', Int16Array], i4: ['int32', Int32Array], i8: ['int64', BigInt64Array],
  u1: ['uint8', Uint8Array], u2: ['uint16', Uint16Array], u4: ['uint32', Uint32Array], u8: ['uint64', BigUint64Array],
  b1: ['bool', Uint8Array], '?': ['bool', Uint8Array],
};
const ORT_TO_NPY = {
  float16: '<f2', float32: '<f4', float64: '<f8',
  int8: '|i1', int16: '<i2', int32: '<i4', int64: '<i8',
  uint8: '|u1', uint16: '<u2', uint32: '<u4', uint64: '<u8', bool: '|b1',
};

// sanitize maps a tensor name to a file-name stem.
function sanitize(name) {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

// readNpy parses a .npy buffer into {type, dims, data} (C order only).
function readNpy(buf) {
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error('not a .npy file');
  const major = buf[6];
  let hlen, off;
  if (major === 1) { hlen = buf.readUInt16LE(8); off = 10; } else if (major === 2 || major === 3) { hlen = buf.readUInt32LE(8); off = 12; } else throw new Error(`unsupported .npy version ${major}`);
  const header = buf.toString('latin1', off, off + hlen);
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) throw new Error(`bad .npy header ${header}`);
  if (fortran[1] === 'True') throw new Error('Fortran-order .npy is unsupported');
  const dims = shape[1].split(',').map((s) => s.trim().replace(/L$/, '')).filter((s) => s !== '').map(Number);
  let code = descr[1], order = '<';
  if ('<>|='.includes(code[0])) { order = code[0]; code = code.slice(1); }
  const entry = NPY_TO_ORT[code];
  if (!entry) throw new Error(`unsupported .npy dtype ${descr[1]}`);
  const [type, Arr] = entry;
  const n = dims.reduce((a, b) => a * b, 1);
  const start = off + hlen, nbytes = n * Arr.BYTES_PER_ELEMENT;
  if (buf.length < start + nbytes) throw new Error(`.npy data is ${buf.length - start} bytes, shape ${dims} needs ${nbytes}`);
  const bytes = new Uint8Array(nbytes); // own ArrayBuffer at offset 0: aligned for any type
  bytes.set(buf.subarray(start, start + nbytes));
  if (order === '>' && Arr.BYTES_PER_ELEMENT > 1) {
    const w = Arr.BYTES_PER_ELEMENT;
    for (let i = 0; i < nbytes; i += w) bytes.subarray(i, i + w).reverse();
  }
  let data = new Arr(bytes.buffer, bytes.byteOffset, n);
  if (type === 'bool') data = Uint8Array.from(data, (v) => (v ? 1 : 0));
  return { type, dims, data };
}

// writeNpy encodes {type, dims, data} as a .npy v1.0 buffer (little-endian).
function writeNpy(type, dims, data) {
  const descr = ORT_TO_NPY[type];
  if (!descr) throw new Error(`cannot write tensor type ${type} as .npy`);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  let body;
  if (type === 'bool') body = Buffer.from(Array.from(data, (v) => (v ? 1 : 0)));
  else body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (body.length > 1 && require('os').endianness() === 'BE') throw new Error('big-endian hosts unsupported');
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), body]);
}

function parseArgs(argv) {
  const a = { threads: 1, warmup: 0, runs: 0, inputs: {}, ort: path.join(__dirname, '..', '..', '.cache', 'ort') };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => { if (i + 1 >= argv.length) throw new Error(`${k} needs a value`); return argv[++i]; };
    switch (k) {
      case '--model': a.model = val(); break;
      case '--outdir': a.outdir = val(); break;
      case '--threads': a.threads = parseInt(val(), 10); break;
      case '--warmup': a.warmup = parseInt(val(), 10); break;
      case '--runs': a.runs = parseInt(val(), 10); break;
      case '--ort': a.ort = val(); break;
      case '--inputs': Object.assign(a.inputs, JSON.parse(fs.readFileSync(val(), 'utf8'))); break;
      default: {
        const eq = k.lastIndexOf('=');
        if (k.startsWith('--') || eq <= 0) throw new Error(`unknown argument ${k}`);
        a.inputs[k.slice(0, eq)] = k.slice(eq + 1);
      }
    }
  }
  if (!a.model || !a.outdir) throw new Error('--model and --outdir are required');
  for (const k of ['threads', 'warmup', 'runs']) if (!(a[k] >= 0)) throw new Error(`bad --${k}`);
  return a;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const ort = createRequire(path.join(path.resolve(a.ort), 'package.json'))('onnxruntime-node');
  const session = await ort.InferenceSession.create(a.model, {
    intraOpNumThreads: a.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
  const feeds = {};
  for (const [name, file] of Object.entries(a.inputs)) {
    const t = readNpy(fs.readFileSync(file));
    feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  }
  let results;
  const times = [];
  if (a.runs > 0) {
    for (let i = 0; i < a.warmup; i++) await session.run(feeds);
    for (let i = 0; i < a.runs; i++) {
      const t0 = process.hrtime.bigint();
      results = await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } else {
    results = await session.run(feeds);
  }
  fs.mkdirSync(a.outdir, { recursive: true });
  const outputs = {};
  for (const name of session.outputNames) {
    const t = results[name];
    const file = path.join(a.outdir, sanitize(name) + '.npy');
    fs.writeFileSync(file, writeNpy(t.type, t.dims, t.data));
    outputs[name] = file;
  }
  const report = { outputs };
  if (a.runs > 0) {
    const s = [...times].sort((x, y) => x - y);
    const mid = s.length >> 1;
    report.timing = {
      warmup: a.warmup, runs: a.runs,
      min_ms: s[0],
      median_ms: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2,
      mean_ms: s.reduce((x, y) => x + y, 0) / s.length,
      times_ms: times,
      max_rss_bytes: peakRSS(),
    };
  }
  process.stdout.write(JSON.stringify(report) + '\n');
}

// peakRSS is this process's resident-set high-water mark. On Linux it reads
// VmHWM, which starts afresh at exec; getrusage's maxRSS (the fallback) is
// inherited from the parent across fork and exec, so it would report the
// caller's peak when that is larger.
function peakRSS() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch (e) { /* not Linux */ }
  return process.resourceUsage().maxRSS * 1024;
}

module.exports = { sanitize, readNpy, writeNpy };

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`run.js: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  });
}
