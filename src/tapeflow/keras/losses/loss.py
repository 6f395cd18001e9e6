"""Loss base class, reduction modes and the function wrapper (tf.keras.losses.Loss).

>>> import tapeflow as tf
>>> from tapeflow import keras
>>> float(keras.losses.MeanSquaredError()([0.0, 1.0], [1.0, 1.0]))
0.5
"""
import tapeflow as tf

from . import numerics as nx
from .ragged_losses import ragged_loss

__all__ = ["Loss", "LossFunctionWrapper", "Reduction", "compute_weighted_loss"]


class Reduction:
    """How a Loss reduces per-sample values (`tf.keras.losses.Reduction`)."""

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f'Invalid Reduction Key: {key}. Expected keys are "{cls.all()}"')


def _broadcast_weights(sample_weight, losses):
    """Keras's squeeze-or-expand rule, then broadcasting against `losses`."""
    sw = nx.as_float(sample_weight, losses.dtype)
    rs, rl = nx.rank(sw), nx.rank(losses)
    if rs == rl + 1 and sw.shape[-1] == 1:
        sw = tf.squeeze(sw, axis=-1)
    while nx.rank(sw) < rl and nx.rank(sw) > 0:
        sw = tf.expand_dims(sw, -1)
    return sw


def compute_weighted_loss(losses, sample_weight=None, reduction=Reduction.SUM_OVER_BATCH_SIZE):
    """Applies weights and reduces: 'none', 'sum' or 'sum_over_batch_size'.

    >>> float(compute_weighted_loss(tf.constant([1.0, 3.0]), [1.0, 0.0]))
    0.5
    """
    losses = nx.as_float(losses)
    if sample_weight is not None:
        losses = losses * _broadcast_weights(sample_weight, losses)
    if reduction == Reduction.NONE:
        return losses
    total = tf.reduce_sum(losses)
    if reduction == Reduction.SUM:
        return total
    n = 1
    for d in losses.shape:
        n *= int(d)
    return nx.div_no_nan(total, tf.cast(n, losses.dtype))


class Loss:
    """Base of all losses: `__call__(y_true, y_pred, sample_weight)` -> reduced loss.

    Subclasses implement `call(y_true, y_pred)` returning per-sample losses.

    >>> class Abs(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return tf.abs(y_pred - y_true)
    >>> float(Abs()(tf.constant([0.0]), tf.constant([2.0])))
    2.0
    """

    def __init__(self, reduction=Reduction.AUTO, name=None):
        Reduction.validate(reduction)
        self.reduction = reduction
        self.name = name
        self._allow_sum_over_batch_size = False

    def __call__(self, y_true, y_pred, sample_weight=None):
        if isinstance(y_true, tf.RaggedTensor) or isinstance(y_pred, tf.RaggedTensor):
            return ragged_loss(self, y_true, y_pred, sample_weight)
        losses = self.call(y_true, y_pred)
        red = self._get_reduction()
        return compute_weighted_loss(losses, sample_weight, red)

    def _get_reduction(self):
        return Reduction.SUM_OVER_BATCH_SIZE if self.reduction == Reduction.AUTO else self.reduction

    def call(self, y_true, y_pred):
        raise TypeError(f"{type(self).__name__} must implement `call(y_true, y_pred)`.")

    def get_config(self):
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class LossFunctionWrapper(Loss):
    """Wraps `fn(y_true, y_pred, **kwargs)` as a Loss.

    >>> from tapeflow.keras.losses import mean_absolute_error
    >>> float(LossFunctionWrapper(mean_absolute_error)([1.0], [3.0]))
    2.0
    """

    def __init__(self, fn, reduction=Reduction.AUTO, name=None, **kwargs):
        super().__init__(reduction=reduction, name=name or getattr(fn, "__name__", None))
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_pred = nx.as_float(y_pred)
        y_true = tf.convert_to_tensor(y_true)
        if nx.rank(y_true) != nx.rank(y_pred) and not getattr(self.fn, "_sparse", False):
            y_pred, y_true = nx.match_ranks(y_pred, y_true)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = dict(self._fn_kwargs)
        config.update(super().get_config())
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if cls is LossFunctionWrapper:
            raise ValueError("LossFunctionWrapper.from_config needs the wrapped function.")
        return cls(**config)
