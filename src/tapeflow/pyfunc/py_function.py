"""`tf.py_function` and `tf.numpy_function`: Python code inside tapeflow programs.

Eagerly the function simply runs (tapes see the tapeflow ops it uses, so
`py_function` is differentiable). Inside `tf.function` it becomes a host
callback (`jax.pure_callback`); output shapes are found by running the function
once on zero-filled inputs while tracing. A compiled `py_function` records an
`EagerPyFunc` op whose gradient runs a GradientTape over the function on the host.

>>> import tapeflow as tf
>>> float(tf.py_function(lambda x: x * 2, [tf.constant(3.0)], tf.float32))
6.0
"""
import jax
import numpy as np

from ..framework import dtypes
from ..framework.context import current_trace
from ..framework.tensor import Tensor, convert_to_tensor
from ..framework import errors
from ..framework.errors import invalid_argument
from ..ops.dispatch import outs, wrap
from ..autodiff.tape import GradientTape
from ..function.runtime_checks import remember_host_failure

__all__ = ["py_function", "numpy_function", "eager_py_func"]


def _is_traced(ts):
    return any(isinstance(t._value, jax.core.Tracer) for t in ts)


def _tout_list(Tout):
    if Tout is None:
        return None, True
    if isinstance(Tout, (list, tuple)):
        return [dtypes.as_dtype(d) for d in Tout], False
    return [dtypes.as_dtype(Tout)], True


def _as_outputs(result, tout, single, what):
    vals = [result] if single or not isinstance(result, (list, tuple)) else list(result)
    if tout is None:
        return vals
    if len(vals) != len(tout):
        raise ValueError(f"{what}: the function returned {len(vals)} values but Tout lists "
                         f"{len(tout)} dtypes")
    out = []
    for v, d in zip(vals, tout):
        t = convert_to_tensor(v, dtype_hint=d)
        if t.dtype != d:
            raise invalid_argument(f"{what}: returned a {t.dtype.name} value where Tout "
                                   f"expects {d.name}", "EagerPyFunc")
        out.append(t)
    return out


def _host_call(func, tout, single, numpy, what):
    """The NumPy-in, NumPy-out function a callback runs on the host."""
    def run(*arrays):
        args = [np.asarray(a) for a in arrays] if numpy else [
            Tensor(jax.numpy.asarray(a)) for a in arrays]
        res = _call_as_op(func, args, in_program=True)
        outs = _as_outputs(res, tout, single, what) if not numpy else [
            np.asarray(r, dtype=d._np) for r, d in zip(
                [res] if single or not isinstance(res, (list, tuple)) else list(res), tout)]
        return tuple(np.asarray(o) for o in outs)
    return run


# TF's status codes for Python exceptions raised by the function of a py_function
_CODES = ((StopIteration, errors.OutOfRangeError), (IndexError, errors.OutOfRangeError),
          (MemoryError, errors.ResourceExhaustedError),
          (NotImplementedError, errors.UnimplementedError),
          ((ValueError, TypeError), errors.InvalidArgumentError))


def _call_as_op(func, args, in_program=False):
    """`func(*args)`; a Python exception becomes TF's error for it, e.g. ValueError ->
    InvalidArgumentError("ValueError: ..."), as TF's EagerPyFunc op reports it."""
    try:
        return func(*args)
    except errors.OpError:
        raise
    except Exception as e:  # noqa: BLE001 - mapped to TF's error types
        cls = next((c for k, c in _CODES if isinstance(e, k)), errors.UnknownError)
        error = cls(None, "EagerPyFunc", f"{type(e).__name__}: {e}")
        if in_program:  # raised inside a running program: see function/runtime_checks.py
            remember_host_failure(error)
        raise error from e


def _keep_variable_buffers():
    """The Python may raise while the program runs: the program must not consume
    (donate) its variables' buffers, so a failed call leaves them intact (tracing.py)."""
    trace = current_trace()
    if trace is not None:
        trace.runtime_checks = True


