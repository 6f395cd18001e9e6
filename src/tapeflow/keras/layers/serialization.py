"""`keras.layers.serialize` / `deserialize`: a layer to and from `{"class_name", "config"}`.

Class names resolve through keras's one name-resolution path,
`saving/object_registry.find`: `custom_objects`, the active
`custom_object_scope`s and registered objects first, then keras's own classes
(`object_registry.BUILTIN_CLASSES`, which keras/__init__.py fills).

>>> from tapeflow import keras
>>> keras.layers.deserialize(keras.layers.serialize(keras.layers.Dense(2))).units
2
"""
from ..saving.object_registry import BUILTIN_CLASSES, find
from .layer import Layer

__all__ = ["serialize", "deserialize"]


def serialize(layer):
    """`{"class_name": ..., "config": ...}` of a layer."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize(config, custom_objects=None):
    """Rebuilds a layer from `serialize`'s output (built-in or `custom_objects` classes)."""
    name = config["class_name"]
    cls = find(name, BUILTIN_CLASSES, custom_objects)
    if not (isinstance(cls, type) and issubclass(cls, Layer)):
        raise ValueError(f"Unknown layer: '{name}'. Please ensure you are using a "
                         "`keras.utils.custom_object_scope` and that this object is included "
                         "in the scope (or pass it in `custom_objects`).")
    return cls.from_config(config["config"])
