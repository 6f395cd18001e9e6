"""serialize_keras_object / deserialize_keras_object in Keras 3's dict layout.

An object becomes `{"module", "class_name", "config", "registered_name"}`;
tuples become lists, named functions `{"class_name": "function", "config": name}`,
and lambdas `{"class_name": "__lambda__", "config": {"code": <base64 marshal>}}`.
Loading a lambda runs bytecode, so it is refused unless `safe_mode=False`.

>>> from tapeflow import keras
>>> cfg = serialize_keras_object(keras.layers.Dense(3))
>>> cfg["class_name"], deserialize_keras_object(cfg).units
('Dense', 3)
"""
import base64
import contextlib
import marshal
import threading
import types

import tapeflow

from . import keras3_ops, object_registry as reg

__all__ = ["serialize_keras_object", "deserialize_keras_object", "safe_mode_scope",
           "in_safe_mode", "encode_value", "decode_value"]

_state = threading.local()


def in_safe_mode():
    """True unless inside `safe_mode_scope(False)` (the default is safe)."""
    return getattr(_state, "safe_mode", True)


@contextlib.contextmanager
def safe_mode_scope(safe_mode=True):
    """Sets the safe-mode flag for nested deserialization calls."""
    old = in_safe_mode()
    _state.safe_mode = bool(safe_mode)
    try:
        yield
    finally:
        _state.safe_mode = old


def _module_of(obj):
    mod = type(obj).__module__
    if mod.startswith("tapeflow.keras.layers"):
        return "keras.layers"
    if mod.startswith("tapeflow.keras.optimizers"):
        return "keras.optimizers"
    if mod.startswith("tapeflow.keras"):
        return "keras." + mod.split(".")[2]
    return mod


def _is_lambda(fn):
    return isinstance(fn, types.FunctionType) and (fn.__name__ == "<lambda>" or
                                                   "<locals>" in fn.__qualname__)


