"""Tensor: an immutable value wrapping a `jax.Array`, and `convert_to_tensor`.

This module is on the bottom floor: it imports no ops. Python operators
(`a + b`, `a @ b`, `a[1:, ::2]`, `iter(a)`) are installed on Tensor and
Variable by `ops/_operators.py` when tapeflow is imported, so they are
recorded on tapes like `tf.add`, `tf.matmul` and `tf.strided_slice`.

>>> import tapeflow as tf
>>> x = tf.constant([[5, 2], [1, 3]])
>>> print(x)
tf.Tensor(
[[5 2]
 [1 3]], shape=(2, 2), dtype=int32)
"""
import traceback

import jax
import jax.numpy as jnp
import numpy as np

from . import dtypes
from .dtypes import _BY_NP
from .errors import dtype_mismatch, invalid_argument
from .recording import STATE, record
from .tensor_shape import TensorShape
from .trace_stack import current_trace

__all__ = ["Tensor", "convert_to_tensor", "constant"]


def _np_str(a):
    return np.array2string(a, separator=" ") if a.ndim else str(a)


class Tensor:
    """A multi-dimensional array with a dtype and shape, as `tf.Tensor`."""

    __slots__ = ("_value", "__weakref__")
    __array_priority__ = 100

    def __init__(self, value):
        self._value = value

    @classmethod
    def _from_host(cls, array):
        """A Tensor holding a host (NumPy) array or a jax.Array as it is, without a copy.

        The supported way for tapeflow's own modules to wrap a value they
        computed (a batch from tapeflow.data, a jax result): no conversion,
        no dtype inference, nothing recorded.
        """
        t = object.__new__(cls)
        t._value = array
        return t

    # -- properties ---------------------------------------------------------
    @property
    def dtype(self):
        try:
            return _BY_NP[self._value.dtype]
        except KeyError:  # NumPy object/str arrays hold string tensors
            if self._value.dtype.kind in "OSU":
                return dtypes.string
            raise

    @property
    def shape(self):
        return TensorShape._trusted(self._value.shape)

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return self._value.ndim

    @property
    def device(self):
        v = self._value
        if isinstance(v, jax.Array) and not isinstance(v, jax.core.Tracer):
            d = next(iter(v.devices()))
            kind = "GPU" if d.platform in ("gpu", "cuda", "rocm") else d.platform.upper()
            return f"/job:localhost/replica:0/task:0/device:{kind}:{d.id}"
        return ""

    @property
    def name(self):
        raise AttributeError("Tensor.name is undefined when eager execution is enabled.")

    def numpy(self):
        """The value as a NumPy array (a copy, writeable); a scalar tensor gives a NumPy
        scalar (`bytes` for a string), as TF does."""
        v = self._value
        if isinstance(v, jax.core.Tracer):
            raise _symbolic_error("numpy()")
        a = np.array(v)
        return a[()] if a.ndim == 0 else a

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self.numpy())
        return a if dtype is None else a.astype(dtype)

    def ref(self):
        return _Ref(self)

    experimental_ref = ref

    def set_shape(self, shape):
        if not self.shape.is_compatible_with(shape):
            raise ValueError(f"Tensor's shape {self.shape} is not compatible with "
                             f"supplied shape {TensorShape(shape)}.")

    # -- printing -----------------------------------------------------------
    def __str__(self):
        if isinstance(self._value, jax.core.Tracer):
            return f"Tensor(\"{type(self).__name__}\", shape={self.shape}, dtype={self.dtype.name})"
        s = _np_str(np.asarray(self._value))
        if "\n" in s:
            s = "\n" + s
        return f"tf.Tensor({s}, shape={self.shape}, dtype={self.dtype.name})"

    def __repr__(self):
        if isinstance(self._value, jax.core.Tracer):
            return f"<tf.Tensor 'symbolic' shape={self.shape} dtype={self.dtype.name}>"
        a = np.asarray(self._value)
        r = repr(a) if a.ndim else repr(a.item()) if a.dtype.kind != "O" else repr(a.item())
        if "\n" in r:
            r = "\n" + r
        return f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={r}>"

    def __format__(self, spec):
        if self._value.ndim == 0 and spec:
            return format(self._value.item(), spec)
        return format(str(self), spec)

    # -- Python protocol ------------------------------------------------------
    def __bool__(self):
        v = self._value
        if isinstance(v, jax.core.Tracer):
            raise _symbolic_error("bool")
        if v.size != 1:
            raise ValueError("The truth value of an array with more than one element is "
                             "ambiguous. Use a.any() or a.all()")
        return bool(v)

    def __float__(self):
        return float(self._concrete("float"))

    def __int__(self):
        return int(self._concrete("int"))

    def __index__(self):
        if not (self.dtype.is_integer):
            raise TypeError(f"Only integer tensors can be used as an index; got {self.dtype.name}")
        return int(self._concrete("index"))

    def __complex__(self):
        return complex(self._concrete("complex"))

    def __len__(self):
        v = self._value
        if v.ndim == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return v.shape[0]

    def __hash__(self):
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return Tensor(self._value)

    def __reduce__(self):
        return convert_to_tensor, (self.numpy(),)

    def _concrete(self, what):
        v = self._value
        if isinstance(v, jax.core.Tracer):
            raise _symbolic_error(what)
        return v


