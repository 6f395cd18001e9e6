"""Regression and probabilistic metrics (means of the matching loss functions).

>>> m = RootMeanSquaredError()
>>> float(m([[0., 1.], [0., 0.]], [[1., 1.], [0., 0.]]))
0.5
"""
import tapeflow as tf

from .. import losses as L
from ..losses import numerics as nx
from .metric import Mean, MeanMetricWrapper

__all__ = ["cosine_similarity", "MeanSquaredError", "MeanAbsoluteError",
           "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "RootMeanSquaredError",
           "CosineSimilarity", "LogCoshError", "Poisson", "KLDivergence", "Hinge",
           "SquaredHinge", "CategoricalHinge", "BinaryCrossentropy", "CategoricalCrossentropy",
           "SparseCategoricalCrossentropy"]


def cosine_similarity(y_true, y_pred, axis=-1):
    """sum(l2_normalize(y_true) * l2_normalize(y_pred), axis) (positive, unlike the loss)."""
    y_pred = nx.as_float(y_pred)
    y_true = nx.as_float(y_true, y_pred.dtype)
    return tf.reduce_sum(nx.l2_normalize(y_true, axis) * nx.l2_normalize(y_pred, axis), axis=axis)


def _wrapper(fn, default_name, doc):
    def __init__(self, name=default_name, dtype=None):
        MeanMetricWrapper.__init__(self, fn, name, dtype=dtype)
    cls_name = "".join(p.capitalize() for p in default_name.split("_"))
    return type(cls_name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": doc})


MeanSquaredError = _wrapper(L.mean_squared_error, "mean_squared_error", "Mean squared error.")
MeanAbsoluteError = _wrapper(L.mean_absolute_error, "mean_absolute_error",
                             "Mean absolute error.")
MeanAbsolutePercentageError = _wrapper(L.mean_absolute_percentage_error,
                                       "mean_absolute_percentage_error",
                                       "Mean absolute percentage error.")
MeanSquaredLogarithmicError = _wrapper(L.mean_squared_logarithmic_error,
                                       "mean_squared_logarithmic_error",
                                       "Mean squared logarithmic error.")
LogCoshError = _wrapper(L.log_cosh, "logcosh", "Mean log-cosh error.")
LogCoshError.__name__ = "LogCoshError"
Poisson = _wrapper(L.poisson, "poisson", "Mean Poisson loss.")
KLDivergence = _wrapper(L.kl_divergence, "kullback_leibler_divergence", "Mean KL divergence.")
KLDivergence.__name__ = "KLDivergence"
Hinge = _wrapper(L.hinge, "hinge", "Mean hinge loss.")
SquaredHinge = _wrapper(L.squared_hinge, "squared_hinge", "Mean squared hinge loss.")
CategoricalHinge = _wrapper(L.categorical_hinge, "categorical_hinge",
                            "Mean categorical hinge loss.")


class RootMeanSquaredError(Mean):
    """sqrt(mean(square(y_pred - y_true)))."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = nx.as_float(y_pred, self.dtype)
        y_true = nx.as_float(y_true, self.dtype)
        y_pred, y_true = nx.match_ranks(y_pred, y_true)
        super().update_state(tf.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return tf.sqrt(nx.div_no_nan(self.total.value(), self.count.value()))


class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity between labels and predictions."""

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)


class BinaryCrossentropy(MeanMetricWrapper):
    """Mean binary cross-entropy."""

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(L.binary_crossentropy, name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical cross-entropy."""

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(L.categorical_crossentropy, name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Mean sparse categorical cross-entropy."""

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        super().__init__(L.sparse_categorical_crossentropy, name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
