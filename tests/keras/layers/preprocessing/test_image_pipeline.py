"""The image layers together: Dataset.map (eager and compiled), .keras save/load,
seeds, and the experimental.preprocessing names."""
import numpy as np

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras.layers.experimental import preprocessing

from image_layer_checks import images

NAMES = ["CenterCrop", "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip",
         "RandomHeight", "RandomRotation", "RandomTranslation", "RandomWidth", "RandomZoom",
         "Rescaling", "Resizing"]


def _model():
    L = keras.layers
    inp = keras.Input((8, 8, 3))
    h = L.Rescaling(1 / 255.0)(inp)
    h = L.RandomFlip(seed=1)(h)
    h = L.RandomRotation(0.1, fill_mode="constant", seed=2)(h)
    h = L.RandomZoom(0.1, seed=3)(h)
    h = L.RandomTranslation(0.1, 0.1, fill_mode="wrap", seed=4)(h)
    h = L.RandomContrast(0.2, seed=5)(h)
    h = L.RandomBrightness(0.1, value_range=(0, 1), seed=6)(h)
    h = L.RandomCrop(6, 6, seed=7)(h)
    h = L.CenterCrop(5, 5)(h)
    h = L.Resizing(4, 4, interpolation="bicubic")(h)
    return keras.Model(inp, L.Dense(2)(L.Flatten()(h)))


def test_save_and_load_keras_archive(tmp_path):
    x = images((4, 8, 8, 3))
    model = _model()
    ref = model.predict(x, verbose=0)
    model.save(tmp_path / "aug.keras")
    loaded = keras.models.load_model(tmp_path / "aug.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), ref, atol=1e-5)
    assert [type(layer).__name__ for layer in loaded.layers] == \
        [type(layer).__name__ for layer in model.layers]


def test_dataset_map_eager_and_compiled():
    x = images((6, 8, 8, 3))
    aug = keras.Sequential([keras.layers.RandomFlip(), keras.layers.RandomRotation(0.2),
                            keras.layers.Rescaling(1 / 255.0)])
    ds = tf.data.Dataset.from_tensor_slices(x).batch(3)
    eager = [b.numpy() for b in ds.map(lambda b: aug(b, training=True))]
    fn = tf.function(lambda b: aug(b, training=True))
    first = [b.numpy() for b in ds.map(fn)]
    second = [b.numpy() for b in ds.map(fn)]
    for batch in eager + first:
        assert batch.shape == (3, 8, 8, 3) and 0 <= batch.min() and batch.max() <= 1 + 1e-6
    assert not np.allclose(first[0], second[0])  # the RNG state advances between calls


def test_seeded_layers_repeat_after_set_seed():
    x = images((2, 6, 6, 1))
    outs = []
    for _ in range(2):
        tf.random.set_seed(11)
        outs.append(keras.layers.RandomRotation(0.3, seed=5)(x).numpy())
    np.testing.assert_array_equal(outs[0], outs[1])


def test_experimental_preprocessing_names():
    for name in NAMES:
        assert getattr(preprocessing, name) is getattr(keras.layers, name)
        assert name in preprocessing.__all__
