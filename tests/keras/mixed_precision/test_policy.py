"""keras.mixed_precision.Policy: dtypes as tf.keras 2.15 reports them."""
import pytest

from tapeflow import keras
from tapeflow.keras.mixed_precision import Policy


@pytest.mark.parametrize("name,compute,variable", [
    ("float32", "float32", "float32"), ("float64", "float64", "float64"),
    ("bfloat16", "bfloat16", "bfloat16"), ("mixed_float16", "float16", "float32"),
    ("mixed_bfloat16", "bfloat16", "float32")])
def test_policy_dtypes(name, compute, variable):
    p = Policy(name)
    assert (p.name, p.compute_dtype, p.variable_dtype) == (name, compute, variable)
    assert repr(p) == f'<Policy "{name}">' and Policy.from_config(p.get_config()) == p


def test_bad_policy_names():
    with pytest.raises(ValueError, match="mixed_float16"):
        Policy("float17")
    with pytest.raises(TypeError, match="Received: name=3"):
        Policy(3)


def test_layer_dtype_policy_follows_layer_dtype():
    assert keras.layers.Dense(2).dtype_policy == Policy("float32")
    assert keras.layers.Dense(2, dtype="float64").dtype_policy.compute_dtype == "float64"
