"""keras.distribution (Keras 3 API) on one device; 2x2 ModelParallel is in tests/distribute."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras

dist = keras.distribution


def test_list_devices_and_mesh():
    devices = dist.list_devices("cpu")
    assert devices[0] == "cpu:0"
    mesh = dist.DeviceMesh((1,), ["batch"], devices[:1])
    assert mesh.shape == (1,) and mesh.axis_names == ["batch"]
    with pytest.raises(ValueError, match="mismatched"):
        dist.DeviceMesh((1,), ["batch", "model"], devices[:1])
    with pytest.raises(ValueError, match="number of devices"):
        dist.DeviceMesh((2,), ["batch"], devices[:1])


def test_layout_map_exact_then_regex():
    mesh = dist.DeviceMesh((1,), ["model"], dist.list_devices("cpu")[:1])
    lm = dist.LayoutMap(mesh)
    lm["dense/kernel"] = (None, "model")
    lm[".*bias"] = ("model",)
    assert lm["dense/kernel"].axes == (None, "model")
    assert lm["dense_1/bias"].axes == ("model",)
    assert lm["dense_1/kernel"] is None
    lm["dense.*"] = (None, None)
    with pytest.raises(ValueError, match="multiple"):
        lm["dense_1/bias"]


def test_distribute_tensor_keeps_values():
    mesh = dist.DeviceMesh((1,), ["batch"], dist.list_devices("cpu")[:1])
    t = dist.distribute_tensor(np.arange(4.0), dist.TensorLayout(["batch"], mesh))
    np.testing.assert_array_equal(t.numpy(), np.arange(4.0))
    assert tuple(t._value.sharding.spec) == ("batch",)


def test_data_parallel_global_distribution_places_new_variables():
    d = dist.DataParallel(devices=dist.list_devices("cpu")[:1])
    dist.set_distribution(d)
    try:
        assert dist.distribution() is d
        v = tf.Variable([1.0, 2.0])
        assert v._distribute_strategy is d and set(v._value.sharding.spec) <= {None}  # replicated
    finally:
        dist.set_distribution(None)
    assert dist.distribution() is None
    with pytest.raises(ValueError, match="Distribution"):
        dist.set_distribution("data_parallel")
