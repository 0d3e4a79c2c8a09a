#!/usr/bin/python3
"""Write INT8 and FP16 variants of an ONNX model beside it, the way Optimum names them.

Usage: /usr/bin/python3 quantize_onnx.py MODEL_DIR   (needs only Debian's python3-onnx and numpy)
  MODEL_DIR/model_quantized.onnx  weight-only INT8: every float weight of a MatMul, Gemm or embedding
                                  Gather stored as int8 with a per-channel symmetric scale and read
                                  through DequantizeLinear (the QDQ format ONNX Runtime executes).
  MODEL_DIR/model_fp16.onnx       weights stored as float16 and cast back to float32 where they are used.

onnxruntime's own quantizer (python onnxruntime.quantization) is not installable here (no PyPI), so this
does the same weight-only transformation with the onnx package alone; deterministic, no calibration data.
"""
import os, sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def weight_inputs(graph):
    """(node, input index, axis of the output channels) for float weights worth compressing."""
    inits = {i.name: i for i in graph.initializer}
    for node in graph.node:
        slots = []
        if node.op_type == "MatMul":
            slots = [(1, 1)]  # [in, out]: a scale per output column
        elif node.op_type == "Gemm":
            trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
            slots = [(1, 0 if trans_b else 1)]
        elif node.op_type == "Gather":
            slots = [(0, 0)]  # embedding table: a scale per row
        for index, axis in slots:
            name = node.input[index]
            init = inits.get(name)
            if init is not None and init.data_type == TensorProto.FLOAT and len(init.dims) == 2:
                yield node, index, axis, init


def rewrite(model, transform):
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    done = {}
    new_nodes = []
    for node, index, axis, init in list(weight_inputs(graph)):
        if init.name not in done:
            done[init.name] = transform(graph, init, axis, new_nodes)
        node.input[index] = done[init.name]
    # the new nodes only read initializers, so they can all go first and the order stays topological
    nodes = new_nodes + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    used = {i for n in graph.node for i in n.input}
    keep = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(keep)
    onnx.checker.check_model(model)
    return model


def int8(graph, init, axis, new_nodes):
    w = numpy_helper.to_array(init).astype(np.float32)
    reduce_axis = 1 - axis
    scale = np.abs(w).max(axis=reduce_axis) / 127.0
    scale[scale == 0] = 1.0
    shaped = scale.reshape((-1, 1) if axis == 0 else (1, -1))
    q = np.clip(np.rint(w / shaped), -127, 127).astype(np.int8)
    base = init.name.replace(":", "_")
    graph.initializer.extend([
        numpy_helper.from_array(q, base + "_int8"),
        numpy_helper.from_array(scale.astype(np.float32), base + "_scale"),
        numpy_helper.from_array(np.zeros(scale.shape, np.int8), base + "_zero"),
    ])
    out = base + "_dequantized"
    new_nodes.append(helper.make_node("DequantizeLinear", [base + "_int8", base + "_scale", base + "_zero"], [out], axis=axis))
    return out


def fp16(graph, init, axis, new_nodes):
    w = numpy_helper.to_array(init).astype(np.float16)
    base = init.name.replace(":", "_")
    graph.initializer.append(numpy_helper.from_array(w, base + "_fp16"))
    out = base + "_fp32"
    new_nodes.append(helper.make_node("Cast", [base + "_fp16"], [out], to=TensorProto.FLOAT))
    return out


def main(folder):
    model = onnx.load(os.path.join(folder, "model.onnx"))
    if max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx")) < 13:
        sys.exit("per-channel DequantizeLinear needs opset 13 or later")
    for name, transform in (("model_quantized.onnx", int8), ("model_fp16.onnx", fp16)):
        out = rewrite(model, transform)
        path = os.path.join(folder, name)
        onnx.save(out, path)
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
