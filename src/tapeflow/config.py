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
from .framework.jax_compat import backends_are_initialized

__all__ = ["list_physical_devices", "list_logical_devices", "run_functions_eagerly",
           "functions_run_eagerly", "experimental", "device", "set_visible_devices",
           "get_visible_devices", "PhysicalDevice", "LogicalDevice", "set_soft_device_placement",
           "get_soft_device_placement", "threading", "optimizer", "LogicalDeviceConfiguration",
           "set_logical_device_configuration", "get_logical_device_configuration"]

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


class LogicalDeviceConfiguration(collections.namedtuple(
        "LogicalDeviceConfiguration",
        ["memory_limit", "experimental_priority", "experimental_device_ordinal"])):
    """One logical device to create on a physical one (`tf.config.LogicalDeviceConfiguration`).

    >>> LogicalDeviceConfiguration().memory_limit is None
    True
    """

    def __new__(cls, memory_limit=None, experimental_priority=None,
                experimental_device_ordinal=None):
        return super().__new__(cls, memory_limit, experimental_priority,
                               experimental_device_ordinal)


_LOGICAL = {}


def _backends_started():
    return backends_are_initialized()


def set_logical_device_configuration(device, logical_devices):
    """Splits a physical device into logical ones before the runtime starts.

    N logical CPU devices become XLA's host device count (`jax_num_cpu_devices`);
    after the first computation TF's RuntimeError is raised. GPUs cannot be split.
    """
    kind = getattr(device, "device_type", str(device)).upper()
    if _backends_started():
        raise RuntimeError("Virtual devices cannot be modified after being initialized")
    configs = list(logical_devices or [])
    if kind == "CPU":
        jax.config.update("jax_num_cpu_devices", max(1, len(configs)))
    elif len(configs) > 1:
        raise ValueError(f"tapeflow cannot split a {kind} into {len(configs)} logical devices "
                         "(XLA has one device per accelerator); only CPUs can be split.")
    _LOGICAL[getattr(device, "name", str(device))] = configs


def get_logical_device_configuration(device):
    """The configurations set for `device`, or None."""
    return _LOGICAL.get(getattr(device, "name", str(device)))


def list_physical_devices(device_type=None):
    """Physical devices, e.g. `PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU')`."""
    if device_type is not None and str(device_type).upper() == "CPU":
        return [PhysicalDevice("/physical_device:CPU:0", "CPU")]  # starts no runtime
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
    set_virtual_device_configuration=set_logical_device_configuration,
    get_virtual_device_configuration=get_logical_device_configuration,
    VirtualDeviceConfiguration=LogicalDeviceConfiguration,
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
    if m is None and re.fullmatch(r"/?(?:device:)?[A-Za-z_]+", str(name).strip()):
        m = _DEVICE_RE.search(str(name).strip() + ":0")  # 'cpu', '/GPU': device 0
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
