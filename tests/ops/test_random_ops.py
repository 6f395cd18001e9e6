"""tf.random: distributions, TF's seeding rules, freshness inside compiled functions."""
import numpy as np
import pytest

import tapeflow as tf


def test_set_seed_makes_runs_repeatable_eager_and_compiled():
    @tf.function
    def draw():
        return tf.random.normal([3]), tf.random.uniform([2], 0, 10, dtype=tf.int32)

    def run():
        tf.random.set_seed(7)
        eager = [tf.random.uniform([4]).numpy() for _ in range(2)]
        comp = [np.concatenate([a.numpy(), b.numpy()]) for a, b in (draw(), draw())]
        return eager, comp

    e1, c1 = run()
    e2, c2 = run()
    for a, b in zip(e1 + c1, e2 + c2):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(e1[0], e1[1])  # successive calls differ
    assert not np.array_equal(c1[0], c1[1])  # fresh values on every compiled call


def test_op_seed_sequences_follow_tf_rules():
    tf.random.set_seed(1)
    a1, a2 = tf.random.uniform([3], seed=5), tf.random.uniform([3], seed=5)
    tf.random.set_seed(1)
    tf.random.normal([10])  # other ops do not shift an op-seeded sequence
    b1, b2 = tf.random.uniform([3], seed=5), tf.random.uniform([3], seed=5)
    assert not np.array_equal(a1.numpy(), a2.numpy())
    np.testing.assert_array_equal(a1.numpy(), b1.numpy())
    np.testing.assert_array_equal(a2.numpy(), b2.numpy())


def test_distribution_statistics():
    tf.random.set_seed(3)
    n = tf.random.normal([20000], mean=2.0, stddev=3.0).numpy()
    assert abs(n.mean() - 2.0) < 0.1 and abs(n.std() - 3.0) < 0.1
    u = tf.random.uniform([20000], minval=-1.0, maxval=3.0).numpy()
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.05
    t = tf.random.truncated_normal([20000], stddev=2.0).numpy()
    assert np.abs(t).max() <= 4.0 + 1e-5 and abs(t.std() - 2.0 * 0.8796) < 0.05
    i = tf.random.uniform([5000], 3, 7, dtype=tf.int64)
    assert i.dtype == tf.int64 and set(np.unique(i.numpy())) == {3, 4, 5, 6}
    assert tf.random.normal([2], dtype=tf.float64).dtype == tf.float64


def test_integer_uniform_requires_maxval():
    with pytest.raises(ValueError, match="maxval"):
        tf.random.uniform([2], dtype=tf.int32)


def test_categorical_shuffle_gamma_poisson():
    tf.random.set_seed(4)
    logits = tf.math.log(tf.constant([[0.1, 0.9], [0.99, 0.01]]))
    s = tf.random.categorical(logits, 4000)
    assert s.shape == (2, 4000) and s.dtype == tf.int64
    frac = s.numpy().mean(axis=1)
    assert abs(frac[0] - 0.9) < 0.03 and abs(frac[1] - 0.01) < 0.01
    x = np.arange(10)
    sh = tf.random.shuffle(tf.constant(x)).numpy()
    assert sorted(sh.tolist()) == x.tolist()
    g = tf.random.gamma([5000], alpha=[2.0, 5.0]).numpy()
    assert g.shape == (5000, 2) and np.allclose(g.mean(0), [2.0, 5.0], rtol=0.06)
    p = tf.random.poisson([5000], lam=3.0).numpy()
    assert abs(p.mean() - 3.0) < 0.1


def test_stateless_ops_are_functions_of_the_seed():
    a = tf.random.stateless_normal([4], seed=[1, 2])
    b = tf.random.stateless_normal([4], seed=[1, 2])
    c = tf.random.stateless_normal([4], seed=[1, 3])
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(a.numpy(), c.numpy())
    compiled = tf.function(lambda s: tf.random.stateless_uniform([4], seed=s))
    np.testing.assert_array_equal(compiled(tf.constant([5, 6])).numpy(),
                                  tf.random.stateless_uniform([4], seed=[5, 6]).numpy())
    tn = tf.random.stateless_truncated_normal([1000], seed=[0, 1]).numpy()
    assert np.abs(tn).max() <= 2.0 + 1e-6
    cat = tf.random.stateless_categorical(tf.zeros([3, 5]), 7, seed=[1, 1])
    assert cat.shape == (3, 7) and cat.numpy().max() < 5
    with pytest.raises(ValueError, match="shape"):
        tf.random.stateless_normal([2], seed=[1, 2, 3])


def test_generator():
    g1, g2 = tf.random.Generator.from_seed(9), tf.random.Generator.from_seed(9)
    a, b = g1.normal([3]), g2.normal([3])
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(g1.normal([3]).numpy(), a.numpy())
    u = g1.uniform([100], minval=2, maxval=5, dtype=tf.int32).numpy()
    assert u.min() >= 2 and u.max() < 5
    seeds = g1.make_seeds(3)
    assert seeds.shape == (2, 3) and seeds.dtype == tf.int64
    kids = g1.split(2)
    assert not np.array_equal(kids[0].normal([3]).numpy(), kids[1].normal([3]).numpy())
    nd = tf.random.Generator.from_non_deterministic_state()
    assert nd.uniform([2]).shape == (2,)

    @tf.function
    def draw():
        return g2.uniform([2])
    assert not np.array_equal(draw().numpy(), draw().numpy())


def test_gradient_through_mean_and_stddev():
    mean, std = tf.Variable(1.0), tf.Variable(2.0)
    tf.random.set_seed(2)
    with tf.GradientTape() as tape:
        z = tf.random.normal([5], mean=mean, stddev=std)
        loss = tf.reduce_sum(z)
    gm, gs = tape.gradient(loss, [mean, std])
    assert float(gm) == 5.0
    assert float(gs) == pytest.approx(float(np.sum((z.numpy() - 1.0) / 2.0)), rel=1e-5)
