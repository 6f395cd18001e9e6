"""Metric base class and the reduction metrics: Sum, Mean, MeanMetricWrapper, MeanTensor.

A Metric keeps its state in non-trainable tf.Variables created by `add_weight`,
so it can be updated inside a compiled train step.

>>> m = Mean()
>>> m.update_state([1.0, 3.0, 5.0, 7.0])
>>> float(m.result())
4.0
"""
import re
import weakref

import tapeflow as tf

from ..losses import numerics as nx
from ..losses.ragged_losses import ragged_values

__all__ = ["Metric", "Reduce", "Sum", "Mean", "MeanMetricWrapper", "MeanTensor"]


def _snake(name):
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


_NAME_COUNTS = {}
RESULTS = weakref.WeakValueDictionary()  # id(tensor) -> tensor returned by Metric.__call__


def _unique(base):
    n = _NAME_COUNTS.get(base, 0)
    _NAME_COUNTS[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


def _dtype_name(dtype):
    return tf.as_dtype(dtype or "float32").name


def _tensor(x):
    return tf.convert_to_tensor(x)


class Metric:
    """Stateful metric: `update_state(...)`, `result()`, `reset_state()`.

    >>> class Count(Metric):
    ...     def __init__(self, **kw):
    ...         super().__init__(**kw)
    ...         self.n = self.add_weight(name="n", initializer="zeros")
    ...     def update_state(self, x):
    ...         self.n.assign_add(tf.cast(tf.size(x), self.dtype))
    ...     def result(self):
    ...         return tf.identity(self.n)
    >>> c = Count()
    >>> float(c([1, 2, 3]))
    3.0
    """

    def __init__(self, name=None, dtype=None, **kwargs):
        self.name = name or _unique(_snake(type(self).__name__))
        self._dtype = _dtype_name(dtype)
        self._metric_vars = []
        self.built = True
        self.stateful = True
        self._trainable = False

    # -- state -------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    def add_weight(self, name=None, shape=(), aggregation=None, synchronization=None,
                   initializer=None, dtype=None, trainable=False, **kwargs):
        """A non-trainable state Variable (zeros unless `initializer` says otherwise)."""
        dt = tf.as_dtype(dtype or self._dtype)
        shape = [int(d) for d in (shape or ())]
        init = initializer if initializer is not None else "zeros"
        if isinstance(init, str):
            value = tf.ones(shape, dt) if init == "ones" else tf.zeros(shape, dt)
        elif callable(init):
            value = init(shape=shape, dtype=dt)
        else:
            value = tf.cast(tf.convert_to_tensor(init), dt) + tf.zeros(shape, dt)
        v = tf.Variable(value, name=f"{self.name}/{name}" if name else self.name,
                        trainable=False, dtype=dt)
        self._metric_vars.append(v)
        self.__dict__.setdefault("_initial", []).append(value)
        return v

    @property
    def variables(self):
        return list(self._metric_vars)

    weights = variables
    non_trainable_weights = variables
    non_trainable_variables = variables

    @property
    def trainable_weights(self):
        return []

    trainable_variables = trainable_weights

    def reset_state(self):
        """Sets every state variable back to zeros."""
        for v in self._metric_vars:
            v.assign(tf.zeros(list(v.shape), v.dtype))

    def reset_states(self):
        """Alias of `reset_state` (TF 2.x)."""
        return self.reset_state()

    # -- protocol ----------------------------------------------------------
    def update_state(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} must implement `update_state`.")

    def result(self):
        raise TypeError(f"{type(self).__name__} must implement `result`.")

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        r = self.result()
        if isinstance(r, tf.Tensor):
            RESULTS[id(r)] = r
        return r

    def get_config(self):
        return {"name": self.name, "dtype": self._dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object at {hex(id(self))}>"


def _weights_for(values, sample_weight):
    """Keras's squeeze-or-expand rule for sample weights, then broadcast to `values`."""
    sw = nx.as_float(sample_weight, values.dtype)
    rv, rs = nx.rank(values), nx.rank(sw)
    if rs == rv + 1 and sw.shape[-1] == 1:
        sw = tf.squeeze(sw, axis=-1)
    while 0 < nx.rank(sw) < rv:
        sw = tf.expand_dims(sw, -1)
    return tf.broadcast_to(sw, list(values.shape)) if rv else sw


class Reduce(Metric):
    """Reduces values to a total ('sum') or a (weighted) mean."""

    def __init__(self, reduction, name, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reduction = reduction
        self.total = self.add_weight(name="total", initializer="zeros")
        if reduction != "sum":
            self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, values, sample_weight=None):
        values = nx.as_float(_tensor(values), self._dtype)
        if sample_weight is not None:
            sw = _weights_for(values, _tensor(sample_weight))
            values = values * sw
            n = tf.reduce_sum(sw)
        else:
            n = 1
            for d in values.shape:
                n *= int(d)
            n = tf.constant(float(n), tf.as_dtype(self._dtype))
        self.total.assign_add(tf.reduce_sum(values))
        if self.reduction != "sum":
            self.count.assign_add(n)

    def result(self):
        if self.reduction == "sum":
            return tf.identity(self.total.value())
        return nx.div_no_nan(self.total.value(), self.count.value())


class Sum(Reduce):
    """Running (weighted) sum.

    >>> s = Sum(); s.update_state([1, 3, 5, 7]); float(s.result())
    16.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__("sum", name=name, dtype=dtype)


class Mean(Reduce):
    """Running (weighted) mean.

    >>> m = Mean(); m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0]); float(m.result())
    2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__("weighted_mean", name=name, dtype=dtype)


