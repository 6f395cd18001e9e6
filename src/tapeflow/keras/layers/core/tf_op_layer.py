"""TFOpLambda: Python operators on KerasTensors (`x + y`, `2 * x`, `x[:, 0]`) as layers.

>>> from tapeflow import keras
>>> x = keras.Input(shape=(3,))
>>> (x * 2.0 + 1.0).shape
TensorShape([None, 3])
"""
import operator

from ....ops.symbolic_dispatch import set_symbolic_handler

from ...keras_tensor import KerasTensor
from ..layer import Layer
from ... import backend

__all__ = ["TFOpLambda", "install_operators", "symbolic_op"]


class TFOpLambda(Layer):
    """Applies one tapeflow operator to its input(s); named like tf.keras (`tf.math.multiply`)."""

    def __init__(self, function, symbol, **kwargs):
        kwargs.setdefault("name", backend.unique_object_name(symbol))
        super().__init__(**kwargs)
        self.function = function
        self.symbol = symbol

    def _convert_inputs(self, inputs):
        return inputs  # operands keep their dtype, as with the operator itself

    def call(self, inputs, *args, **kwargs):
        return self.function(inputs, *args, **kwargs)

    def get_config(self):
        return {**super().get_config(), "function": self.symbol}


_BINARY = {
    "add": (operator.add, "tf.__operators__.add"),
    "sub": (operator.sub, "tf.math.subtract"),
    "mul": (operator.mul, "tf.math.multiply"),
    "truediv": (operator.truediv, "tf.math.truediv"),
    "floordiv": (operator.floordiv, "tf.math.floordiv"),
    "mod": (operator.mod, "tf.math.floormod"),
    "pow": (operator.pow, "tf.math.pow"),
    "matmul": (operator.matmul, "tf.linalg.matmul"),
}


def _binary(fn, symbol, reverse):
    def op(self, other):
        if reverse:
            return TFOpLambda(lambda y, x: fn(x, y), symbol)(self, other)
        return TFOpLambda(fn, symbol)(self, other)
    return op


def _unary(fn, symbol):
    def op(self):
        return TFOpLambda(fn, symbol)(self)
    return op


def _getitem(self, key):
    return TFOpLambda(lambda x: x[key], "tf.__operators__.getitem")(self)


def symbolic_op(fn, symbol, *args, **kwargs):
    """`fn(*args, **kwargs)` recorded as a TFOpLambda node when an argument is symbolic.

    This is the hook for tapeflow ops called on KerasTensors (TF's "TFOpLambda"):

    >>> import tapeflow as tf
    >>> from tapeflow import keras
    >>> x = keras.Input(shape=(3,))
    >>> symbolic_op(tf.reduce_mean, "tf.math.reduce_mean", x, axis=1).shape
    TensorShape([None])
    """
    if not args:
        raise TypeError(f"{symbol} needs at least one positional argument.")
    return TFOpLambda(fn, symbol)(*args, **kwargs)


def install_operators():
    """Gives KerasTensor the arithmetic operators, each recorded as a TFOpLambda node."""
    for name, (fn, symbol) in _BINARY.items():
        setattr(KerasTensor, f"__{name}__", _binary(fn, symbol, False))
        setattr(KerasTensor, f"__r{name}__", _binary(fn, symbol, True))
    KerasTensor.__neg__ = _unary(operator.neg, "tf.math.negative")
    KerasTensor.__abs__ = _unary(operator.abs, "tf.math.abs")
    KerasTensor.__getitem__ = _getitem


install_operators()
set_symbolic_handler(symbolic_op)
