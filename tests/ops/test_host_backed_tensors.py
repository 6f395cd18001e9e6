"""Tensors that wrap a host NumPy array (tf.data batches, eager Keras inputs) go through
every op like device-backed ones: the same values as the NumPy reference."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.framework.tensor import Tensor


def _host(a):
    return Tensor._from_host(np.asarray(a))


CASES = {
    "set_diag": (lambda x: tf.linalg.set_diag(x, tf.constant([1., 2., 3.])),
                 lambda a: a + np.diag([1., 2., 3.]).astype(np.float32)),
    "scatter_update": (lambda x: tf.tensor_scatter_nd_update(x[0], [[1]], [5.]),
                       lambda a: np.where(np.arange(3) == 1, 5., a[0]).astype(np.float32)),
    "scatter_add": (lambda x: tf.tensor_scatter_nd_add(x[0], [[2]], [4.]),
                    lambda a: a[0] + np.array([0., 0., 4.], np.float32)),
    "matmul": (lambda x: tf.matmul(x, x), lambda a: a @ a),
    "gather": (lambda x: tf.gather(x, [2, 0]), lambda a: a[[2, 0]]),
    "cast": (lambda x: tf.cast(x, tf.int32), lambda a: a.astype(np.int32)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_host_backed_input_equals_numpy(name):
    fn, ref = CASES[name]
    a = np.zeros((3, 3), np.float32)
    np.testing.assert_allclose(fn(_host(a)).numpy(), ref(a))
