"""`tf.data`: input pipelines (`tapeflow.data.Dataset`). See README.md in this folder.

>>> import tapeflow as tf
>>> ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [4, 5, 6])).batch(2)
>>> [(x.numpy().tolist(), y.numpy().tolist()) for x, y in ds]
[([1, 2], [4, 5]), ([3], [6])]
"""
from . import batching, prefetch, sampling, shuffle, sources, streams, transforms  # noqa: F401
from . import experimental  # noqa: E402
from .dataset import Dataset, Iterator  # noqa: E402
from .options import (AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY,  # noqa: E402
                      Options, ThreadingOptions)
from . import ragged_batching as _ragged_batching  # noqa: E402,F401 - Dataset.ragged_batch
from .readers import TextLineDataset  # noqa: E402
from .structure import TensorSpec  # noqa: E402

DatasetSpec = batching._DatasetSpec

__all__ = ["Dataset", "Iterator", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY",
           "Options", "ThreadingOptions", "TextLineDataset", "TensorSpec", "experimental",
           "DatasetSpec"]
