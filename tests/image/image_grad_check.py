"""Central finite differences of a scalar function, to check tapeflow gradients."""
import numpy as np

import tapeflow as tf


def check_gradient(f, x0, eps=1e-2, atol=2e-3):
    """Asserts that the tape gradient of `f` at float64 `x0` (fed as float32) matches."""
    x = tf.constant(x0.astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    g = tape.gradient(y, x).numpy()
    fd = np.zeros_like(x0)
    for idx in np.ndindex(x0.shape):
        d = np.zeros_like(x0)
        d[idx] = eps
        fd[idx] = (float(f(tf.constant((x0 + d).astype(np.float32)))) -
                   float(f(tf.constant((x0 - d).astype(np.float32))))) / (2 * eps)
    np.testing.assert_allclose(g, fd, atol=atol)
