"""Core layers through the shared checks, against NumPy references."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers
from layer_test_utils import check_layer

X = np.linspace(-1.0, 1.0, 24).reshape(2, 3, 4).astype("float32")
X2 = X.reshape(2, 12)


def test_dense():
    def ref(x, layer):
        return np.maximum(x @ layer.kernel.numpy() + layer.bias.numpy(), 0)
    layer, _ = check_layer(layers.Dense, {"units": 5, "activation": "relu",
                                          "bias_initializer": "ones"}, X2, (2, 5),
                           trainable=2, reference=ref)
    assert layer.kernel.name.endswith("/kernel:0")


def test_dense_on_rank3_applies_to_last_axis():
    _, y = check_layer(layers.Dense, {"units": 2}, X, (2, 3, 2), trainable=2)


def test_dense_rejects_wrong_last_dim_naming_layer_and_shapes():
    layer = layers.Dense(2, name="my_dense")
    layer(tf.ones((1, 3)))
    with pytest.raises(ValueError, match=r'layer "my_dense".*axis -1.*value 3.*\(1, 4\)'):
        layer(tf.ones((1, 4)))
    with pytest.raises(ValueError, match="units=-1"):
        layers.Dense(-1)


def test_activation_identity_flatten_reshape_permute_repeat():
    check_layer(layers.Activation, {"activation": "tanh"}, X, (2, 3, 4),
                reference=lambda x, l: np.tanh(x))
    check_layer(layers.Identity, {}, X, (2, 3, 4), reference=lambda x, l: x)
    check_layer(layers.Flatten, {}, X, (2, 12), reference=lambda x, l: x.reshape(2, -1))
    check_layer(layers.Reshape, {"target_shape": (4, -1)}, X, (2, 4, 3),
                reference=lambda x, l: x.reshape(2, 4, 3))
    check_layer(layers.Permute, {"dims": (2, 1)}, X, (2, 4, 3),
                reference=lambda x, l: x.transpose(0, 2, 1))
    check_layer(layers.RepeatVector, {"n": 3}, X2, (2, 3, 12),
                reference=lambda x, l: np.repeat(x[:, None], 3, axis=1))


def test_lambda_layer():
    _, y = check_layer(layers.Lambda, {"function": lambda t: t * 2.0 + 1.0}, X, (2, 3, 4))
    np.testing.assert_allclose(y.numpy(), X * 2 + 1, rtol=1e-6)


def test_embedding_and_mask_zero():
    ids = np.array([[1, 0, 3], [0, 2, 2]], dtype="int32")
    layer, y = check_layer(layers.Embedding, {"input_dim": 5, "output_dim": 4,
                                              "mask_zero": True}, ids, (2, 3, 4), trainable=1,
                           reference=lambda x, l: l.embeddings.numpy()[x], differentiable=False)
    mask = layer.compute_mask(tf.constant(ids))
    np.testing.assert_array_equal(mask.numpy(), ids != 0)
    # the mask reaches the next layer's `mask=` argument
    seen = {}

    class Probe(layers.Layer):
        def call(self, inputs, mask=None):
            seen["mask"] = mask
            return inputs
    Probe()(layer(tf.constant(ids)))
    np.testing.assert_array_equal(seen["mask"].numpy(), ids != 0)


def test_embedding_gradient_reaches_table():
    layer = layers.Embedding(4, 2)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(tf.constant([[1, 1, 3]])))
    g = tf.convert_to_tensor(tape.gradient(loss, layer.embeddings))
    np.testing.assert_allclose(g.numpy(), [[0, 0], [2, 2], [0, 0], [1, 1]])


def test_masking():
    x = X.copy()
    x[0, 1] = 0.0
    layer, y = check_layer(layers.Masking, {"mask_value": 0.0}, x, (2, 3, 4),
                           reference=lambda x, l: x)
    np.testing.assert_array_equal(layer.compute_mask(tf.constant(x)).numpy(),
                                  [[True, False, True], [True, True, True]])


def test_symbolic_masks_propagate_in_functional_models():
    inp = keras.Input(shape=(3,), dtype="int32")
    emb = layers.Embedding(5, 2, mask_zero=True)(inp)
    assert emb._keras_mask is not None and emb._keras_mask.shape.as_list() == [None, 3]
    assert emb._keras_mask.dtype == tf.bool
