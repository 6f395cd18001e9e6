"""keras.saving: .keras archives, weights files, (de)serialization, object registry.

`Model.save`, `save_weights`, `load_weights`, `to_json`, `get_config`,
`from_config` and `get_compile_config` are defined on Model
(keras/models/model.py) and delegate to the modules here.
"""
from .object_registry import (CustomObjectScope, custom_object_scope, get_custom_objects,
                              get_registered_name, get_registered_object,
                              register_keras_serializable)
from .saving_api import load_model, save_model
from .serialization import deserialize_keras_object, serialize_keras_object

__all__ = ["save_model", "load_model", "serialize_keras_object", "deserialize_keras_object",
           "register_keras_serializable", "get_registered_object", "get_registered_name",
           "custom_object_scope", "CustomObjectScope", "get_custom_objects"]
