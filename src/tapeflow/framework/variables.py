"""Variable: mutable state that tapes watch and compiled functions thread through.

A Variable holds a jax.Array in `_value`. Reading it (any op, `read_value`,
`value`) yields a Tensor; under a recording tape that watches the variable,
each read is a fresh Tensor the tape maps back to the variable, so gradients
flow to the variable, not to whatever value it held earlier.

`tapeflow.function` swaps `_value` for tracers during a trace; the hook
`ACCESS_HOOK` lets it see which variables a trace reads or assigns.

>>> import tapeflow as tf
>>> v = tf.Variable([1.0, 2.0])
>>> v.assign_add([1.0, 1.0]).numpy()
array([2., 3.], dtype=float32)
"""
import contextlib
import itertools
import threading

import jax
import jax.numpy as jnp
import numpy as np

from . import dtypes
from .name_scope import scoped_name
from .recording import STATE
from .tensor import Tensor, _Ref, cast_tensor, convert_to_tensor
from .tensor_shape import TensorShape

__all__ = ["Variable", "VariableAggregation", "VariableSynchronization", "is_tensor"]


class _Hooks(threading.local):
    def __init__(self):
        self.access = None  # callable(var, kind) while a tapeflow.function traces
        self.creator = None  # callable(var) while a trace may create variables


class _Placement:
    """Where new variables live: tf.distribute / keras.distribution set `place`."""
    place = None  # callable(var): lays a new variable's array out over devices

    @contextlib.contextmanager
    def using(self, place):
        """Within the block, new variables are laid out by `place(var)`."""
        saved, self.place = self.place, place
        try:
            yield
        finally:
            self.place = saved


PLACEMENT = _Placement()


HOOKS = _Hooks()
_uid = itertools.count()


class VariableAggregation:
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


class VariableSynchronization:
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


def _keep_layout(old, new):
    """`new` laid out like `old` when both are concrete arrays with different shardings."""
    if isinstance(old, jax.core.Tracer) or isinstance(new, jax.core.Tracer) or \
            not isinstance(old, jax.Array):
        return new
    if getattr(new, "sharding", None) != old.sharding:
        return jax.device_put(new, old.sharding)
    return new