class MeanMetricWrapper(Mean):
    """Mean of `fn(y_true, y_pred, **kwargs)` over all samples seen.

    >>> from tapeflow.keras.losses import mean_absolute_error
    >>> m = MeanMetricWrapper(mean_absolute_error, name="mae")
    >>> float(m([[0., 1.]], [[1., 1.]]))
    0.5
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "mean"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        if isinstance(y_true, tf.RaggedTensor) and isinstance(y_pred, tf.RaggedTensor):
            values, weights = ragged_values(self._values, y_true, y_pred, sample_weight,
                                            f"Metric {self.name!r}")
            return super().update_state(values, sample_weight=weights)
        super().update_state(self._values(y_true, y_pred), sample_weight=sample_weight)

    def _values(self, y_true, y_pred):
        """`fn`'s values (one per sample) that the mean averages."""
        y_true, y_pred = _tensor(y_true), _tensor(y_pred)
        if y_pred.dtype.is_floating or y_pred.dtype.is_integer:
            y_pred = tf.cast(y_pred, self._dtype)
        if not getattr(self._fn, "_sparse", False):
            y_true = tf.cast(y_true, self._dtype)
            y_pred, y_true = nx.match_ranks(y_pred, y_true)
        return self._fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = dict(self._fn_kwargs)
        config.update(super().get_config())
        return config

    @classmethod
    def from_config(cls, config):
        if cls is MeanMetricWrapper:
            raise ValueError("MeanMetricWrapper.from_config needs the wrapped function.")
        return cls(**config)


class MeanTensor(Metric):
    """Element-wise running mean of same-shaped tensors.

    >>> m = MeanTensor(); m.update_state([0., 1., 2.]); m.update_state([2., 3., 4.])
    >>> m.result().numpy()
    array([1., 2., 3.], dtype=float32)
    """

    def __init__(self, name="mean_tensor", dtype=None, shape=None):
        super().__init__(name=name, dtype=dtype)
        self._shape = None
        if shape is not None:
            self._build(list(shape))

    def _build(self, shape):
        self._shape = list(shape)
        self.total = self.add_weight(name="total", shape=shape)
        self.count = self.add_weight(name="count", shape=shape)

    def update_state(self, values, sample_weight=None):
        values = nx.as_float(_tensor(values), self._dtype)
        if self._shape is None:
            self._build(values.shape)
        elif list(values.shape) != self._shape:
            raise ValueError("MeanTensor input values must always have the same shape. "
                             f"Expected shape (set during the first call): {self._shape}. "
                             f"Got: {list(values.shape)}.")
        n = tf.ones_like(values)
        if sample_weight is not None:
            sw = _weights_for(values, _tensor(sample_weight))
            values, n = values * sw, sw
        self.total.assign_add(values)
        self.count.assign_add(n)

    def result(self):
        if self._shape is None:
            raise ValueError("MeanTensor does not have any value yet. Please call the "
                             "MeanTensor instance or use `.update_state(value)` before "
                             "retrieving the result.")
        return nx.div_no_nan(self.total.value(), self.count.value())
