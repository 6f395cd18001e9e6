"""Functional API: graphs of layers on KerasTensors (spec 000 and 003)."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers


class Linear(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


class CustomDropout(keras.layers.Layer):
    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def call(self, inputs, training=None):
        if training:
            return tf.nn.dropout(inputs, rate=self.rate)
        return inputs


def test_input_repr_and_symbolic_shapes():
    keras.backend.clear_session()
    x = keras.Input(shape=(16,), dtype="float32")
    assert repr(x) == "<KerasTensor: shape=(None, 16) dtype=float32 (created by layer 'input_1')>"
    assert keras.Input(shape=(4, 5), batch_size=8, dtype="int32").shape.as_list() == [8, 4, 5]
    y = Linear(32)(x)
    assert y.shape.as_list() == [None, 32] and y.dtype == tf.float32


def test_functional_model_has_weights_before_call_and_passes_training():
    inputs = keras.Input(shape=(16,), dtype="float32")
    x = Linear(32)(inputs)
    x = CustomDropout(0.5)(x)
    outputs = Linear(10)(x)
    model = keras.Model(inputs, outputs)
    assert len(model.weights) == 4
    y = model(tf.ones((2, 16)))
    assert y.shape == (2, 10)
    y_train = model(tf.ones((2, 16)), training=True)
    assert not np.allclose(y_train.numpy(), y.numpy())
    np.testing.assert_allclose(model(tf.ones((2, 16))).numpy(), y.numpy(), rtol=1e-6)


def test_layer_input_output_and_shapes():
    inp = keras.Input(shape=(3,), name="inp")
    dense = layers.Dense(4)
    out = dense(inp)
    assert dense.input is inp and dense.output is out
    assert dense.input_shape == (None, 3) and dense.output_shape == (None, 4)
    model = keras.Model(inp, out)
    assert model.input is inp and model.output is out
    assert model.layers[0].output_shape == [(None, 3)]


def test_shared_layer_and_nested_model():
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    shared = layers.Dense(2, kernel_initializer="ones", bias_initializer="ones")
    model = keras.Model([a, b], layers.add([shared(a), shared(b)]))
    assert model.layers.count(shared) == 1 and len(model.weights) == 2
    with pytest.raises(AttributeError, match="multiple inbound nodes"):
        shared.output
    out = model([np.ones((1, 3)), 2 * np.ones((1, 3))])
    np.testing.assert_allclose(out.numpy(), [[11.0, 11.0]])
    # the model is itself a layer
    c, d = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    outer = keras.Model([c, d], layers.Dense(1)(model([c, d])))
    assert len(outer.weights) == 4
    assert outer([np.ones((2, 3)), np.ones((2, 3))]).shape == (2, 1)


def test_dict_inputs_and_outputs():
    x = keras.Input(shape=(2,), name="x")
    y = keras.Input(shape=(2,), name="y")
    model = keras.Model({"x": x, "y": y}, {"sum": layers.add([x, y]), "diff": x})
    out = model({"x": np.ones((1, 2)), "y": np.full((1, 2), 2.0)})
    assert sorted(out) == ["diff", "sum"]
    np.testing.assert_allclose(out["sum"].numpy(), [[3.0, 3.0]])


def test_disconnected_graph_names_the_missing_input():
    a = keras.Input(shape=(3,), name="a")
    b = keras.Input(shape=(3,), name="b")
    out = layers.Dense(1)(layers.concatenate([a, b]))
    with pytest.raises(ValueError, match=r"Graph disconnected.*name='b'.*concatenate"):
        keras.Model(a, out)
    with pytest.raises(ValueError, match="keras.Input"):
        keras.Model(layers.Dense(1)(a), out)


def test_gradients_through_functional_model_and_compiled_equal_eager():
    inp = keras.Input(shape=(4,))
    model = keras.Model(inp, layers.Dense(1)(layers.Dense(8, activation="tanh")(inp)))
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x)))
    grads = tape.gradient(loss, model.trainable_weights)
    assert all(g is not None for g in grads) and len(grads) == 4
    compiled = tf.function(lambda t: model(t))
    np.testing.assert_allclose(compiled(tf.constant(x)).numpy(), model(x).numpy(), rtol=1e-5)


def test_hypernetwork_sets_kernels_of_prebuilt_layers():
    input_dim, classes = 6, 3
    main_network = keras.Sequential([keras.layers.Dense(4, activation=tf.nn.relu),
                                     keras.layers.Dense(classes)])
    for layer in main_network.layers:
        layer.built = True
    n = (classes * 4 + classes) + (4 * input_dim + 4)
    hypernetwork = keras.Sequential([keras.layers.Dense(5, activation=tf.nn.relu),
                                     keras.layers.Dense(n, activation=tf.nn.sigmoid)])
    x = tf.constant(np.random.default_rng(1).normal(size=(1, input_dim)).astype("float32"))

    def step(x):
        with tf.GradientTape() as tape:
            w = hypernetwork(x)
            sizes = [(input_dim, 4), (4,), (4, classes), (classes,)]
            start, parts = 0, []
            for s in sizes:
                k = int(np.prod(s))
                parts.append(tf.reshape(w[:, start:start + k], s))
                start += k
            main_network.layers[0].kernel, main_network.layers[0].bias = parts[0], parts[1]
            main_network.layers[1].kernel, main_network.layers[1].bias = parts[2], parts[3]
            loss = tf.reduce_sum(tf.square(main_network(x)))
        return loss, tape.gradient(loss, hypernetwork.trainable_weights)

    loss, grads = step(x)
    assert len(grads) == 4 and all(g is not None for g in grads)
    assert main_network.weights == []  # no variables were created in the main network
    loss_c, grads_c = tf.function(step)(x)
    np.testing.assert_allclose(float(loss_c), float(loss), rtol=1e-5)


def test_sampling_layer_with_random_ops_in_functional_model():
    class Sampling(layers.Layer):
        def call(self, inputs):
            z_mean, z_log_var = inputs
            batch, dim = tf.shape(z_mean)[0], tf.shape(z_mean)[1]
            eps = keras.backend.random_normal(shape=(batch, dim))
            return z_mean + tf.exp(0.5 * z_log_var) * eps

    inp = keras.Input(shape=(6,))
    z_mean, z_log_var = layers.Dense(2)(inp), layers.Dense(2)(inp)
    z = Sampling()((z_mean, z_log_var))
    assert z.shape.as_list() == [None, 2]
    model = keras.Model(inp, z)
    a, b = model(np.ones((3, 6))), model(np.ones((3, 6)))
    assert a.shape == (3, 2) and not np.allclose(a.numpy(), b.numpy())


def test_python_operators_on_keras_tensors_become_layers():
    keras.backend.clear_session()
    x, y = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    z = -(x * 2.0 + 1.0) / y
    first = (1.0 - z)[:, :1]
    assert first.shape.as_list() == [None, 1]
    model = keras.Model([x, y], [z, first])
    assert [l.name for l in model.layers[2:]] == [
        "tf.math.multiply", "tf.__operators__.add", "tf.math.negative", "tf.math.truediv",
        "tf.math.subtract", "tf.__operators__.getitem"]
    a = np.arange(6, dtype="float32").reshape(2, 3)
    b = np.full((2, 3), 2.0, "float32")
    zz, ff = model([a, b])
    np.testing.assert_allclose(zz.numpy(), -(a * 2 + 1) / b)
    np.testing.assert_allclose(ff.numpy(), (1 + (a * 2 + 1) / b)[:, :1])


def test_symbolic_op_records_tapeflow_functions_as_layers():
    from tapeflow.keras.layers.core.tf_op_layer import symbolic_op
    z_mean, z_log_var = keras.Input(shape=(2,)), keras.Input(shape=(2,))
    inner = z_log_var - symbolic_op(tf.square, "tf.math.square", z_mean) \
        - symbolic_op(tf.exp, "tf.math.exp", z_log_var) + 1
    kl = -0.5 * symbolic_op(tf.reduce_mean, "tf.math.reduce_mean", inner, axis=1)
    assert kl.shape.as_list() == [None]
    model = keras.Model([z_mean, z_log_var], kl)
    m = np.array([[0.5, -1.0]], "float32")
    v = np.array([[0.1, 0.2]], "float32")
    np.testing.assert_allclose(model([m, v]).numpy(),
                               -0.5 * np.mean(v - m ** 2 - np.exp(v) + 1, axis=1), rtol=1e-6)


def test_functional_vae_with_symbolic_kl_loss():
    from tapeflow.keras.layers.core.tf_op_layer import symbolic_op

    class Sampling(layers.Layer):
        def call(self, inputs):
            z_mean, z_log_var = inputs
            eps = keras.backend.random_normal(shape=(tf.shape(z_mean)[0], tf.shape(z_mean)[1]))
            return z_mean + tf.exp(0.5 * z_log_var) * eps

    original_inputs = keras.Input(shape=(6,), name="encoder_input")
    x = layers.Dense(4, activation="relu")(original_inputs)
    z_mean = layers.Dense(2, name="z_mean")(x)
    z_log_var = layers.Dense(2, name="z_log_var")(x)
    z = Sampling()((z_mean, z_log_var))
    latent_inputs = keras.Input(shape=(2,), name="z_sampling")
    decoder = keras.Model(latent_inputs, layers.Dense(6, activation="sigmoid")(
        layers.Dense(4, activation="relu")(latent_inputs)), name="decoder")
    vae = keras.Model(original_inputs, decoder(z), name="vae")
    kl = -0.5 * symbolic_op(tf.reduce_mean, "tf.math.reduce_mean",
                            z_log_var - symbolic_op(tf.square, "tf.math.square", z_mean)
                            - symbolic_op(tf.exp, "tf.math.exp", z_log_var) + 1)
    vae.add_loss(kl)
    assert vae.output_names == ["decoder"]
    data = np.random.default_rng(0).random((3, 6)).astype("float32")
    out = vae(data)
    assert out.shape == (3, 6) and len(vae.losses) == 1
    enc = keras.Model(original_inputs, [z_mean, z_log_var])
    m, v = (t.numpy() for t in enc(data))
    np.testing.assert_allclose(float(vae.losses[0]),
                               -0.5 * np.mean(v - m ** 2 - np.exp(v) + 1), rtol=1e-5)
    vae(data)
    assert len(vae.losses) == 1  # recomputed, not accumulated
    with tf.GradientTape() as tape:
        vae(data)
        loss = vae.losses[0]
    grads = tape.gradient(loss, vae.trainable_weights)
    assert sum(g is not None for g in grads) == 6  # encoder weights only


def test_model_output_shape_and_unknown_spatial_dims():
    # tf.keras: Model.output_shape comes from the graph's outputs; None spatial dims
    # pass through convolutions and pooling with kernels/strides larger than 2
    inp = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(4, 7, strides=2)(inp)
    x = keras.layers.MaxPooling2D(3)(x)
    out = keras.layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inp, out)
    assert x.shape.as_list() == [None, None, None, 4]
    assert model.output_shape == (None, 4) and model.input_shape == (None, None, None, 3)
    seq = keras.Sequential([keras.Input((None, 5)), keras.layers.Conv1D(2, 4)])
    assert seq.output_shape == (None, None, 2)
    assert model(np.zeros((2, 40, 30, 3), np.float32)).shape == (2, 4)
