"""keras.losses: Loss classes, their function forms, and `get` by name.

>>> from tapeflow import keras
>>> keras.losses.get("mse") is keras.losses.mean_squared_error
True
"""
from .hinge import *  # noqa: F401,F403
from .hinge import __all__ as _hinge_all
from .loss import Loss, LossFunctionWrapper, Reduction, compute_weighted_loss  # noqa: F401
from .probabilistic import *  # noqa: F401,F403
from .probabilistic import __all__ as _prob_all
from .regression import *  # noqa: F401,F403
from .regression import __all__ as _reg_all
import sys as _sys

from .._lookup import deserialize_callable as _deserialize_callable

_h = _sys.modules[__name__ + ".hinge"]
_p = _sys.modules[__name__ + ".probabilistic"]
_r = _sys.modules[__name__ + ".regression"]

# Function aliases tf.keras exposes.
mse = MSE = _r.mean_squared_error
mae = MAE = _r.mean_absolute_error
mape = MAPE = _r.mean_absolute_percentage_error
msle = MSLE = _r.mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = _p.kl_divergence
logcosh = _r.log_cosh
huber_loss = _r.huber
KLDivergence = _p.KLDivergence

__all__ = (["Loss", "LossFunctionWrapper", "Reduction", "get", "serialize", "deserialize",
            "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD",
            "kullback_leibler_divergence", "logcosh", "huber_loss"]
           + _hinge_all + _prob_all + _reg_all)

_CLASSES = {name: obj for name, obj in globals().items()
            if isinstance(obj, type) and issubclass(obj, Loss)}


def _functions():
    table = {}
    for mod in (_h, _p, _r):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if not isinstance(obj, type):
                table[name] = obj
    table.update(mse=mse, mae=mae, mape=mape, msle=msle, kld=kld, logcosh=logcosh,
                 huber_loss=huber_loss, kullback_leibler_divergence=kld,
                 MSE=mse, MAE=mae, MAPE=mape, MSLE=msle, KLD=kld)
    return table


_FUNCTIONS = _functions()


def deserialize(name, custom_objects=None):
    """Name (or {'class_name', 'config'} dict) -> loss function or Loss instance."""
    return _deserialize_callable("loss function", _FUNCTIONS, _CLASSES, name, custom_objects)


def serialize(loss):
    """Loss instance -> {'class_name', 'config'}; loss function -> its name."""
    if isinstance(loss, Loss):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    return getattr(loss, "__name__", str(loss))


def get(identifier):
    """None, a name, a config dict, a Loss or a callable -> a loss.

    >>> get("categorical_crossentropy").__name__
    'categorical_crossentropy'
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier}")
