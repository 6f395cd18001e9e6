"""`tf.print`: prints on every call, eagerly and inside compiled functions.

Inside a trace the tensors' values reach Python through an ordered
`jax.debug.callback`, so the print happens each time the program runs.

>>> import tapeflow as tf
>>> tf.print("x:", tf.constant([1, 2]))  # doctest: +SKIP
x: [1 2]
"""
import builtins
import sys

import jax
import numpy as np

from .. import nest
from ..framework.tensor import Tensor
from ..framework.context import current_trace, staged

__all__ = ["print"]


_FORMAT = {  # TF prints 1.0 as "1" and booleans in lower case
    "b": lambda b: str(bool(b)).lower(),
    "f": lambda v: np.format_float_positional(v, trim="-"),
}


def _fmt(x, summarize):
    if isinstance(x, np.ndarray) or isinstance(x, np.generic):
        a = np.asarray(x)
        if a.ndim == 0:
            return _FORMAT.get(a.dtype.kind, str)(a[()])
        edge = a.size if summarize is None or summarize < 0 else summarize
        return np.array2string(a, separator=" ", threshold=2 * edge, edgeitems=edge,
                               formatter={"bool": _FORMAT["b"], "float_kind": _FORMAT["f"]})
    if isinstance(x, (list, tuple)) and not isinstance(x, str):
        inner = ", ".join(_fmt(i, summarize) for i in x)
        return f"[{inner}]" if isinstance(x, list) else f"({inner})"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {_fmt(v, summarize)}" for k, v in x.items()) + "}"
    return str(x)


def _stream(output_stream):
    if output_stream is None or output_stream == "stderr":
        return sys.stderr
    if output_stream == "stdout":
        return sys.stdout
    return output_stream


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):  # noqa: A001
    """Prints tensors and Python values (`tf.print`), to stderr by default.

    Inside a tapeflow.function it prints on every call, not only while tracing.
    """
    leaves = nest.flatten(list(inputs))
    dyn_pos, dyn_vals = [], []
    for i, x in enumerate(leaves):
        if isinstance(x, Tensor) or hasattr(x, "_as_tensor"):
            dyn_pos.append(i)
            v = x._value if isinstance(x, Tensor) else x._as_tensor()._value
            dyn_vals.append(v)

    def emit(*vals):
        filled = list(leaves)
        for i, v in zip(dyn_pos, vals):
            filled[i] = np.asarray(v)
        parts = nest.pack_sequence_as(list(inputs), filled)
        stream = _stream(output_stream)
        builtins.print(sep.join(_fmt(p, summarize) for p in parts), end=end, file=stream)
        if hasattr(stream, "flush"):
            stream.flush()

    if current_trace() is not None or any(isinstance(v, jax.core.Tracer) for v in dyn_vals):
        with staged():
            jax.debug.callback(emit, *dyn_vals, ordered=True)
    else:
        emit(*dyn_vals)
