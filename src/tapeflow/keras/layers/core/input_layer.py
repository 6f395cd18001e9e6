"""InputLayer and `keras.Input`: the entry points of functional models.

>>> from tapeflow import keras
>>> x = keras.Input(shape=(3,), name="features")
>>> x.shape
TensorShape([None, 3])
"""
import tapeflow as tf

from ... import backend
from ...keras_tensor import KerasTensor, Node
from ..layer import Layer

__all__ = ["InputLayer", "Input"]


class InputLayer(Layer):
    """The layer behind `keras.Input`: holds one symbolic tensor, has no weights."""

    def __init__(self, input_shape=None, batch_size=None, dtype=None, input_tensor=None,
                 sparse=None, name=None, ragged=None, type_spec=None, batch_input_shape=None,
                 **kwargs):
        if name is None:
            name = f"input_{backend.get_uid('input')}"
        if batch_input_shape is None:
            if input_shape is None and input_tensor is None:
                raise ValueError("You should provide either `input_shape` or `input_tensor`"
                                 " (or `batch_input_shape`) to InputLayer.")
            if input_tensor is not None:
                batch_input_shape = tuple(input_tensor.shape.as_list())
            else:
                if isinstance(input_shape, int):
                    input_shape = (input_shape,)
                batch_input_shape = (batch_size,) + tuple(input_shape)
        dtype = tf.as_dtype(dtype or (input_tensor.dtype if input_tensor is not None
                                      else backend.floatx())).name
        super().__init__(name=name, dtype=dtype)
        self._batch_input_shape = tuple(None if d is None else int(d) for d in batch_input_shape)
        self.sparse, self.ragged = bool(sparse), bool(ragged)
        self.built = True
        out = KerasTensor(self._batch_input_shape, dtype, name=name)
        out._ragged = self.ragged
        Node(self, (), {}, out, is_input=True)
        self._output_tensor = out

    @property
    def output_shape(self):
        return [tuple(self._batch_input_shape)]

    def call(self, inputs):
        return inputs

    def get_config(self):
        return {"batch_input_shape": self._batch_input_shape, "dtype": self._dtype,
                "sparse": self.sparse, "ragged": self.ragged, "name": self.name}


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=None, tensor=None,  # noqa: N802
          ragged=None, type_spec=None, batch_shape=None, **kwargs):
    """A symbolic input of a functional model; `shape` excludes the batch dimension.

    >>> from tapeflow import keras
    >>> keras.Input(shape=(28, 28), batch_size=4).shape
    TensorShape([4, 28, 28])
    """
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {list(kwargs)}")
    if shape is None and batch_shape is None and tensor is None:
        raise ValueError("Please provide to Input a `shape` or a `tensor` or a `type_spec` "
                         "argument. Note that `shape` does not include the batch dimension.")
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       sparse=sparse, input_tensor=tensor, ragged=ragged,
                       batch_input_shape=batch_shape)
    return layer._output_tensor
