"""Lets public ops accept symbolic inputs (Keras's functional KerasTensors).

A symbolic object defines `_as_tensor()` raising `SymbolicArgument`. Public
ops in tapeflow's namespaces are wrapped so that this exception, raised while
converting arguments, hands the whole call to the registered handler (Keras
records it as a `TFOpLambda` layer), as TF's op dispatch does for KerasTensors.
Eager calls pay one Python call and a zero-cost `try`.

>>> # x = keras.Input((3,)); tf.reduce_mean(x, axis=1) -> a KerasTensor
"""
import functools
import types

__all__ = ["SymbolicArgument", "CompositeArgument", "set_symbolic_handler",
           "add_composite_dispatcher", "wrap_namespace"]

_HANDLER = [None]
_COMPOSITE = []  # dispatchers for composite tensors (RaggedTensor, SparseTensor)


class SymbolicArgument(TypeError):
    """Raised when a symbolic (KerasTensor) argument reaches an op's conversion."""


class CompositeArgument(SymbolicArgument):
    """Raised when a composite tensor (e.g. RaggedTensor) reaches an op's conversion."""


def add_composite_dispatcher(dispatcher):
    """dispatcher(fn, symbol, args, kwargs) -> result, or NotImplemented to decline."""
    _COMPOSITE.append(dispatcher)


def set_symbolic_handler(handler):
    """handler(fn, symbol, *args, **kwargs) -> result of the symbolic call."""
    _HANDLER[0] = handler


def _dispatching(fn, symbol):
    @functools.wraps(fn)
    def op(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except CompositeArgument:
            for dispatcher in _COMPOSITE:
                result = dispatcher(fn, symbol, args, kwargs)
                if result is not NotImplemented:
                    return result
            raise
        except SymbolicArgument:
            handler = _HANDLER[0]
            if handler is None:
                raise
            return handler(fn, symbol, *args, **kwargs)
    op.__wrapped_op__ = fn
    return op


def wrap_namespace(module, prefix, skip=()):
    """Wraps every public op function of `module` (defined under tapeflow.ops) in place."""
    for name in dir(module):
        fn = getattr(module, name)
        if (name.startswith("_") or name in skip or not isinstance(fn, types.FunctionType)
                or not fn.__module__.startswith("tapeflow.ops.")
                or hasattr(fn, "__wrapped_op__")):
            continue
        setattr(module, name, _dispatching(fn, f"{prefix}.{name}"))
