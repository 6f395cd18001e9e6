"""Keras 3 `keras.ops` nodes in functional archives, rebuilt as tapeflow op layers.

Keras 3 records some operations of a functional graph as nodes of their own — e.g.
`Embedding(mask_zero=True)` adds a `NotEqual` node (module `keras.src.ops.numpy`)
whose output is the next layer's `mask`. Such a node loads as a TFOpLambda layer
applying the tf op of the same name (`NotEqual` → `tf.math.not_equal`), with the
node's other arguments passed on as recorded.

>>> cls = op_layer_class("NotEqual")
>>> import tapeflow as tf
>>> cls.from_config({"name": "not_equal"})(tf.constant([0, 2]), 0).numpy().tolist()
[False, True]
"""
import tapeflow as tf

from ..backend import to_snake_case
from .object_registry import BUILTIN_CLASSES

__all__ = ["op_layer_class", "is_keras3_op"]


def is_keras3_op(config):
    """True for a node config of a Keras 3 operation (module keras.src.ops.*)."""
    return str(config.get("module", "")).startswith("keras.src.ops.")


def op_layer_class(name):
    """A TFOpLambda subclass applying the tf op named like Keras 3's `name`, or None."""
    snake = to_snake_case(name)
    for space, prefix in ((tf.math, "tf.math"), (tf, "tf"), (tf.nn, "tf.nn")):
        fn = getattr(space, snake, None)
        if callable(fn):
            break
    else:
        return None
    symbol = f"{prefix}.{snake}"

    @classmethod
    def from_config(cls, config, custom_objects=None):
        kept = {k: v for k, v in config.items() if k in ("name",)}
        return cls(fn, symbol, **kept)
    # keras.layers.TFOpLambda, found in the namespaces keras/__init__.py registers
    base = BUILTIN_CLASSES.get("TFOpLambda")
    return type(name, (base,), {"from_config": from_config,
                                "__doc__": f"Keras 3's `{name}` op as `{symbol}`."})
