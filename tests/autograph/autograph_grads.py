"""Shared by the AutoGraph tests: first and second derivatives of a scalar function."""
import tapeflow as tf


def first_and_second(fn, x):
    """(d fn/dx, d2 fn/dx2) of `fn(x)` summed to a scalar, with nested GradientTapes."""
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(fn(x))
        g = inner.gradient(y, x)
    return g, outer.gradient(g, x)
