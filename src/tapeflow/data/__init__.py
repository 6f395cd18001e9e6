"""`tf.data`: input pipelines (`tapeflow.data.Dataset`). See README.md in this folder.

>>> import tapeflow as tf
>>> ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [4, 5, 6])).batch(2)
>>> [(x.numpy().tolist(), y.numpy().tolist()) for x, y in ds]
[([1, 2], [4, 5]), ([3], [6])]
"""
from . import experimental
from .batching import _DatasetSpec as DatasetSpec
from .dataset import Dataset, Iterator
from .options import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Options, ThreadingOptions
from .readers import FixedLengthRecordDataset, TextLineDataset
from .tfrecord import TFRecordDataset
from .structure import TensorSpec

__all__ = ["Dataset", "Iterator", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY",
           "Options", "ThreadingOptions", "TextLineDataset", "TFRecordDataset", "TensorSpec",
           "experimental", "FixedLengthRecordDataset",
           "DatasetSpec"]


def __dir__():
    # TF's names only: the implementation modules (batching, sources, ...) are not API.
    return list(__all__)
