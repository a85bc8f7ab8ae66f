"""Compare ONNX models written by qinfer's encoder with their originals.

Usage: pycheck.py LIST, LIST holding "original<TAB>reencoded" lines.
Exits non-zero listing the differences. Things qinfer deliberately drops
(tensor doc strings, training info, sparse form) are not compared.
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def arr(t):
    return numpy_helper.to_array(t)


def same_array(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind in "fc":
        return a.tobytes() == b.tobytes()
    return np.array_equal(a, b)


def dense(st):
    # onnx 1.12 has no sparse → dense helper; do it here.
    vals = arr(st.values)
    idx = arr(st.indices) if st.HasField("indices") else np.zeros((0,), np.int64)
    out = np.zeros(tuple(st.dims), dtype=vals.dtype)
    flat = out.reshape(-1)
    if idx.ndim == 2:
        idx = np.ravel_multi_index(tuple(idx.T), tuple(st.dims)) if idx.size else np.zeros((0,), np.int64)
    flat[idx] = vals
    return out


def cmp_attr(a, b, where, errs):
    if a.name != b.name or a.type != b.type or a.ref_attr_name != b.ref_attr_name or a.doc_string != b.doc_string:
        errs.append(f"{where}: attr header {a.name}/{a.type} vs {b.name}/{b.type}")
        return
    if a.ref_attr_name:
        return
    T = onnx.AttributeProto
    if a.type == T.TENSOR:
        if not same_array(arr(a.t), arr(b.t)):
            errs.append(f"{where}: attr {a.name} tensor differs")
    elif a.type == T.TENSORS:
        if len(a.tensors) != len(b.tensors) or not all(same_array(arr(x), arr(y)) for x, y in zip(a.tensors, b.tensors)):
            errs.append(f"{where}: attr {a.name} tensors differ")
    elif a.type == T.SPARSE_TENSOR:
        if not same_array(dense(a.sparse_tensor), dense(b.sparse_tensor)):
            errs.append(f"{where}: attr {a.name} sparse differs")
    elif a.type == T.GRAPH:
        cmp_graph(a.g, b.g, where + "/" + a.name, errs)
    elif a.type == T.GRAPHS:
        if len(a.graphs) != len(b.graphs):
            errs.append(f"{where}: attr {a.name} graph count")
        for x, y in zip(a.graphs, b.graphs):
            cmp_graph(x, y, where + "/" + a.name, errs)
    else:
        va, vb = helper.get_attribute_value(a), helper.get_attribute_value(b)
        if isinstance(va, float) or (isinstance(va, list) and va and isinstance(va[0], float)):
            if not same_array(np.float32(va), np.float32(vb)):
                errs.append(f"{where}: attr {a.name}: {va} vs {vb}")
        elif va != vb:
            errs.append(f"{where}: attr {a.name}: {va} vs {vb}")


def norm_domain(d):
    return "" if d == "ai.onnx" else d


def cmp_node(a, b, where, errs):
    if (list(a.input), list(a.output), a.name, a.op_type, norm_domain(a.domain), a.doc_string) != (
        list(b.input), list(b.output), b.name, b.op_type, b.domain, b.doc_string):
        errs.append(f"{where}: node {a.name} {a.op_type} header differs")
    if len(a.attribute) != len(b.attribute):
        errs.append(f"{where}: node {a.name} attr count")
    for x, y in zip(a.attribute, b.attribute):
        cmp_attr(x, y, where + ":" + a.op_type, errs)


def cmp_graph(a, b, where, errs):
    if a.name != b.name or a.doc_string != b.doc_string:
        errs.append(f"{where}: graph name/doc")
    if len(a.node) != len(b.node):
        errs.append(f"{where}: node count {len(a.node)} vs {len(b.node)}")
    for x, y in zip(a.node, b.node):
        cmp_node(x, y, where, errs)
    for field in ("input", "output", "value_info"):
        if list(getattr(a, field)) != list(getattr(b, field)):
            errs.append(f"{where}: {field} differs")
    inits = [(t.name, arr(t)) for t in a.initializer] + [(s.values.name, dense(s)) for s in a.sparse_initializer]
    binits = [(t.name, arr(t)) for t in b.initializer]
    if sorted(n for n, _ in inits) != sorted(n for n, _ in binits):
        errs.append(f"{where}: initializer names differ")
    bd = dict(binits)
    for n, v in inits:
        if n in bd and not same_array(v, bd[n]):
            errs.append(f"{where}: initializer {n} differs")


def main():
    bad = 0
    n = 0
    for line in open(sys.argv[1]):
        orig, ours = line.rstrip("\n").split("\t")
        a, b = onnx.load(orig), onnx.load(ours)
        errs = []
        for f in ("ir_version", "producer_name", "producer_version", "domain", "model_version", "doc_string"):
            if getattr(a, f) != getattr(b, f):
                errs.append(f"model {f} differs")
        oa = {norm_domain(o.domain): o.version for o in a.opset_import}
        ob = {o.domain: o.version for o in b.opset_import}
        if oa != ob:
            errs.append(f"opsets {oa} vs {ob}")
        if [(p.key, p.value) for p in a.metadata_props] != [(p.key, p.value) for p in b.metadata_props]:
            errs.append("metadata differs")
        if len(a.functions) != len(b.functions):
            errs.append("function count differs")
        for fa, fb in zip(a.functions, b.functions):
            if (fa.name, fa.domain, list(fa.input), list(fa.output), list(fa.attribute)) != (
                    fb.name, fb.domain, list(fb.input), list(fb.output), list(fb.attribute)):
                errs.append(f"function {fa.name} header differs")
            for x, y in zip(fa.node, fb.node):
                cmp_node(x, y, "function " + fa.name, errs)
        cmp_graph(a.graph, b.graph, "graph", errs)
        n += 1
        if errs:
            bad += 1
            print(orig)
            for e in errs[:10]:
                print("   ", e)
    print(f"{n} models compared, {bad} differ")
    sys.exit(1 if bad else 0)


main()
