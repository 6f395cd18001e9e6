"""`tf.TensorArray`: a list of same-dtype tensors, written and read by index.

Like TF 2's TensorArray it is a value: `write`, `scatter`, `unstack` and `split`
return a new TensorArray (`ta = ta.write(i, x)`). Elements live either in a
Python list (eager, shapes still unknown) or in one stacked buffer
`[size, *element_shape]` — the form it takes inside compiled loops, where it
is a loop variable like any tensor (a composite whose component is the
buffer). Reads and writes use tapeflow ops (gather, tensor_scatter_nd_update,
stack), so gradients flow through them.

>>> import tapeflow as tf
>>> ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
>>> for i in range(3):
...     ta = ta.write(i, float(i * i))
>>> ta.stack().numpy()
array([0., 1., 4.], dtype=float32)
"""
import jax
import numpy as np

from ..framework import dtypes
from ..framework.errors import invalid_argument
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework.tensor_shape import TensorShape
from ..ops import array_ops, gather_ops
from ..ops.gather_ops import tensor_scatter_nd_update
from ..ops.math_ops import cast

__all__ = ["TensorArray"]


def _ops():
    return array_ops, gather_ops


def _static_index(index):
    t = convert_to_tensor(index)
    v = t._value
    if isinstance(v, jax.core.Tracer):
        return None, t
    return int(np.asarray(v)), t


