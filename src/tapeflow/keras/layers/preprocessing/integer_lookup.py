"""IntegerLookup: integer tokens -> contiguous ids (or one-hot/multi-hot/count/tf-idf).

>>> from tapeflow import keras
>>> layer = keras.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
>>> layer([[12, 1138, 42], [42, 1000, 36]]).numpy()
array([[1, 3, 4],
       [4, 0, 2]])
"""
import tapeflow as tf

from .index_lookup import IndexLookup

__all__ = ["IntegerLookup"]


class IntegerLookup(IndexLookup):
    """Lookups run on tapeflow ops (`searchsorted`), so they also compile in tf.function."""

    _strings = False

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False, **kwargs):
        kwargs.pop("vocabulary_size", None)
        if tf.as_dtype(vocabulary_dtype) not in (tf.int32, tf.int64):
            raise ValueError(f"IntegerLookup: `vocabulary_dtype` must be 'int64' or 'int32'. "
                             f"Received: vocabulary_dtype={vocabulary_dtype}")
        self.vocabulary_dtype = tf.as_dtype(vocabulary_dtype).name
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary,
                         idf_weights, invert, output_mode, sparse, pad_to_max_tokens, **kwargs)

    def _token(self, value):
        if isinstance(value, (bytes, str)) or isinstance(value, float) and value != int(value):
            raise ValueError(f"Layer {self.name}: IntegerLookup vocabularies hold integers. "
                             f"Received: {value!r}")
        return int(value)

    def _export(self, key):
        return int(key)

    def get_config(self):
        return {**super().get_config(), "vocabulary_dtype": self.vocabulary_dtype}
