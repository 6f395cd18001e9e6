"""Attention, AdditiveAttention and MultiHeadAttention against jax references (masks too)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

RNG = np.random.default_rng(3)
Q = RNG.normal(size=(2, 4, 6)).astype("float32")
V = RNG.normal(size=(2, 5, 6)).astype("float32")
K = RNG.normal(size=(2, 5, 6)).astype("float32")
Q_MASK = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool)
V_MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)


def _softmax(s, keep):
    s = jnp.where(keep, s, s - 1e9) if keep is not None else s
    return jax.nn.softmax(s, axis=-1)


def _dense_ref(scores, v, q_mask=None, v_mask=None, causal=False):
    keep = None if v_mask is None else v_mask[:, None, :]
    if causal:
        tri = np.tril(np.ones(scores.shape[-2:], bool))[None]
        keep = tri if keep is None else keep & tri
    w = _softmax(scores, keep)
    out = w @ v
    if q_mask is not None:
        out = out * q_mask[..., None]
    return out, w


@pytest.mark.parametrize("score_mode,use_scale", [("dot", False), ("dot", True),
                                                  ("concat", True)])
def test_attention_matches_reference(score_mode, use_scale):
    layer = keras.layers.Attention(use_scale=use_scale, score_mode=score_mode)
    out, w = layer([Q, V, K], mask=[tf.constant(Q_MASK), tf.constant(V_MASK)],
                   return_attention_scores=True, use_causal_mask=True)
    scale = 1.0
    if use_scale:
        layer.scale.assign(0.7)
        scale = 0.7
        out, w = layer([Q, V, K], mask=[tf.constant(Q_MASK), tf.constant(V_MASK)],
                       return_attention_scores=True, use_causal_mask=True)
    if score_mode == "dot":
        scores = scale * (Q @ K.transpose(0, 2, 1))
    else:
        scores = np.tanh(scale * (Q[:, :, None] + K[:, None])).sum(-1)
    ref, ref_w = _dense_ref(scores, V, Q_MASK, V_MASK, causal=True)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w.numpy(), ref_w, rtol=1e-5, atol=1e-6)


def test_additive_attention_and_keras_masks():
    layer = keras.layers.AdditiveAttention()
    emb = keras.layers.Embedding(10, 6, mask_zero=True)
    ids = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]])
    v = emb(ids)
    out = layer([tf.constant(Q), v])
    scale = layer.scale.numpy()
    scores = (scale * np.tanh(Q[:, :, None] + v.numpy()[:, None])).sum(-1)
    ref, _ = _dense_ref(scores, v.numpy(), v_mask=ids != 0)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-6)


def test_dense_attention_bad_inputs():
    with pytest.raises(ValueError, match=r"attention.*\[query, value\]"):
        keras.layers.Attention(name="attention_bad")(Q)
    with pytest.raises(ValueError, match=r"\(2, 4, 6\).*\(3, 5, 6\)"):
        keras.layers.Attention()([Q, np.ones((3, 5, 6), "float32")])


def _mha_ref(params, q, v, k, heads, key_dim, mask):
    (wq, bq), (wk, bk), (wv, bv), (wo, bo) = params
    qp = jnp.einsum("btd,dhk->bthk", q, wq) + bq
    kp = jnp.einsum("bsd,dhk->bshk", k, wk) + bk
    vp = jnp.einsum("bsd,dhk->bshk", v, wv) + bv
    s = jnp.einsum("bthk,bshk->bhts", qp, kp) / np.sqrt(key_dim)
    if mask is not None:
        s = jnp.where(mask[:, None], s, s - 1e9)
    w = jax.nn.softmax(s, -1)
    o = jnp.einsum("bhts,bshk->bthk", w, vp)
    return jnp.einsum("bthk,hkd->btd", o, wo) + bo, w


def _params(layer):
    return [(d.kernel.numpy(), d.bias.numpy()) for d in
            (layer.query_dense, layer.key_dense, layer.value_dense, layer.output_dense)]


def test_multi_head_attention_values_masks_and_gradients():
    layer = keras.layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4,
                                            bias_initializer="random_normal")
    am = RNG.random((2, 4, 5)) > 0.3
    am[:, :, 0] = True
    q, v, k = tf.constant(Q), tf.constant(V), tf.constant(K)
    with tf.GradientTape() as tape:
        tape.watch(q)
        out, w = layer(q, v, k, attention_mask=tf.constant(am), use_causal_mask=True,
                       return_attention_scores=True)
        loss = tf.reduce_sum(out ** 2)
    grads = tape.gradient(loss, [q] + layer.trainable_weights)
    mask = am & np.tril(np.ones((4, 5), bool))[None]
    params = _params(layer)
    ref, ref_w = _mha_ref(params, Q, V, K, 3, 2, mask)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(w.numpy(), ref_w, rtol=1e-5, atol=1e-6)
    ref_grads = jax.grad(lambda q, p: jnp.sum(_mha_ref(p, q, V, K, 3, 2, mask)[0] ** 2),
                         (0, 1))(Q, params)
    flat = [ref_grads[0]] + [g for pair in ref_grads[1] for g in pair]
    for g, r in zip(grads, flat):
        np.testing.assert_allclose(g.numpy(), r, rtol=1e-4, atol=1e-5)
    assert [tuple(x.shape) for x in layer.weights] == [(6, 3, 2), (3, 2), (6, 3, 2), (3, 2),
                                                       (6, 3, 4), (3, 4), (3, 4, 6), (6,)]


def test_multi_head_attention_masks_from_embedding_and_dropout():
    emb = keras.layers.Embedding(10, 6, mask_zero=True)
    ids = np.array([[1, 2, 3, 0], [4, 5, 6, 7]])
    x = emb(ids)
    layer = keras.layers.MultiHeadAttention(2, 3, dropout=0.5)
    out = layer(x, x).numpy()
    keep = (ids != 0)[:, :, None] & (ids != 0)[:, None, :]
    ref, _ = _mha_ref(_params(layer), x.numpy(), x.numpy(), x.numpy(), 2, 3, keep)
    # float32 sums of random weights (which depend on the tests run before): 3e-5 abs
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=3e-5)
    assert not np.allclose(layer(x, x, training=True).numpy(), out)


def test_multi_head_attention_attention_axes_and_output_shape():
    layer = keras.layers.MultiHeadAttention(2, 3, attention_axes=(2,), output_shape=(5,))
    q = RNG.normal(size=(2, 3, 4, 6)).astype("float32")
    out, w = layer(q, q, return_attention_scores=True)
    assert out.shape.as_list() == [2, 3, 4, 5] and w.shape.as_list() == [2, 3, 2, 4, 4]
    (wq, bq), (wk, bk), (wv, bv), (wo, bo) = _params(layer)
    qp = np.einsum("badc,cnh->badnh", q, wq) + bq
    kp = np.einsum("badc,cnh->badnh", q, wk) + bk
    vp = np.einsum("badc,cnh->badnh", q, wv) + bv
    s = np.einsum("bqnh,bknh->bnqk", qp.reshape(6, 4, 2, 3), kp.reshape(6, 4, 2, 3))
    ref_w = jax.nn.softmax(s / np.sqrt(3), -1).reshape(2, 3, 2, 4, 4)
    np.testing.assert_allclose(w.numpy(), ref_w, rtol=1e-5, atol=1e-6)
    o = np.einsum("banqk,baknh->baqnh", ref_w, vp)
    np.testing.assert_allclose(out.numpy(), np.einsum("baqnh,nho->baqo", o, wo) + bo,
                               rtol=1e-4, atol=1e-5)


def test_multi_head_attention_errors():
    with pytest.raises(ValueError, match="key_dim"):
        keras.layers.MultiHeadAttention(num_heads=2)
    with pytest.raises(TypeError, match="key_dim"):
        keras.layers.MultiHeadAttention(num_heads=2)
    layer = keras.layers.MultiHeadAttention(2, 2, name="mha_bad")
    with pytest.raises(ValueError, match=r"mha_bad.*\(2, 4\).*\(2, 4, 5\)"):
        layer(Q, V, attention_mask=np.ones((2, 4), bool))
    with pytest.raises(ValueError, match=r"mha_bad.*\(2, 4, 6\).*\(3, 5, 6\)"):
        keras.layers.MultiHeadAttention(2, 2, name="mha_bad")(Q, np.ones((3, 5, 6), "f4"))
