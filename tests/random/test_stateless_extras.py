"""tf.random split/fold_in and stateless gamma/poisson/binomial: determinism and moments."""
import numpy as np

import tapeflow as tf


def test_split_and_fold_in_make_new_deterministic_seeds():
    seeds = tf.random.split([1, 2], 3)
    assert seeds.shape.as_list() == [3, 2] and seeds.dtype == tf.int64
    assert len({tuple(s) for s in seeds.numpy().tolist()}) == 3
    a, b = tf.random.fold_in([1, 2], 7), tf.random.fold_in([1, 2], 7)
    assert a.numpy().tolist() == b.numpy().tolist() != tf.random.fold_in([1, 2], 8).numpy(
    ).tolist()


def test_stateless_distributions_match_their_moments():
    n = 20000
    g = tf.random.stateless_gamma([n], [1, 2], alpha=3.0, beta=2.0).numpy()
    assert abs(g.mean() - 1.5) < 0.05 and abs(g.var() - 0.75) < 0.05  # a/b, a/b^2
    p = tf.random.stateless_poisson([n], [1, 2], lam=4.0)
    assert p.dtype == tf.int32 and abs(p.numpy().mean() - 4.0) < 0.08
    b = tf.random.stateless_binomial([n], [1, 2], counts=10.0, probs=0.3).numpy()
    assert abs(b.mean() - 3.0) < 0.05 and abs(b.var() - 2.1) < 0.1
    np.testing.assert_array_equal(tf.random.stateless_gamma([4], [5, 6], 2.0).numpy(),
                                  tf.random.stateless_gamma([4], [5, 6], 2.0).numpy())
