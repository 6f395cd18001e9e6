"""Registered custom objects and `custom_object_scope`.

>>> from tapeflow.keras.saving import object_registry as reg
>>> @reg.register_keras_serializable(package="demo")
... class Thing:
...     def get_config(self):
...         return {}
>>> reg.get_registered_object("demo>Thing") is Thing
True
"""
import threading

__all__ = ["register_keras_serializable", "get_registered_object", "get_registered_name",
           "custom_object_scope", "CustomObjectScope", "get_custom_objects"]

_GLOBAL = {}          # "package>Name" -> object
_NAMES = {}           # id(object) -> "package>Name"
_local = threading.local()


def _scopes():
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def register_keras_serializable(package="Custom", name=None):
    """Decorator registering a class or function as `package>name` for loading.

    >>> @register_keras_serializable("pkg")
    ... def my_fn(x):
    ...     return x
    >>> get_registered_name(my_fn)
    'pkg>my_fn'
    """
    def decorator(obj):
        key = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() "
                             f"method. Received: {obj.__name__}")
        _GLOBAL[key] = obj
        _NAMES[id(obj)] = key
        return obj
    return decorator


def get_registered_name(obj):
    """`package>name` of a registered object, else its plain `__name__`."""
    return _NAMES.get(id(obj), getattr(obj, "__name__", type(obj).__name__))


def get_custom_objects():
    """The global `{registered_name: object}` table (mutable)."""
    return _GLOBAL


def get_registered_object(name, custom_objects=None, module_objects=None):
    """Looks `name` up in: active scopes, `custom_objects`, the registry, `module_objects`.

    >>> get_registered_object("nope") is None
    True
    """
    for scope in reversed(_scopes()):
        if name in scope:
            return scope[name]
    for table in (custom_objects or {}, _GLOBAL, module_objects or {}):
        if name in table:
            return table[name]
    return None


def find(name, table=None, custom_objects=None):
    """The object `name` denotes, or None: custom objects first, then `table`.

    `table` is searched for `name`, then for `name.lower()` (`"Adam"` -> `adam`).

    >>> find("one", {"one": 1})
    1
    >>> find("one", {"one": 1}, {"one": 2})
    2
    """
    obj = get_registered_object(name, custom_objects)
    if obj is None and table is not None:
        obj = table.get(name)
        if obj is None and isinstance(name, str):
            obj = table.get(name.lower())
    return obj


class BuiltinTable:
    """keras's own names, read from its namespace modules when looked up.

    `keras/__init__.py` registers the namespaces (`register_builtins`) once
    they are built, so saving, which sits below them, resolves their names
    without importing them. The first namespace holding a name wins.
    """

    def __init__(self, kind):
        self._kind = kind  # "class": classes only; "callable": any callable
        self._namespaces = []

    def get(self, name, default=None):
        for namespace in self._namespaces:
            obj = vars(namespace).get(name)
            if obj is not None and (isinstance(obj, type) if self._kind == "class"
                                    else callable(obj)):
                return obj
        return default


BUILTIN_CLASSES = BuiltinTable("class")       # keras.models, layers, optimizers, losses, metrics
BUILTIN_FUNCTIONS = BuiltinTable("callable")  # keras.activations, losses (saved functions)


def register_builtins(classes=(), functions=()):
    """Adds keras namespace modules to `BUILTIN_CLASSES` / `BUILTIN_FUNCTIONS`."""
    BUILTIN_CLASSES._namespaces.extend(classes)
    BUILTIN_FUNCTIONS._namespaces.extend(functions)


class CustomObjectScope:
    """`with custom_object_scope({"MyLayer": MyLayer}):` makes names resolvable on load."""

    def __init__(self, *objects):
        self.objects = {}
        for table in objects:
            self.objects.update(table or {})

    def __enter__(self):
        _scopes().append(self.objects)
        return self

    def __exit__(self, *exc):
        _scopes().pop()
        return False


custom_object_scope = CustomObjectScope


def scoped_objects():
    """Everything visible through the active scopes (innermost wins)."""
    out = {}
    for scope in _scopes():
        out.update(scope)
    return out
