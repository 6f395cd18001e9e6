"""Shape inference for layers called on KerasTensors, without running kernels.

The layer's `call` is traced by `jax.eval_shape` on tapeflow Tensors wrapping
abstract values. Unknown dimensions (None) are traced twice with two sizes;
output dimensions that differ between the two traces are unknown too.
Variables the trace writes (e.g. moving statistics) are restored afterwards.
"""
import jax

import tapeflow as tf

from ... import nest
from ...framework.recording import stop_recording
from ...framework.tensor import Tensor
from ..keras_tensor import KerasTensor
from . import call_context

__all__ = ["infer_outputs"]

_FILLS = (2, 3)


def _spec(kt, fill):
    shape = tuple(fill if d is None else d for d in kt.shape.as_list())
    return jax.ShapeDtypeStruct(shape, kt.dtype._np)


def _to_jax(x):
    if isinstance(x, Tensor):
        return x._value
    if hasattr(x, "_as_tensor"):
        return x._as_tensor()._value
    return x


def _variables(layer):
    try:
        found = list(layer.variables)
    except ValueError:  # an unbuilt Sequential
        found = []
    for metric in _tracked_metrics(layer):
        found.extend(getattr(metric, "variables", []))
    return found


def _tracked_metrics(layer):
    """Metric objects tracked by `layer`: their state is restored after a trace too."""
    from .layer import Layer
    return Layer.metrics.fget(layer)


def _state_variables(layer):
    if not tf.random.rng_state_variables():
        tf.random.uniform(())  # creates the global random state outside the trace
    return _variables(layer) + list(tf.random.rng_state_variables())


def _trace(layer, structure, kts, fill, training, mask_fn):
    saved = [(v, v._value) for v in _state_variables(layer)]

    def fn(*vals):
        mapping = {id(kt): Tensor(v) for kt, v in zip(kts, vals)}
        args, kwargs = nest.map_structure(
            lambda x: mapping[id(x)] if isinstance(x, KerasTensor) else x, structure)
        call_context.frames().append(call_context.Frame(layer, training, True))
        try:
            # concrete values (e.g. tf.shape of a static shape) stay concrete
            with stop_recording(), jax.ensure_compile_time_eval():
                out = layer.call(*args, **kwargs)
                mask = mask_fn(args, kwargs)
        finally:
            call_context.frames().pop()
        return nest.map_structure(_to_jax, out), nest.map_structure(_to_jax, mask)

    try:
        return jax.eval_shape(fn, *[_spec(kt, fill) for kt in kts])
    finally:
        for v, value in saved:
            v._value = value
            v._cached = None


def _merge(a, b):
    dims = [x if x == y else None for x, y in zip(a.shape, b.shape)]
    return KerasTensor(dims, tf.as_dtype(a.dtype))


def infer_outputs(layer, args, kwargs, training, mask_fn):
    """(outputs, output_mask) of `layer.call(*args, **kwargs)` as KerasTensors."""
    structure = (list(args), dict(kwargs))
    kts = [x for x in nest.flatten(structure) if isinstance(x, KerasTensor)]
    dynamic = any(d is None for kt in kts for d in kt.shape.as_list())
    first = _trace(layer, structure, kts, _FILLS[0], training, mask_fn)
    if dynamic:
        second = _trace(layer, structure, kts, _FILLS[1], training, mask_fn)
        merged = jax.tree_util.tree_map(_merge, first, second)
    else:
        merged = jax.tree_util.tree_map(lambda a: KerasTensor(a.shape, a.dtype), first)
    out, mask = merged
    return out, mask
