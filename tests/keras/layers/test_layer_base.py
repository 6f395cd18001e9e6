"""The Layer base class, following spec 004 (subclassing guide) and spec 000."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers


class Linear(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal",
                                 trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * tf.reduce_sum(inputs))
        return inputs


def test_variables_assigned_as_attributes_are_tracked_in_order():
    class EagerLinear(keras.layers.Layer):
        def __init__(self, units=32, input_dim=32):
            super().__init__()
            w_init = keras.initializers.random_normal_initializer()
            self.w = tf.Variable(initial_value=w_init(shape=(input_dim, units), dtype="float32"),
                                 trainable=True)
            b_init = keras.initializers.zeros_initializer()
            self.b = tf.Variable(initial_value=b_init(shape=(units,), dtype="float32"),
                                 trainable=True)

        def call(self, inputs):
            return tf.matmul(inputs, self.w) + self.b

    layer = EagerLinear(4, 2)
    y = layer(tf.ones((2, 2)))
    assert y.shape == (2, 4)
    np.testing.assert_allclose(y.numpy()[0], y.numpy()[1])
    np.testing.assert_allclose(y.numpy()[0], layer.w.numpy().sum(0), rtol=1e-6)
    assert layer.weights == [layer.w, layer.b]


def test_non_trainable_weight_compute_sum():
    class ComputeSum(keras.layers.Layer):
        def __init__(self, input_dim):
            super().__init__()
            self.total = tf.Variable(initial_value=tf.zeros((input_dim,)), trainable=False)

        def call(self, inputs):
            self.total.assign_add(tf.reduce_sum(inputs, axis=0))
            return self.total

    my_sum = ComputeSum(2)
    x = tf.ones((2, 2))
    assert my_sum(x).numpy().tolist() == [2.0, 2.0]
    assert my_sum(x).numpy().tolist() == [4.0, 4.0]
    assert len(my_sum.weights) == 1 and len(my_sum.non_trainable_weights) == 1
    assert my_sum.trainable_weights == []


def test_build_on_first_call_and_nested_tracking():
    class MLPBlock(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.linear_1, self.linear_2, self.linear_3 = Linear(32), Linear(32), Linear(1)

        def call(self, inputs):
            x = tf.nn.relu(self.linear_1(inputs))
            x = tf.nn.relu(self.linear_2(x))
            return self.linear_3(x)

    mlp = MLPBlock()
    assert mlp.weights == [] and not mlp.linear_1.built
    y = mlp(tf.ones(shape=(3, 64)))
    assert y.shape == (3, 1)
    assert len(mlp.weights) == 6 and len(mlp.trainable_weights) == 6
    assert mlp.linear_1.w.shape == (64, 32)


def test_lists_and_dicts_of_layers_and_variables_are_tracked():
    class Holder(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.blocks = [layers.Dense(2), layers.Dense(3)]
            self.table = {"v": tf.Variable(1.0)}

        def call(self, x):
            return self.blocks[1](self.blocks[0](x)) * self.table["v"]

    h = Holder()
    h(tf.ones((1, 4)))
    assert len(h.weights) == 5 and h.weights[0] is h.table["v"]


def test_add_loss_is_reset_each_top_level_call():
    class OuterLayer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.activity_reg = ActivityRegularizationLayer(1e-2)

        def call(self, inputs):
            return self.activity_reg(inputs)

    layer = OuterLayer()
    assert len(layer.losses) == 0
    _ = layer(tf.zeros((1, 1)))
    assert len(layer.losses) == 1
    _ = layer(tf.ones((1, 3)))
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(layer.losses[0]), 0.03, rtol=1e-6)


def test_kernel_regularizer_losses():
    class OuterLayerWithKernelRegularizer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(32, kernel_regularizer=keras.regularizers.l2(1e-3))

        def call(self, inputs):
            return self.dense(inputs)

    layer = OuterLayerWithKernelRegularizer()
    _ = layer(tf.zeros((1, 1)))
    (loss,) = layer.losses
    np.testing.assert_allclose(float(loss), 1e-3 * (layer.dense.kernel.numpy() ** 2).sum(),
                               rtol=1e-5)


def test_add_loss_in_functional_model_and_gradient_through_losses():
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, ActivityRegularizationLayer()(inputs))
    assert model.losses == []  # the symbolic call added nothing
    model(np.ones((2, 3), "float32"))
    np.testing.assert_allclose([float(l) for l in model.losses], [0.06], rtol=1e-6)


def test_add_metric_records_name_and_value():
    class Endpoint(keras.layers.Layer):
        def call(self, x):
            self.add_metric(tf.reduce_mean(x), name="mean_x")
            return x

    outer = keras.Sequential([Endpoint()])
    outer(tf.constant([[1.0, 3.0]]))
    ((name, value),) = outer._gather_metric_values()
    assert name == "mean_x" and float(value) == 2.0
    with pytest.raises(ValueError, match="name"):
        Endpoint().add_metric(1.0)


def test_get_config_and_from_config():
    keras.backend.clear_session()
    layer = Linear(64)
    config = layer.get_config()
    assert config == {"name": "linear", "trainable": True, "dtype": "float32", "units": 64}
    new = Linear.from_config(config)
    assert new.units == 64 and new.name == "linear"


def test_unique_default_names_and_clear_session():
    keras.backend.clear_session()
    names = [layers.Dense(1).name, layers.Dense(1).name, layers.BatchNormalization().name,
             layers.Dense(1, name="custom").name, layers.Dense(1).name]
    assert names == ["dense", "dense_1", "batch_normalization", "custom", "dense_2"]
    keras.backend.clear_session()
    assert layers.Dense(1).name == "dense"


def test_training_argument_propagates():
    class Recorder(keras.layers.Layer):
        def call(self, inputs, training=None):
            self.seen = training
            return inputs

    class Outer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = Recorder()
            self.forced = Recorder()

        def call(self, inputs, training=None):
            self.forced(inputs, training=False)
            return self.inner(inputs)

    outer = Outer()
    outer(tf.ones((1,)), training=True)
    assert outer.inner.seen is True and outer.forced.seen is False
    outer(tf.ones((1,)))
    assert outer.inner.seen is None


def test_mlp_with_dropout_training_flag():
    class MLPWithDropout(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.linear_1 = Linear(32)
            self.dropout = layers.Dropout(0.5)
            self.linear_3 = Linear(10)

        def call(self, inputs, training=None):
            x = tf.nn.relu(self.linear_1(inputs))
            x = self.dropout(x, training=training)
            return self.linear_3(x)

    mlp = MLPWithDropout()
    x = tf.ones((2, 2))
    y_test = mlp(x, training=False)
    np.testing.assert_allclose(mlp(x, training=False).numpy(), y_test.numpy())
    y_train = mlp(x, training=True)
    assert not np.allclose(y_train.numpy(), y_test.numpy())


def test_trainable_setter_is_recursive():
    block = keras.Sequential([layers.Dense(2), layers.Dense(2)])
    block.build((None, 3))
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_weights) == 4
    assert not block.layers[0].trainable
    block.trainable = True
    assert len(block.trainable_weights) == 4


def test_compute_output_shape_and_input_spec_errors():
    assert layers.Dense(5).compute_output_shape((None, 3)).as_list() == [None, 5]
    with pytest.raises(ValueError, match=r'layer "flatten_x".*min_ndim=1, found ndim=0'):
        layers.Flatten(name="flatten_x")(tf.constant(1.0))
    with pytest.raises(ValueError, match=r'layer "rv".*expected ndim=2, found ndim=3'):
        layers.RepeatVector(2, name="rv")(keras.Input(shape=(2, 3)))


def test_count_params_and_weights_io():
    layer = layers.Dense(3)
    with pytest.raises(ValueError, match="isn't built"):
        layer.count_params()
    layer.build((None, 2))
    assert layer.count_params() == 9
    new = [np.ones((2, 3)), np.arange(3.0)]
    layer.set_weights(new)
    np.testing.assert_array_equal(layer.get_weights()[1], np.arange(3.0))
    with pytest.raises(ValueError, match="expecting 2 weights"):
        layer.set_weights(new[:1])


def test_unknown_kwarg_rejected():
    with pytest.raises(TypeError, match="bogus"):
        layers.Dense(2, bogus=1)


def test_logistic_endpoint_add_loss_and_add_metric():
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

    layer = LogisticEndpoint()
    y = layer(tf.ones((2, 2)), tf.ones((2, 2)))
    np.testing.assert_allclose(y.numpy(), 0.5)
    assert [type(m).__name__ for m in layer.metrics] == ["BinaryAccuracy"]
    assert float(layer.metrics[0].result()) == 1.0
    np.testing.assert_allclose(float(layer.losses[0]), np.log1p(np.exp(-1.0)), rtol=1e-5)
    # symbolic use leaves the metric's state untouched (no tracer leaks into variables)
    inputs, targets = keras.Input(shape=(3,)), keras.Input(shape=(10,))
    endpoint = LogisticEndpoint(name="predictions")
    out = endpoint(layers.Dense(10)(inputs), targets)
    assert out.shape.as_list() == [None, 10]
    assert float(endpoint.metrics[0].result()) == 0.0
