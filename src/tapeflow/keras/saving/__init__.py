"""keras.saving: .keras archives, weights files, (de)serialization, object registry.

Importing this package installs `save`, `save_weights`, `load_weights` and
`to_json` on Model, functional `get_config`/`from_config`, and records the
arguments of `compile` so archives carry a `compile_config`.
"""
from ..models import cloning
from ..models.model import Model
from . import keras_archive, saving_api
from .object_registry import (CustomObjectScope, custom_object_scope, get_custom_objects,
                              get_registered_name, get_registered_object,
                              register_keras_serializable)
from .saving_api import load_model, save_model
from .serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["save_model", "load_model", "serialize_keras_object", "deserialize_keras_object",
           "register_keras_serializable", "get_registered_object", "get_registered_name",
           "custom_object_scope", "CustomObjectScope", "get_custom_objects"]

_original_get_config = Model.get_config
_original_compile = Model.compile


def _get_config(self):
    if self._graph is not None and not hasattr(self, "_seq_layers") and \
            type(self).get_config is _get_config:
        return cloning.functional_config(self)
    return _original_get_config(self)


def _from_config(cls, config, custom_objects=None):
    if "input_layers" in config and "layers" in config:
        return cloning.functional_from_config(cls, config, custom_objects)
    return cls(**config)


def _compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
             weighted_metrics=None, run_eagerly=None, steps_per_execution=None,
             jit_compile=None, **kwargs):
    _original_compile(self, optimizer, loss, metrics, loss_weights, weighted_metrics,
                      run_eagerly, steps_per_execution, jit_compile, **kwargs)
    try:
        cfg = keras_archive.compile_config_of(self.optimizer, loss, metrics, loss_weights,
                                              weighted_metrics, run_eagerly,
                                              steps_per_execution, jit_compile)
    except (TypeError, ValueError):
        cfg = None
    object.__setattr__(self, "_saving_compile_config", cfg)


_compile.__doc__ = _original_compile.__doc__
Model.get_config = _get_config
Model.from_config = classmethod(_from_config)
Model.compile = _compile
Model.save = saving_api.save_model
Model.save_weights = saving_api.save_weights
Model.load_weights = saving_api.load_weights
Model.to_json = saving_api.to_json