class Variable:
    """A mutable tensor-valued variable (`tf.Variable`).

    >>> v = Variable(1.0, name="w")
    >>> v.name
    'w:0'
    """

    _counter = 0

    def __init__(self, initial_value=None, trainable=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None,
                 import_scope=None, constraint=None,
                 synchronization=VariableSynchronization.AUTO,
                 aggregation=VariableAggregation.NONE, shape=None,
                 experimental_enable_variable_lifting=True):
        if initial_value is None:
            raise ValueError("The `initial_value` arg (None) must be specified.")
        hooks = HOOKS
        if hooks.creator is not None:  # inside a trace: callables run under tf.init_scope
            initial_value = hooks.creator.lift_initial_value(initial_value)
        if callable(initial_value) and not isinstance(initial_value, Tensor):
            initial_value = initial_value()
        t = convert_to_tensor(initial_value, dtype_hint=dtype)
        if dtype is not None:
            dtype = dtypes.as_dtype(dtype)
            t = cast_tensor(t, dtype)
        value = t._value
        if isinstance(value, jax.core.Tracer):
            if hooks.creator is not None:
                hooks.creator.traced_initial_value()  # may redo the trace with concrete values
            raise ValueError(
                "A Variable's initial value depends on a traced tensor inside a "
                "tapeflow.function. Compute initial values eagerly (they are lifted "
                "with tf.init_scope) or create the variable outside the function.")
        if isinstance(value, np.ndarray) and value.dtype.kind not in "OSU":
            value = jnp.asarray(value)  # e.g. a batch from tapeflow.data (host memory)
            t = Tensor(value)
        if not isinstance(value, jax.Array):
            raise TypeError(f"Variables of dtype {t.dtype.name} are not supported.")
        if shape is not None:
            shape = TensorShape(shape)
            if not shape.is_compatible_with(value.shape):
                raise ValueError(f"The initial value's shape ({TensorShape(value.shape)}) is "
                                 f"not compatible with the explicitly supplied `shape` "
                                 f"argument ({shape}).")
        self._shape = shape if shape is not None else TensorShape(value.shape)
        self._value = value
        self._cached = t
        self._dtype = t.dtype
        if trainable is None:
            trainable = synchronization != VariableSynchronization.ON_READ
        self._trainable = bool(trainable)
        # Eager TF 2 does not uniquify names: every unnamed variable is 'Variable:0'.
        self._name = scoped_name((name or "Variable").rsplit(":", 1)[0]) + ":0"
        self._uid = next(_uid)
        self._constraint = constraint
        self._aggregation = aggregation
        self._synchronization = synchronization
        self._save_path = None
        if PLACEMENT.place is not None and not isinstance(value, jax.core.Tracer):
            PLACEMENT.place(self)  # e.g. replicated over a strategy's devices
        if hooks.creator is not None:
            hooks.creator.created(self)

    # -- reads ---------------------------------------------------------------
    def _as_tensor(self):
        hook = HOOKS.access
        if hook is not None:
            hook(self, "read")
        tapes = STATE.tapes
        if tapes:
            return _read_under_tapes(self, tapes)
        c = self._cached
        if c is None or c._value is not self._value:
            c = self._cached = Tensor(self._value)
        return c

    def value(self):
        return self._as_tensor()

    def read_value(self):
        return self._as_tensor()

    def numpy(self):
        return self._as_tensor().numpy()

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self.numpy())
        return a if dtype is None else a.astype(dtype)

    # -- writes --------------------------------------------------------------
    def _swap_value(self, array):
        """Replaces the array the variable holds; returns the one it held.

        The one supported way for tapeflow's own machinery to stage a traced
        value in a variable and restore the concrete one afterwards
        (tapeflow.function traces, `init_scope`, compiled control flow,
        Keras shape inference, RNG state). Unlike `assign` it runs no access
        hook, records nothing on tapes and checks neither dtype nor shape.
        """
        old = self._value
        self._value = array
        self._cached = None
        return old

    def _current(self):
        """The held array, announced to a running trace first (as a read), so a trace
        meeting the variable here stages it before its value is used."""
        hook = HOOKS.access
        if hook is not None:
            hook(self, "read")
        return self._value

    def _set(self, new):
        hook = HOOKS.access
        if hook is not None:
            hook(self, "write")
        self._value = new
        self._cached = None

    def _coerce(self, value, op):
        t = convert_to_tensor(value, dtype_hint=self._dtype)
        if t.dtype != self._dtype:
            raise TypeError(f"Cannot {op} a value of dtype {t.dtype.name} to variable "
                            f"'{self._name}' of dtype {self._dtype.name}.")
        v = t._value
        if v.shape != self._value.shape:
            if not self._shape.is_compatible_with(v.shape) or self._shape.is_fully_defined():
                raise ValueError(f"Cannot {op} value of shape {TensorShape(v.shape)} to "
                                 f"variable '{self._name}' of shape {self._shape}.")
        return v

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Sets the variable's value; returns the variable (None if not read_value).

        >>> Variable([1.0]).assign([2.0]).numpy()
        array([2.], dtype=float32)
        """
        new = self._coerce(value, "assign")
        if getattr(self, "_distribute_strategy", None) is not None:
            new = _keep_layout(self._value, new)  # e.g. a restored checkpoint stays replicated
        self._set(new)
        return self if read_value else None

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        """Adds `delta` in place; returns the variable (None if not read_value)."""
        self._set(self._current() + self._coerce(delta, "assign_add"))
        return self if read_value else None

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        """Subtracts `delta` in place; returns the variable (None if not read_value)."""
        self._set(self._current() - self._coerce(delta, "assign_sub"))
        return self if read_value else None

    def scatter_nd_update(self, indices, updates):
        """Sets the slices at `indices` (last axis indexes the variable) to `updates`.

        >>> Variable([1, 2, 3]).scatter_nd_update([[0], [2]], [7, 9]).numpy()
        array([7, 2, 9], dtype=int32)
        """
        idx = convert_to_tensor(indices)._value
        upd = convert_to_tensor(updates, dtype=self._dtype)._value
        self._set(self._current().at[tuple(jnp.moveaxis(idx, -1, 0))].set(upd))
        return self

    # -- properties ----------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def shape(self):
        return self._shape if not self._shape.is_fully_defined() else TensorShape(self._value.shape)

    def get_shape(self):
        return self.shape

    @property
    def ndim(self):
        return self._value.ndim

    @property
    def name(self):
        return self._name

    @property
    def trainable(self):
        return self._trainable

    @property
    def constraint(self):
        return self._constraint

    @property
    def aggregation(self):
        return self._aggregation

    @property
    def synchronization(self):
        return self._synchronization

    @property
    def device(self):
        return Tensor(self._value).device

    @property
    def initial_value(self):
        return self._as_tensor()

    @property
    def handle(self):
        return self

    def ref(self):
        return _Ref(self)

    experimental_ref = ref

    # -- printing ------------------------------------------------------------
    def __repr__(self):
        v = self._value
        if isinstance(v, jax.core.Tracer):
            return f"<tf.Variable '{self._name}' shape={self.shape} dtype={self._dtype.name}>"
        a = np.asarray(v)
        r = repr(a) if a.ndim else repr(a.item())
        if "\n" in r or a.ndim >= 2:
            r = "\n" + r
        return (f"<tf.Variable '{self._name}' shape={self.shape} "
                f"dtype={self._dtype.name}, numpy={r}>")

    def __str__(self):
        return self.__repr__()

    # -- Python protocol -----------------------------------------------------
    def __hash__(self):
        raise TypeError("Variable is unhashable. Instead, use variable.ref() as the key.")

    def __bool__(self):
        return bool(self._as_tensor())

    def __float__(self):
        return float(self._as_tensor())

    def __int__(self):
        return int(self._as_tensor())

    def __index__(self):
        return self._as_tensor().__index__()

    def __len__(self):
        return len(self._as_tensor())

    def __iter__(self):
        return iter(self._as_tensor())

    def __getitem__(self, key):
        return self._as_tensor()[key]

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        v = Variable(jnp.array(self._value), trainable=self._trainable,
                     name=self._name.rsplit(":", 1)[0])
        memo[id(self)] = v
        return v

    def __reduce__(self):
        return _rebuild_variable, (self.numpy(), self._trainable, self._name.rsplit(":", 1)[0])


def is_tensor(x):
    """True for tapeflow Tensors and Variables (`tf.is_tensor`).

    >>> is_tensor(Variable(1.0)), is_tensor(1.0)
    (True, False)
    """
    return isinstance(x, (Tensor, Variable))


def _rebuild_variable(value, trainable, name):
    return Variable(value, trainable=trainable, name=name)


def _read_under_tapes(var, tapes):
    """A fresh Tensor per read, mapped back to `var` on each tape that watches it."""
    t = Tensor(var._value)
    key = id(var)
    for tape in tapes:
        if not tape._recording:
            continue
        if key in tape._watched_vars or (tape._watch_accessed and var._trainable
                                         and var._dtype.is_floating):
            tape._watch_variable_read(var, t)
    return t
