"""Fixtures shared by the tf.image tests: the inputs and one TensorFlow run over them.

`tf_ref` holds TF 2.15's outputs (see tf_reference.SCRIPT) and skips the
requesting test when no TensorFlow interpreter is installed.
"""
import pytest

from tf_peer import tf_arrays
from tf_reference import SCRIPT, make_inputs


@pytest.fixture(scope="session")
def inputs():
    return make_inputs()


@pytest.fixture(scope="session")
def _tf_outputs(inputs):
    try:
        return tf_arrays(SCRIPT, **inputs)
    except pytest.skip.Exception as e:
        return e


@pytest.fixture
def tf_ref(_tf_outputs):
    if isinstance(_tf_outputs, BaseException):
        pytest.skip(str(_tf_outputs))
    return _tf_outputs
