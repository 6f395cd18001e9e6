"""tf.summary writes event files that TensorBoard's own EventAccumulator reads back."""
import numpy as np
import pytest

import tapeflow as tf

ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")


def _load(logdir):
    acc = ea.EventAccumulator(str(logdir), size_guidance={"tensors": 0})
    acc.Reload()
    return acc


def _tensor_values(acc, tag):
    from tensorboard.util import tensor_util
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]


def test_scalar_histogram_text_image_audio(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    images = np.random.default_rng(0).uniform(size=(2, 4, 5, 3)).astype(np.float32)
    with writer.as_default(step=0):
        for step in range(3):
            assert bool(tf.summary.scalar("loss", 1.0 / (step + 1), step=step))
        tf.summary.histogram("weights", tf.constant([0.0, 1.0, 1.0, 2.0]), step=1, buckets=4)
        tf.summary.text("note", "hello", step=2)
        tf.summary.image("pics", images, step=3)
        tf.summary.audio("clip", tf.zeros([1, 80, 1]), sample_rate=8000, step=4)
    writer.flush()
    acc = _load(tmp_path)
    loss = _tensor_values(acc, "loss")
    assert [s for s, _ in loss] == [0, 1, 2]
    np.testing.assert_allclose([float(v) for _, v in loss], [1.0, 0.5, 1 / 3], rtol=1e-6)
    (_, hist), = _tensor_values(acc, "weights")
    assert hist.shape == (4, 3) and hist[:, 2].sum() == 4  # [left, right, count] buckets
    (_, note), = _tensor_values(acc, "note")
    assert note.item() == b"hello"
    (_, pics), = _tensor_values(acc, "pics")
    assert pics[0] == b"5" and pics[1] == b"4" and len(pics) == 4  # width, height, 2 PNGs
    from PIL import Image
    import io
    decoded = np.asarray(Image.open(io.BytesIO(pics[2])))
    np.testing.assert_array_equal(decoded, (images[0] * 255 + 0.5).astype(np.uint8))
    (_, clip), = _tensor_values(acc, "clip")
    assert clip.shape == (1, 2) and clip[0, 0][:4] == b"RIFF"


def test_default_step_record_if_noop_and_missing_step(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    step = tf.Variable(7, dtype=tf.int64)
    tf.summary.experimental.set_step(step)
    try:
        with writer.as_default():
            assert bool(tf.summary.scalar("a", 1.0))
            with tf.summary.record_if(False):
                assert not bool(tf.summary.scalar("b", 1.0))
        assert tf.summary.experimental.get_step() is step
    finally:
        tf.summary.experimental.set_step(None)
    assert not bool(tf.summary.scalar("c", 1.0))  # no default writer
    with tf.summary.create_noop_writer().as_default(step=0):
        assert not bool(tf.summary.scalar("d", 1.0))
    with writer.as_default():
        with pytest.raises(ValueError, match="No step set"):
            tf.summary.scalar("e", 1.0)
    acc = _load(tmp_path)
    assert [e.step for e in acc.Tensors("a")] == [7]
    assert "b" not in acc.Tags()["tensors"]


def test_summaries_inside_tf_function(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    step = tf.Variable(0, dtype=tf.int64)

    @tf.function
    def train_step(x):
        loss = tf.reduce_sum(x * x)
        with writer.as_default(step=step):
            tf.summary.scalar("loss", loss)
        step.assign_add(1)
        return loss

    for k in range(3):
        train_step(tf.constant([float(k), 1.0]))
    writer.flush()
    got = _tensor_values(_load(tmp_path), "loss")
    assert [(s, float(v)) for s, v in got] == [(0, 1.0), (1, 2.0), (2, 5.0)]


def test_write_raw_pb_writes_serialized_summaries(tmp_path):
    summary_pb2 = pytest.importorskip("tensorboard.compat.proto.summary_pb2")
    pbs = [summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=f"raw{i}", simple_value=i)])
           .SerializeToString() for i in range(2)]
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        assert bool(tf.summary.experimental.write_raw_pb(tf.constant(pbs), step=7))
    writer.flush()
    acc = ea.EventAccumulator(str(tmp_path))
    acc.Reload()
    assert [(e.step, e.value) for e in acc.Scalars("raw1")] == [(7, 1.0)]
