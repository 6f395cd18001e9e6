"""map(parse_fn).batch(n) over serialized Examples (data/parse_map.py): the batched parse
gives exactly the per-element pipeline's batches (fusion off), in the same order."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow.train.example_pb import (BytesList, Example, Feature, Features, FloatList,
                                       Int64List)

SPEC = {"x": tf.io.FixedLenFeature([3], tf.float32), "y": tf.io.FixedLenFeature([], tf.int64)}


def _records(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype(np.float32)
    y = rng.integers(-1000, 1000, n)
    return [Example(features=Features(feature={
        "x": Feature(float_list=FloatList(value=x[i].tolist())),
        "y": Feature(int64_list=Int64List(value=[int(y[i])]))})).SerializeToString()
        for i in range(n)], x, y


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    p = str(tmp_path_factory.mktemp("pm") / "e.tfrecord")
    recs, _, _ = _records(53)
    with tf.io.TFRecordWriter(p) as w:
        for r in recs:
            w.write(r)
    return p


def _unfused(ds):
    opt = tf.data.Options()
    opt.experimental_optimization.map_and_batch_fusion = False
    return ds.with_options(opt)


def _same(a, b):
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert list(a) == list(b)
    for u, v in zip(tf.nest.flatten(a), tf.nest.flatten(b)):
        assert u.dtype == v.dtype
        np.testing.assert_array_equal(u, v)


FUNCS = {
    "dict": lambda s: tf.io.parse_single_example(s, SPEC),
    "pick": lambda s: (lambda d: (d["y"], d["x"]))(tf.io.parse_single_example(s, SPEC)),
    "post": lambda s: (lambda d: {"x": d["x"] / 2.0, "y": tf.cast(d["y"] % 7, tf.int32)})(
        tf.io.parse_single_example(s, SPEC)),
    "batched_api": lambda s: tf.io.parse_example(s, SPEC)["x"],
}


@pytest.mark.parametrize("name", list(FUNCS))
def test_tfrecord_map_parse_batch_is_vectorized_and_equal(path, name):
    ds = tf.data.TFRecordDataset(path).map(FUNCS[name]).batch(10)
    got = list(ds.as_numpy_iterator())
    assert ds._node._input._parse_map._plan is not None  # the batched parse ran
    ref = list(_unfused(ds).as_numpy_iterator())
    assert len(got) == len(ref) == 6
    for a, b in zip(got, ref):
        _same(a, b)


def test_values_match_the_records_and_in_memory_sources_shuffle(path):
    recs, x, y = _records(53)
    out = next(tf.data.TFRecordDataset(path).map(FUNCS["dict"]).batch(53).as_numpy_iterator())
    np.testing.assert_array_equal(out["x"], x)
    np.testing.assert_array_equal(out["y"], y)
    ds = tf.data.Dataset.from_tensor_slices(recs).shuffle(
        20, seed=3, reshuffle_each_iteration=False).map(FUNCS["pick"]).batch(8, drop_remainder=True)
    got, ref = list(ds.as_numpy_iterator()), list(_unfused(ds).as_numpy_iterator())
    assert len(got) == len(ref) == 6
    for a, b in zip(got, ref):
        _same(a, b)


def test_functions_reading_the_record_run_per_element(path):
    fn = lambda s: (tf.strings.length(s), tf.io.parse_single_example(s, SPEC)["y"])  # noqa: E731
    ds = tf.data.TFRecordDataset(path).map(fn).batch(10)
    got = list(ds.as_numpy_iterator())
    assert ds._node._input._parse_map._plan is None
    for a, b in zip(got, _unfused(ds).as_numpy_iterator()):
        _same(a, b)


def test_parse_errors_name_the_feature_on_the_batched_path(path):
    spec = dict(SPEC, z=tf.io.FixedLenFeature([], tf.int64))
    ds = tf.data.TFRecordDataset(path).map(lambda s: tf.io.parse_single_example(s, spec))
    with pytest.raises(tf.errors.InvalidArgumentError, match="z"):
        list(ds.batch(10))


def test_string_post_processing_runs_per_element_on_the_batched_parse(tmp_path):
    p = str(tmp_path / "raw.tfrecord")
    rng = np.random.default_rng(7)
    images = rng.integers(0, 256, (12, 6), dtype=np.uint8)
    with tf.io.TFRecordWriter(p) as w:
        for i in range(12):
            w.write(Example(features=Features(feature={
                "img": Feature(bytes_list=BytesList(value=[images[i].tobytes()])),
                "y": Feature(int64_list=Int64List(value=[i]))})).SerializeToString())
    spec = {"img": tf.io.FixedLenFeature([], tf.string), "y": tf.io.FixedLenFeature([], tf.int64)}

    def fn(s):
        d = tf.io.parse_single_example(s, spec)
        return tf.cast(tf.io.decode_raw(d["img"], tf.uint8), tf.float32) / 255.0, d["y"]
    ds = tf.data.TFRecordDataset(p).map(fn).batch(5)
    got = list(ds.as_numpy_iterator())
    plan = ds._node._input._parse_map._plan
    assert any(c for m in plan._post.values() for c in m._compiled.values())  # one program
    for a, b in zip(got, _unfused(ds).as_numpy_iterator()):
        _same(a, b)
    np.testing.assert_allclose(np.concatenate([a for a, _ in got]), images / 255.0, rtol=1e-6)
    # the raw string returned too: it cannot enter the program, rows run one by one
    both = tf.data.TFRecordDataset(p).map(lambda s: (fn(s)[0], tf.io.parse_single_example(
        s, spec)["img"])).batch(5)
    for a, b in zip(both.as_numpy_iterator(), _unfused(both).as_numpy_iterator()):
        _same(a, b)
    assert next(both.as_numpy_iterator())[1][0] == images[0].tobytes()


def test_functions_drawing_random_numbers_are_not_probed(path):
    tf.random.set_seed(3)
    fn = lambda s: tf.io.parse_single_example(s, SPEC)["x"] + tf.random.uniform([3])  # noqa
    a = list(tf.data.TFRecordDataset(path).map(fn).batch(10).as_numpy_iterator())
    tf.random.set_seed(3)
    b = list(_unfused(tf.data.TFRecordDataset(path).map(fn).batch(10)).as_numpy_iterator())
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)  # no extra draw before the elements' own
