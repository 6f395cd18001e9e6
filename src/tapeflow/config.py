"""`tf.config` and `tf.device`: devices mapped to JAX devices, run_functions_eagerly.

>>> import tapeflow as tf
>>> [d.device_type for d in tf.config.list_physical_devices("CPU")]
['CPU']
"""
import collections
import contextlib
import re
import types

import jax

from .framework.context import STACK

__all__ = ["list_physical_devices", "list_logical_devices", "run_functions_eagerly",
           "functions_run_eagerly", "experimental", "device", "set_visible_devices",
           "get_visible_devices", "PhysicalDevice", "LogicalDevice", "set_soft_device_placement",
           "get_soft_device_placement", "threading", "optimizer"]

PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])

_GPU_PLATFORMS = ("gpu", "cuda", "rocm")
_MEMORY_GROWTH = {}
_VISIBLE = {}


def _kind(d):
    return "GPU" if d.platform in _GPU_PLATFORMS else d.platform.upper()


def _jax_devices(device_type=None):
    """[(type, index, jax device)] for every device JAX can see."""
    out, counts = [], collections.Counter()
    backends = ["cpu"]
    try:
        if jax.default_backend() != "cpu":
            backends.append(jax.default_backend())
    except RuntimeError:
        pass
    for b in backends:
        for d in jax.devices(b):
            k = _kind(d)
            out.append((k, counts[k], d))
            counts[k] += 1
    if device_type is not None:
        want = str(device_type).upper()
        out = [o for o in out if o[0] == want]
    return out


def list_physical_devices(device_type=None):
    """Physical devices, e.g. `PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')`."""
    return [PhysicalDevice(f"/physical_device:{k}:{i}", k) for k, i, _ in _jax_devices(device_type)]


def list_logical_devices(device_type=None):
    """Logical devices, e.g. `LogicalDevice(name='/device:CPU:0', device_type='CPU')`."""
    return [LogicalDevice(f"/device:{k}:{i}", k) for k, i, _ in _jax_devices(device_type)]


def set_visible_devices(devices, device_type=None):
    """Accepted for compatibility; every device stays visible to JAX."""
    _VISIBLE[device_type] = devices


def get_visible_devices(device_type=None):
    return list_physical_devices(device_type)


def set_soft_device_placement(enabled):
    """Accepted; placement is always soft (unknown devices fall back to the default)."""


def get_soft_device_placement():
    return True


def run_functions_eagerly(run_eagerly):
    """When True, tapeflow.function calls run their Python eagerly (for debugging).

    >>> run_functions_eagerly(False)
    """
    STACK.run_eagerly = bool(run_eagerly)


def functions_run_eagerly():
    """Whether `run_functions_eagerly(True)` is in effect."""
    return STACK.run_eagerly


def _set_memory_growth(device, enable):
    _MEMORY_GROWTH[getattr(device, "name", str(device))] = bool(enable)


def _get_memory_growth(device):
    return _MEMORY_GROWTH.get(getattr(device, "name", str(device)), False)


experimental = types.SimpleNamespace(
    set_memory_growth=_set_memory_growth, get_memory_growth=_get_memory_growth,
    list_physical_devices=list_physical_devices, list_logical_devices=list_logical_devices,
    set_visible_devices=set_visible_devices, get_visible_devices=get_visible_devices,
    enable_op_determinism=lambda: None,
    set_virtual_device_configuration=lambda device, configs: None,
    enable_tensor_float_32_execution=lambda enabled: None)
threading = types.SimpleNamespace(
    set_inter_op_parallelism_threads=lambda n: None,
    set_intra_op_parallelism_threads=lambda n: None,
    get_inter_op_parallelism_threads=lambda: 0,
    get_intra_op_parallelism_threads=lambda: 0)
optimizer = types.SimpleNamespace(set_jit=lambda enabled: None, get_jit=lambda: True)

_DEVICE_RE = re.compile(r"(?:^|/)(?:device:)?(?P<kind>[A-Za-z_]+):(?P<index>\d+)$")


def _resolve(name):
    """A TF device string -> jax device (None: keep the default)."""
    if name is None or name == "":
        return None
    if hasattr(name, "platform"):
        return name
    m = _DEVICE_RE.search(str(name).strip())
    if m is None:
        raise ValueError(f"Unknown device specification: {name!r} (expected e.g. '/CPU:0', "
                         f"'/GPU:0' or '/device:GPU:0').")
    kind, index = m.group("kind").upper(), int(m.group("index"))
    kind = "GPU" if kind in ("GPU", "CUDA") else kind
    for k, i, d in _jax_devices(kind):
        if i == index:
            return d
    return None  # soft placement: unknown or absent devices fall back to the default


@contextlib.contextmanager
def device(device_name):
    """Places the enclosed ops on a device (`tf.device("/GPU:0")`).

    >>> import tapeflow as tf
    >>> with tf.device("/CPU:0"):
    ...     x = tf.constant(1.0) + 1.0
    """
    d = _resolve(device_name)
    if d is None:
        yield
        return
    with jax.default_device(d):
        yield
