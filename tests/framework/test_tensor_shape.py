"""TensorShape: known and unknown dims, rank, comparisons."""
import pytest

import tapeflow as tf


def test_known_shape():
    s = tf.TensorShape([2, 3])
    assert s.as_list() == [2, 3] and s.rank == 2 and len(s) == 2 and list(s) == [2, 3]
    assert s == (2, 3) and s == [2, 3] and s == tf.TensorShape((2, 3)) and s != (2, 4)
    assert s[0] == 2 and s[-1] == 3 and s[1:] == tf.TensorShape([3])
    assert s.is_fully_defined() and s.num_elements() == 6
    assert str(s) == "(2, 3)" and repr(s) == "TensorShape([2, 3])"
    assert str(tf.TensorShape([4])) == "(4,)" and str(tf.TensorShape([])) == "()"


def test_unknown_dims_and_rank():
    s = tf.TensorShape([None, 3])
    assert s.as_list() == [None, 3] and s[0] is None and not s.is_fully_defined()
    assert s.num_elements() is None and str(s) == "(None, 3)"
    assert s.is_compatible_with([5, 3]) and not s.is_compatible_with([5, 4])
    assert s.merge_with([5, None]) == (5, 3)
    u = tf.TensorShape(None)
    assert u.rank is None and u.is_compatible_with([1, 2, 3])
    with pytest.raises(ValueError):
        u.as_list()
    assert s.concatenate([7]) == (None, 3, 7) and (s + [1]).rank == 3


def test_errors():
    with pytest.raises(ValueError):
        tf.TensorShape([2, 3]).assert_is_compatible_with([2])
    with pytest.raises(ValueError):
        tf.TensorShape([2]).with_rank(2)
    with pytest.raises(TypeError):
        tf.TensorShape(["a"])
