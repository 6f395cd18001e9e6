"""`tapeflow.function`: TF2's tf.function, compiled with XLA through jax.jit.

One trace per distinct call signature (tensor shapes and dtypes, Python
values); Python side effects run only while tracing; Variables are threaded
through the compiled program as state.

>>> import tapeflow as tf
>>> @tf.function
... def f(x):
...     return x * 2.0
>>> f(tf.constant([1.0, 2.0])).numpy()
array([2., 4.], dtype=float32)
"""
import functools
import gc
import logging
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from .. import nest
from ..framework import recording
from ..framework.tensor import Tensor
from ..framework.context import STACK, current_trace
from ..framework.dynamic_shape import DynamicShapeError
from .dynamic_fallback import run_eagerly_from_now
from .fast_call import fast_key, prepare
from .gradient import call_recorded
from .introspection import Introspection
from .signatures import (arg_names, covers, input_signature, is_host_value, relax,
                         retrace_reason, struct_key)
from .tensor_spec import TensorSpec, check_against
from .runtime_checks import raise_failed_assertion
from .tracing import Entry, Retrace, strip
from ..autograph.conversion import for_function

__all__ = ["function", "Function", "ConcreteFunction"]

_log = logging.getLogger("tapeflow")
_RETRACE_WARN = 5
_MAX_FAST = 64  # prepared calls kept per Function
_STACK, _TAPES = STACK, recording.STATE  # thread-local: the trace stack, the active tapes
_new, _set_value = object.__new__, Tensor._value.__set__
_NO_ARG = object()  # no positional argument at all


def _values(leaves):
    out = []
    for x in leaves:
        if isinstance(x, Tensor):
            if not is_host_value(x):  # string tensors are static arguments
                out.append(x._value)
        elif isinstance(x, (jax.Array, np.ndarray)):
            out.append(jnp.asarray(x))
    return out


