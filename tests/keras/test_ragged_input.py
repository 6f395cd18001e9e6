"""keras.Input(ragged=True): a functional model over RaggedTensors (Embedding + reduction)."""
import numpy as np

import tapeflow as tf
from tapeflow import keras


class RowMean(keras.layers.Layer):
    def call(self, x):
        return tf.reduce_mean(x, axis=1)


def test_functional_model_on_ragged_input_matches_numpy():
    inp = keras.Input(shape=(None,), dtype=tf.int64, ragged=True)
    assert inp.ragged and inp.shape.as_list() == [None, None]
    emb = keras.layers.Embedding(10, 4)(inp)
    assert emb.ragged and emb.shape.as_list() == [None, None, 4]
    out = keras.layers.Dense(1)(RowMean()(emb))
    assert not out.ragged and out.shape.as_list() == [None, 1]
    model = keras.Model(inp, out)
    rows = [[1, 2, 3], [4], [5, 6]]
    got = model(tf.ragged.constant(rows, dtype=tf.int64)).numpy()
    table = model.layers[1].embeddings.numpy()
    dense = model.layers[3]
    want = np.stack([table[r].mean(0) for r in rows]) @ dense.kernel.numpy() + dense.bias.numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
