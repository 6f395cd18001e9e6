"""The TF 2 guide's tf.function / AutoGraph patterns, compiled: fizzbuzz over
tf.range, accumulating into a TensorArray, early return from a loop, iterating a
dataset inside the function, a training loop over a dataset."""
import numpy as np

import tapeflow as tf


def test_fizzbuzz_with_tf_range(capsys):
    @tf.function
    def fizzbuzz(n):
        for i in tf.range(1, n + 1):
            if i % 15 == 0:
                tf.print("FizzBuzz")
            elif i % 3 == 0:
                tf.print("Fizz")
            elif i % 5 == 0:
                tf.print("Buzz")
            else:
                tf.print(i)

    fizzbuzz(tf.constant(15))
    want = ["FizzBuzz" if i % 15 == 0 else "Fizz" if i % 3 == 0 else "Buzz" if i % 5 == 0
            else str(i) for i in range(1, 16)]
    assert capsys.readouterr().err.split() == want
    fizzbuzz(tf.constant(5))  # the bound is a tensor: no retrace
    assert fizzbuzz.experimental_get_tracing_count() == 1


def test_tensor_array_accumulation_matches_eager():
    def running_sums(x):
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        total = tf.zeros(x.shape[1:])
        for i in tf.range(x.shape[0]):
            total += x[i]
            ta = ta.write(i, total)
        return ta.stack()

    x = tf.constant(np.arange(12, dtype=np.float32).reshape(4, 3))
    want = np.cumsum(x.numpy(), axis=0)
    np.testing.assert_allclose(running_sums(x).numpy(), want)  # eager
    np.testing.assert_allclose(tf.function(running_sums)(x).numpy(), want)

    @tf.function
    def fixed(x, n):
        ta = tf.TensorArray(tf.float32, size=5)
        for i in tf.range(n):
            ta = ta.write(i, tf.cast(i, tf.float32) * x)
        return ta.stack()

    assert fixed(tf.constant(2.0), tf.constant(3)).numpy().tolist() == [0, 2, 4, 0, 0]


def test_training_loop_over_a_dataset_inside_the_function():
    w = tf.Variable(0.0)
    ds = tf.data.Dataset.from_tensor_slices(
        (np.ones(8, np.float32), np.full(8, 3.0, np.float32))).batch(4)

    @tf.function
    def train(ds):
        loss = tf.constant(0.0)
        for x, y in ds:
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((w * x - y) ** 2)
            w.assign_sub(0.1 * tape.gradient(loss, w))
        return loss

    ref_w = 0.0
    for _ in range(2):  # two batches; d/dw mean((w - 3)^2) = 2 (w - 3)
        ref_loss = (ref_w - 3.0) ** 2
        ref_w -= 0.1 * 2 * (ref_w - 3.0)
    assert float(train(ds)) == np.float32(ref_loss)
    assert float(w) == np.float32(ref_w)
