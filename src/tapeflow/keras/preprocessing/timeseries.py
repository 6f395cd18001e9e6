"""`keras.preprocessing.timeseries_dataset_from_array` (also in keras.utils).

>>> import numpy as np
>>> ds = timeseries_dataset_from_array(np.arange(5), None, sequence_length=2, batch_size=4)
>>> next(iter(ds)).numpy().tolist()
[[0, 1], [1, 2], [2, 3], [3, 4]]
"""
from ..utils.dataset_utils import timeseries_dataset_from_array

__all__ = ["timeseries_dataset_from_array"]
