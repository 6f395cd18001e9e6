"""AutoShardPolicy rewriting of a dataset for one worker (auto_shard.py), in-process.

The 2-process check (tests/distribute/test_multi_worker.py) covers the same through
MultiWorkerMirroredStrategy; here each worker's pipeline is built directly and its
elements compared with the files' contents (file f holds the numbers 10*f + 0..3).
"""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.distribute.auto_shard import shard_for_worker

POLICY = tf.data.experimental.AutoShardPolicy


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("files")
    paths = []
    for f in range(4):
        p = d / f"f{f}.txt"
        p.write_text("".join(f"{10 * f + j}\n" for j in range(4)))
        paths.append(str(p))
    return paths


def numbers(src, batch=4):
    return src.map(lambda s: tf.strings.to_number(s, tf.int64)).batch(batch)


def elements(ds):
    return [b.numpy().tolist() for b in ds]


def test_file_policy_gives_each_worker_its_files_and_a_per_worker_batch(files):
    ds = numbers(tf.data.TextLineDataset(files))
    w0, w1 = (elements(shard_for_worker(ds, 2, i)) for i in range(2))  # AUTO -> FILE
    assert w0 == [[0, 1], [2, 3], [20, 21], [22, 23]]  # files 0 and 2, batches of 4 / 2
    assert w1 == [[10, 11], [12, 13], [30, 31], [32, 33]]
    assert elements(ds) == [[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23],
                            [30, 31, 32, 33]]  # the user's dataset is unchanged


@pytest.mark.parametrize("make", [
    lambda fs: tf.data.TextLineDataset(tf.data.Dataset.from_tensor_slices(fs)),
    lambda fs: tf.data.Dataset.from_tensor_slices(fs).interleave(tf.data.TextLineDataset,
                                                                 cycle_length=1),
])
def test_file_names_from_a_dataset_are_sharded(files, make):
    ds = numbers(make(files))
    seen = [v for i in range(2) for b in elements(shard_for_worker(ds, 2, i, POLICY.FILE))
            for v in b]
    assert sorted(seen) == sorted(10 * f + j for f in range(4) for j in range(4))
    w0 = [v for b in elements(shard_for_worker(ds, 2, 0, POLICY.FILE)) for v in b]
    assert {v // 10 for v in w0} == {0, 2}


def test_auto_falls_back_to_data_and_file_raises_with_fewer_files_than_workers(files):
    ds = numbers(tf.data.TextLineDataset(files[:1]))
    assert shard_for_worker(ds, 2, 0) is None  # AUTO -> DATA (None: rows of each batch)
    with pytest.raises(tf.errors.InvalidArgumentError, match="1 file.*fewer than the 2"):
        shard_for_worker(ds, 2, 0, POLICY.FILE)
    with pytest.raises(tf.errors.NotFoundError, match="does not read files"):
        shard_for_worker(tf.data.Dataset.range(8).batch(4), 2, 0, POLICY.FILE)
    assert shard_for_worker(tf.data.Dataset.range(8).batch(4), 2, 0) is None


def test_off_and_data_options(files):
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = POLICY.OFF
    ds = numbers(tf.data.TextLineDataset(files)).with_options(options)
    w1 = [v for b in elements(shard_for_worker(ds, 2, 1)) for v in b]
    assert w1 == [10 * f + j for f in range(4) for j in range(4)]  # everything, batches of 2
    options.experimental_distribute.auto_shard_policy = POLICY.DATA
    assert shard_for_worker(numbers(tf.data.TextLineDataset(files)).with_options(options),
                            2, 0) is None


def test_global_batch_must_divide_by_workers(files):
    with pytest.raises(ValueError, match=r"global batch size \(3\).*\(2\)"):
        shard_for_worker(numbers(tf.data.TextLineDataset(files), batch=3), 2, 0)
    np.testing.assert_array_equal(  # a map after batch is kept above the rewritten batch
        elements(shard_for_worker(numbers(tf.data.TextLineDataset(files)).map(
            lambda b: b * 2), 2, 1))[0], [20, 22])


HINT = tf.data.experimental.SHARD_HINT


def with_policy(ds, policy):
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = policy
    return ds.with_options(options)


def test_shard_hint_is_a_placeholder_that_only_the_hint_policy_fills():
    assert HINT == -1  # TF's value
    ds = tf.data.Dataset.range(16).shard(HINT, HINT).batch(4)
    with pytest.raises(tf.errors.FailedPreconditionError, match="AutoShardPolicy.HINT"):
        list(ds)  # outside a strategy
    # HINT: shard(2, i) in place of the placeholder, then the per-worker batch of 4 / 2
    w1 = elements(shard_for_worker(with_policy(ds, POLICY.HINT), 2, 1))
    assert w1 == [[1, 3], [5, 7], [9, 11], [13, 15]]  # numbers = i mod 2, NumPy reference
    np.testing.assert_array_equal(np.concatenate(w1), np.arange(16)[1::2])
    for policy in (POLICY.OFF, POLICY.AUTO, POLICY.FILE, POLICY.DATA):
        with pytest.raises((tf.errors.FailedPreconditionError, tf.errors.NotFoundError)):
            local = shard_for_worker(with_policy(ds, policy), 2, 0)
            list(local if local is not None else ds)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Index"):
        tf.data.Dataset.range(4).shard(2, HINT)  # only num_shards may be the placeholder


def test_shard_hint_in_one_worker_strategy_is_shard_one_zero():
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    ds = tf.data.Dataset.range(8).shard(HINT, HINT).batch(2)
    got = [b.numpy().tolist() for b in strategy.experimental_distribute_dataset(
        with_policy(ds, POLICY.HINT))]
    assert got == np.arange(8).reshape(4, 2).tolist()
    with pytest.raises(tf.errors.FailedPreconditionError):
        list(strategy.experimental_distribute_dataset(ds))  # AUTO leaves the placeholder


def test_keras_fit_under_one_worker_strategy_fills_the_shard_hint():
    from tapeflow import keras
    x = np.linspace(-1, 1, 16, dtype="float32").reshape(8, 2)
    y = x @ np.array([[1.0], [-2.0]], "float32")

    def fit(ds, strategy):
        with strategy.scope():
            keras.utils.set_random_seed(3)
            m = keras.Sequential([keras.layers.Dense(1)])
            m.build((None, 2))
            m.compile(keras.optimizers.SGD(0.1), "mse")
        m.fit(ds, epochs=2, verbose=0)
        return [w.numpy() for w in m.weights]
    plain = tf.data.Dataset.from_tensor_slices((x, y))
    hinted = with_policy(plain.shard(HINT, HINT).batch(4), POLICY.HINT)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    for w, w_ref in zip(fit(hinted, strategy), fit(plain.batch(4), strategy)):
        np.testing.assert_allclose(w, w_ref, atol=1e-6)
