"""The compiled train step agrees with the eager one; steps_per_execution; spec programs."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

rng = np.random.default_rng(1)


def mlp(seed=0):
    model = keras.Sequential([keras.Input((12,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(4)])
    r = np.random.default_rng(seed)
    model.set_weights([r.normal(size=w.shape).astype("float32") * 0.3
                       for w in model.get_weights()])
    return model


X = rng.normal(size=(40, 12)).astype("float32")
Y = rng.integers(0, 4, 40)


def trained(eager, spe=1):
    model = mlp()
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()], run_eagerly=eager,
                  steps_per_execution=spe)
    hist = model.fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    return model, hist


def test_compiled_equals_eager_and_steps_per_execution():
    m_eager, h_eager = trained(True)
    m_comp, h_comp = trained(False)
    m_spe, h_spe = trained(False, spe=4)
    for m in (m_comp, m_spe):
        for a, b in zip(m.get_weights(), m_eager.get_weights()):
            np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5)
    for h in (h_comp, h_spe):
        for k in ("loss", "sparse_categorical_accuracy"):
            np.testing.assert_allclose(h.history[k], h_eager.history[k], rtol=1e-4)
    assert int(m_comp.optimizer.iterations) == 10
    assert int(m_spe.optimizer.iterations) == 10
    ev = m_comp.evaluate(X, Y, verbose=0, return_dict=True)
    logits = m_comp.predict(X, verbose=0)
    ls = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    assert ev["loss"] == pytest.approx(-ls[np.arange(40), Y].mean(), rel=1e-4)
    assert ev["sparse_categorical_accuracy"] == pytest.approx((logits.argmax(-1) == Y).mean())


class CustomModel(keras.Model):
    """Spec 000's CustomModel: its own train_step, loss tracker and metrics property."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.accuracy = keras.metrics.SparseCategoricalAccuracy()
        self.loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        self.optimizer = keras.optimizers.Adam(learning_rate=1e-3)

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.loss_fn(y, y_pred)
        gradients = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))
        self.loss_tracker.update_state(loss)
        self.accuracy.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "accuracy": self.accuracy.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.accuracy]


def load_mnist(n):
    """The real MNIST test set shipped with the package (first n images)."""
    (x, y), _ = keras.datasets.mnist.load_vendored()
    return x[:n].reshape(n, 784).astype("float32") / 255, y[:n]


def test_spec_000_custom_model_and_builtin_loop_on_mnist():
    x, y = load_mnist(2048)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(64)
    inputs = keras.Input(shape=(784,), dtype="float32")
    h = keras.layers.Dense(32, activation="relu")(inputs)
    outputs = keras.layers.Dense(10)(h)
    model = CustomModel(inputs, outputs)
    model.compile()
    hist = model.fit(ds, epochs=2, verbose=0)
    assert list(hist.history) == ["loss", "accuracy"]
    assert hist.history["accuracy"][1] > hist.history["accuracy"][0]
    assert hist.history["accuracy"][1] > 0.6
    model2 = keras.Model(inputs, outputs)
    model2.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                   optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                   metrics=[keras.metrics.SparseCategoricalAccuracy()])
    model2.fit(ds, epochs=1, verbose=0)
    loss, acc = model2.evaluate(ds, verbose=0)
    preds = model2.predict(ds, verbose=0)
    assert preds.shape == (2048, 10)
    assert acc == pytest.approx((preds.argmax(-1) == y).mean())


def test_spec_004_add_loss_and_add_metric():
    class ActivityRegularizationLayer(keras.layers.Layer):
        def call(self, inputs):
            self.add_loss(tf.reduce_sum(inputs) * 0.1)
            return inputs

    inputs = keras.Input(shape=(3,))
    outputs = ActivityRegularizationLayer()(inputs)
    model = keras.Model(inputs, outputs)
    x, t = rng.random((2, 3)).astype("float32"), rng.random((2, 3)).astype("float32")
    model.compile(optimizer="adam", loss="mse")
    h = model.fit(x, t, verbose=0)
    assert h.history["loss"][0] == pytest.approx(((x - t) ** 2).mean() + 0.1 * x.sum(),
                                                 rel=1e-5)
    model.compile(optimizer="adam")
    h = model.fit(x, t, verbose=0)
    assert h.history["loss"][0] == pytest.approx(0.1 * x.sum(), rel=1e-5)

    class LogisticEndpoint(keras.layers.Layer):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
            self.accuracy_fn = keras.metrics.BinaryAccuracy()

        def call(self, targets, logits, sample_weights=None):
            self.add_loss(self.loss_fn(targets, logits, sample_weights))
            acc = self.accuracy_fn(targets, logits, sample_weights)
            self.add_metric(acc, name="accuracy")
            return tf.nn.softmax(logits)

    inputs = keras.Input(shape=(3,), name="inputs")
    targets = keras.Input(shape=(10,), name="targets")
    logits = keras.layers.Dense(10)(inputs)
    predictions = LogisticEndpoint(name="predictions")(logits, targets)
    model = keras.Model(inputs=[inputs, targets], outputs=predictions)
    model.compile(optimizer="adam")
    data = {"inputs": rng.random((3, 3)).astype("float32"),
            "targets": rng.random((3, 10)).astype("float32")}
    h = model.fit(data, verbose=0)
    assert sorted(h.history) == ["binary_accuracy", "loss"]


def test_spec_003_custom_metric_and_callbacks():
    class RootMeanSquaredError(keras.metrics.Metric):
        def __init__(self, name="rmse", **kwargs):
            super().__init__(name=name, **kwargs)
            self.mse_sum = self.add_weight(name="mse_sum", initializer="zeros")
            self.total_samples = self.add_weight(name="total_samples", initializer="zeros",
                                                 dtype="int32")

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_true = tf.one_hot(y_true, depth=tf.shape(y_pred)[1])
            self.mse_sum.assign_add(tf.reduce_sum(tf.square(y_true - y_pred)))
            self.total_samples.assign_add(tf.shape(y_pred)[0])

        def result(self):
            return tf.sqrt(self.mse_sum / tf.cast(self.total_samples, tf.float32))

        def reset_state(self):
            self.mse_sum.assign(0.)
            self.total_samples.assign(0)

    class LossHistory(keras.callbacks.Callback):
        def on_train_begin(self, logs):
            self.per_batch_losses = []

        def on_batch_end(self, batch, logs):
            self.per_batch_losses.append(logs.get("loss"))

    x, y = load_mnist(1024)
    inputs = keras.Input(shape=(28 * 28,))
    features = keras.layers.Dense(64, activation="relu")(inputs)
    features = keras.layers.Dropout(0.5)(features)
    outputs = keras.layers.Dense(10, activation="softmax")(features)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", RootMeanSquaredError()])
    hist_cb = LossHistory()
    h = model.fit(x[:768], y[:768], epochs=2, validation_data=(x[768:], y[768:]), verbose=0,
                  callbacks=[keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=2),
                             hist_cb])
    assert list(h.history) == ["loss", "accuracy", "rmse", "val_loss", "val_accuracy",
                               "val_rmse"]
    assert len(hist_cb.per_batch_losses) == 48  # 2 epochs of 24 batches of 32
    probs = model.predict(x[768:], verbose=0)
    rmse = np.sqrt(((np.eye(10)[y[768:]] - probs) ** 2).sum() / 256)
    assert h.history["val_rmse"][-1] == pytest.approx(rmse, rel=1e-4)
    test_metrics = model.evaluate(x[768:], y[768:], verbose=0)
    assert test_metrics[1] == pytest.approx((probs.argmax(-1) == y[768:]).mean())
