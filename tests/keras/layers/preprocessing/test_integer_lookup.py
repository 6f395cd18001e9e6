"""IntegerLookup: TF's documented examples, compiled lookups, inversion, adapt and errors."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

VOCAB = [12, 36, 1138, 42]
DATA = [[12, 1138, 42], [42, 1000, 36]]


def test_documented_examples():
    layer = keras.layers.IntegerLookup(vocabulary=VOCAB)
    np.testing.assert_array_equal(layer(DATA).numpy(), [[1, 3, 4], [4, 0, 2]])
    assert layer.get_vocabulary() == [-1] + VOCAB
    masked = keras.layers.IntegerLookup(vocabulary=VOCAB, mask_token=0)
    np.testing.assert_array_equal(masked([[12, 0, 42], [42, 1000, 36]]).numpy(),
                                  [[2, 0, 5], [5, 1, 3]])
    two_oov = keras.layers.IntegerLookup(vocabulary=VOCAB, num_oov_indices=2)
    # OOV integers go to bucket value % num_oov_indices: 1000 % 2 = 0
    np.testing.assert_array_equal(two_oov(DATA).numpy(), [[2, 4, 5], [5, 0, 3]])
    inv = keras.layers.IntegerLookup(vocabulary=VOCAB, invert=True)
    np.testing.assert_array_equal(inv([[1, 3, 4], [4, 0, 2]]).numpy(),
                                  [[12, 1138, 42], [42, -1, 36]])
    multi = keras.layers.IntegerLookup(vocabulary=VOCAB, output_mode="multi_hot")
    np.testing.assert_array_equal(multi([[12, 1138, 42, 42], [42, 7, 36, 7]]).numpy(),
                                  [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]])


def test_adapt_compiled_and_model():
    layer = keras.layers.IntegerLookup()
    layer.adapt(np.array([[12, 1138, 42], [42, 1000, 36], [36, 42, 5]]))
    # counts 42:3, 36:2 then 1138, 1000, 12, 5 (ties: larger value first)
    assert layer.get_vocabulary() == [-1, 42, 36, 1138, 1000, 12, 5]
    fn = tf.function(lambda x: layer(x))
    np.testing.assert_array_equal(fn(tf.constant([[42, 5, 77]])).numpy(), [[1, 6, 0]])
    inp = keras.Input((3,), dtype="int64")
    model = keras.Model(inp, layer(inp))
    np.testing.assert_array_equal(model.predict(np.array([[36, 12, 0]]), verbose=0),
                                  [[2, 5, 0]])


def test_count_tf_idf_sparse_and_vocabulary_file(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text("7\n3\n")
    layer = keras.layers.IntegerLookup(vocabulary=str(path), output_mode="count")
    assert layer.get_vocabulary() == [-1, 7, 3]
    np.testing.assert_array_equal(layer([[3, 3, 9, 7]]).numpy(), [[1, 1, 2]])
    tfidf = keras.layers.IntegerLookup(output_mode="tf_idf")
    tfidf.adapt(np.array([[1, 2], [1, 1], [3, 1]]))
    idf = {t: np.log(1 + 3 / (1 + df)) for t, df in {1: 3, 3: 1, 2: 1}.items()}
    assert tfidf.get_vocabulary() == [-1, 1, 3, 2]
    np.testing.assert_allclose(tfidf([[1, 1, 5]]).numpy(),
                               [[np.mean(list(idf.values())), 2 * idf[1], 0, 0]], rtol=1e-6)
    sparse = keras.layers.IntegerLookup(vocabulary=[7, 3], output_mode="multi_hot", sparse=True)
    assert isinstance(sparse([[7, 7]]), tf.SparseTensor)
    np.testing.assert_array_equal(tf.sparse.to_dense(sparse([[7, 7]])).numpy(), [[0, 1, 0]])


def test_errors():
    with pytest.raises(ValueError, match="repeated term.*12"):
        keras.layers.IntegerLookup(vocabulary=[12, 36, 12])
    with pytest.raises(ValueError, match="integer"):
        keras.layers.IntegerLookup(vocabulary=VOCAB)(np.array([1.5]))
    with pytest.raises(ValueError, match="output_mode"):
        keras.layers.IntegerLookup(output_mode="ints")
