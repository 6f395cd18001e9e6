"""Compiling a Python callable over Variables into a self-contained serialized program.

`export_callable(fn, specs, variables)` traces `fn` with the Variables' values
as extra inputs (swapped in with `Variable._swap_value` while tracing, restored
after) and exports it with `jax.export`: a serialized StableHLO module with
symbolic batch sizes for `None` dimensions. `ExportedCallable` runs it again in
another process, with no Python class: it needs only the Variables to read.

>>> import tapeflow as tf
>>> v = tf.Variable(2.0)
>>> prog, structure = export_callable(lambda x: x * v, [tf.TensorSpec([None], tf.float32)],
...                                   [v])
>>> float(ExportedCallable(prog.serialize(), [v], structure)(tf.ones([3]))[1])
2.0
"""
import string

import jax
import numpy as np

from .. import nest
from ..framework.tensor import Tensor

__all__ = ["export_callable", "ExportedCallable", "encode_structure", "decode_structure"]


def _symbolic_shapes(specs):
    """ShapeDtypeStructs, each unknown dimension a fresh symbol (batch sizes may differ)."""
    from jax import export
    letters = iter(string.ascii_lowercase)
    out = []
    for spec in specs:
        dims = spec.shape.as_list() if spec.shape.rank is not None else None
        if dims is None:
            raise ValueError(f"Cannot export a signature with an input of unknown rank: "
                             f"{spec}.")
        names = [next(letters) if d is None else str(d) for d in dims]
        shape = export.symbolic_shape(",".join(names)) if names else ()
        out.append(jax.ShapeDtypeStruct(shape, np.dtype(spec.dtype.as_numpy_dtype)))
    return out


def encode_structure(value):
    """A JSON description of a nest of tensors (to rebuild outputs after loading)."""
    if isinstance(value, dict):
        return {"dict": [[k, encode_structure(value[k])] for k in sorted(value)]}
    if isinstance(value, (list, tuple)):
        return {"list" if isinstance(value, list) else "tuple":
                [encode_structure(v) for v in value]}
    return "tensor"


def decode_structure(desc, leaves):
    """Rebuilds the nest `encode_structure` described from the flat `leaves`."""
    it = iter(leaves)

    def build(d):
        if d == "tensor":
            return next(it)
        if "dict" in d:
            return {k: build(v) for k, v in d["dict"]}
        items = [build(v) for v in d.get("list", d.get("tuple", []))]
        return items if "list" in d else tuple(items)
    return build(desc)


def _sorted_leaves(value):
    """Leaves in `encode_structure` order (dict keys sorted)."""
    if isinstance(value, dict):
        return [x for k in sorted(value) for x in _sorted_leaves(value[k])]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _sorted_leaves(v)]
    return [value]


def export_callable(fn, specs, variables, call=None):
    """(`jax.export.Exported` program of `fn(*inputs)`, output structure description).

    The Variables' values are the program's first argument (a list); `call(fn,
    tensors)` adapts how inputs are passed (default: positionally).
    """
    from jax import export
    variables = list(variables)
    holder = {}

    def pure(values, *inputs):
        saved = [(v, v._swap_value(x)) for v, x in zip(variables, values)]
        try:
            tensors = [Tensor(x) for x in inputs]
            out = call(fn, tensors) if call is not None else fn(*tensors)
        finally:
            for v, old in saved:
                v._swap_value(old)
        holder["structure"] = encode_structure(out)
        return [t._value if isinstance(t, Tensor) else nest.flatten(t)[0]
                for t in _sorted_leaves(out)]

    var_shapes = [jax.ShapeDtypeStruct(tuple(v.shape.as_list()), np.dtype(
        v.dtype.as_numpy_dtype)) for v in variables]
    exported = export.export(jax.jit(pure))(var_shapes, *_symbolic_shapes(specs))
    return exported, holder["structure"]


class ExportedCallable:
    """Runs a serialized exported program with the current values of `variables`."""

    def __init__(self, serialized, variables, structure):
        from jax import export
        self._exported = export.deserialize(bytearray(serialized))
        self._variables = list(variables)
        self._structure = structure

    def __call__(self, *inputs):
        values = [v._value for v in self._variables]
        arrays = [x._value if isinstance(x, Tensor) else np.asarray(x) for x in inputs]
        arrays = [np.asarray(a, dtype=s.dtype) if not hasattr(a, "dtype") or a.dtype != s.dtype
                  else a for a, s in zip(arrays, self._exported.in_avals[len(values):])]
        out = self._exported.call(values, *arrays)
        return decode_structure(self._structure, [Tensor(x) for x in out])