class Function:
    """A callable that traces its Python function into XLA programs, one per signature."""

    def __init__(self, python_function, input_signature=None, autograph=True,
                 jit_compile=None, reduce_retracing=False, name=None, attributes=None):
        self._python_fn = python_function
        # {"tapeflow_internal": True} marks tapeflow's own step functions: no retrace warning
        self._attributes = dict(attributes or {})
        self._input_signature = None if input_signature is None else list(input_signature)
        self._reduce_retracing = bool(reduce_retracing)
        self._jit_compile = jit_compile
        self._autograph = autograph
        self._cache = {}
        self._state_vars = []  # every variable any trace of this function used
        self._written_ids = set()  # ids of those some trace assigned (donated next time)
        self._traced_once = False
        self._created_any = False
        self._read_only = False  # backward functions never write variables back
        self._checks = False  # a trace checks assertions at run time: donate nothing
        self._tracing_count = 0
        self._bound = {}
        self._fast = {}  # fast_call.fast_key of positional calls -> prepared call
        self._fast1 = {}  # aval of a single Tensor argument -> jitted program (no variables)
        self._simple = self._input_signature is None and not self._reduce_retracing
        self._name = name or getattr(python_function, "__name__", "function")
        functools.update_wrapper(self, python_function, updated=())

    @property
    def python_function(self):
        return self._python_fn

    def _traced_fn(self):
        """What traces run: the AutoGraph-converted function unless autograph=False."""
        fn = self.__dict__.get("_converted")
        if fn is None:
            fn = self._python_fn
            if self._autograph:
                fn = for_function(fn, getattr(self, "_ag_features", None))
            self._converted = fn
        return fn

    @property
    def input_signature(self):
        return self._input_signature

    def experimental_get_tracing_count(self):
        """How many signatures have been traced so far."""
        return self._tracing_count

    def _note_state(self, known, written=()):
        self._traced_once = True
        ids = {id(v) for v in self._state_vars}
        self._state_vars.extend(v for v in known if id(v) not in ids)
        self._written_ids.update(id(v) for v in written)

    # -- binding to instances -------------------------------------------------
    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        bound = self._bound.get(id(instance))
        if bound is None:
            try:
                ref = weakref.ref(instance)
            except TypeError:
                def ref(obj=instance):
                    return obj
            fn = self._traced_fn()

            def method(*args, **kwargs):
                return fn(ref(), *args, **kwargs)
            functools.update_wrapper(method, fn)
            bound = Function(method, self._input_signature, self._autograph,
                             self._jit_compile, self._reduce_retracing, self._name)
            self._bound[id(instance)] = bound
            try:
                weakref.finalize(instance, self._bound.pop, id(instance), None)
            except TypeError:
                pass
        return bound

    # -- calling ----------------------------------------------------------------
    def __call__(self, arg=_NO_ARG, /, *args, **kwargs):
        # Prepared calls (function/fast_call.py), taken outside traces, with no GradientTape
        # active and functions not run eagerly (this thread's trace stack and tapes are read
        # through their __dict__: one lookup each). `_fast1`: one Tensor in, one array out,
        # no variables: the jitted program itself; `_fast`: any other prepared signature.
        # (The first argument is a positional-only parameter: no tuple to unpack for it.)
        if type(arg) is Tensor and not args and not kwargs:
            value = arg._value
            try:
                jitted = self._fast1.get(value.aval)
            except AttributeError:  # a host (NumPy) value
                jitted = None
            if jitted is not None:
                stack = _STACK.__dict__
                if not (stack["traces"] or stack["run_eagerly"] or _TAPES.__dict__["tapes"]):
                    try:  # wrapped as Tensor._from_host does
                        out = _new(Tensor)
                        _set_value(out, jitted(value))
                        return out
                    except Exception as e:  # noqa: BLE001 - a failed assertion: TF's error
                        self._fast_failed(e)
        if arg is not _NO_ARG:
            args = (arg, *args)
        if not kwargs and self._fast:
            key, vals = fast_key(args)
            run = self._fast.get(key)
            if run is not None:
                stack = _STACK.__dict__
                if not (stack["traces"] or stack["run_eagerly"] or _TAPES.__dict__["tapes"]):
                    try:
                        return run(*vals)
                    except Exception as e:  # noqa: BLE001 - a failed assertion: TF's error
                        self._fast_failed(e)
        return self._call(args, kwargs)

    def _fast_failed(self, err):
        """A prepared call raised: retry the general way after a jax retrace that met
        new variables; a failed tensor assertion becomes InvalidArgumentError."""
        if not isinstance(err, Retrace):
            raise_failed_assertion(err)
            raise err
        self._forget_prepared()

    def _forget_prepared(self):
        """Drops every prepared call (a program was replaced or a trace evicted)."""
        self._fast.clear()
        self._fast1.clear()

    def _call(self, args, kwargs):
        if STACK.run_eagerly:
            return self._python_fn(*args, **kwargs)
        if current_trace() is not None:  # inlined into the outer trace
            return self._traced_fn()(*args, **kwargs)
        if self._input_signature is not None:
            args, kwargs = self._bind_signature(args, kwargs)
        entry = self._entry_for(args, kwargs)
        if entry.runs_eagerly:  # its trace met a shape drawn per call (dynamic_shape.py)
            return self._python_fn(*args, **kwargs)
        leaves = nest.flatten((args, kwargs), expand_composites="function")
        vals = _values(leaves)
        try:
            if recording.recording_tapes():
                return call_recorded(entry, leaves, vals)
            out = entry.pack(entry.call_values(vals))
        except DynamicShapeError as e:
            return run_eagerly_from_now(self, entry, e, args, kwargs)
        except Exception as e:  # noqa: BLE001 - re-raised as TF's error
            raise_failed_assertion(e)
            raise
        if not kwargs and self._simple and entry.jitted is not None and not _TAPES.tapes:
            key, _ = fast_key(args)
            if key is not None:
                if len(self._fast) + len(self._fast1) >= _MAX_FAST:  # a new float each call
                    self._forget_prepared()
                jitted, run = prepare(entry, len(args) == 1 and type(args[0]) is Tensor
                                      and hasattr(args[0]._value, "aval"))
                if run is None:
                    self._fast1[key[0]] = jitted
                else:
                    self._fast[key] = run
        return out

    def _bind_signature(self, args, kwargs):
        sig = self._input_signature
        if kwargs:
            raise TypeError(f"tf.function `{self._name}` has an input_signature; pass its "
                            f"arguments positionally. Received keyword arguments: "
                            f"{sorted(kwargs)}")
        if len(args) != len(sig):
            raise TypeError(f"tf.function `{self._name}` takes {len(sig)} positional "
                            f"argument(s) per its input_signature, got {len(args)}.")
        counter = [0]

        def match(spec, value):
            if hasattr(spec, "value_type") and isinstance(value, spec.value_type):
                if not spec.is_compatible_with(value):
                    raise ValueError(f"Python inputs incompatible with input_signature: "
                                     f"{value!r} is not compatible with {spec!r}.")
                return value
            if isinstance(spec, TensorSpec):
                counter[0] += 1
                return check_against(spec, value, self._name, counter[0] - 1)
            if isinstance(spec, (list, tuple)) and isinstance(value, (list, tuple)) \
                    and len(spec) == len(value):
                return type(value)(match(s, v) for s, v in zip(spec, value))
            if isinstance(spec, dict) and isinstance(value, dict) and set(spec) == set(value):
                return {k: match(spec[k], value[k]) for k in value}
            raise TypeError(f"Binding inputs to tf.function `{self._name}` failed: "
                            f"{value!r} does not match the input_signature's {spec!r}.")
        return tuple(match(s, a) for s, a in zip(sig, args)), {}

    def _key(self, args, kwargs):
        if self._input_signature is not None:
            return ("sig",)
        key = struct_key((args, kwargs))
        if not self._reduce_retracing:
            return key
        for k in self._cache:  # reuse or widen an existing, more general trace
            merged = relax(k, key)
            if merged is not None:
                return merged
        return key

    def _entry_for(self, args, kwargs):
        key = self._key(args, kwargs)
        entry = self._cache.get(key)
        if entry is None:  # a trace with None dimensions may cover these shapes
            entry = next((e for k, e in self._cache.items() if covers(k, key)), None)
        if entry is None:
            previous = next(reversed(self._cache), None)
            entry = Entry(self, (args, kwargs))
            entry.input_signature = input_signature(args, kwargs, key)
            self._evict_for_new_trace()
            self._cache[key] = entry
            self._tracing_count += 1
            if self._tracing_count >= _RETRACE_WARN and \
                    not self._attributes.get("tapeflow_internal"):
                reason = retrace_reason(arg_names(self._python_fn, len(args)), previous,
                                        key) if previous is not None else "first trace"
                _log.warning(
                    "%d traces of tf.function `%s` so far: retraced because %s. Retracing "
                    "is expensive; it is caused by calling the function with tensors of "
                    "changing shapes or dtypes or with changing Python values; consider "
                    "input_signature or reduce_retracing=True.", self._tracing_count,
                    self._name, reason)
        return entry

    def _evict_for_new_trace(self):
        """Keeps at most `max_traces` traces (if set): drops the oldest but the first.

        tapeflow's step functions set it so that fit/evaluate on data of many lengths
        (one short last batch each) holds a bounded number of compiled programs.
        """
        limit = self._attributes.get("max_traces")
        if not limit or len(self._cache) < limit:
            return
        keys = list(self._cache)
        for key in keys[1:len(keys) - limit + 2]:
            self._cache.pop(key)
        self._forget_prepared()
        # a trace's closures form cycles; collecting them lets jax drop the program now
        gc.collect()

    def get_concrete_function(self, *args, **kwargs):
        """The traced specialization for these arguments (tensors or TensorSpecs)."""
        if not args and not kwargs and self._input_signature is not None:
            args = tuple(self._input_signature)
        specs = nest.flatten((args, kwargs))
        if any(isinstance(s, TensorSpec) and s.shape.rank is None for s in specs):
            return ConcreteFunction(self, None, (tuple(args), dict(kwargs)))  # any rank
        concrete = [s for s in specs if not isinstance(s, TensorSpec)]
        if len(concrete) == len(specs) and self._input_signature is not None:
            args, kwargs = self._bind_signature(args, kwargs)
        entry = self._entry_for(args, kwargs)
        if entry.jitted is None and all(
                not isinstance(s, TensorSpec) or s.shape.is_fully_defined() for s in specs):
            filled = [jnp.zeros(s.shape.as_list(), s.dtype._np) if isinstance(s, TensorSpec)
                      else s for s in specs]
            a, k = nest.pack_sequence_as((args, kwargs), filled)
            entry.template = strip((a, k))
            saved = [(v, v._value) for v in self._state_vars]
            entry.call_values(_values(filled))
            for v, val in saved:  # tracing for inspection must not change state
                v._value, v._cached = val, None
        return ConcreteFunction(self, entry)

    def pretty_printed_concrete_signatures(self, verbose=True):
        """Each traced signature as text: arguments' and outputs' dtypes and shapes."""
        return "\n\n".join(ConcreteFunction(self, e).pretty_printed_signature(verbose)
                            for e in self._cache.values())

    def __repr__(self):
        return f"<tapeflow.function {self._name}>"


