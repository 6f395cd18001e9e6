"""tf.config and tf.device."""
import jax
import pytest

import tapeflow as tf


def test_list_devices_names_and_types():
    cpus = tf.config.list_physical_devices("CPU")
    assert cpus[0] == tf.config.PhysicalDevice("/physical_device:CPU:0", "CPU")
    assert cpus[0].name == "/physical_device:CPU:0" and cpus[0].device_type == "CPU"
    logical = tf.config.list_logical_devices("CPU")
    assert logical[0].name == "/device:CPU:0"
    n_gpu = sum(d.platform in ("gpu", "cuda", "rocm") for d in jax.devices())
    assert len(tf.config.list_physical_devices("GPU")) == n_gpu
    assert len(tf.config.list_physical_devices()) >= 1


def test_memory_growth_is_accepted():
    for d in tf.config.list_physical_devices("GPU") or tf.config.list_physical_devices("CPU"):
        tf.config.experimental.set_memory_growth(d, True)
        assert tf.config.experimental.get_memory_growth(d) is True


@pytest.mark.parametrize("name", ["/CPU:0", "/device:CPU:0", "cpu:0",
                                  "/job:localhost/replica:0/task:0/device:CPU:0"])
def test_device_places_tensors(name):
    with tf.device(name):
        x = tf.constant([1.0, 2.0]) + 1.0
    assert x.device.endswith("CPU:0")
    assert x.numpy().tolist() == [2.0, 3.0]


def test_device_soft_placement_and_bad_names():
    with tf.device("/GPU:7"):  # absent devices fall back to the default, as TF's soft placement
        x = tf.constant(1.0)
    assert float(x) == 1.0
    with pytest.raises(ValueError, match="Unknown device"):
        with tf.device("not a device"):
            pass


def test_run_functions_eagerly_flag():
    assert tf.config.functions_run_eagerly() is False
    tf.config.run_functions_eagerly(True)
    assert tf.config.functions_run_eagerly() is True
    tf.config.run_functions_eagerly(False)
    assert tf.config.functions_run_eagerly() is False
