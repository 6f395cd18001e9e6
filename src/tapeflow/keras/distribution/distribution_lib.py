"""`keras.distribution` (Keras 3 API) on jax.sharding: meshes, layouts, data/model parallelism.

A distribution set with `set_distribution` lays out every new variable
(replicated for `DataParallel`, per `LayoutMap` regex for `ModelParallel`)
and `fit` shards each batch along the batch mesh axis, so the train step is
one SPMD program (the same machinery as `tf.distribute`).

>>> from tapeflow import keras
>>> mesh = keras.distribution.DeviceMesh((1,), ["batch"], keras.distribution.list_devices()[:1])
>>> mesh.shape, mesh.axis_names
((1,), ['batch'])
"""
import contextlib
import re

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

import tapeflow as tf
from ...framework.variables import PLACEMENT

__all__ = ["DeviceMesh", "TensorLayout", "LayoutMap", "Distribution", "DataParallel",
           "ModelParallel", "set_distribution", "distribution", "distribute_tensor",
           "list_devices"]


def list_devices(device_type=None):
    """Device names like 'cpu:0' of `device_type` (default: JAX's default backend)."""
    devices = jax.devices(device_type.lower()) if device_type else jax.devices()
    return [f"{d.platform}:{d.id}" for d in devices]


def _jax_device(name):
    if isinstance(name, jax.Device):
        return name
    platform, _, index = str(name).lower().rpartition(":")
    for d in jax.devices(platform or None):
        if d.id == int(index):
            return d
    raise ValueError(f"Unknown device {name!r}. Available: {list_devices()}")


class DeviceMesh:
    """Devices arranged in an n-d grid with named axes."""

    def __init__(self, shape, axis_names, devices=None):
        shape, axis_names = tuple(shape), list(axis_names)
        if len(shape) != len(axis_names):
            raise ValueError(f"Shape and axis_names cannot be mismatched. Received: "
                             f"shape={shape}, axis_names={axis_names}")
        devices = list(devices) if devices is not None else list_devices()
        if int(np.prod(shape)) != len(devices):
            raise ValueError(f"Shape {shape} does not match the number of devices "
                             f"{len(devices)}")
        self.shape, self.axis_names = shape, axis_names
        self.devices = np.array([_jax_device(d) for d in devices], dtype=object).reshape(shape)
        self._mesh = Mesh(self.devices, tuple(axis_names))


class TensorLayout:
    """How a tensor is split over a DeviceMesh: one mesh axis name (or None) per dimension."""

    def __init__(self, axes, device_mesh=None):
        self.axes, self.device_mesh = tuple(axes), device_mesh

    def sharding(self):
        if self.device_mesh is None:
            raise ValueError("A TensorLayout needs a `device_mesh` before it can be used.")
        return NamedSharding(self.device_mesh._mesh, P(*self.axes))


class LayoutMap:
    """Variable path regex -> TensorLayout (first exact key, else the first regex that matches)."""

    def __init__(self, device_mesh):
        self.device_mesh = device_mesh
        self._layouts = {}

    def __setitem__(self, key, layout):
        if not isinstance(layout, TensorLayout):
            layout = TensorLayout(layout)
        if layout.device_mesh is None:
            layout.device_mesh = self.device_mesh
        self._layouts[key] = layout

    def __getitem__(self, key):
        if key in self._layouts:
            return self._layouts[key]
        hits = [k for k in self._layouts if re.search(k, key)]
        if len(hits) > 1:
            raise ValueError(f"Path {key!r} matches multiple layout specification keys: {hits}")
        return self._layouts[hits[0]] if hits else None

    def __len__(self):
        return len(self._layouts)

    def __iter__(self):
        return iter(self._layouts)


class Distribution:
    """Base: a mesh, a batch axis; `scope()` lays out new variables."""

    def __init__(self, device_mesh, batch_dim_name):
        self.device_mesh, self.batch_dim_name = device_mesh, batch_dim_name

    @property
    def num_replicas_in_sync(self):
        return int(self.device_mesh._mesh.shape[self.batch_dim_name])

    def get_variable_layout(self, variable):
        return TensorLayout([None] * len(variable.shape), self.device_mesh)

    def _place_variable(self, var):
        var._swap_value(jax.device_put(var._value, self.get_variable_layout(var).sharding()))
        var._distribute_strategy = self

    def shard_batch(self, array, axis=0):
        """A batch laid out along the batch mesh axis (as is when it does not divide)."""
        n = self.num_replicas_in_sync
        if getattr(array, "ndim", 0) > axis and array.shape[axis] % n == 0:
            spec = P(*([None] * axis + [self.batch_dim_name]))
            return jax.device_put(array, NamedSharding(self.device_mesh._mesh, spec))
        return array

    @contextlib.contextmanager
    def scope(self):
        """Within the block, new variables are laid out by this distribution."""
        with PLACEMENT.using(self._place_variable):
            yield self


class DataParallel(Distribution):
    """Variables replicated on every device; each batch split along the mesh's batch axis."""

    def __init__(self, device_mesh=None, devices=None):
        if device_mesh is None:
            devices = devices if devices is not None else list_devices()
            device_mesh = DeviceMesh((len(devices),), ["batch"], devices)
        super().__init__(device_mesh, device_mesh.axis_names[0])


class ModelParallel(Distribution):
    """Variables sharded per `layout_map` (by variable path); batches along `batch_dim_name`."""

    def __init__(self, device_mesh=None, layout_map=None, batch_dim_name=None):
        if layout_map is None:
            raise ValueError("ModelParallel needs a `layout_map`.")
        device_mesh = device_mesh or layout_map.device_mesh
        super().__init__(device_mesh, batch_dim_name or device_mesh.axis_names[0])
        self.layout_map = layout_map

    def get_variable_layout(self, variable):
        layout = self.layout_map[variable.name.rsplit(":", 1)[0]]
        return layout if layout is not None else super().get_variable_layout(variable)


_GLOBAL = [None]


def set_distribution(value):
    """Makes `value` (a Distribution, or None) global: new variables and fit follow it."""
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(f"Expected a keras.distribution.Distribution. Received: {value!r}")
    _GLOBAL[0] = value
    PLACEMENT.place = value._place_variable if value is not None else None


def distribution():
    """The global Distribution, or None."""
    return _GLOBAL[0]


def distribute_tensor(tensor, layout):
    """`tensor` laid out as `layout` (a TensorLayout) on its mesh."""
    value = tf.convert_to_tensor(tensor)._value
    return tf.Tensor._from_host(jax.device_put(value, layout.sharding()))
