"""NumPy type promotion for `tf.experimental.numpy` and numpy behavior on tf ops.

Modes (`experimental_enable_numpy_behavior(dtype_conversion_mode=...)`):
- "legacy": NumPy 1.x rules, which TF 2.15's tnp follows: array dtypes combine
  with `np.result_type`; a Python scalar of a higher kind (float beside ints)
  brings its default dtype (float64, or float32 with `prefer_float32`), one of
  the same kind is value-based (the smallest dtype holding it: int8 + 300 -> int16).
- "all" / "safe": a type lattice where Python scalars are weak (int32 + 2.5 ->
  float32; int8 + 1 -> int8); "safe" refuses a Python value its dtype cannot hold.

>>> import numpy as np
>>> result_type(np.dtype("int8"), 300)
dtype('int16')
"""
import numpy as np

__all__ = ["STATE", "result_type", "default_float", "py_default"]


class _State:
    enabled = False
    prefer_float32 = False
    mode = "legacy"


STATE = _State()

_KIND = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
_INTS = {True: [np.int8, np.int16, np.int32, np.int64],
         False: [np.uint8, np.uint16, np.uint32, np.uint64]}


def default_float():
    return np.dtype(np.float32 if STATE.prefer_float32 else np.float64)


def py_default(v):
    """NumPy's default dtype for a Python scalar (float per prefer_float32)."""
    if isinstance(v, bool):
        return np.dtype(bool)
    if isinstance(v, int):
        return np.dtype(np.int64)
    if isinstance(v, float):
        return default_float()
    return np.dtype(np.complex128)


def _is_scalar(v):
    return isinstance(v, (bool, int, float, complex)) and not isinstance(v, np.generic)


def _value_based(v, arrays):
    """The smallest dtype of `v`'s kind that holds it (NumPy 1.x's scalar rule)."""
    if isinstance(v, bool):
        return np.dtype(bool)
    if isinstance(v, int):
        signed = any(a.kind == "i" for a in arrays) or v < 0
        for t in _INTS[signed]:
            info = np.iinfo(t)
            if info.min <= v <= info.max:
                return np.dtype(t)
        return np.dtype(np.int64)
    return np.min_scalar_type(v)


def result_type(*args):
    """The dtype NumPy promotion gives `args` (dtypes or Python scalars)."""
    arrays = [np.dtype(a) for a in args if not _is_scalar(a)]
    scalars = [a for a in args if _is_scalar(a)]
    if not arrays:
        return np.result_type(*[py_default(s) for s in scalars]) if scalars else \
            default_float()
    if STATE.mode in ("all", "safe"):
        import jax.numpy as jnp
        out = np.dtype(jnp.result_type(*arrays, *scalars))
        if STATE.mode == "safe":
            for s in scalars:
                if isinstance(s, int) and out.kind in "iu" and not (
                        np.iinfo(out).min <= s <= np.iinfo(out).max):
                    raise TypeError(f"Python value {s} does not fit the promoted dtype {out} "
                                    "(dtype_conversion_mode='safe')")
        return out
    top = max(_KIND[a.kind] for a in arrays)
    extra = []
    for s in scalars:
        d = py_default(s)
        extra.append(d if _KIND[d.kind] > top else _value_based(s, arrays))
    return np.result_type(*arrays, *extra)