def encode_value(value):
    """A JSON-ready copy of a config value (see the module docstring)."""
    if isinstance(value, dict):
        return {str(k): encode_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return value.item()
    if hasattr(value, "as_list"):
        return value.as_list()
    if hasattr(value, "name") and hasattr(value, "is_floating"):  # a DType
        return value.name
    if _is_lambda(value):
        code = base64.b64encode(marshal.dumps(value.__code__)).decode("ascii")
        return {"class_name": "__lambda__", "config": {"code": code}}
    if callable(value) and not hasattr(value, "get_config"):
        return {"module": getattr(value, "__module__", None), "class_name": "function",
                "config": getattr(value, "__name__", str(value)),
                "registered_name": reg.get_registered_name(value)}
    return serialize_keras_object(value)


def serialize_keras_object(obj):
    """`{"module", "class_name", "config", "registered_name"}` for `obj`.

    >>> serialize_keras_object(None) is None
    True
    """
    if obj is None or isinstance(obj, (bool, int, float, str, list, tuple, dict)):
        return encode_value(obj)
    if not hasattr(obj, "get_config"):
        return encode_value(obj)
    cls = type(obj)
    registered = reg._NAMES.get(id(cls))
    return {"module": _module_of(obj), "class_name": cls.__name__,
            "config": encode_value(obj.get_config()), "registered_name": registered}


def _lambda_from(config):
    if in_safe_mode():
        raise ValueError("Requested the deserialization of a Lambda layer whose function is "
                         "Python bytecode (a `lambda`). This carries a potential risk of "
                         "arbitrary code execution and thus it is disallowed by default. If "
                         "you trust the source of the saved model, you can pass "
                         "`safe_mode=False` to the loading function in order to allow "
                         "deserialization.")
    code = marshal.loads(base64.b64decode(config["code"]))
    return types.FunctionType(code, _tf_globals())


def _tf_globals():
    return {"tf": tapeflow, "__builtins__": __builtins__}


def _function_from(config, custom_objects):
    name = config.get("registered_name") or config["config"]
    fn = reg.find(name, custom_objects=custom_objects) or \
        reg.find(config["config"], reg.BUILTIN_FUNCTIONS, custom_objects)
    if fn is None:
        raise ValueError(f"Unknown function: '{config['config']}'. Please ensure you are "
                         "using a `keras.utils.custom_object_scope` and that this object is "
                         "included in the scope.")
    return fn


def decode_value(value, custom_objects=None):
    """Inverse of `encode_value` for functions and lambdas; other values pass through."""
    if isinstance(value, list):
        return [decode_value(v, custom_objects) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("class_name")
    if kind == "__lambda__":
        return _lambda_from(value["config"])
    if kind == "function":
        return _function_from(value, custom_objects)
    return {k: decode_value(v, custom_objects) for k, v in value.items()}


_ALIASES = {"Functional": "Model"}


def resolve_class(config, custom_objects=None):
    """The class a `{"class_name", "registered_name"}` dict names, or a clear ValueError.

    Resolved by `object_registry.find` (custom objects and scopes first, then
    keras's own classes), the path every keras family resolves names with.
    """
    name = _ALIASES.get(config["class_name"], config["class_name"])
    registered = config.get("registered_name")
    found = reg.find(registered, custom_objects=custom_objects) if registered else None
    if found is None:
        found = reg.find(name, reg.BUILTIN_CLASSES, custom_objects)
    if found is not None:
        return found
    if keras3_ops.is_keras3_op(config):  # a keras.ops node of a Keras 3 functional graph
        cls = keras3_ops.op_layer_class(name)
        if cls is not None:
            return cls
    raise ValueError(f"Could not locate class '{name}'. Make sure custom classes are "
                     "decorated with `@keras.saving.register_keras_serializable()` or passed "
                     f"in `custom_objects`. Full object config: {config}")


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """Rebuilds an object from `serialize_keras_object`'s output.

    >>> from tapeflow import keras
    >>> deserialize_keras_object(serialize_keras_object(keras.optimizers.SGD(0.5))).name
    'SGD'
    """
    if config is None or isinstance(config, (bool, int, float, str)):
        return config
    if isinstance(config, list):
        return [deserialize_keras_object(c, custom_objects, safe_mode) for c in config]
    with safe_mode_scope(safe_mode and in_safe_mode()):
        if config.get("class_name") in ("__lambda__", "function"):
            return decode_value(config, custom_objects)
        cls = resolve_class(config, custom_objects)
        inner = keras3_compat(config["class_name"],
                              decode_value(config.get("config") or {}, custom_objects))
        merged = _visible_objects(custom_objects)
        with reg.CustomObjectScope(custom_objects or {}):
            try:
                return cls.from_config(inner, merged) if _takes_custom(cls) \
                    else cls.from_config(inner)
            except AttributeError:
                return cls(**inner)


_KERAS3_ONLY = ("lora_rank", "lora_alpha", "quantization_config", "optional", "input_axes",
                "output_axes", "synchronized", "rms_scaling",
                "loss_scale_factor", "gradient_accumulation_steps")


def keras3_compat(class_name, config):
    """A Keras 3 layer/model config made acceptable here (unused Keras 3 keys dropped).

    >>> keras3_compat("InputLayer", {"batch_shape": [None, 2], "optional": False})
    {'batch_input_shape': [None, 2]}
    """
    if not isinstance(config, dict):
        return config
    config = {k: _nested_compat(v) for k, v in config.items()
              if not (k in _KERAS3_ONLY and not v)}
    if config.get("renorm") is False:
        for key in ("renorm", "renorm_clipping", "renorm_momentum"):
            config.pop(key, None)
    if class_name == "InputLayer" and "batch_shape" in config:
        config["batch_input_shape"] = config.pop("batch_shape")
    if class_name == "Sequential" and isinstance(config.get("layers"), list):
        config["layers"] = [dict(e, config=keras3_compat(e.get("class_name"), e.get("config")))
                            for e in config["layers"]]
    return config


def _nested_compat(value):
    if isinstance(value, dict) and "class_name" in value and isinstance(value.get("config"),
                                                                       dict):
        return dict(value, config=keras3_compat(value["class_name"], value["config"]))
    return value


def _visible_objects(custom_objects):
    """Registered (also by bare name), scoped and explicit custom objects, merged."""
    out = {}
    for key, obj in reg.get_custom_objects().items():
        out[key.split(">")[-1]] = obj
        out[key] = obj
    out.update(reg.scoped_objects())
    out.update(custom_objects or {})
    return out


def _takes_custom(cls):
    import inspect
    try:
        return "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        return False
