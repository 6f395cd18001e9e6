"""The spec's statements about built-in conv layers (spec 000 / 002: `Conv2D` and
`Conv3DTranspose` are built in; spec 004: the ResNet model with GlobalAveragePooling2D is
trained with `fit()` and saved with `save_weights()`)."""
import numpy as np

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import layers


def test_conv2d_and_conv3d_transpose_are_built_in_layers_tracking_their_weights():
    for layer, x in ((layers.Conv2D(4, 3), tf.ones((1, 5, 5, 2))),
                     (layers.Conv3DTranspose(4, 3), tf.ones((1, 3, 3, 3, 2)))):
        assert isinstance(layer, layers.Layer)
        layer(x)
        assert layer.weights == [layer.kernel, layer.bias]


class ResNetBlock(layers.Layer):
    def __init__(self):
        super().__init__()
        self.conv_1 = layers.Conv2D(4, 3, padding="same", activation="relu")
        self.conv_2 = layers.Conv2D(4, 3, padding="same")
        self.norm = layers.BatchNormalization()

    def call(self, inputs, training=None):
        y = self.conv_2(self.conv_1(inputs))
        return tf.nn.relu(self.norm(y, training=training) + inputs)


class ResNet(keras.Model):
    def __init__(self, num_classes=1000):
        super().__init__()
        self.block_1 = ResNetBlock()
        self.block_2 = ResNetBlock()
        self.global_pool = layers.GlobalAveragePooling2D()
        self.classifier = layers.Dense(num_classes)

    def call(self, inputs):
        x = self.block_1(inputs)
        x = self.block_2(x)
        x = self.global_pool(x)
        return self.classifier(x)


def test_spec_resnet_fits_and_saves_weights(tmp_path):
    rng = np.random.default_rng(8)
    x = rng.standard_normal((16, 6, 6, 4)).astype("float32")
    y = rng.integers(0, 3, 16)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    resnet = ResNet(num_classes=3)
    resnet.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = resnet.fit(dataset, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    path = str(tmp_path / "resnet.weights.h5")
    resnet.save_weights(path)
    clone = ResNet(num_classes=3)
    clone(x[:1])
    clone.load_weights(path)
    np.testing.assert_allclose(clone.predict(x, verbose=0), resnet.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-5)
