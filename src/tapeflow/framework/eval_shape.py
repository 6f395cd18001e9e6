"""`eval_shape`: the output shapes of a tapeflow function, without running kernels.

The supported way for tapeflow's own layers (Keras shape inference on
KerasTensors) to trace code abstractly: `fn` receives Tensors wrapping
abstract values, nothing is recorded on tapes, and the variables listed in
`restore` get their arrays back afterwards (a trace that assigns a variable,
e.g. a BatchNormalization moving mean, leaves an abstract value in it).

>>> import jax
>>> import tapeflow as tf
>>> out = eval_shape(lambda x: tf.reduce_sum(x, axis=1), jax.ShapeDtypeStruct((4, 3), "float32"))
>>> out.shape, out.dtype
((4,), dtype('float32'))
"""
import jax

from .. import nest
from .recording import stop_recording
from .tensor import Tensor

__all__ = ["eval_shape"]


def _array(x):
    """The jax value behind a Tensor or Variable; other leaves pass through."""
    if isinstance(x, Tensor):
        return x._value
    if hasattr(x, "_as_tensor"):
        return x._as_tensor()._value
    return x


def eval_shape(fn, *specs, restore=()):
    """`jax.eval_shape` for a function of Tensors: returns jax.ShapeDtypeStruct leaves.

    `specs` are jax.ShapeDtypeStruct (one per positional Tensor argument);
    `fn`'s outputs may be any nest of Tensors, Variables and Python values.
    """
    saved = [(v, v._value) for v in restore]

    def run(*values):
        with stop_recording():
            out = fn(*[Tensor._from_host(v) for v in values])
        return nest.map_structure(_array, out)

    try:
        return jax.eval_shape(run, *specs)
    finally:
        for v, value in saved:
            v._swap_value(value)
