"""Hashing: strings or integers -> bucket ids with TF's hash values (FarmHash / SipHash).

Integers are hashed through their decimal text, as TF does (inside `tf.function`
through a host callback). With `mask_value`, that value maps to 0 and the others to
`1 + hash % (num_bins - 1)`.

>>> from tapeflow import keras
>>> keras.layers.Hashing(num_bins=3)([["A"], ["B"], ["C"], ["D"], ["E"]]).numpy().ravel()
array([1, 0, 1, 1, 2])
"""
import numpy as np

import tapeflow as tf

from ....strings import hashing
from .category_encoding import encode_categorical
from .preprocessing_layer import PreprocessingLayer, check_output_mode, to_numpy

__all__ = ["Hashing"]

_MODES = ("int", "one_hot", "multi_hot", "count")


def _as_text(a):
    """Integer/str array -> list of bytes (integers as their decimal text)."""
    flat = a.reshape(-1)
    if a.dtype == object:
        return flat.tolist()
    return np.char.encode(flat.astype(str), "ascii").tolist()


class Hashing(PreprocessingLayer):
    """`num_bins` buckets; `salt` (int or two ints) switches to keyed SipHash."""

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):
        dtype = kwargs.pop("dtype", None)
        super().__init__(dtype=dtype or ("int64" if output_mode == "int" else "float32"),
                         **kwargs)
        if num_bins is None or int(num_bins) <= 0:
            raise ValueError(f"Layer {self.name}: the `num_bins` for `Hashing` cannot be "
                             f"`None` or non-positive values. Received: num_bins={num_bins}")
        check_output_mode(self.name, output_mode, _MODES)
        if sparse and output_mode == "int":
            raise ValueError(f"Layer {self.name}: `sparse` may only be true if `output_mode` "
                             f"is 'one_hot', 'multi_hot', or 'count'. Received: sparse={sparse}"
                             f" and output_mode={output_mode!r}")
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2 and all(
                    isinstance(s, int) for s in salt):
                salt = list(salt)
            elif isinstance(salt, int):
                salt = [salt, salt]
            else:
                raise ValueError(f"Layer {self.name}: the `salt` argument for `Hashing` can "
                                 "only be a tuple of size 2 integers, or a single integer. "
                                 f"Received: salt={salt}")
        self.num_bins, self.mask_value, self.salt = int(num_bins), mask_value, salt
        self.output_mode, self.sparse = output_mode, sparse

    def _output_signature(self, input_kt):
        shape = input_kt.shape.as_list()
        if self.output_mode == "int":
            return shape, self._dtype
        if self.output_mode == "one_hot" and shape and shape[-1] != 1:
            return shape + [self.num_bins], self._dtype
        return (shape[:-1] if shape else []) + [self.num_bins], self._dtype

    def _hash(self, a):
        text = _as_text(a)
        h = hashing.siphash64(text, self.salt) if self.salt is not None else \
            hashing.fingerprint64(text)
        return h.reshape(a.shape)

    def _bucket(self, a):
        if a.dtype.kind == "f" or a.dtype == bool:
            raise ValueError(f"Layer {self.name} accepts string or integer inputs. Received: "
                             f"inputs with dtype={a.dtype}")
        h = self._hash(a)
        if self.mask_value is None:
            return (h % np.uint64(self.num_bins)).astype(np.int64)
        mask = a == (self.mask_value.encode() if a.dtype == object and
                     isinstance(self.mask_value, str) else self.mask_value)
        ids = (h % np.uint64(self.num_bins - 1)).astype(np.int64) + 1
        return np.where(mask, 0, ids)

    def call(self, inputs):
        if type(inputs).__name__ == "RaggedTensor":
            return inputs.with_flat_values(self.call(inputs.flat_values))
        if getattr(inputs, "dtype", None) is not None and inputs.dtype.is_integer:
            # a host callback inside tf.function (hashing runs on decimal text in NumPy)
            ids = tf.numpy_function(self._bucket, [inputs], tf.int64)
        else:
            ids = tf.constant(self._bucket(to_numpy(inputs)))
        return encode_categorical(ids, self.output_mode, self.num_bins, self._dtype,
                                  self.sparse, layer_name=self.name)

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins,
                "mask_value": self.mask_value, "salt": self.salt,
                "output_mode": self.output_mode, "sparse": self.sparse}