class _Ref:
    """Hashable reference to a tensor or variable (`x.ref()`)."""

    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def deref(self):
        return self._obj

    def __hash__(self):
        return id(self._obj)

    def __eq__(self, other):
        return isinstance(other, _Ref) and other._obj is self._obj


class SymbolicTensorError(TypeError):
    """Raised when a traced (symbolic) tensor's value is used in Python."""


class LeakedTensorError(SymbolicTensorError, AttributeError):
    # a symbolic tensor used after its tapeflow.function trace ended (TF's guide catches
    # AttributeError there)
    pass


def _symbolic_error(what):
    if current_trace() is None:
        return LeakedTensorError(
            f"This tensor leaked out of a tapeflow.function: it is a symbolic value of a "
            f"trace that has finished, so it has no value ({what}). Return it from the "
            f"function instead of storing it in a Python variable, list or attribute.")
    frames = [f for f in traceback.extract_stack()
              if "/tapeflow/" not in f.filename.replace("\\", "/")]
    where = f" (at {frames[-1].filename}:{frames[-1].lineno}: `{frames[-1].line}`)" if frames else ""
    hint = {
        "bool": "Using a symbolic tensor as a Python `bool` is not allowed inside a "
                "tapeflow.function" + where + ". Python `if`/`while` on tensor values "
                "cannot be compiled: use tf.cond(pred, true_fn, false_fn) or "
                "tf.while_loop(cond, body, loop_vars) instead.",
    }.get(what, f"Cannot convert a symbolic tensor to a concrete Python value ({what}) "
          f"inside a tapeflow.function{where}. Return the tensor from the function, or use "
          "tf.print to print it.")
    return SymbolicTensorError(hint)


# -- conversion ---------------------------------------------------------------

def _bytes_array(arr):
    """Object array of bytes: TF's string tensors hold UTF-8 bytes, not str."""
    enc = np.vectorize(lambda s: s.encode("utf-8") if isinstance(s, str) else s, otypes=[object])
    return enc(arr) if arr.size else arr.astype(object)


def _infer_np(value, dtype):
    """Python/NumPy value -> NumPy array with TF's default dtypes."""
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.asarray(value)
        if dtype is None:
            if arr.dtype.kind in "OSU":
                return _bytes_array(arr)
            return arr
    else:
        arr = np.asarray(value)
        if arr.dtype.kind == "S":  # NumPy's bytes dtype drops trailing NULs; TF keeps them
            arr = np.array(value, dtype=object)
        if dtype is None:
            k = arr.dtype.kind
            if k == "f":
                return arr.astype(np.float32)
            if k in "iu":
                if arr.size and (arr.max() > 2**31 - 1 or arr.min() < -2**31):
                    return arr.astype(np.int64)
                return arr.astype(np.int32)
            if k in "OSU":
                return _bytes_array(arr)
            return arr
    npd = dtype._np
    if npd is None:
        return _bytes_array(arr)
    k = arr.dtype.kind
    if k in "iu" and dtype.is_integer and arr.size:
        info = np.iinfo(npd)
        if arr.max() > info.max or arr.min() < info.min:
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name} "
                            f"(out of range [{info.min}, {info.max}])")
    if k in "fc" and dtype.is_integer or (k == "c" and dtype.is_floating):
        if not np.all(np.asarray(arr) == np.asarray(arr).astype(npd)):
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
    if k in "OSU":
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.name}")
    return arr.astype(npd)


