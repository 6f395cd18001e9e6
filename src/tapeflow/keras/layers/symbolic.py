"""Shape inference for layers called on KerasTensors, without running kernels.

The layer's `call` is traced by `framework.eval_shape` (jax.eval_shape on
tapeflow Tensors wrapping abstract values). Unknown dimensions (None) are traced twice with two sizes;
output dimensions that differ between the two traces are unknown too.
Variables the trace writes (e.g. moving statistics) are restored afterwards.
"""
import jax

import tapeflow as tf

from ... import nest
from ...framework.eval_shape import eval_shape
from ..keras_tensor import KerasTensor
from . import call_context

__all__ = ["infer_outputs"]

_FILLS = (2, 3)


def _spec(kt, fill):
    shape = tuple(fill if d is None else d for d in kt.shape.as_list())
    return jax.ShapeDtypeStruct(shape, kt.dtype._np)


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
    def fn(*tensors):
        mapping = {id(kt): t for kt, t in zip(kts, tensors)}
        args, kwargs = nest.map_structure(
            lambda x: mapping[id(x)] if isinstance(x, KerasTensor) else x, structure)
        call_context.frames().append(call_context.Frame(layer, training, True))
        try:
            # concrete values (e.g. tf.shape of a static shape) stay concrete
            with jax.ensure_compile_time_eval():
                out = layer.call(*args, **kwargs)
                mask = mask_fn(args, kwargs)
        finally:
            call_context.frames().pop()
        return out, mask

    return eval_shape(fn, *[_spec(kt, fill) for kt in kts], restore=_state_variables(layer))


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
