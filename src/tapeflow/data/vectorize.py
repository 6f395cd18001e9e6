"""Vectorized map: a `map` function traced once and applied to whole batches.

`map(fn).batch(n)` (TF's map-and-batch fusion) gathers input elements (2048
rows over in-memory sources, else `n`), then runs `fn` on all of them in one
compiled program (`jax.vmap` of the traced function, `jax.jit`-compiled),
instead of one eager Python call per element. The elements are identical, in
identical order. A function is not vectorized — it runs element by element —
when tracing it fails or would change its meaning: it reads or writes a
Variable (random ops, layers with weights, counters) or creates one (an
unbuilt layer), converts a tensor to a Python/NumPy value (`py_function`,
`.numpy()`, Python `if` on a tensor, data-dependent shapes), calls back into
Python (`tf.print`, `tf.debugging` assertions), or handles strings or
composite tensors. As in TF, plain Python side effects in the
function run when it is traced, not once per element.

The same tracing gives `map`'s `element_spec`: the function is traced
abstractly at two sizes of every unknown input dimension, and output
dimensions that follow them are unknown (None), as in TF's traced specs.

>>> import tapeflow as tf
>>> ds = tf.data.Dataset.range(5).map(lambda x: x * 2).batch(2)
>>> [b.tolist() for b in ds.as_numpy_iterator()]
[[0, 2], [4, 6], [8]]
"""
import jax
import numpy as np
from jax.extend.core import jaxprs_in_params

from .. import nest
from ..framework import dtypes
from ..framework.recording import stop_recording
from ..framework.tensor import Tensor
from ..framework.variables import HOOKS
from . import structure

__all__ = ["BatchedMap", "traced_spec"]


class _Stateful(Exception):
    """Raised inside a trace when the function touches a Variable."""


def _refuse(var, kind):
    raise _Stateful(f"map function {kind}s Variable {getattr(var, 'name', var)}")


class _NoCreation:
    """Variable-creation hook of a map trace: creating state (building a layer) means
    the function is stateful, so the trace stops before any Variable exists."""

    @staticmethod
    def lift_initial_value(value):
        raise _Stateful("map function creates a Variable")


def _plain(elem):
    """True for an element whose leaves are all numeric NumPy arrays."""
    return all(type(a) is np.ndarray and a.dtype != object for a in structure.leaves(elem))


def _array(x):
    if isinstance(x, Tensor):
        return x._value
    if hasattr(x, "_as_tensor") or hasattr(x, "_with_components"):
        raise _Stateful("map function returns a Variable or composite tensor")
    if isinstance(x, (bool, int, float, np.ndarray, np.generic)):
        return structure.to_numpy_leaf(x)
    raise _Stateful(f"map function returns a {type(x).__name__}")


def _traceable(fn, template):
    """A jax function of the template's flat leaves -> (flat outputs); records the
    output structure in `box`."""
    box = {}

    def run(*leaves):
        elem = structure.pack(template, [Tensor._from_host(v) for v in leaves])
        access, creator = HOOKS.access, HOOKS.creator
        HOOKS.access, HOOKS.creator = _refuse, _NoCreation
        try:
            with stop_recording():
                out = fn(*elem) if type(elem) is tuple else fn(elem)
        finally:
            HOOKS.access, HOOKS.creator = access, creator
        if isinstance(out, list):
            out = tuple(out)
        box["struct"] = out
        return [_array(v) for v in nest.flatten(out)]
    return run, box


def traced_spec(fn, input_spec):
    """The output TensorSpec structure of `fn` on elements of `input_spec`, or None
    when `fn` cannot be traced (the caller then runs it on the first element)."""
    specs = structure.leaves(input_spec)
    if not specs or any(not isinstance(s, structure.TensorSpec) or s.shape.rank is None
                        or s.dtype == dtypes.string for s in specs):
        return None
    unknown = any(d is None for s in specs for d in s.shape.as_list())
    results = []
    for size in ((2, 3) if unknown else (2,)):
        structs = [jax.ShapeDtypeStruct([size if d is None else d for d in s.shape.as_list()],
                                        s.dtype.as_numpy_dtype) for s in specs]
        template = structure.pack(input_spec, [np.zeros((), np.int8)] * len(specs))
        run, box = _traceable(fn, template)
        try:
            outs = jax.eval_shape(run, *structs)
        except Exception:  # noqa: BLE001 - not traceable: the caller runs fn eagerly
            return None
        results.append((outs, box["struct"]))
    outs, struct = results[0]
    shapes = [list(o.shape) for o in outs]
    if len(results) == 2:
        shapes = [[a if a == b else None for a, b in zip(sa, o.shape)] if len(sa) == len(o.shape)
                  else None for sa, o in zip(shapes, results[1][0])]
    leaves = [structure.TensorSpec(s, dtypes.as_dtype(o.dtype)) for s, o in zip(shapes, outs)]
    return structure.pack(struct, leaves)


class BatchedMap:
    """`fn` applied to blocks of `size` stacked elements by one compiled program.

    `__call__(block)` returns the mapped block, or None when `fn` is not
    vectorizable (decided once, on the first block, then remembered).
    """

    def __init__(self, fn, size):
        self._fn, self._size = fn, size
        self._compiled = {}  # (shapes, dtypes) of a block -> compiled program or None

    def __call__(self, block):
        if not _plain(block):
            return None
        leaves = structure.leaves(block)
        n = leaves[0].shape[0] if leaves else 0
        if n == 0 or any(a.ndim == 0 or a.shape[0] != n for a in leaves):
            return None
        if n < self._size:  # pad the last block: one program for every block
            leaves = [np.concatenate([a, np.repeat(a[:1], self._size - n, axis=0)]) for a in leaves]
        key = tuple((a.shape, a.dtype.str) for a in leaves)
        prog = self._compiled.get(key, False)
        if prog is False:
            prog = self._compile(block, leaves)
            self._compiled[key] = prog
        if prog is None:
            return None
        compiled, box = prog
        outs = compiled(*leaves)
        outs = [np.asarray(o)[:n] for o in outs]
        return nest.pack_sequence_as(box["struct"], outs)

    def _compile(self, block, leaves):
        template = structure._map(lambda a: a[0], block)
        run, box = _traceable(self._fn, template)
        try:
            if _has_callback(jax.make_jaxpr(jax.vmap(run))(*leaves).jaxpr):
                return None  # tf.print / assertions / host callbacks: once per element
            compiled = jax.jit(jax.vmap(run))
            compiled.lower(*leaves)
        except Exception:  # noqa: BLE001 - not vectorizable: per-element calls
            return None
        box["struct"] = nest.map_structure(lambda v: 0, box["struct"])  # drop the tracers
        return compiled, box


def _has_callback(jaxpr):
    """True when the program calls back into Python (tf.print, tf.debugging asserts,
    py_function): those must run per element, with each element's values."""
    for eqn in jaxpr.eqns:
        if "callback" in eqn.primitive.name:
            return True
        for sub in jaxprs_in_params(eqn.params):
            if _has_callback(sub):
                return True
    return False
