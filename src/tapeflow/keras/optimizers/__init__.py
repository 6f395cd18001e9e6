"""keras.optimizers: Optimizer base, the TF 2.15 optimizers, schedules and `get`.

>>> from tapeflow import keras
>>> type(keras.optimizers.get("adam")).__name__
'Adam'
"""
from .._lookup import find as _find
from . import schedules  # noqa: F401
from .adam import Adam, Adamax, AdamW, Nadam
from .ftrl import Adafactor, Ftrl, Lion
from .optimizer import Optimizer
from .rmsprop import Adadelta, Adagrad, RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad",
           "Adadelta", "Ftrl", "Lion", "Adafactor", "get", "serialize", "deserialize",
           "schedules", "legacy", "experimental"]

_ALL = {c.__name__.lower(): c for c in (SGD, Adam, AdamW, Adamax, Nadam, RMSprop, Adagrad,
                                         Adadelta, Ftrl, Lion, Adafactor)}

class _Namespace:
    def __init__(self, **kw):
        self.__dict__.update(kw)


# tf.keras.optimizers.legacy / .experimental: the same classes under TF's other names.
legacy = _Namespace(**{c.__name__: c for c in _ALL.values()}, Optimizer=Optimizer)
experimental = legacy


def serialize(optimizer):
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None, **kwargs):
    """{'class_name', 'config'} (or a name) -> optimizer instance."""
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    name = config["class_name"]
    cls = _find(name, _ALL, custom_objects)
    if cls is None:
        raise ValueError(f"Could not interpret optimizer identifier: {name}")
    return cls.from_config(config.get("config", {}))


def get(identifier, **kwargs):
    """A name ('adam'), config dict or Optimizer -> an Optimizer instance.

    >>> round(float(get("sgd").learning_rate), 4)
    0.01
    """
    if isinstance(identifier, Optimizer) or (
            hasattr(identifier, "apply_gradients") and hasattr(identifier, "variables")):
        return identifier  # an Optimizer, or a wrapper such as LossScaleOptimizer
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _find(identifier, _ALL)
        if cls is None:
            raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
        return cls()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
