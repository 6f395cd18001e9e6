"""tf.train.load_checkpoint / list_variables: read any TF checkpoint's values by key.

>>> import os, tempfile, tapeflow as tf
>>> p = tf.train.Checkpoint(v=tf.Variable([1.0, 2.0])).write(
...     os.path.join(tempfile.mkdtemp(), "c"))
>>> load_checkpoint(p).get_tensor("v/.ATTRIBUTES/VARIABLE_VALUE")
array([1., 2.], dtype=float32)
"""
import os

from ..framework import dtypes
from .tensor_bundle import DT_STRING, BundleReader, TF_TO_NP, dtype_name
from .checkpoint_management import latest_checkpoint

__all__ = ["CheckpointReader", "load_checkpoint", "list_variables"]


def _resolve(ckpt_dir_or_file):
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        found = latest_checkpoint(path)
        if found is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given "
                             f"directory {path}")
        return found
    return path[:-len(".index")] if path.endswith(".index") else path


def _dtype(enum):
    if enum == DT_STRING:
        return dtypes.string
    if enum in TF_TO_NP:
        return dtypes.as_dtype(TF_TO_NP[enum].name)
    try:
        return dtypes.as_dtype(dtype_name(enum))
    except (TypeError, ValueError, KeyError):
        return dtype_name(enum)


class CheckpointReader:
    """Reads the tensors of one checkpoint (`tf.train.load_checkpoint` returns one)."""

    def __init__(self, prefix):
        self._bundle = BundleReader(prefix)

    def get_tensor(self, tensor_str):
        """The value stored under `tensor_str` as a NumPy array."""
        return self._bundle.get_tensor(tensor_str)

    def has_tensor(self, tensor_str):
        return self._bundle.has_tensor(tensor_str)

    def get_variable_to_shape_map(self):
        """{key: shape as a list of ints}."""
        return {k: list(self._bundle.shape(k) or ()) for k in self._bundle.keys()}

    def get_variable_to_dtype_map(self):
        """{key: tf.DType}."""
        return {k: _dtype(self._bundle.dtype_enum(k)) for k in self._bundle.keys()}

    def debug_string(self):
        """One line per tensor, `key (dtype) [shape]`, as bytes."""
        shapes, dtypes_ = self.get_variable_to_shape_map(), self.get_variable_to_dtype_map()
        return "".join(f"{k} ({getattr(dtypes_[k], 'name', dtypes_[k])}) {shapes[k]}\n"
                       for k in sorted(shapes)).encode("utf8")


def load_checkpoint(ckpt_dir_or_file):
    """A `CheckpointReader` for a checkpoint prefix, or the latest one in a directory."""
    return CheckpointReader(_resolve(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file):
    """[(key, shape)] of every value in the checkpoint, sorted by key."""
    reader = load_checkpoint(ckpt_dir_or_file)
    shapes = reader.get_variable_to_shape_map()
    return [(k, shapes[k]) for k in sorted(shapes)]


def load_variable(ckpt_dir_or_file, name):
    """The value stored under `name` (a trailing ':0' is ignored)."""
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)
