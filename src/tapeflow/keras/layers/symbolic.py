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
from . import layer as layer_module  # module import: layer.py imports this module too
from ...ragged import RaggedTensor

__all__ = ["infer_outputs"]

# Unknown dims are traced at two sizes; a dim whose output differs becomes None. The
# sizes leave room for kernels and strides (Input((None, None, 3)) -> Conv2D(7, strides=2)).
_FILLS = (31, 47)


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
    return layer_module.Layer.metrics.fget(layer)


def _state_variables(layer):
    if not tf.random.rng_state_variables():
        tf.random.uniform(())  # creates the global random state outside the trace
    return _variables(layer) + list(tf.random.rng_state_variables())


def _ragged_in(kt, t):
    """A ragged KerasTensor's placeholder: a RaggedTensor with uniform (static) rows."""
    if not kt.ragged:
        return t
    return RaggedTensor.from_tensor(t)


def _ragged_out(out, flags):
    """Ragged outputs -> dense (their row partitions are static here), noting which."""
    flat = nest.flatten(out)
    flags[:] = [isinstance(o, RaggedTensor) and o.ragged_rank for o in flat]
    return nest.pack_sequence_as(out, [o.to_tensor() if isinstance(o, RaggedTensor) else o
                                       for o in flat])


def _trace(layer, structure, kts, fill, training, mask_fn, flags=None):
    def fn(*tensors):
        tensors = [_ragged_in(kt, t) for kt, t in zip(kts, tensors)]
        mapping = {id(kt): t for kt, t in zip(kts, tensors)}
        args, kwargs = nest.map_structure(
            lambda x: mapping[id(x)] if isinstance(x, KerasTensor) else x, structure)
        call_context.frames().append(call_context.Frame(layer, training, True))
        try:
            # concrete values (e.g. tf.shape of a static shape) stay concrete
            with jax.ensure_compile_time_eval():
                out = layer.call(*args, **kwargs)
                mask = mask_fn(args, kwargs)
                if flags is not None:
                    out = _ragged_out(out, flags)
                    mask = _ragged_out(mask, [])  # a ragged mask's placeholder is dense
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
    flags = [] if any(kt.ragged for kt in kts) else None
    first = _trace(layer, structure, kts, _FILLS[0], training, mask_fn, flags)
    if dynamic:
        second = _trace(layer, structure, kts, _FILLS[1], training, mask_fn, flags)
        merged = jax.tree_util.tree_map(_merge, first, second)
    else:
        merged = jax.tree_util.tree_map(lambda a: KerasTensor(a.shape, a.dtype), first)
    out, mask = merged
    if flags:
        flat = nest.flatten(out)
        for kt, rr in zip(flat, flags):
            if rr and isinstance(kt, KerasTensor):
                dims = kt.shape.as_list()
                kt._shape = tf.TensorShape(dims[:1] + [None] * rr + dims[1 + rr:])
                kt._ragged = True
    return out, mask
