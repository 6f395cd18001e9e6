"""Public namespaces: lazy tf.keras, TF's names only, facades built from the ops modules."""
import subprocess
import sys
import types

import tapeflow as tf
from tapeflow.ops import elementwise_ops, logic_ops, math_ops


def test_import_tapeflow_does_not_import_keras():
    code = ("import sys, tapeflow as tf; print(any(m.startswith('tapeflow.keras') "
            "for m in sys.modules)); tf.zeros_initializer; "
            "print('tapeflow.keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "True"]  # keras loads on first use of a keras-backed name


def test_dir_lists_tf_names_not_implementation_modules():
    mods = {n for n in dir(tf) if isinstance(getattr(tf, n), types.ModuleType)}
    assert {"math", "nn", "data", "keras", "linalg", "random"} <= mods
    assert not mods & {"ops", "framework", "autodiff"}
    tf.data.Dataset.range(3).map(lambda x: x).batch(2)  # loads the implementation modules
    assert not set(dir(tf.data)) & {"batching", "sources", "transforms", "dataset"}
    from tapeflow import keras
    assert {n for n in dir(keras.layers)
            if isinstance(getattr(keras.layers, n), types.ModuleType)} == {"experimental"}


def test_math_and_dtypes_namespaces_come_from_the_defining_modules():
    assert tf.math.erf is elementwise_ops.erf or getattr(tf.math.erf, "__wrapped_op__", None) \
        is elementwise_ops.erf
    assert not hasattr(math_ops, "equal") and hasattr(logic_ops, "equal")
    assert tf.dtypes.cast(tf.constant([1.5]), tf.int32).numpy().tolist() == [1]
    assert tf.dtypes.float32 is tf.float32


def test_dataset_methods_are_defined_on_the_class():
    for name in ("map", "batch", "shuffle", "prefetch", "window", "ragged_batch",
                 "concatenate", "from_tensor_slices", "range", "zip"):
        assert name in vars(tf.data.Dataset), name
