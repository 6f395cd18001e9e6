"""keras.preprocessing.sequence: pad_sequences, the same function as `keras.utils.pad_sequences`.

>>> pad_sequences([[1, 2, 3], [4, 5], [6]])
array([[1, 2, 3],
       [0, 4, 5],
       [0, 0, 6]], dtype=int32)
"""
from ..utils.data_utils import pad_sequences

__all__ = ["pad_sequences"]