class ConcreteFunction(Introspection):
    """One traced specialization of a Function; calling it runs that trace.

    A concrete function of TensorSpecs with unknown rank or None dimensions
    accepts any compatible tensors; XLA needs static shapes, so each new shape
    compiles its own program behind it.
    """

    def __init__(self, function, entry, specs=None):
        self._function = function
        self._entry = entry
        self._specs = specs

    @property
    def structured_outputs(self):
        return self._entry.out_struct

    @property
    def function(self):
        return self._function

    def __call__(self, *args, **kwargs):
        exact = self.__dict__.get("_exact")
        if exact is None:
            exact = self._exact = self._exact_signature()
        if exact and not kwargs and len(args) == len(exact):
            for a, (shape, dtype) in zip(args, exact):  # Tensors that match exactly: no checks
                if type(a) is not Tensor or a._value.shape != shape or a._value.dtype != dtype:
                    break
            else:
                return self._function(*args)
        args, kwargs = self._check_args(args, kwargs)
        return self._function(*args, **kwargs)

    def _exact_signature(self):
        """((shape, NumPy dtype), ...) when the signature is positional, fully defined
        TensorSpecs only; else False."""
        sig = self.structured_input_signature
        if sig is None or sig[1] or not all(
                isinstance(s, TensorSpec) and s.shape.is_fully_defined() for s in sig[0]):
            return False
        return tuple((tuple(s.shape.as_list()), np.dtype(s.dtype._np)) for s in sig[0])


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):
    """Compiles a Python function with XLA (`tf.function`), as decorator or call.

    >>> import tapeflow as tf
    >>> g = tf.function(lambda x: x + 1)
    >>> int(g(tf.constant(1)))
    2
    """
    if experimental_relax_shapes:
        reduce_retracing = True

    def decorate(fn):
        if isinstance(fn, Function):
            return fn
        f = Function(fn, input_signature, autograph, jit_compile, reduce_retracing,
                     attributes=experimental_attributes)
        f._ag_features = experimental_autograph_options
        return f
    return decorate if func is None else decorate(func)
