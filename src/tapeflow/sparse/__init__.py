"""`tf.sparse`: SparseTensor and the ops over it.

>>> import tapeflow as tf
>>> tf.sparse.to_dense(tf.sparse.from_dense([[0, 2]])).numpy().tolist()
[[0, 2]]
"""
from .conversion import from_dense, to_dense, to_indicator  # noqa: F401
from .sparse_spec import SparseTensorSpec  # noqa: F401
from .sparse_tensor import SparseTensor  # noqa: F401
from .sparse_ops import (add, concat, expand_dims, fill_empty_rows, map_values,  # noqa: F401
                         maximum, minimum, reduce_max, reduce_min, reduce_sum, reorder,
                         reset_shape, reshape, retain, slice, softmax, sparse_dense_matmul,
                         transpose)
from .cross import cross, cross_hashed  # noqa: F401
from .construction import bincount, eye, split  # noqa: F401
from .indexed_slices import mask  # noqa: F401
from .segment_ops import segment_mean, segment_sqrt_n, segment_sum  # noqa: F401
