"""map before batch runs on whole batches (data/vectorize.py); same elements, same order."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.data import Dataset


def _no_fusion(ds):
    opts = tf.data.Options()
    opts.experimental_optimization.map_and_batch_fusion = False
    return ds.with_options(opts)


def _batches(ds):
    return list(ds.as_numpy_iterator())


def test_vectorized_map_matches_numpy_and_per_element_calls():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (70, 4, 3), dtype=np.uint8)
    y = rng.integers(0, 10, 70)
    calls = []

    def scale(a, b):
        calls.append(1)  # a Python side effect runs when traced (as in TF), not per element
        return tf.cast(a, tf.float32) / 255.0, b + 1

    got = _batches(Dataset.from_tensor_slices((x, y)).map(scale).batch(16))
    assert len(calls) <= 3 and [len(b[0]) for b in got] == [16, 16, 16, 16, 6]
    np.testing.assert_allclose(np.concatenate([b[0] for b in got]), x.astype(np.float32) / 255,
                               rtol=1e-6)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in got]), y + 1)
    # shuffled, parallel, drop_remainder: identical to element-by-element calls
    def pipe():
        return Dataset.from_tensor_slices((x, y)).shuffle(32, seed=3).map(
            scale, num_parallel_calls=tf.data.AUTOTUNE).batch(16, drop_remainder=True)
    calls.clear()
    fused = _batches(pipe())
    fused_calls = len(calls)
    plain = _batches(_no_fusion(pipe().prefetch(1)))  # options set downstream apply too
    assert fused_calls <= 3 and len(calls) - fused_calls == 70  # one call per element
    assert len(fused) == len(plain) == 4
    for (a, b), (c, d) in zip(fused, plain):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


def test_generator_input_and_dict_outputs():
    def gen():
        for i in range(5):
            yield np.full([3], i, np.float32)
    ds = Dataset.from_generator(gen, output_signature=tf.TensorSpec([3], tf.float32))
    got = _batches(ds.map(lambda v: {"s": tf.reduce_sum(v), "v": v * 2.0}).batch(2))
    assert [b["s"].tolist() for b in got] == [[0.0, 3.0], [6.0, 9.0], [12.0]]
    np.testing.assert_array_equal(got[2]["v"], [[8.0, 8.0, 8.0]])


def test_non_vectorizable_functions_run_per_element():
    tf.random.set_seed(1)
    noise = np.concatenate(_batches(Dataset.range(8).map(
        lambda x: tf.random.uniform([])).batch(4)))
    assert len(set(noise.tolist())) == 8  # stateful RNG: a fresh draw per element
    # a value read back to Python (data-dependent control flow) runs eagerly
    got = _batches(Dataset.range(6).map(lambda x: x * 10 if int(x) % 2 else -x).batch(4))
    assert [b.tolist() for b in got] == [[0, 10, -2, 30], [-4, 50]]
    words = _batches(Dataset.from_tensor_slices(["a", "bc"]).map(
        lambda s: tf.strings.length(s)).batch(2))
    assert words[0].tolist() == [1, 2]
    const = _batches(Dataset.range(3).map(lambda x: (tf.ones([2]), 7)).batch(2))
    np.testing.assert_array_equal(const[0][0], np.ones([2, 2], np.float32))
    assert const[1][1].tolist() == [7] and const[1][1].dtype == np.int32


def test_layer_built_inside_map_gets_real_weights():
    from tapeflow import keras
    layer = keras.layers.Dense(2, kernel_initializer="ones")
    x = np.arange(15, dtype=np.float32).reshape(5, 3)
    ds = Dataset.from_tensor_slices(x).map(lambda v: layer(v[None])[0]).batch(2)
    got = np.concatenate(_batches(ds))
    w, b = (v.numpy() for v in layer.weights)
    np.testing.assert_allclose(got, x @ w + b, rtol=1e-6)
    np.testing.assert_array_equal(w, np.ones([3, 2], np.float32))


def test_element_spec_relaxes_unknown_dims():
    ds = Dataset.from_generator(lambda: iter([[1, 2], [3, 4, 5]]),
                                output_signature=tf.TensorSpec([None], tf.int32))
    assert ds.map(lambda v: v * 2).element_spec.shape.as_list() == [None]
    assert ds.map(lambda v: tf.reduce_sum(v)).element_spec.shape.as_list() == []
    assert ds.map(lambda v: v[:1]).element_spec.shape.as_list() == [1]
    spec = ds.map(lambda v: (tf.cast(v, tf.float32), tf.shape(v))).element_spec
    assert spec[0].dtype == tf.float32 and spec[1].shape.as_list() == [1]
    assert ds.map(lambda v: tf.reduce_sum(v)).batch(2).element_spec.shape.as_list() == [None]


def test_deterministic_false_yields_every_element():
    ds = Dataset.range(20).map(lambda x: x + 1 if int(x) >= 0 else x, num_parallel_calls=4,
                               deterministic=False)
    assert sorted(int(v) for v in ds) == list(range(1, 21))


def test_map_errors_surface_from_batches():
    def bad(x):
        raise ValueError("bad element")
    with pytest.raises(ValueError, match="bad element"):
        _batches(Dataset.range(3).map(bad).batch(2))


def test_autotune_uses_the_private_threadpool_size():
    import threading
    threads = set()

    def f(x):
        threads.add(threading.get_ident())
        return x if int(x) >= 0 else -x  # reads the value: runs per element, in the pool
    opts = tf.data.Options()
    opts.threading.private_threadpool_size = 1
    ds = Dataset.range(30).map(f, num_parallel_calls=tf.data.AUTOTUNE).with_options(opts)
    assert [int(v) for v in ds] == list(range(30)) and len(threads) == 1


def test_print_and_assert_run_per_element(capsys):
    ds = Dataset.range(3).map(lambda x: (tf.print("el", x), x * 2)[1]).batch(2)
    assert [b.tolist() for b in _batches(ds)] == [[0, 2], [4]]
    assert capsys.readouterr().err.splitlines() == ["el 0", "el 1", "el 2"]  # tf.print: stderr
    bad = Dataset.range(3).map(
        lambda x: tf.debugging.assert_less(x, tf.constant(2, tf.int64)) or x).batch(3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="x < y"):
        _batches(bad)


def _compiled(map_node):
    """True when the map ran as a compiled block program."""
    return any(p for b in map_node.__dict__.get("_bmaps", {}).values()
               for p in b._compiled.values())


def test_map_before_padded_batch_and_ragged_batch_is_vectorized():
    x = np.arange(21, dtype=np.int64).reshape(7, 3)
    ds = Dataset.from_tensor_slices(x).map(lambda v: v * 2)
    padded = ds.padded_batch(3, padded_shapes=[5], padding_values=np.int64(-1))
    got = _batches(padded)
    assert _compiled(padded._node._input)
    want = _batches(_no_fusion(padded))
    assert len(got) == len(want) == 3
    for a, b in zip(got, want):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(got[2], [[36, 38, 40, -1, -1]])
    ragged = ds.ragged_batch(3)
    got = [b.to_list() for b in ragged]
    assert _compiled(ragged._node._input)
    assert got == [b.to_list() for b in _no_fusion(ds).ragged_batch(3)]
    assert got[2] == [[36, 38, 40]]


def test_padded_batch_of_varying_shapes_after_a_map_runs_per_element():
    def gen():
        for n in (1, 3, 2, 2, 1):
            yield np.arange(n, dtype=np.int32)
    ds = Dataset.from_generator(gen, output_signature=tf.TensorSpec([None], tf.int32))
    got = _batches(ds.map(lambda v: v + 1).padded_batch(2))
    assert [b.tolist() for b in got] == [[[1, 0, 0], [1, 2, 3]], [[1, 2], [1, 2]], [[1]]]


def test_map_before_rebatch_is_vectorized():
    x = np.arange(120, dtype=np.float32).reshape(40, 3)
    ds = Dataset.from_tensor_slices(x).batch(8).map(lambda v: (v * 2.0, tf.reduce_sum(v, 1)))
    got = _batches(ds.rebatch(6))
    assert _compiled(ds._node)
    want = _batches(_no_fusion(ds).rebatch(6))
    assert [len(a) for a, _ in got] == [len(a) for a, _ in want] == [6] * 6 + [4]
    for (a, b), (c, d) in zip(got, want):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)
    np.testing.assert_array_equal(np.concatenate([a for a, _ in got]), x * 2)
    ragged_sizes = Dataset.range(10).batch(3).map(lambda v: v * 2)  # 3, 3, 3, 1 rows
    assert [b.tolist() for b in _batches(ragged_sizes.rebatch(4))] == [
        [0, 2, 4, 6], [8, 10, 12, 14], [16, 18]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-scalar"):
        list(Dataset.range(4).batch(2).map(lambda v: tf.reduce_sum(v)).rebatch(2))