def _has_tensor(value):
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):  # a Tensor or Variable
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_tensor(v) for v in value)
    return False


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    """Converts tensors, Variables, NumPy arrays, scalars and nested lists to a Tensor.

    >>> convert_to_tensor([1.0, 2.0]).dtype
    tf.float32
    """
    if type(value) is Tensor and dtype is None:
        return value
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype != dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor "
                             f"with dtype {value.dtype.name}: {value!r}")
        return value
    conv = getattr(value, "_as_tensor", None)
    if conv is not None:  # Variable, and anything tensor-like
        t = conv()
        if dtype is not None and t.dtype != dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for "
                             f"Tensor with dtype {t.dtype.name}: {value!r}")
        return t
    if isinstance(value, (jax.Array, jax.core.Tracer)):
        if dtype is not None and value.dtype != dtype._np:
            return Tensor(value.astype(dtype._np))
        return Tensor(value)
    if isinstance(value, (list, tuple)) and _has_tensor(value):
        return stack_tensors([convert_to_tensor(v, dtype=dtype, dtype_hint=dtype_hint)
                              for v in value], 0)
    if dtype is None and dtype_hint is not None and not isinstance(value, (np.ndarray, np.generic)):
        hint = dtypes.as_dtype(dtype_hint)
        try:
            arr = _infer_np(value, hint)
        except (TypeError, ValueError):
            arr = _infer_np(value, None)
    else:
        try:
            arr = _infer_np(value, dtype)
        except ValueError as e:
            raise ValueError(f"Can't convert non-rectangular Python sequence to Tensor: "
                             f"{value!r}") from e
    if arr.dtype == object:
        return Tensor(arr)
    return Tensor(jax.device_put(arr))  # a copy to the device; compiles nothing


def constant(value, dtype=None, shape=None, name="Const"):
    """Creates a constant tensor (`tf.constant`).

    >>> constant([1, 2]).dtype
    tf.int32
    """
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
        t = convert_to_tensor(value)
        if dtype is not None and t.dtype != dtypes.as_dtype(dtype):
            t = cast_tensor(t, dtypes.as_dtype(dtype))
    else:
        t = convert_to_tensor(value, dtype=dtype)
    if shape is not None:
        shape = tuple(TensorShape(shape).as_list())
        v = t._value
        if v.shape == shape:
            return t
        n = int(np.prod(shape))
        if v.size == 1:
            return Tensor(jnp.broadcast_to(v.reshape(()), shape))
        if v.size == n:
            return Tensor(v.reshape(shape))
        raise TypeError(f"Eager execution of tf.constant with unsupported shape. Tensor "
                        f"{value!r} (converted from {value!r}) has {v.size} elements, but "
                        f"got `shape` {shape} with {n} elements).")
    return t


def stack_tensors(ts, axis):
    """Tensors of one dtype and shape joined along a new `axis`, recorded as TF's "Pack".

    Used by `tf.stack` and by `convert_to_tensor` on a list holding tensors
    (the gradient rule of "Pack" is in ops/array_grad.py).

    >>> stack_tensors([constant([1, 2]), constant([3, 4])], 1).numpy().tolist()
    [[1, 3], [2, 4]]
    """
    if not ts:
        raise ValueError("stack requires a non-empty list of tensors.")
    ref, dt = ts[0].shape, ts[0].dtype
    for i, t in enumerate(ts[1:], 1):
        if t.dtype != dt:
            raise dtype_mismatch("Pack", i, dt, t.dtype)
        if t.shape != ref:
            raise invalid_argument(f"Shapes of all inputs must match: values[0].shape = "
                                   f"{ref} != values[{i}].shape = {t.shape}", "Pack")
    t = Tensor(jnp.stack([t._value for t in ts], axis=axis))
    if STATE.tapes:
        record("Pack", tuple(ts), (t,), {"axis": axis})
    return t


def cast_tensor(t, dtype):
    """Tensor `t` as DType `dtype`, recorded as TF's "Cast" (`tf.cast` after its checks).

    Complex values keep their real part when cast to a real dtype, as in TF.

    >>> cast_tensor(constant([1.7]), dtypes.int32).numpy()
    array([1], dtype=int32)
    """
    if t.dtype is dtype:
        return t
    v = t._value
    if t.dtype.is_complex and not dtype.is_complex:
        v = jnp.real(v)
    r = Tensor(v.astype(dtype._np))
    if STATE.tapes:
        record("Cast", (t,), (r,), {"DstT": dtype})
    return r
