"""tapeflow ops called on KerasTensors build functional-model layers (spec 000's VAE)."""
import numpy as np

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers


class Sampling(layers.Layer):
    """Draws z from N(z_mean, exp(z_log_var)) with the reparameterization trick."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = tf.shape(z_mean)[0]
        dim = tf.shape(z_mean)[1]
        epsilon = tf.keras.backend.random_normal(shape=(batch, dim))
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


def test_ops_on_keras_tensors_become_layers():
    x = keras.Input(shape=(3,))
    m = tf.reduce_mean(tf.square(x), axis=1)
    assert isinstance(m, type(x)) and m.shape.as_list() == [None]
    model = keras.Model(x, m)
    data = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_allclose(model(data).numpy(), (data**2).mean(axis=1), rtol=1e-6)


def test_namespaces_dispatch_and_eager_unchanged():
    x = keras.Input(shape=(4,))
    y = tf.nn.relu(x) + tf.math.exp(x)
    model = keras.Model(x, y)
    data = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
    np.testing.assert_allclose(model(data).numpy(), np.maximum(data, 0) + np.exp(data),
                               rtol=1e-6)
    t = tf.constant([1.0, -2.0])
    assert isinstance(tf.nn.relu(t), tf.Tensor)


def test_functional_vae_from_spec_trains_with_add_loss():
    original_dim, intermediate_dim, latent_dim = 784, 64, 32
    original_inputs = tf.keras.Input(shape=(original_dim,), name="encoder_input")
    x = layers.Dense(intermediate_dim, activation="relu")(original_inputs)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling()((z_mean, z_log_var))
    latent_inputs = tf.keras.Input(shape=(latent_dim,), name="z_sampling")
    x = layers.Dense(intermediate_dim, activation="relu")(latent_inputs)
    outputs = layers.Dense(original_dim, activation="sigmoid")(x)
    decoder = tf.keras.Model(inputs=latent_inputs, outputs=outputs, name="decoder")
    vae = tf.keras.Model(inputs=original_inputs, outputs=decoder(z), name="vae")
    kl_loss = -0.5 * tf.reduce_mean(z_log_var - tf.square(z_mean) - tf.exp(z_log_var) + 1)
    vae.add_loss(kl_loss)

    (x_train, _), _ = tf.keras.datasets.mnist.load_vendored()
    data = x_train[:256].reshape(-1, 784).astype("float32") / 255
    dataset = tf.data.Dataset.from_tensor_slices(data).map(lambda x: (x, x)).batch(32)
    vae.compile(tf.keras.optimizers.Adam(learning_rate=1e-3),
                loss=tf.keras.losses.MeanSquaredError())
    hist = vae.fit(dataset, epochs=2, verbose=0)
    losses = hist.history["loss"]
    assert len(losses) == 2 and np.isfinite(losses).all()
    assert losses[1] < losses[0]
    # `losses` reflects the last call: after an eager call it holds the KL term (>= 0)
    vae(data[:8])
    assert len(vae.losses) == 1 and float(vae.losses[0]) >= 0.0
