"""tapeflow: TensorFlow 2's programming model and Keras API on JAX/XLA.

    import tapeflow as tf
    x = tf.constant([[5, 2], [1, 3]])
    with tf.GradientTape() as tape: ...

Top-level names come from each ops module's `__all__`; namespaces
(`tf.math`, `tf.nn`, `tf.linalg`, `tf.random`, ...) are modules of their own.
`tf.keras` is imported on first use.

Importing tapeflow enables `jax_enable_x64` for the whole process: TF has
float64/int64 tensors. tapeflow's own defaults stay TF's (float32, int32), but
other jax code in the process now makes 64-bit arrays from Python scalars
(`jnp.array(1.0).dtype` is float64) unless it passes a dtype.
"""
import importlib as _importlib

import jax as _jax

_jax.config.update("jax_enable_x64", True)  # TF has float64/int64 tensors

from ._core import *  # noqa: E402,F401,F403 - Tensor, Variable, ops, tf.function, ...
from ._core import dtypes, linalg, math, nest, nn, random  # noqa: E402,F401
from . import data  # noqa: E402
from . import strings  # noqa: E402 - tf.strings
from . import config  # noqa: E402 - tf.config
from .config import device  # noqa: E402
from . import autograph  # noqa: E402 - tf.autograph
from . import types  # noqa: E402 - tf.types.experimental.TraceType

from .ops.symbolic_dispatch import wrap_namespace as _wrap_namespace  # noqa: E402

for _mod, _prefix in ((__import__(__name__, fromlist=["_"]), "tf"), (math, "tf.math"),
                      (nn, "tf.nn"), (linalg, "tf.linalg")):
    _wrap_namespace(_mod, _prefix, skip=("constant", "convert_to_tensor", "is_tensor"))

from . import train  # noqa: E402 - tf.train.Checkpoint, CheckpointManager
from . import distribute  # noqa: E402 - tf.distribute strategies on JAX meshes
from . import saved_model  # noqa: E402 - tf.saved_model.save / load
from . import io  # noqa: E402 - tf.io: TFRecord, Example parsing, gfile
from . import image  # noqa: E402 - tf.image
from . import ragged, sparse  # noqa: E402
from .ragged import RaggedTensor, RaggedTensorSpec  # noqa: E402
from .sparse import SparseTensor, SparseTensorSpec  # noqa: E402
from .sparse.indexed_slices import IndexedSlices, IndexedSlicesSpec  # noqa: E402
from .module import Module  # noqa: E402
from .tensor_array import TensorArray, TensorArraySpec  # noqa: E402
from . import debugging  # noqa: E402
from .debugging import (Assert, assert_equal, assert_greater, assert_less,  # noqa: E402
                        assert_rank)
from .pyfunc import numpy_function, py_function  # noqa: E402
from .ops.partition_ops import (bitcast, dynamic_partition, dynamic_stitch,  # noqa: E402
                                histogram_fixed_width, histogram_fixed_width_bins,
                                unravel_index)
from .function.graph_compat import (control_dependencies, get_current_name_scope,  # noqa: E402
                                    get_logger, grad_pass_through, group, no_gradient, no_op,
                                    recompute_grad, timestamp, tuple, type_spec_from_value)
norm = linalg.norm
from . import summary  # noqa: E402
from . import experimental  # noqa: E402 - tf.experimental.numpy
from .framework.name_scope import name_scope  # noqa: E402

newaxis = None
__version__ = "0.1.0"


# TF's top-level initializer aliases (tf.zeros_initializer, ...): the Keras initializers.
_INITIALIZERS = {
    "constant_initializer": "Constant", "glorot_normal_initializer": "GlorotNormal",
    "glorot_uniform_initializer": "GlorotUniform", "ones_initializer": "Ones",
    "random_normal_initializer": "RandomNormal", "random_uniform_initializer": "RandomUniform",
    "truncated_normal_initializer": "TruncatedNormal",
    "variance_scaling_initializer": "VarianceScaling", "zeros_initializer": "Zeros"}


def __getattr__(name):
    """`tf.keras`, `tf.initializers` and the initializer aliases, imported on first use.

    As in TF, `tf.keras` is lazy: keras sits on top of tapeflow (it does
    `import tapeflow as tf`), so `import tapeflow` does not import it.
    """
    if name in ("keras", "initializers"):
        keras = _importlib.import_module(".keras", __name__)  # lazy: tf.keras, as in TF
        return keras if name == "keras" else keras.initializers
    if name in _INITIALIZERS:
        # lazy: tf.keras.initializers, imported with tf.keras on first use
        return getattr(_importlib.import_module(".keras.initializers", __name__),
                       _INITIALIZERS[name])
    raise AttributeError(f"module 'tapeflow' has no attribute {name!r}")


# tapeflow's implementation packages: importable, but not names of TF's namespace.
_IMPLEMENTATION = {"autodiff", "framework", "lib", "module", "ops", "pyfunc", "tensor_array",
                   "experimental_numpy", "special_functions"}


def __dir__():
    names = {n for n in globals() if not n.startswith("_") and n not in _IMPLEMENTATION}
    return sorted(names | {"keras", "initializers"} | set(_INITIALIZERS))
