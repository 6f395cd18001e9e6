"""keras.metrics: the Metric base, built-in metrics, metric functions and `get`.

>>> from tapeflow import keras
>>> keras.metrics.get("mae").__name__
'mean_absolute_error'
"""
import sys as _sys

from .._lookup import deserialize_callable as _deserialize_callable

from .accuracy_metrics import *  # noqa: F401,F403
from .confusion_metrics import *  # noqa: F401,F403
from .f_score_metrics import *  # noqa: F401,F403
from .iou_metrics import *  # noqa: F401,F403
from .metric import Mean, MeanMetricWrapper, MeanTensor, Metric, Reduce, Sum  # noqa: F401
from .regression_metrics import *  # noqa: F401,F403
from ..losses import (binary_crossentropy, binary_focal_crossentropy,  # noqa: F401
                      categorical_crossentropy, categorical_hinge, hinge, kl_divergence,
                      log_cosh, mean_absolute_error, mean_absolute_percentage_error,
                      mean_squared_error, mean_squared_logarithmic_error, poisson,
                      sparse_categorical_crossentropy, squared_hinge)

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh

_mod = _sys.modules[__name__]
_CLASSES = {n: o for n, o in vars(_mod).items()
            if isinstance(o, type) and issubclass(o, Metric) and not n.startswith("_")}
_FUNCS = {n: o for n, o in vars(_mod).items()
          if callable(o) and not isinstance(o, type) and not n.startswith("_")
          and n not in ("get", "serialize", "deserialize")}


def deserialize(config, custom_objects=None):
    """Name or {'class_name', 'config'} -> metric function or Metric instance."""
    return _deserialize_callable("metric function", _FUNCS, _CLASSES, config, custom_objects)


def serialize(metric):
    if isinstance(metric, Metric):
        return {"class_name": type(metric).__name__, "config": metric.get_config()}
    return getattr(metric, "__name__", str(metric))


def get(identifier):
    """A name, config dict, Metric or function -> the metric.

    >>> type(get("AUC")).__name__
    'AUC'
    """
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier}")


# accuracy() etc. are exported by their modules' __all__; keep them importable here.
__all__ = sorted(set(list(_CLASSES) + list(_FUNCS) + ["get", "serialize", "deserialize"]))