class TensorArray:
    """A list of tensors that can be written in loops and stacked (`tf.TensorArray`)."""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._infer_shape = infer_shape
        self._element_shape = TensorShape(element_shape) if element_shape is not None \
            else TensorShape(None)
        n = 0 if size is None else _static_index(size)[0]
        if n is None:
            raise ValueError("TensorArray size must be known when it is created (tapeflow "
                             "compiles loops with fixed shapes); use dynamic_size=True with "
                             "a Python int size.")
        if size is None and not self._dynamic_size:
            raise ValueError("Size must be provided if handle is not provided")
        self._list = [None] * n
        self._buffer = None
        self._name = name or tensor_array_name or "TensorArray"

    @classmethod
    def _make(cls, template, items=None, buffer=None, element_shape=None):
        ta = object.__new__(cls)
        ta._dtype, ta._dynamic_size = template._dtype, template._dynamic_size
        ta._infer_shape, ta._name = template._infer_shape, template._name
        ta._element_shape = template._element_shape if element_shape is None else element_shape
        ta._list, ta._buffer = items, buffer
        return ta

    # -- properties ------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def dynamic_size(self):
        return self._dynamic_size

    @property
    def element_shape(self):
        return self._element_shape

    @property
    def handle(self):
        return None

    @property
    def flow(self):
        return Tensor(np.zeros((), np.float32))

    def size(self, name=None):
        """The number of elements, as an int32 scalar."""
        n = self._buffer.shape[0] if self._buffer is not None else len(self._list)
        return Tensor(np.asarray(n, np.int32))

    def _len(self):
        return self._buffer.shape[0] if self._buffer is not None else len(self._list)

    # -- checks ----------------------------------------------------------------
    def _value(self, value, index_desc):
        t = convert_to_tensor(value, dtype_hint=self._dtype)
        if t.dtype != self._dtype:
            raise invalid_argument(f"TensorArray dtype is {self._dtype.name} but Op is trying "
                                   f"to write dtype {t.dtype.name}", "TensorArrayWrite")
        if not self._element_shape.is_compatible_with(t.shape):
            raise invalid_argument(
                f"Could not write to TensorArray index {index_desc} because the value shape "
                f"is {t.shape} which is incompatible with the TensorArray's inferred element "
                f"shape: {self._element_shape} (consider setting infer_shape=False).",
                "TensorArrayWrite")
        return t

    def _merged_shape(self, t):
        if not self._infer_shape:
            return self._element_shape
        return t.shape if self._element_shape.rank is None else self._element_shape

    def _check_index(self, i, op):
        n = self._len()
        if i < 0:
            raise invalid_argument(f"Tried to {op} index {i} of a TensorArray: negative "
                                   "indices are not allowed", f"TensorArray{op.title()}")
        if i >= n and not self._dynamic_size:
            raise invalid_argument(f"Tried to {op} index {i} but array is not resizeable and "
                                   f"size is: {n}", f"TensorArray{op.title()}")

    # -- element access ----------------------------------------------------------
    def read(self, index, name=None):
        """The element at `index` (an unwritten element of known shape reads as zeros)."""
        i, it = _static_index(index)
        A, G = _ops()
        if self._buffer is not None:
            return G.gather(self._buffer, it) if i is None else self._buffer[i]
        if i is None:
            return G.gather(self.stack(), it)
        if not 0 <= i < len(self._list):
            raise invalid_argument(f"Tried to read from index {i} but array size is: "
                                   f"{len(self._list)}", "TensorArrayRead")
        v = self._list[i]
        if v is None:
            if not self._element_shape.is_fully_defined():
                raise invalid_argument(f"Could not read from TensorArray index {i} because it "
                                       "has not yet been written to.", "TensorArrayRead")
            return A.zeros(self._element_shape.as_list(), self._dtype)
        return v

    def write(self, index, value, name=None):
        """A new TensorArray with `value` at `index`."""
        i, it = _static_index(index)
        t = self._value(value, index if i is None else i)
        shape = self._merged_shape(t)
        if self._buffer is not None:
            return self._write_buffer(i, it, t, shape)
        if i is None:  # a traced index: switch to the stacked form
            return self._to_buffer(t.shape)._write_buffer(None, it, t, shape)
        self._check_index(i, "write")
        items = list(self._list)
        if i >= len(items):
            items.extend([None] * (i + 1 - len(items)))
        items[i] = t
        return TensorArray._make(self, items=items, element_shape=shape)

    def _write_buffer(self, i, it, t, shape):
        A, G = _ops()
        buf = self._buffer
        if i is not None:
            self._check_index(i, "write")
            if i >= buf.shape[0]:
                pad = A.zeros([i + 1 - buf.shape[0]] + buf.shape.as_list()[1:], self._dtype)
                buf = A.concat([buf, pad], 0)
        idx = A.reshape(cast(it, "int32") if it.dtype != dtypes.int32 else it, [1, 1])
        new = tensor_scatter_nd_update(buf, idx, A.expand_dims(t, 0))
        return TensorArray._make(self, buffer=new, element_shape=shape)

    def _to_buffer(self, shape_hint=None):
        """This array in the stacked form `[size, *element_shape]`."""
        if self._buffer is not None:
            return self
        return TensorArray._make(self, buffer=self._stack_list(shape_hint))

    def _stack_list(self, shape_hint=None):
        A, _ = _ops()
        shape = self._element_shape
        known = [v for v in self._list if v is not None]
        if not shape.is_fully_defined():
            shape = known[0].shape if known else TensorShape(shape_hint)
        if not shape.is_fully_defined():
            if not self._list:
                return A.zeros([0], self._dtype)
            raise invalid_argument("Could not stack TensorArray elements of unknown shape "
                                   "(some were never written)", "TensorArrayStack")
        zeros = None
        items = []
        for v in self._list:
            if v is None:
                zeros = zeros if zeros is not None else A.zeros(shape.as_list(), self._dtype)
                v = zeros
            items.append(v)
        if not items:
            return A.zeros([0] + shape.as_list(), self._dtype)
        shapes = {tuple(v.shape.as_list()) for v in items}
        if len(shapes) > 1:
            raise invalid_argument(f"TensorArray has inconsistent element shapes "
                                   f"{sorted(shapes)}; use concat()", "TensorArrayStack")
        return A.stack(items, 0)

    # -- whole-array ops ---------------------------------------------------------------
    def stack(self, name=None):
        """All elements stacked along a new first dimension."""
        if self._buffer is not None:
            return self._buffer
        return self._stack_list()

    def gather(self, indices, name=None):
        """The elements at `indices`, stacked."""
        _, G = _ops()
        return G.gather(self.stack(), convert_to_tensor(indices))

    def concat(self, name=None):
        """The elements concatenated along their first dimension."""
        A, _ = _ops()
        if self._buffer is not None:
            b = self._buffer
            return A.reshape(b, [-1] + b.shape.as_list()[2:])
        items = [self.read(i) for i in range(len(self._list))]
        if not items:
            return A.zeros([0] + (self._element_shape.as_list()[1:]
                                  if self._element_shape.rank else []), self._dtype)
        return A.concat(items, 0)

    def unstack(self, value, name=None):
        """A TensorArray holding the rows of `value`."""
        t = convert_to_tensor(value, dtype_hint=self._dtype)
        if t.dtype != self._dtype:
            raise invalid_argument(f"TensorArray dtype is {self._dtype.name} but Op is trying "
                                   f"to write dtype {t.dtype.name}", "TensorArrayUnstack")
        n = t.shape[0]
        if not self._dynamic_size and self._len() and n > self._len():
            raise invalid_argument(f"Tried to write {n} elements but array is not resizeable "
                                   f"and size is: {self._len()}", "TensorArrayUnstack")
        return TensorArray._make(self, buffer=t, element_shape=TensorShape(t.shape[1:]))

    def scatter(self, indices, value, name=None):
        """A new TensorArray with `value[k]` written at `indices[k]`."""
        idx = np.asarray(convert_to_tensor(indices).numpy()).reshape(-1)
        t = convert_to_tensor(value, dtype_hint=self._dtype)
        ta = self
        for k, i in enumerate(idx.tolist()):
            ta = ta.write(int(i), t[k])
        return ta

    def split(self, value, lengths, name=None):
        """A new TensorArray whose element i is the next `lengths[i]` rows of `value`."""
        t = convert_to_tensor(value, dtype_hint=self._dtype)
        lens = np.asarray(convert_to_tensor(lengths).numpy()).reshape(-1)
        if int(lens.sum()) != t.shape[0]:
            raise invalid_argument(f"Expected sum of lengths to be equal to values.shape[0], "
                                   f"but sum of lengths is {int(lens.sum())} and value's "
                                   f"shape is: {t.shape}", "TensorArraySplit")
        starts = np.concatenate([[0], np.cumsum(lens)])
        items = [t[int(starts[k]):int(starts[k + 1])] for k in range(len(lens))]
        return TensorArray._make(self, items=items, element_shape=TensorShape(None))

    def identity(self):
        return self

    def close(self, name=None):
        return None

    def mark_used(self):
        return None

    def grad(self, source, flow=None, name=None):
        raise NotImplementedError("TensorArray.grad is a TF1 API; use tf.GradientTape.")

    # -- composite protocol (loop variables, tf.function) ------------------------------
    def _to_components(self):
        """(buffer,) — or () while nothing is written and the element shape is unknown
        (a compiled loop then needs `element_shape`)."""
        if self._buffer is None and not self._element_shape.is_fully_defined() and not any(
                v is not None for v in self._list):
            return ()
        return (self._to_buffer()._buffer,)

    _function_components = _to_components

    def _with_components(self, components):
        if not components:
            return self
        buf = components[0]
        if not isinstance(buf, Tensor):
            buf = convert_to_tensor(buf)
        shape = TensorShape(buf.shape[1:]) if hasattr(buf, "shape") else self._element_shape
        return TensorArray._make(self, buffer=buf, element_shape=shape)

    @property
    def _type_spec(self):
        return TensorArraySpec(self._element_shape, self._dtype, self._dynamic_size)

    def __repr__(self):
        return f"<tf.TensorArray dtype={self._dtype.name} size={self._len()}>"


class TensorArraySpec:
    """The type of a TensorArray (`tf.TensorArraySpec`)."""

    def __init__(self, element_shape=None, dtype=dtypes.float32, dynamic_size=False,
                 infer_shape=True):
        self.element_shape = TensorShape(element_shape)
        self.dtype = dtypes.as_dtype(dtype)
        self.dynamic_size = dynamic_size
        self.infer_shape = infer_shape

    def __eq__(self, other):
        return isinstance(other, TensorArraySpec) and (
            self.element_shape.as_list() if self.element_shape.rank is not None else None) == (
            other.element_shape.as_list() if other.element_shape.rank is not None else None) \
            and self.dtype == other.dtype and self.dynamic_size == other.dynamic_size

    def __hash__(self):
        return hash((self.dtype.name, self.dynamic_size))

    def __repr__(self):
        return (f"TensorArraySpec(element_shape={self.element_shape}, dtype={self.dtype!r}, "
                f"dynamic_size={self.dynamic_size})")
