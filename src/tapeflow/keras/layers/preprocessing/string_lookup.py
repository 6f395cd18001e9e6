"""StringLookup: strings -> integer ids (or one-hot/multi-hot/count/tf-idf), and back.

>>> from tapeflow import keras
>>> layer = keras.layers.StringLookup(vocabulary=["a", "b", "c", "d"])
>>> layer([["a", "c", "d"], ["d", "z", "b"]]).numpy()
array([[1, 3, 4],
       [4, 0, 2]])
"""
from .index_lookup import IndexLookup

__all__ = ["StringLookup"]


class StringLookup(IndexLookup):
    """Vocabulary given or adapted; index 0.. are the mask and OOV tokens (see IndexLookup)."""

    _strings = True

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, encoding="utf-8", invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False, **kwargs):
        kwargs.pop("vocabulary_size", None)  # written by TF's get_config
        self.encoding = encoding
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary,
                         idf_weights, invert, output_mode, sparse, pad_to_max_tokens, **kwargs)

    def _token(self, value):
        return value.encode(self.encoding) if isinstance(value, str) else value

    def _export(self, key):
        return key.decode(self.encoding, "replace") if isinstance(key, bytes) else key

    def get_config(self):
        return {**super().get_config(), "encoding": self.encoding}
