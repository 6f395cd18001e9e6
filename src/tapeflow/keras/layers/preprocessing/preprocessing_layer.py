"""PreprocessingLayer: the base of layers with state computed by `adapt()` from data.

`adapt(data)` accepts NumPy arrays, lists, Tensors and `tf.data.Dataset`s (of batches or
of single elements); it resets the state, feeds each batch as a NumPy array to
`update_state`, then calls `finalize_state`. Layers that take string inputs declare
their symbolic output with `_output_signature`, since string tensors cannot be traced.

>>> from tapeflow import keras
>>> layer = keras.layers.Normalization(axis=None)
>>> layer.adapt([1.0, 2.0, 3.0])
>>> layer.mean.numpy()
array([2.], dtype=float32)
"""
import numpy as np

import tapeflow as tf

from ....framework.tensor import Tensor
from ...keras_tensor import KerasTensor, Node
from ..layer import Layer

__all__ = ["PreprocessingLayer", "to_numpy", "check_output_mode"]


def to_numpy(x):
    """Tensor / list / array / RaggedTensor -> NumPy (strings: object arrays of bytes)."""
    if isinstance(x, Tensor) or hasattr(x, "_as_tensor"):
        x = np.asarray(tf.convert_to_tensor(x)._value)
    if type(x).__name__ == "RaggedTensor":
        return x
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "SU" or x.dtype == object and x.size and not isinstance(
                x.flat[0], bytes):  # str -> UTF-8 bytes, as TF stores strings
            return np.asarray(tf.constant(x)._value)
        return x
    return np.asarray(tf.convert_to_tensor(x)._value)


def check_output_mode(layer_name, output_mode, allowed):
    if output_mode not in allowed:
        raise ValueError(f"Unknown `output_mode` for layer {layer_name}: expected one of "
                         f"{list(allowed)}. Received: output_mode={output_mode!r}")


class PreprocessingLayer(Layer):
    """Base of the preprocessing layers: `adapt`, `is_adapted`, string-aware symbolic calls."""

    _default_adapt_batch = None  # batch size `adapt` splits arrays into (None: one batch)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._is_adapted = False

    @property
    def is_adapted(self):
        """Whether `adapt` has run (or the state was given at construction)."""
        return self._is_adapted

    def reset_state(self):
        """Clears the statistics gathered by `update_state`."""

    def update_state(self, data):
        """Accumulates statistics from one batch (a NumPy array)."""
        raise NotImplementedError(f"Layer {self.name} cannot be adapted.")

    def finalize_state(self):
        """Turns the accumulated statistics into the layer's state."""

    def adapt(self, data, batch_size=None, steps=None):
        """Computes the layer's state from `data` (array, list, Tensor or Dataset)."""
        self.reset_state()
        seen = 0
        for batch in self._adapt_batches(data, batch_size, steps):
            if np.size(batch) == 0 if not hasattr(batch, "to_list") else len(batch) == 0:
                continue
            self.update_state(batch)
            seen += 1
        if not seen:
            raise ValueError(f"Layer {self.name} was passed an empty dataset to `adapt()`: "
                             "no batch holds any value. Received: "
                             f"{type(data).__name__} with no elements.")
        self.finalize_state()
        self._is_adapted = True

    def _adapt_batches(self, data, batch_size, steps):
        if isinstance(data, tf.data.Dataset):
            for i, element in enumerate(data):
                if steps is not None and i >= steps:
                    break
                if isinstance(element, (tuple, list)):
                    element = element[0]  # (x, y) datasets: adapt on x
                yield to_numpy(element)
            return
        arr = to_numpy(data)
        batch_size = batch_size or self._default_adapt_batch
        if batch_size is None or hasattr(arr, "to_list") or arr.ndim == 0:
            yield arr
            return
        n = int(steps * batch_size) if steps is not None else arr.shape[0]
        for start in range(0, min(n, arr.shape[0]), batch_size):
            yield arr[start:start + batch_size]

    # -- string-aware functional API -------------------------------------------------
    def _output_signature(self, input_kt):
        """(shape, dtype) of the output for a KerasTensor input, or None to trace `call`."""
        return None

    def _symbolic_call(self, inputs, rest, kwargs, training, params):
        sig = self._output_signature(inputs) if isinstance(inputs, KerasTensor) else None
        if sig is None:
            return super()._symbolic_call(inputs, rest, kwargs, training, params)
        self._maybe_build(inputs)
        out = KerasTensor(*sig)
        Node(self, (inputs,) + tuple(rest), {}, out)
        return out

    def _convert_inputs(self, inputs):
        if isinstance(inputs, Tensor) or type(inputs).__name__ == "RaggedTensor":
            return inputs
        if isinstance(inputs, np.ndarray) and inputs.dtype.kind in "OSU":
            return tf.constant(inputs)
        if isinstance(inputs, (list, tuple, str, bytes, np.ndarray, np.generic, int, float)):
            return tf.convert_to_tensor(inputs)
        return super()._convert_inputs(inputs)
