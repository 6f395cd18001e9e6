"""RaggedTensor inputs to Activation, LayerNormalization and the attention layers, as
tf.keras 2.15 takes them, checked against the same layer on the padded dense tensor
(with the row mask where tf.keras masks), eagerly and inside a compiled step whose
row partition is traced (ragged/bucketing.py, as Keras fit passes ragged batches)."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.ragged import bucketing

LENGTHS = [3, 1, 4]


def _ragged(rng, lengths=LENGTHS, dim=2):
    values = rng.normal(size=(sum(lengths), dim)).astype(np.float32)
    return tf.RaggedTensor.from_row_lengths(values, np.asarray(lengths, np.int64))


def _rows(dense, lengths):
    return [np.asarray(dense)[i, :n] for i, n in enumerate(lengths)]


def _assert_rows(rt, expected_rows):
    got = rt.to_list()
    assert [len(r) for r in got] == [len(r) for r in expected_rows]
    for g, e in zip(got, expected_rows):
        np.testing.assert_allclose(np.asarray(g).reshape(e.shape), e, rtol=1e-5, atol=1e-6)


def _compiled(fn, *rts):
    """`fn` on the RaggedTensors inside tf.function with traced (bucketed) partitions."""
    step = tf.function(lambda *encs: fn(*[e.to_ragged() for e in encs]))
    return bucketing.trim(step(*[bucketing.encode(r) for r in rts]))


@pytest.mark.parametrize("name", ["relu", "tanh", "softmax"])
def test_activation_on_ragged_values(rng, name):
    rt = _ragged(rng)
    layer = keras.layers.Activation(name)
    want = _rows(keras.activations.get(name)(rt.to_tensor()), LENGTHS)
    _assert_rows(layer(rt), want)
    _assert_rows(_compiled(layer, rt), want)


def test_activation_softmax_over_ragged_rows(rng):
    rt = tf.RaggedTensor.from_row_lengths(rng.normal(size=8).astype(np.float32), [3, 1, 4])
    rows = [np.asarray(r) for r in rt.to_list()]
    for name, ref in [("softmax", lambda r: np.exp(r) / np.exp(r).sum()),
                      ("log_softmax", lambda r: r - np.log(np.exp(r).sum()))]:
        _assert_rows(keras.layers.Activation(name)(rt), [ref(r) for r in rows])


def test_layer_normalization_normalizes_each_ragged_step(rng):
    rt = _ragged(rng, dim=3)
    layer = keras.layers.LayerNormalization(gamma_initializer="random_normal",
                                            beta_initializer="random_normal")
    out = layer(rt)
    x = rt.to_tensor().numpy()
    mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    ref = (x - mean) / np.sqrt(var + 1e-3) * layer.gamma.numpy() + layer.beta.numpy()
    _assert_rows(out, _rows(ref, LENGTHS))
    _assert_rows(_compiled(layer, rt), _rows(ref, LENGTHS))


def test_layer_normalization_over_a_ragged_axis_is_an_error(rng):
    with pytest.raises(ValueError, match=r"ragged dimensions can't be normalized.*\(3, None, 2\)"):
        keras.layers.LayerNormalization(axis=[1, 2])(_ragged(rng))


@pytest.mark.parametrize("cls", [keras.layers.Attention, keras.layers.AdditiveAttention])
def test_dense_attention_masks_the_padded_value_steps(rng, cls):
    q, v = _ragged(rng), _ragged(rng, [2, 3, 1])  # longest: 4 query, 3 value steps
    layer = cls()
    out = layer([q, v])
    qd, vd = q.to_tensor(), v.to_tensor()
    v_mask = tf.constant(np.arange(3)[None, :] < np.array([2, 3, 1])[:, None])
    ref = layer([qd, vd], mask=[None, v_mask])
    _assert_rows(out, _rows(ref, LENGTHS))
    _assert_rows(_compiled(lambda a, b: layer([a, b]), q, v), _rows(ref, LENGTHS))
    # a dense value is not masked; the output is still ragged like the query
    _assert_rows(layer([q, vd]), _rows(layer([qd, vd]), LENGTHS))


def test_multi_head_attention_pads_ragged_inputs_without_masking(rng):
    # tf.keras 2.15 (checked with the TF peer): ragged query/value are zero-padded and
    # the padded key steps are NOT masked; the output has the query's rows. Compiled, the
    # values are padded to a bucket (4 here): the steps past the longest row stay masked
    q, v = _ragged(rng), _ragged(rng, [2, 3, 1])
    keras.utils.set_random_seed(0)
    layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    out = layer(q, v)
    ref = layer(q.to_tensor(), v.to_tensor())
    _assert_rows(out, _rows(ref, LENGTHS))
    _assert_rows(_compiled(lambda a, b: layer(a, b), q, v), _rows(ref, LENGTHS))
