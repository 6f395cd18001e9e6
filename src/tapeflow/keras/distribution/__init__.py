"""`keras.distribution`: DeviceMesh, TensorLayout, LayoutMap, DataParallel, ModelParallel.

>>> from tapeflow import keras
>>> keras.distribution.distribution() is None
True
"""
from .distribution_lib import (DataParallel, DeviceMesh, Distribution,  # noqa: F401
                               LayoutMap, ModelParallel, TensorLayout, distribute_tensor,
                               distribution, list_devices, set_distribution)

__all__ = ["DataParallel", "DeviceMesh", "Distribution", "LayoutMap", "ModelParallel",
           "TensorLayout", "distribute_tensor", "distribution", "list_devices",
           "set_distribution"]


def __dir__():
    """Keras 3's names only."""
    return sorted(__all__)
