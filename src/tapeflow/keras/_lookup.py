"""Shared `get` / `serialize` / `deserialize` for initializers, regularizers, constraints.

A module lists its objects in a `{name: class_or_function}` table; `get`
accepts a name, a `{"class_name", "config"}` dict, an instance or a callable.
"""

__all__ = ["lookup", "serialize_object", "deserialize_object", "deserialize_callable"]


def _table_names(table):
    return sorted(table)


def lookup(kind, table, identifier, instantiate=True):
    """Resolves `identifier` against `table`; unknown names list the valid ones.

    >>> lookup("thing", {"one": int}, "one")
    0
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize_object(kind, table, identifier)
    if isinstance(identifier, str):
        obj = table.get(identifier)
        if obj is None:
            obj = table.get(identifier.lower())
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


def deserialize_object(kind, table, config):
    """Inverse of `serialize_object`."""
    if isinstance(config, str):
        return lookup(kind, table, config)
    name = config.get("class_name")
    cls = table.get(name)
    if cls is None:
        raise ValueError(f"Unknown {kind}: {name!r}. Valid names are: {_table_names(table)}")
    cfg = config.get("config") or {}
    return cls.from_config(cfg) if hasattr(cls, "from_config") else cls(**cfg)


def deserialize_callable(kind, functions, classes, config, custom_objects=None):
    """Losses and metrics: a name or `{"class_name", "config"}` -> function or instance.

    Looks in `custom_objects`, then the function table, then the class table
    (instantiated with defaults). Unknown names raise TF's "Unknown {kind}" error.

    >>> deserialize_callable("loss function", {"f": len}, {}, "f")
    <built-in function len>
    """
    custom = custom_objects or {}
    if isinstance(config, dict):
        name = config["class_name"]
        cls = custom.get(name) or classes.get(name)
        if cls is not None:
            return cls.from_config(config.get("config", {}))
    else:
        name = config
        for table in (custom, functions):
            if name in table:
                return table[name]
        if name in classes:
            return classes[name]()
    raise ValueError(f"Unknown {kind}: '{name}'. Please ensure you are using a "
                     "`keras.utils.custom_object_scope` and that this object is included in "
                     "the scope. See https://www.tensorflow.org/guide/keras/save_and_serialize"
                     "#registering_the_custom_object for details.")
