"""batch, padded_batch, unbatch, rebatch, window, bucket_by_sequence_length."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.data import Dataset, TensorSpec


def vals(ds):
    return [np.asarray(v).tolist() for v in ds.as_numpy_iterator()]


def test_batch_and_drop_remainder():
    ds = Dataset.range(8)
    assert vals(ds.batch(3)) == [[0, 1, 2], [3, 4, 5], [6, 7]]
    assert vals(ds.batch(3, drop_remainder=True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(ds.batch(3)) == 3 and len(ds.batch(3, drop_remainder=True)) == 2
    assert ds.batch(3).element_spec == TensorSpec([None], tf.int64)
    assert ds.batch(3, drop_remainder=True).element_spec == TensorSpec([3], tf.int64)
    assert vals(Dataset.range(2).batch(5, drop_remainder=True)) == []
    with pytest.raises(tf.errors.InvalidArgumentError):
        ds.batch(0)


def test_batch_generic_path_matches_fast_path():
    x = np.arange(30, dtype=np.float32).reshape(10, 3)
    fast = [b.numpy() for b in Dataset.from_tensor_slices(x).batch(4)]
    slow = [b.numpy() for b in Dataset.from_tensor_slices(x).map(lambda v: v).batch(4)]
    assert len(fast) == len(slow) == 3
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a, b)


def test_batch_across_repeat_and_skip_chunks():
    ds = Dataset.range(5).repeat(3).skip(1).batch(4)
    assert vals(ds) == [[1, 2, 3, 4], [0, 1, 2, 3], [4, 0, 1, 2], [3, 4]]


def test_batch_ragged_elements_error():
    ds = Dataset.from_generator(lambda: iter([[1], [1, 2]]),
                                output_signature=TensorSpec([None], tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="different shapes"):
        list(ds.batch(2))


def test_padded_batch_doc_example():
    ds = Dataset.range(1, 5).map(lambda x: tf.fill([x], x) if hasattr(tf, "fill")
                                 else np.full([int(x)], int(x)))
    got = vals(ds.padded_batch(2))
    assert got == [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]]]
    got = vals(ds.padded_batch(2, padded_shapes=5))
    assert got[0] == [[1, 0, 0, 0, 0], [2, 2, 0, 0, 0]]
    got = vals(ds.padded_batch(2, padded_shapes=(None,), padding_values=np.int64(-1)))
    assert got[0] == [[1, -1], [2, 2]]
    with pytest.raises(tf.errors.InvalidArgumentError):
        list(ds.padded_batch(2, padded_shapes=3))


def test_unbatch_rebatch():
    ds = Dataset.from_tensor_slices(([[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [1, 2, 3]])).unbatch()
    assert [(int(a), int(b)) for a, b in ds][:3] == [(1, 7), (2, 8), (3, 9)]
    assert vals(Dataset.range(7).batch(3).rebatch(2)) == [[0, 1], [2, 3], [4, 5], [6]]
    assert vals(Dataset.range(7).batch(3).rebatch(2, drop_remainder=True)) == \
        [[0, 1], [2, 3], [4, 5]]


def test_window_doc_examples():
    ds = Dataset.range(7).window(3)
    assert [vals(w) for w in ds] == [[0, 1, 2], [3, 4, 5], [6]]
    ds = Dataset.range(7).window(3, shift=2, drop_remainder=True)
    assert [vals(w) for w in ds] == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    ds = Dataset.range(7).window(3, shift=1, stride=2, drop_remainder=True)
    assert [vals(w) for w in ds] == [[0, 2, 4], [1, 3, 5], [2, 4, 6]]
    assert len(Dataset.range(7).window(3, shift=2, drop_remainder=True)) == 3
    batched = Dataset.range(6).window(2).flat_map(lambda w: w.batch(2))
    assert vals(batched) == [[0, 1], [2, 3], [4, 5]]
    pairs = Dataset.zip((Dataset.range(4), Dataset.range(4, 8))).window(2)
    a, b = next(iter(pairs))
    assert vals(a) == [0, 1] and vals(b) == [4, 5]


def test_bucket_by_sequence_length():
    lengths = [1, 5, 2, 6, 3, 7]

    def gen():
        for n in lengths:
            yield np.ones(n, np.int32) * n
    ds = Dataset.from_generator(gen, output_signature=TensorSpec([None], tf.int32))
    out = ds.bucket_by_sequence_length(lambda x: tf.shape(x)[0] if hasattr(tf, "shape")
                                       else np.int32(len(x)),
                                       bucket_boundaries=[4], bucket_batch_sizes=[2, 2])
    got = vals(out)
    assert got[0] == [[1, 0], [2, 2]]
    assert got[1] == [[5, 5, 5, 5, 5, 0], [6, 6, 6, 6, 6, 6]]
    assert got[2] == [[3, 3, 3]] and got[3] == [[7] * 7]
    via_apply = ds.apply(tf.data.experimental.bucket_by_sequence_length(
        lambda x: np.int32(x.shape[0]), [4], [2, 2], drop_remainder=True))
    assert len(vals(via_apply)) == 2
