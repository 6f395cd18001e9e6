"""The few SavedModel protos tapeflow writes and reads: SavedModel / MetaGraphDef /
SignatureDef (saved_model.pb) and SavedMetadata (keras_metadata.pb), by hand on
`lib.io.wire`.

>>> sig = {"inputs": {"x": ("float32", [None, 3])}, "outputs": {"y": ("float32", [None])}}
>>> data = saved_model_bytes({"serving_default": sig}, tags=["serve"])
>>> parse_saved_model(data)["signatures"]["serving_default"]["inputs"]["x"]
('float32', [None, 3])
"""
import numpy as np

from ..lib.io import wire
from ..train.tensor_bundle import DT_STRING, NP_TO_TF, TF_TO_NP, dtype_name

__all__ = ["saved_model_bytes", "parse_saved_model", "keras_metadata_bytes",
           "parse_keras_metadata"]

PREDICT_METHOD = "tensorflow/serving/predict"
_PRODUCER = "tapeflow 0.1.0"


def _enum(dtype_str):
    if dtype_str == "string":
        return DT_STRING
    return NP_TO_TF[np.dtype(dtype_str)]


def _shape_proto(shape):
    if shape is None:
        return wire.varint_field(3, 1)  # unknown_rank
    return b"".join(wire.bytes_field(2, wire.varint_field(1, -1 if d is None else d))
                    for d in shape)


def _parse_shape(data):
    fields = wire.parse(data)
    if wire.first(fields, 3):
        return None
    dims = [wire.signed64(wire.first(wire.parse(d), 1, 0)) for d in fields.get(2, [])]
    return [None if d < 0 else d for d in dims]


def _tensor_info(name, dtype, shape):
    return (wire.bytes_field(1, name) + wire.varint_field(2, _enum(dtype)) +
            wire.bytes_field(3, _shape_proto(shape)))


def _map_entry(key, value):
    return wire.bytes_field(1, key) + wire.bytes_field(2, value)


def _signature_def(name, sig):
    out = b""
    for key, (dtype, shape) in sig["inputs"].items():
        out += wire.bytes_field(1, _map_entry(key, _tensor_info(f"{name}_{key}:0", dtype,
                                                                 shape)))
    for i, (key, (dtype, shape)) in enumerate(sig["outputs"].items()):
        out += wire.bytes_field(2, _map_entry(key, _tensor_info(
            f"StatefulPartitionedCall:{i}", dtype, shape)))
    return out + wire.bytes_field(3, PREDICT_METHOD)


def saved_model_bytes(signatures, tags=("serve",)):
    """saved_model.pb: one MetaGraphDef with `tags` and the SignatureDefs.

    `signatures` maps a name to {"inputs": {key: (dtype, shape)}, "outputs": {...}}.
    """
    meta_info = b"".join(wire.bytes_field(4, t) for t in tags)
    meta_info += wire.bytes_field(5, _PRODUCER)
    meta_graph = wire.bytes_field(1, meta_info) + wire.bytes_field(2, b"")
    for name in sorted(signatures):
        meta_graph += wire.bytes_field(5, _map_entry(name, _signature_def(name,
                                                                          signatures[name])))
    return wire.varint_field(1, 1) + wire.bytes_field(2, meta_graph)


def _parse_tensor_info(data):
    f = wire.parse(data)
    enum = wire.first(f, 2, 0)
    dtype = "string" if enum == DT_STRING else (TF_TO_NP[enum].name if enum in TF_TO_NP
                                                 else dtype_name(enum))
    return dtype, _parse_shape(wire.first(f, 3, b""))


def _parse_map(entries, value_fn):
    out = {}
    for e in entries:
        f = wire.parse(e)
        out[wire.first(f, 1, b"").decode("utf8")] = value_fn(wire.first(f, 2, b""))
    return out


def parse_saved_model(data):
    """{"tags": [...], "signatures": {name: {"inputs", "outputs"}}} of the first MetaGraph."""
    fields = wire.parse(data)
    graphs = fields.get(2, [])
    if not graphs:
        raise ValueError("saved_model.pb holds no MetaGraphDef.")
    meta = wire.parse(graphs[0])
    info = wire.parse(wire.first(meta, 1, b""))
    tags = [t.decode("utf8") for t in info.get(4, [])]

    def sig(d):
        f = wire.parse(d)
        return {"inputs": _parse_map(f.get(1, []), _parse_tensor_info),
                "outputs": _parse_map(f.get(2, []), _parse_tensor_info)}
    return {"tags": tags, "signatures": _parse_map(meta.get(5, []), sig)}


def keras_metadata_bytes(identifier, metadata_json):
    """keras_metadata.pb: a SavedMetadata proto with the root node's Keras metadata."""
    version = wire.varint_field(1, 2) + wire.varint_field(2, 1)  # producer, min_consumer
    node = (wire.bytes_field(1, version) + wire.varint_field(2, 0) +
            wire.bytes_field(3, "root") + wire.bytes_field(4, identifier) +
            wire.bytes_field(5, metadata_json))
    return wire.bytes_field(1, node)


def parse_keras_metadata(data):
    """(identifier, metadata JSON string) of the root node of a keras_metadata.pb."""
    for raw in wire.parse(data).get(1, []):
        f = wire.parse(raw)
        if wire.first(f, 3, b"") == b"root":
            return (wire.first(f, 4, b"").decode("utf8"),
                    wire.first(f, 5, b"").decode("utf8"))
    raise ValueError("keras_metadata.pb has no root node.")
