"""pad_sequences: every argument, against values written out by hand from its definition."""
import numpy as np
import pytest

from tapeflow import keras
from tapeflow.keras.preprocessing.sequence import pad_sequences

SEQS = [[1, 2, 3, 4], [5, 6], [], [7]]


def test_defaults_pad_and_truncate_in_front():
    np.testing.assert_array_equal(pad_sequences(SEQS), [[1, 2, 3, 4], [0, 0, 5, 6],
                                                        [0, 0, 0, 0], [0, 0, 0, 7]])
    assert pad_sequences(SEQS).dtype == np.int32
    np.testing.assert_array_equal(pad_sequences(SEQS, maxlen=2), [[3, 4], [5, 6], [0, 0],
                                                                  [0, 7]])


def test_post_padding_truncating_value_dtype():
    out = pad_sequences(SEQS, maxlen=3, padding="post", truncating="post", value=-1,
                        dtype="float32")
    np.testing.assert_array_equal(out, [[1, 2, 3], [5, 6, -1], [-1, -1, -1], [7, -1, -1]])
    assert out.dtype == np.float32
    out = pad_sequences(SEQS, maxlen=3, padding="pre", truncating="post")
    np.testing.assert_array_equal(out[0], [1, 2, 3])


def test_array_samples_and_strings():
    seqs = [np.ones((2, 3)), np.zeros((1, 3))]
    out = pad_sequences(seqs, dtype="float32")
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out[1, 0], 0)
    words = pad_sequences([["a", "b"], ["c"]], dtype=object, value="<pad>")
    assert words.tolist() == [["a", "b"], ["<pad>", "c"]]


def test_errors():
    with pytest.raises(ValueError, match="Padding type"):
        pad_sequences(SEQS, padding="middle")
    with pytest.raises(ValueError, match="Truncating type"):
        pad_sequences(SEQS, truncating="middle")
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="x")
    with pytest.raises(ValueError, match="non-iterable"):
        pad_sequences([1, 2])
    with pytest.raises(ValueError, match="expected shape"):
        pad_sequences([np.ones((2, 3)), np.ones((2, 4))])


def test_exposed_where_tf_keras_has_it():
    assert keras.utils.pad_sequences is pad_sequences
    assert keras.preprocessing.sequence.pad_sequences is pad_sequences
