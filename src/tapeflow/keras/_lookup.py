"""The one name-resolution path of keras: a name or config -> the object it denotes.

Every family (activations, initializers, regularizers, constraints, losses,
metrics, optimizers, layers) resolves names with `find`
(saving/object_registry.py), which saved configs use too: first the custom
objects — the `custom_objects` argument, the active `custom_object_scope`s,
objects registered with `register_keras_serializable` — then the family's own
`{name: object}` table.
A module lists its objects in such a table; `lookup` accepts a name, a
`{"class_name", "config"}` dict, an instance or a callable.
"""
from .saving import object_registry
from .saving.object_registry import find

__all__ = ["find", "lookup", "serialize_object", "deserialize_object", "deserialize_callable"]


def _table_names(table):
    return sorted(table)


def lookup(kind, table, identifier, instantiate=True, custom_objects=None):
    """Resolves `identifier` with `find`; unknown names list the valid ones.

    >>> lookup("thing", {"one": int}, "one")
    0
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize_object(kind, table, identifier, custom_objects)
    if isinstance(identifier, str):
        obj = find(identifier, table, custom_objects)
        if obj is None:
            raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}. "
                             f"Valid names are: {_table_names(table)}")
        return obj() if instantiate and isinstance(obj, type) else obj
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}")


def serialize_object(obj):
    """`{"class_name": ..., "config": ...}` for an object with `get_config`."""
    if obj is None:
        return None
    if hasattr(obj, "get_config"):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    return getattr(obj, "__name__", str(obj))


def deserialize_object(kind, table, config, custom_objects=None):
    """Inverse of `serialize_object`."""
    if isinstance(config, str):
        return lookup(kind, table, config, custom_objects=custom_objects)
    name = config.get("class_name")
    cls = find(name, table, custom_objects)
    if cls is None:
        raise ValueError(f"Unknown {kind}: {name!r}. Valid names are: {_table_names(table)}")
    cfg = config.get("config") or {}
    return cls.from_config(cfg) if hasattr(cls, "from_config") else cls(**cfg)


def deserialize_callable(kind, functions, classes, config, custom_objects=None):
    """Losses and metrics: a name or `{"class_name", "config"}` -> function or instance.

    Looks in the custom objects (`find`), then the function table, then the
    class table (instantiated with defaults). Unknown names raise TF's
    "Unknown {kind}" error.

    >>> deserialize_callable("loss function", {"f": len}, {}, "f")
    <built-in function len>
    """
    if isinstance(config, dict):
        name = config["class_name"]
        cls = object_registry.get_registered_object(name, custom_objects) or classes.get(name)
        if cls is not None:
            return cls.from_config(config.get("config", {}))
    else:
        name = config
        obj = object_registry.get_registered_object(name, custom_objects)
        if obj is None:
            obj = functions.get(name)
        if obj is not None:
            return obj
        if name in classes:
            return classes[name]()
    raise ValueError(f"Unknown {kind}: '{name}'. Please ensure you are using a "
                     "`keras.utils.custom_object_scope` and that this object is included in "
                     "the scope, pass it in `custom_objects`, or register it with "
                     "`keras.saving.register_keras_serializable()`.")
