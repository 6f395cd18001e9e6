"""In-memory data gathered a group of batches at a time, stacked without a copy."""
import numpy as np

from tapeflow import keras
from tapeflow.keras.trainers import data_adapter as da
from tapeflow.keras.trainers import execution

rng = np.random.default_rng(3)
X = rng.normal(size=(45, 6)).astype("float32")
Y = rng.integers(0, 3, 45)


def test_grouped_epoch_matches_one_permutation():
    data = da.ArrayData(X, Y, batch_size=8, shuffle=True)
    np.random.seed(5)
    got = list(data.epoch_batches(3))
    np.random.seed(5)
    perm = np.random.permutation(45)
    assert [len(b[0]) for b in got] == [8, 8, 8, 8, 8, 5]
    np.testing.assert_array_equal(np.concatenate([b[0] for b in got]), X[perm])
    np.testing.assert_array_equal(np.concatenate([b[1] for b in got]), Y[perm])


def test_group_of_views_stacks_without_copy():
    data = da.ArrayData(X, Y, batch_size=5, shuffle=True)
    group = next(execution.groups(data.epoch_batches(4), 4))
    stacked = execution._stack(group)
    xs = stacked[0]._value
    np.testing.assert_array_equal(xs, np.stack([b[0] for b in group]))
    assert xs.shape == (4, 5, 6) and np.shares_memory(xs, group[0][0])
    # unrelated arrays still stack by copying
    a, b = X[:5].copy(), X[10:15].copy()
    np.testing.assert_array_equal(execution._stack_leaf(a, b)._value, np.stack([a, b]))


def linear_model(spe):
    """A fixed-start linear classifier compiled with steps_per_execution=spe."""
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    model.set_weights([np.full((6, 3), 0.1, "float32"), np.zeros(3, "float32")])
    model.compile(optimizer=keras.optimizers.Adam(0.05),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  steps_per_execution=spe)
    return model


def fit_weights(spe):
    model = linear_model(spe)
    np.random.seed(11)
    hist = model.fit(X, Y, batch_size=8, epochs=2, verbose=0)
    return model.get_weights(), hist.history["loss"]


def reference_weights():
    """NumPy Adam on softmax cross-entropy over the same shuffled batches."""
    w, b = np.full((6, 3), 0.1), np.zeros(3)
    m = [np.zeros_like(w), np.zeros_like(b)]
    v = [np.zeros_like(w), np.zeros_like(b)]
    t = 0
    np.random.seed(11)
    for _ in range(2):
        perm = np.random.permutation(45)
        for i in range(0, 45, 8):
            xb, yb = X[perm[i:i + 8]].astype(np.float64), Y[perm[i:i + 8]]
            z = xb @ w + b
            p = np.exp(z - z.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            p[np.arange(len(yb)), yb] -= 1
            grads = [xb.T @ p / len(yb), p.mean(0)]
            t += 1
            lr = 0.05 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
            for j, (prm, g) in enumerate(zip((w, b), grads)):
                m[j] = 0.9 * m[j] + 0.1 * g
                v[j] = 0.999 * v[j] + 0.001 * g * g
                prm -= lr * m[j] / (np.sqrt(v[j]) + 1e-7)
    return [w, b]


def test_shuffled_fit_same_for_every_steps_per_execution():
    ref = reference_weights()
    w1, l1 = fit_weights(1)
    w4, l4 = fit_weights(4)
    for a, b, r in zip(w1, w4, ref):
        np.testing.assert_allclose(a, r, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(b, r, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(l4, l1, rtol=1e-5)


def _fit_sizes(spe, sizes):
    model = linear_model(spe)
    np.random.seed(2)
    for n in sizes:
        model.fit(X[:n], Y[:n], batch_size=8, epochs=2, verbose=0)
    return model


def test_short_groups_reuse_the_one_loop_program():
    # batch sizes per group: 45 samples -> [8, 8, 8, 8] [8, 5]; 24 -> one short group
    # [8, 8, 8]; 40 -> [8, 8, 8, 8] [8]
    sizes = [45, 24, 40, 45]
    m4, m1 = _fit_sizes(4, sizes), _fit_sizes(1, sizes)
    fn = m4.train_function
    # every group, the 5-row batch padded to 8 included, runs in the one loop program
    assert fn.masked_looped.experimental_get_tracing_count() == 1
    assert fn.single.experimental_get_tracing_count() == 0
    assert fn.looped.experimental_get_tracing_count() == 0
    assert int(m4.optimizer.iterations) == int(m1.optimizer.iterations) == 2 * (6 + 3 + 5 + 6)
    for a, b in zip(m4.get_weights(), m1.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