def _compiled(func, inputs, tout, single, numpy, what, differentiable):
    if tout is None:
        raise ValueError(f"{what} inside tf.function needs Tout")
    run = _host_call(func, tout, single, numpy, what)
    with jax.ensure_compile_time_eval():
        probe = run(*[np.zeros(t.shape.as_list(), t._value.dtype) for t in inputs])
    specs = tuple(jax.ShapeDtypeStruct(p.shape, d._np) for p, d in zip(probe, tout))
    _keep_variable_buffers()
    vals = jax.pure_callback(run, specs, *[t._value for t in inputs])
    if differentiable:
        res = outs(list(vals), "EagerPyFunc", tuple(inputs), {"func": func, "tout": tout})
    else:
        res = [wrap(v) for v in vals]
    return res[0] if single else res


def py_function(func=None, inp=None, Tout=None, name=None):  # noqa: N803 - TF's names
    """Runs `func` (which takes and returns Tensors) as an op; differentiable.

    Also usable as a decorator: `@tf.py_function(Tout=tf.float32)`.
    """
    if func is None:
        return lambda f: (lambda *args: py_function(f, list(args), Tout, name))
    inputs = [convert_to_tensor(x) for x in (inp or [])]
    tout, single = _tout_list(Tout)
    if not _is_traced(inputs):  # eager: tapes record the ops `func` runs
        result = _call_as_op(func, inputs)
        if tout is None:
            return result
        res = _as_outputs(result, tout, single, "tf.py_function")
        return res[0] if single else res
    return _compiled(func, inputs, tout, single, False, "tf.py_function", True)


eager_py_func = py_function


def numpy_function(func=None, inp=None, Tout=None, stateful=True, name=None):  # noqa: N803
    """Runs `func` on NumPy arrays (returning NumPy arrays); not differentiable.

    >>> import numpy as np, tapeflow as tf
    >>> tf.numpy_function(lambda x: np.sort(x), [tf.constant([3, 1, 2])], tf.int32).numpy()
    array([1, 2, 3], dtype=int32)
    """
    if func is None:
        return lambda f: (lambda *args: numpy_function(f, list(args), Tout, stateful, name))
    inputs = [convert_to_tensor(x) for x in (inp or [])]
    tout, single = _tout_list(Tout)
    if tout is None:
        raise ValueError("tf.numpy_function needs Tout")
    if not _is_traced(inputs):
        run = _host_call(func, tout, single, True, "tf.numpy_function")
        res = [Tensor(jax.device_put(o)) if o.dtype != object else Tensor(o)
               for o in run(*[t.numpy() for t in inputs])]
        return res[0] if single else res
    return _compiled(func, inputs, tout, single, True, "tf.numpy_function", False)


def _py_func_grad(op, *dys):
    """Gradient of a compiled py_function: a host callback running a GradientTape."""
    func = op.attrs["func"]
    inputs = list(op.inputs)
    float_in = [t.dtype.is_floating or t.dtype.is_complex for t in inputs]

    def host(*arrays):
        n = len(inputs)
        xs = [Tensor(jax.numpy.asarray(a)) for a in arrays[:n]]
        gs = [Tensor(jax.numpy.asarray(a)) for a in arrays[n:]]
        with GradientTape() as tape:
            for x, f in zip(xs, float_in):
                if f:
                    tape.watch(x)
            res = func(*xs)
            res = [res] if not isinstance(res, (list, tuple)) else list(res)
        grads = tape.gradient([convert_to_tensor(r) for r in res], xs, output_gradients=gs)
        return tuple(np.zeros(x.shape, np.asarray(x._value).dtype) if g is None
                     else np.asarray(g._value) for x, g in zip(xs, grads))

    specs = tuple(jax.ShapeDtypeStruct(t._value.shape, t._value.dtype) for t in inputs)
    dys = [d if d is not None else Tensor(jax.numpy.zeros(o._value.shape, o._value.dtype))
           for d, o in zip(dys, op.outputs)]
    _keep_variable_buffers()
    vals = jax.pure_callback(host, specs, *[t._value for t in inputs],
                             *[convert_to_tensor(d)._value for d in dys])
    return [Tensor(v) if f else None for v, f in zip(vals, float_in)]
