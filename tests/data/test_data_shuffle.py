"""shuffle: permutation, TF's buffer distribution, seeds, reshuffle_each_iteration."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.data import Dataset
from tapeflow.data.shuffle import buffer_shuffle, shuffle_indices


def order(ds):
    return [int(v) for v in ds.as_numpy_iterator()]


def test_shuffle_is_permutation_and_seed_reproducible():
    a = order(Dataset.range(100).shuffle(10, seed=42))
    assert sorted(a) == list(range(100)) and a != list(range(100))
    assert order(Dataset.range(100).shuffle(10, seed=42)) == a


def test_buffer_of_one_keeps_order_and_small_buffer_is_local():
    assert order(Dataset.range(20).shuffle(1)) == list(range(20))
    got = order(Dataset.range(50).shuffle(3, seed=0))
    # with a buffer of 3 the k-th output is at most element k+2
    assert all(v <= k + 2 for k, v in enumerate(got))


def test_reshuffle_each_iteration():
    ds = Dataset.range(30).shuffle(30, seed=5)
    e1, e2 = order(ds), order(ds)
    assert e1 != e2 and sorted(e1) == sorted(e2)
    fixed = Dataset.range(30).shuffle(30, seed=5, reshuffle_each_iteration=False)
    assert order(fixed) == order(fixed)
    rep = order(Dataset.range(10).shuffle(10, seed=1).repeat(2))
    assert sorted(rep[:10]) == sorted(rep[10:]) == list(range(10)) and rep[:10] != rep[10:]


def test_first_output_distribution_matches_buffer_process():
    # TF buffer semantics: the first output is uniform over the first B elements
    rng = np.random.default_rng(0)
    n, b, trials = 8, 3, 6000
    counts = np.zeros((n, n))
    for _ in range(trials):
        out = np.concatenate(list(shuffle_indices(np.arange(n), b, rng)))
        counts[np.arange(n), out] += 1
    p = counts / trials
    np.testing.assert_allclose(p[0, :3], 1 / 3, atol=0.03)
    assert p[0, 3:].sum() == 0
    # second output: slot refilled with element 3 w.p. 1/3 -> P(out1 == 3) = 1/3
    np.testing.assert_allclose(p[1, 3], 1 / 3, atol=0.03)
    np.testing.assert_allclose(p[1, 0], (2 / 3) * (1 / 3), atol=0.03)
    # the vectorized index process and the element-wise buffer agree in distribution
    ref = np.zeros((n, n))
    for _ in range(trials):
        out = list(buffer_shuffle(range(n), b, rng))
        ref[np.arange(n), out] += 1
    np.testing.assert_allclose(p, ref / trials, atol=0.04)


def test_shuffle_generic_path_and_streaming_blocks():
    ds = Dataset.range(40).map(lambda x: x).shuffle(8, seed=3)
    got = order(ds)
    assert sorted(got) == list(range(40))
    blocks = list(shuffle_indices(iter([np.arange(5), np.arange(5, 50)]), 7,
                                  np.random.default_rng(1), block=4))
    assert sorted(np.concatenate(blocks).tolist()) == list(range(50))


def test_shuffle_over_infinite_repeat_with_take():
    got = order(Dataset.range(4).repeat().shuffle(3, seed=2).take(12))
    assert len(got) == 12 and set(got) <= {0, 1, 2, 3}


def test_shuffle_structured_batches_keep_pairs():
    x = np.arange(100, dtype=np.float32)
    y = np.arange(100, dtype=np.int64) * 2
    ds = Dataset.from_tensor_slices((x, y)).shuffle(16, seed=0).batch(7)
    seen = []
    for bx, by in ds:
        np.testing.assert_array_equal(by.numpy(), bx.numpy().astype(np.int64) * 2)
        seen.extend(bx.numpy().tolist())
    assert sorted(seen) == x.tolist()


def test_invalid_buffer():
    with pytest.raises(ValueError):
        Dataset.range(3).shuffle(0)
    assert tf.data.AUTOTUNE == -1
    assert sorted(order(Dataset.range(5).shuffle(tf.data.AUTOTUNE))) == [0, 1, 2, 3, 4]


def test_global_seed_makes_unseeded_shuffle_reproducible():
    tf.random.set_seed(3)
    a = order(Dataset.range(20).shuffle(20))
    tf.random.set_seed(3)
    assert order(Dataset.range(20).shuffle(20)) == a
