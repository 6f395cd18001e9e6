"""`tf.data.experimental`: cardinality, sampling, bucketing and constants.

>>> from tapeflow.data.dataset import Dataset
>>> int(cardinality(Dataset.range(4).repeat()))
-1
"""
from . import options
from .dataset import Dataset
from .csv import CsvDataset, make_csv_dataset
from .options import AUTOTUNE, INFINITE_CARDINALITY, SHARD_HINT, UNKNOWN_CARDINALITY, \
    AutoShardPolicy
from .transforms import _Identity

__all__ = ["cardinality", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY",
           "sample_from_datasets", "choose_from_datasets", "bucket_by_sequence_length",
           "AutoShardPolicy", "assert_cardinality", "enable_debug_mode", "dense_to_ragged_batch",
           "CsvDataset", "make_csv_dataset", "group_by_window", "save", "load",
           "dense_to_sparse_batch", "rejection_resample", "ignore_errors",
           "SHARD_HINT"]

def enable_debug_mode():
    """Runs `Dataset.map` functions one element at a time, in order, on the calling
    thread (`tf.data.experimental.enable_debug_mode`), so breakpoints and prints in
    them hit deterministically; num_parallel_calls is ignored. tapeflow's map
    functions always run eagerly (Python over host values), never traced.

    >>> enable_debug_mode()
    """
    options.DEBUG_MODE[0] = True


def cardinality(dataset):
    """`dataset.cardinality()`: an int64 scalar tensor (-1 infinite, -2 unknown)."""
    return dataset.cardinality()


sample_from_datasets = Dataset.sample_from_datasets
choose_from_datasets = Dataset.choose_from_datasets


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """Transformation for `dataset.apply(...)`: see `Dataset.bucket_by_sequence_length`."""
    def apply(ds):
        return ds.bucket_by_sequence_length(
            element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
            padding_values, pad_to_bucket_boundary, no_padding, drop_remainder)
    return apply


def assert_cardinality(expected_cardinality):
    """Transformation that declares the dataset's cardinality."""
    def apply(ds):

        class _Asserted(_Identity):
            def _card(self):
                return int(expected_cardinality)
        return Dataset(_Asserted(ds._pipeline()))
    return apply


def ignore_errors(log_warning=False):
    """`Dataset.ignore_errors` for `Dataset.apply` (TF's deprecated alias)."""
    def apply(ds):
        return ds.ignore_errors(log_warning)
    return apply


def dense_to_ragged_batch(batch_size, drop_remainder=False, row_splits_dtype="int64"):
    """`tf.data.experimental.dense_to_ragged_batch`: a transformation for `Dataset.apply`.

    >>> import tapeflow as tf
    >>> ds = tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1], [2, 3]]))
    >>> [b.to_list() for b in ds.apply(tf.data.experimental.dense_to_ragged_batch(2))]
    [[[1], [2, 3]]]
    """
    def apply(ds):
        return ds.ragged_batch(batch_size, drop_remainder, row_splits_dtype)
    return apply


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """Transformation for `dataset.apply(...)`: see `Dataset.group_by_window`."""
    def apply(ds):
        return ds.group_by_window(key_func, reduce_func, window_size, window_size_func)
    return apply


def save(dataset, path, compression=None, shard_func=None, checkpoint_args=None):
    """`tf.data.experimental.save`: see `Dataset.save`."""
    dataset.save(path, compression, shard_func, checkpoint_args)


def load(path, element_spec=None, compression=None, reader_func=None):
    """`tf.data.experimental.load`: see `Dataset.load`."""
    return Dataset.load(path, element_spec, compression, reader_func)


def dense_to_sparse_batch(batch_size, row_shape):
    """Transformation for `dataset.apply(...)`: see `Dataset.sparse_batch`."""
    return lambda ds: ds.sparse_batch(batch_size, row_shape)


def rejection_resample(class_func, target_dist, initial_dist=None, seed=None):
    """Transformation for `dataset.apply(...)`: see `Dataset.rejection_resample`."""
    return lambda ds: ds.rejection_resample(class_func, target_dist, initial_dist, seed)
