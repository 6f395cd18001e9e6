import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras.preprocessing import image

Image = pytest.importorskip("PIL.Image")


def _rgb(h=6, w=8, seed=0):
    return (np.random.RandomState(seed).rand(h, w, 3) * 255).astype(np.uint8)


def test_save_load_round_trip_and_conversions(tmp_path):
    a = _rgb()
    path = tmp_path / "a.png"
    image.save_img(path, a.astype(np.float32), scale=False)
    img = image.load_img(path)
    np.testing.assert_array_equal(image.img_to_array(img), a.astype(np.float32))
    assert image.img_to_array(img, data_format="channels_first").shape == (3, 6, 8)
    gray = image.img_to_array(image.load_img(path, color_mode="grayscale"))
    np.testing.assert_array_equal(gray[..., 0], np.asarray(Image.fromarray(a).convert("L")))
    small = image.load_img(path, target_size=(3, 4), interpolation="bilinear")
    ref = Image.fromarray(a).resize((4, 3), Image.BILINEAR)
    np.testing.assert_array_equal(np.asarray(small), np.asarray(ref))
    cropped = image.load_img(path, target_size=(6, 6), keep_aspect_ratio=True)
    np.testing.assert_array_equal(np.asarray(cropped), a[:, 1:7])
    scaled = image.img_to_array(image.array_to_img(np.array([[[0.0], [0.5], [1.0]]])))
    np.testing.assert_array_equal(scaled.ravel(), [0, 127, 255])
    assert keras.utils.load_img is image.load_img
    with pytest.raises(ValueError, match="color_mode"):
        image.load_img(path, color_mode="cmyk")


def test_smart_resize_crops_to_aspect_ratio():
    x = np.random.RandomState(1).rand(4, 8, 1).astype(np.float32)
    np.testing.assert_allclose(image.smart_resize(x, (2, 2)).numpy(),
                               tf.image.resize(x[:, 2:6], [2, 2]).numpy(), atol=1e-6)


def test_apply_transform_matches_scipy_affine():
    ndimage = pytest.importorskip("scipy.ndimage")
    x = np.random.RandomState(2).rand(9, 11, 2).astype(np.float32)
    gen = image.ImageDataGenerator(fill_mode="nearest")
    params = {"theta": 20.0, "tx": 1.5, "ty": -2.0, "shear": 10.0, "zx": 0.9, "zy": 1.2}
    got = gen.apply_transform(x, params)
    # tf.keras composes rotation, shift, shear and zoom in (row, col) coordinates about
    # the centre (h/2 + 0.5, w/2 + 0.5), then samples with scipy.ndimage.affine_transform
    t, s = np.deg2rad(20.0), np.deg2rad(10.0)
    m = (np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]]) @
         np.array([[1, 0, 1.5], [0, 1, -2.0], [0, 0, 1]]) @
         np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]) @
         np.array([[0.9, 0, 0], [0, 1.2, 0], [0, 0, 1]]))
    o = np.array([[1, 0, 9 / 2 + 0.5], [0, 1, 11 / 2 + 0.5], [0, 0, 1]])
    r = np.array([[1, 0, -(9 / 2 + 0.5)], [0, 1, -(11 / 2 + 0.5)], [0, 0, 1]])
    m = o @ m @ r
    ref = np.stack([ndimage.affine_transform(x[..., c], m[:2, :2], m[:2, 2], order=1,
                                             mode="nearest") for c in range(2)], -1)
    np.testing.assert_allclose(got, ref, atol=1e-4)


def test_flow_augments_and_normalizes():
    x = np.random.RandomState(3).rand(10, 5, 6, 3).astype(np.float32) * 255
    y = np.arange(10)
    gen = image.ImageDataGenerator(horizontal_flip=True, rescale=1 / 255.0,
                                   featurewise_center=True, featurewise_std_normalization=True,
                                   validation_split=0.2)
    gen.fit(x)
    np.testing.assert_allclose(gen.mean.ravel(), x.mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(gen.std.ravel(), x.std(axis=(0, 1, 2)), rtol=1e-4)
    it = gen.flow(x, y, batch_size=3, shuffle=False, subset="training",
                  sample_weight=np.ones(10))
    assert len(it) == 3
    bx, by, bw = it[0]
    assert by.tolist() == [2, 3, 4] and bw.shape == (3,)
    for img, label in zip(bx, by):
        plain = (x[label] * (1 / 255.0) - gen.mean[0]) / (gen.std[0] + 1e-6)
        flipped = plain[:, ::-1]
        assert np.allclose(img, plain, atol=1e-4) or np.allclose(img, flipped, atol=1e-4)
    assert len(gen.flow(x, y, batch_size=3, subset="validation")) == 1
    a = next(image.ImageDataGenerator(rotation_range=30).flow(x, batch_size=4, seed=7))
    assert a.shape == (4, 5, 6, 3)
    with pytest.raises(ValueError, match="same length"):
        gen.flow(x, y[:3])


def test_flow_from_directory_and_fit(tmp_path, capsys):
    for k, cls in enumerate(["cat", "dog"]):
        (tmp_path / cls).mkdir()
        for i in range(3):
            Image.fromarray(_rgb(8, 8, seed=10 * k + i)).save(tmp_path / cls / f"{i}.png")
    gen = image.ImageDataGenerator(rescale=1 / 255.0)
    it = gen.flow_from_directory(tmp_path, target_size=(4, 4), batch_size=4, shuffle=False)
    assert "Found 6 images belonging to 2 classes." in capsys.readouterr().out
    assert it.class_indices == {"cat": 0, "dog": 1}
    bx, by = it[0]
    assert bx.shape == (4, 4, 4, 3) and by.tolist() == [[1, 0]] * 3 + [[0, 1]]
    ref = np.asarray(Image.fromarray(_rgb(8, 8, seed=0)).resize((4, 4), Image.NEAREST))
    np.testing.assert_allclose(bx[0], ref / 255.0, atol=1e-6)
    sparse = gen.flow_from_directory(tmp_path, target_size=(4, 4), class_mode="sparse",
                                     color_mode="grayscale", shuffle=False, batch_size=6)
    sx, sy = sparse[0]
    assert sx.shape == (6, 4, 4, 1) and sy.tolist() == [0, 0, 0, 1, 1, 1]
    model = keras.Sequential([keras.Input((4, 4, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy")
    hist = model.fit(it, epochs=1, steps_per_epoch=len(it), verbose=0)
    assert len(hist.history["loss"]) == 1
