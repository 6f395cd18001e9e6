"""DType objects: `tapeflow.float32`, `tapeflow.int32`, ... as in `tf.dtypes`.

A DType wraps a NumPy dtype and answers the questions TF code asks of it
(`is_floating`, `min`, `max`, `as_numpy_dtype`). Wherever a dtype is taken,
a DType, a NumPy dtype, a Python type or a string name is accepted.

>>> import tapeflow as tf
>>> tf.as_dtype("float32")
tf.float32
"""
import builtins

import ml_dtypes
import numpy as np

__all__ = [
    "DType", "as_dtype", "float16", "bfloat16", "float32", "float64", "half",
    "double", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
    "uint64", "bool", "complex64", "complex128", "string",
]


class DType:
    """A tensor element type, e.g. `tf.float32`."""

    __slots__ = ("_name", "_np")

    def __init__(self, name, np_dtype):
        self._name = name
        self._np = np_dtype

    @property
    def name(self):
        return self._name

    @property
    def as_numpy_dtype(self):
        return self._np.type if self._np is not None else object

    @property
    def base_dtype(self):
        return self

    @property
    def is_floating(self):
        return self._name in ("float16", "bfloat16", "float32", "float64")

    @property
    def is_integer(self):
        return self._name.startswith(("int", "uint"))

    @property
    def is_unsigned(self):
        return self._name.startswith("uint") or self._name == "bool"

    @property
    def is_complex(self):
        return self._name.startswith("complex")

    @property
    def is_bool(self):
        return self._name == "bool"

    @property
    def is_numeric(self):
        return self.is_floating or self.is_integer or self.is_complex

    @property
    def size(self):
        return self._np.itemsize if self._np is not None else 1

    @property
    def real_dtype(self):
        return {"complex64": float32, "complex128": float64}.get(self._name, self)

    @property
    def min(self):
        if self.is_floating:
            return float(ml_dtypes.finfo(self._np).min)
        if self.is_integer:
            return int(np.iinfo(self._np).min)
        raise TypeError(f"Cannot find minimum value of {self}.")

    @property
    def max(self):
        if self.is_floating:
            return float(ml_dtypes.finfo(self._np).max)
        if self.is_integer:
            return int(np.iinfo(self._np).max)
        raise TypeError(f"Cannot find maximum value of {self}.")

    def is_compatible_with(self, other):
        return self == as_dtype(other)

    def __eq__(self, other):
        if other is self:
            return True
        if other is None:
            return False
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return "tf." + self._name

    def __str__(self):
        return f"<dtype: '{self._name}'>"

    def __reduce__(self):
        return as_dtype, (self._name,)


float16 = half = DType("float16", np.dtype(np.float16))
bfloat16 = DType("bfloat16", np.dtype(ml_dtypes.bfloat16))
float32 = DType("float32", np.dtype(np.float32))
float64 = double = DType("float64", np.dtype(np.float64))
int8 = DType("int8", np.dtype(np.int8))
int16 = DType("int16", np.dtype(np.int16))
int32 = DType("int32", np.dtype(np.int32))
int64 = DType("int64", np.dtype(np.int64))
uint8 = DType("uint8", np.dtype(np.uint8))
uint16 = DType("uint16", np.dtype(np.uint16))
uint32 = DType("uint32", np.dtype(np.uint32))
uint64 = DType("uint64", np.dtype(np.uint64))
bool = DType("bool", np.dtype(np.bool_))  # noqa: A001 - TF's public name
complex64 = DType("complex64", np.dtype(np.complex64))
complex128 = DType("complex128", np.dtype(np.complex128))
string = DType("string", None)

_ALL = [float16, bfloat16, float32, float64, int8, int16, int32, int64, uint8,
        uint16, uint32, uint64, bool, complex64, complex128, string]
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"half": float16, "double": float64, "float": float32,
                 "int": int32, "bool_": bool, "str": string, "bytes": string})
_BY_NP = {d._np: d for d in _ALL if d._np is not None}
_BY_PY = {float: float32, int: int32, complex: complex128, str: string,
          bytes: string}
_BY_PY[builtins.bool] = bool


def as_dtype(type_value):
    """Converts a DType, NumPy dtype, Python type or string name to a DType.

    >>> as_dtype("int32") is int32
    True
    """
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, str):
        d = _BY_NAME.get(type_value)
        if d is None:
            raise TypeError(
                f"Cannot convert the argument `type_value`: {type_value!r} to a "
                f"TensorFlow DType. Valid names: {sorted(_BY_NAME)}")
        return d
    d = _BY_PY.get(type_value) if isinstance(type_value, type) else None
    if d is not None:
        return d
    try:
        npd = np.dtype(type_value)
    except TypeError:
        npd = None
    if npd is not None:
        if npd.kind in "OSU":
            return string
        d = _BY_NP.get(npd)
        if d is not None:
            return d
    raise TypeError(
        f"Cannot convert the argument `type_value`: {type_value!r} to a "
        "TensorFlow DType.")


def default_float():
    return float32
