"""tf.debugging assertions and small core ops vs NumPy references."""
import numpy as np
import pytest

import tapeflow as tf


def test_assertions_pass_and_fail():
    tf.debugging.assert_less(tf.constant([1, 2]), 3)
    tf.assert_equal(tf.constant([1, 2]), [1, 2])
    with pytest.raises(tf.errors.InvalidArgumentError,  # TF's eager text
                       match=r"^Condition x == y did not hold\.\n(.|\n)*First 2 elements of "
                       r"y:\n\[1 3\]$"):
        tf.debugging.assert_equal(tf.constant([1, 2]), [1, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="rank 2"):
        tf.debugging.assert_rank(tf.zeros([3]), 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="^bad : Tensor had NaN values"):
        tf.debugging.check_numerics(tf.constant([1.0, np.nan]), "bad")
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.Assert(False, ["never"])


def test_partition_stitch_unravel_histogram_norm():
    data = np.arange(10, 60, 10)
    parts = [1, 0, 1, 2, 0]
    got = tf.dynamic_partition(data, parts, 3)
    for k, g in enumerate(got):
        assert g.numpy().tolist() == data[np.array(parts) == k].tolist()
    stitched = tf.dynamic_stitch([[0, 2], [1, 2]], [[1.0, 3.0], [2.0, 4.0]])
    assert stitched.numpy().tolist() == [1.0, 2.0, 4.0]  # the later write to 2 wins
    assert tf.unravel_index([5, 7], [3, 3]).numpy().tolist() == np.stack(
        np.unravel_index([5, 7], (3, 3))).tolist()
    vals = np.array([-1.0, 0.0, 1.5, 2.0, 5.0, 15])
    ref = np.histogram(np.clip(vals, 0, 4.999), bins=5, range=(0, 5))[0]
    assert tf.histogram_fixed_width(vals, [0.0, 5.0], 5).numpy().tolist() == ref.tolist()
    assert tf.norm([3.0, 4.0]).numpy() == pytest.approx(5.0)
    with tf.name_scope("outer"):
        with tf.name_scope("inner"):
            assert tf.get_current_name_scope() == "outer/inner"
