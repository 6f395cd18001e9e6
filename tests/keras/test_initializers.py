"""keras.initializers: statistics, fan scaling, seeds, names and TF-style aliases."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.keras import initializers as I


def test_constant_like_initializers():
    np.testing.assert_array_equal(I.Zeros()((2, 3)).numpy(), np.zeros((2, 3)))
    np.testing.assert_array_equal(I.Ones()((2,), dtype="int32").numpy(), [1, 1])
    np.testing.assert_array_equal(I.Constant(2.5)((2,)).numpy(), [2.5, 2.5])
    np.testing.assert_array_equal(I.Identity(gain=2.0)((2, 3)).numpy(), 2 * np.eye(2, 3))
    assert I.Zeros()((2,)).dtype == tf.float32


@pytest.mark.parametrize("init,mean,std", [
    (I.RandomNormal(mean=1.0, stddev=0.5, seed=1), 1.0, 0.5),
    (I.RandomUniform(minval=-1.0, maxval=1.0, seed=1), 0.0, 1 / np.sqrt(3)),
    (I.TruncatedNormal(stddev=1.0, seed=1), 0.0, 0.88),
])
def test_random_initializer_statistics(init, mean, std):
    v = init((200, 100)).numpy()
    assert abs(v.mean() - mean) < 0.02 and abs(v.std() - std) < 0.03
    if isinstance(init, I.TruncatedNormal):
        assert np.abs(v).max() <= 2.0
    np.testing.assert_array_equal(init((200, 100)).numpy(), v)  # seeded: repeatable


@pytest.mark.parametrize("cls,var", [
    (I.GlorotUniform, 2.0 / (300 + 200)), (I.GlorotNormal, 2.0 / (300 + 200)),
    (I.HeUniform, 2.0 / 300), (I.HeNormal, 2.0 / 300),
    (I.LecunUniform, 1.0 / 300), (I.LecunNormal, 1.0 / 300),
])
def test_variance_scaling_presets(cls, var):
    v = cls(seed=3)((300, 200)).numpy()
    assert abs(v.var() / var - 1) < 0.06
    if "Uniform" in cls.__name__:
        assert np.abs(v).max() <= np.sqrt(3 * var) + 1e-6


def test_variance_scaling_conv_fans_and_unseeded_differs():
    v = I.VarianceScaling(scale=1.0, mode="fan_out", distribution="untruncated_normal",
                          seed=2)((3, 3, 8, 64)).numpy()
    assert abs(v.var() / (1.0 / (3 * 3 * 64)) - 1) < 0.1
    a, b = I.RandomNormal()((10,)), I.RandomNormal()((10,))
    assert not np.allclose(a.numpy(), b.numpy())
    with pytest.raises(ValueError, match="mode"):
        I.VarianceScaling(mode="fan_bogus")


def test_orthogonal():
    q = I.Orthogonal(seed=0)((4, 6)).numpy()
    np.testing.assert_allclose(q @ q.T, np.eye(4), atol=1e-5)
    q = I.Orthogonal(gain=2.0, seed=0)((6, 4)).numpy()
    np.testing.assert_allclose(q.T @ q, 4 * np.eye(4), atol=1e-4)


def test_get_serialize_deserialize_and_aliases():
    assert isinstance(I.get("glorot_uniform"), I.GlorotUniform)
    assert isinstance(I.get("GlorotUniform"), I.GlorotUniform)
    init = I.RandomNormal(stddev=0.3, seed=5)
    back = I.deserialize(I.serialize(init))
    assert isinstance(back, I.RandomNormal) and back.stddev == 0.3 and back.seed == 5
    with pytest.raises(ValueError, match=r"Could not interpret initializer.*'bogus'.*zeros"):
        I.get("bogus")
    assert I.random_normal_initializer is I.RandomNormal
    assert I.zeros_initializer is I.Zeros and I.constant_initializer is I.Constant
    fn = lambda shape, dtype=None: tf.ones(shape)  # noqa: E731
    assert I.get(fn) is fn


def test_initializers_used_by_add_weight():
    layer = keras.layers.Dense(2, kernel_initializer=I.Constant(0.5), bias_initializer="ones")
    layer.build((None, 3))
    np.testing.assert_array_equal(layer.kernel.numpy(), np.full((3, 2), 0.5))
    np.testing.assert_array_equal(layer.bias.numpy(), [1.0, 1.0])
