import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tapeflow.framework.dynamic_shape import DynamicShapeError

from image_layer_checks import check_image_layer, images


def test_height_drawn_in_range_and_resized():
    x = images((2, 10, 6, 3))
    layer = keras.layers.RandomHeight((-0.5, 0.5), seed=2)
    heights = set()
    for _ in range(5):
        y = layer(x).numpy()
        assert y.shape[2] == 6 and 5 <= y.shape[1] <= 15
        heights.add(y.shape[1])
        np.testing.assert_allclose(y, tf.image.resize(x, [y.shape[1], 6]).numpy(), atol=1e-4)
    assert len(heights) > 1
    check_image_layer(layer, x)
    assert layer.compute_output_shape([None, 10, 6, 3]).as_list() == [None, None, 6, 3]


def test_tf_function_trace_raises_dynamic_shape_error_and_runs_eagerly(caplog):
    # the trace raises DynamicShapeError (a ValueError naming the layer); tf.function
    # then runs the Python eagerly for that signature (function/dynamic_fallback.py)
    f = tf.function(lambda t: keras.layers.RandomHeight(0.2, name="rh")(t, training=True))
    with caplog.at_level("WARNING", logger="tapeflow"):
        assert 3 <= f(tf.zeros([1, 4, 4, 1])).shape[1] <= 5
    assert any("rh draws its output height" in r.getMessage() and "compiled function"
               in r.getMessage() for r in caplog.records)
    assert issubclass(DynamicShapeError, ValueError)


def _sizes(layer, x, n):
    return [tuple(layer(x).shape[1:3]) for _ in range(n)]


def test_seeded_sizes_repeat_and_stay_in_factor_range():
    x = images((1, 20, 20, 1))
    # TF: (lower, upper) scales the size by U(1 + lower, 1 + upper), truncated.
    runs = []
    for _ in range(2):  # seeded layers repeat their draws after tf.random.set_seed, as TF's
        tf.random.set_seed(11)
        runs.append(_sizes(keras.layers.RandomHeight((-0.3, 0.2), seed=7), x, 8))
    first = runs[0]
    assert runs[1] == first
    assert all(14 <= h <= 24 and w == 20 for h, w in first) and len(set(first)) > 2
    widths = _sizes(keras.layers.RandomWidth(0.5, seed=3), x, 8)
    assert all(h == 20 and 10 <= w <= 30 for h, w in widths) and len(set(widths)) > 2


@pytest.mark.parametrize("compiled", [False, True])
def test_dataset_map_yields_randomly_sized_resized_elements(compiled):
    x = images((6, 10, 8, 3))
    height = keras.layers.RandomHeight(0.4, seed=3)
    width = keras.layers.RandomWidth(0.4, interpolation="nearest", seed=4)
    fn = lambda t: width(height(t, training=True), training=True)  # noqa: E731
    fn = tf.function(fn) if compiled else fn
    ds = tf.data.Dataset.from_tensor_slices(x)
    for batched in (ds.batch(2).map(fn), ds.map(fn, num_parallel_calls=2)):
        out = [e.numpy() for e in batched]
        assert len({o.shape for o in out}) > 1
        for o in out:
            assert 6 <= o.shape[-3] <= 14 and 4 <= o.shape[-2] <= 11 and o.shape[-1] == 3
    # each element is the resize of its input to the drawn size (bilinear, then nearest)
    for i, o in enumerate(ds.map(fn)):
        h, w = o.shape[0], o.shape[1]
        ref = tf.image.resize(tf.image.resize(x[i], [h, 8]), [h, w], "nearest")
        np.testing.assert_allclose(o.numpy(), ref.numpy(), atol=1e-4)


def test_fit_trains_on_random_sizes_and_predict_passes_through():
    L = keras.layers
    x = images((12, 8, 8, 3), scale=1.0)
    y = np.arange(12) % 2
    seen = []

    class Spy(L.Layer):
        def call(self, t):
            seen.append(tuple(t.shape[1:3]))
            return t

    inp = keras.Input((8, 8, 3))
    h = Spy()(L.RandomWidth(0.5, seed=2)(L.RandomHeight(0.5, seed=1)(inp)))
    out = L.Dense(2)(L.GlobalAveragePooling2D()(h))
    model = keras.Model(inp, out)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    del seen[:]
    with pytest.warns(UserWarning, match="eagerly"):
        history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert len(seen) == 3 and len(set(seen)) > 1  # one eager step per batch
    assert all(4 <= a <= 11 and 4 <= b <= 11 for a, b in seen)
    probe = keras.Model(inp, h)  # inference: the input unchanged, compiled
    np.testing.assert_array_equal(probe.predict(x, verbose=0), x)


def test_fixed_factors_give_tf_sizes_and_pixels():
    from tf_peer import tf_eval
    x = images((1, 10, 7, 2))
    cases = [("RandomHeight", (0.5, 0.5)), ("RandomHeight", (-0.35, -0.35)),
             ("RandomWidth", (0.3, 0.3)), ("RandomWidth", (-0.29, -0.29))]
    ref = tf_eval(f"""
x = np.array({x.tolist()}, np.float32)
out = [getattr(tf.keras.layers, name)(f)(x, training=True).numpy().tolist()
       for name, f in {cases!r}]
print(json.dumps(out))
""")
    for (name, factor), expected in zip(cases, ref):
        got = getattr(keras.layers, name)(factor)(x, training=True).numpy()
        np.testing.assert_allclose(got, np.array(expected, np.float32), atol=1e-4,
                                   err_msg=f"{name}{factor}")
