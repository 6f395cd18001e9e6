"""tile / repeat / pad / reverse / roll / reverse_sequence / meshgrid against NumPy."""
import numpy as np
import pytest

import tapeflow as tf
from gradcheck import check_grad, check_hvp

IAE = tf.errors.InvalidArgumentError


@pytest.mark.parametrize("shape,mult", [((2, 3), [2, 1]), ((3,), [3]), ((2, 1, 2), [1, 3, 2]),
                                        ((2, 3), [0, 2]), ((0, 2), [2, 2])])
def test_tile(rng, shape, mult):
    x = rng.normal(size=shape)
    np.testing.assert_allclose(tf.tile(x, mult).numpy(), np.tile(x, mult))
    if np.tile(x, mult).size:
        check_grad(lambda t: tf.tile(t, mult), x)


def test_tile_errors_and_second_order(rng):
    with pytest.raises(IAE, match=r"length 2 but got length 1.*\[2, 3\]"):
        tf.tile(np.zeros((2, 3)), [2])
    check_hvp(lambda t: tf.tile(t, [2, 3]) ** 3, rng.normal(size=(2, 2)),
                       rng.normal(size=(2, 2)))


@pytest.mark.parametrize("shape,reps,axis", [((2, 3), 2, None), ((2, 3), [1, 0, 2], 1),
                                             ((2, 3), 3, -2), ((3,), [2, 1, 0], 0), ((), 3, None)])
def test_repeat(rng, shape, reps, axis):
    x = rng.normal(size=shape)
    np.testing.assert_allclose(tf.repeat(x, reps, axis=axis).numpy(), np.repeat(x, reps, axis))
    check_grad(lambda t: tf.repeat(t, reps, axis=axis), x)


def test_repeat_errors():
    with pytest.raises(IAE, match=r"length 3.*\[2, 3\].*\[1, 2\]"):
        tf.repeat(np.zeros((2, 3)), [1, 2], axis=1)


@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC", "reflect"])
def test_pad(rng, mode):
    x = rng.normal(size=(3, 4))
    p = [[1, 2], [0, 3]]
    want = np.pad(x, p, mode=mode.lower())
    np.testing.assert_allclose(tf.pad(x, p, mode=mode).numpy(), want)
    check_grad(lambda t: tf.pad(t, p, mode=mode), x)


def test_pad_constant_values_and_errors(rng):
    x = tf.constant([[1, 2], [3, 4]])
    r = tf.pad(x, tf.constant([[1, 0], [0, 1]]), constant_values=9)
    assert r.dtype == tf.int32 and r.numpy().tolist() == [[9, 9, 9], [1, 2, 9], [3, 4, 9]]
    # TF's documented examples (3x2 of 1..6 padded by [[1, 1], [2, 2]])
    t = tf.constant([[1, 2, 3], [4, 5, 6]])
    pads = [[1, 1], [2, 2]]
    assert tf.pad(t, pads, "REFLECT").numpy()[0].tolist() == [6, 5, 4, 5, 6, 5, 4]
    assert tf.pad(t, pads, "SYMMETRIC").numpy()[0].tolist() == [2, 1, 1, 2, 3, 3, 2]
    with pytest.raises(IAE, match="less than the dimension size"):
        tf.pad(t, [[2, 0], [0, 0]], "REFLECT")
    with pytest.raises(IAE, match="non-negative"):
        tf.pad(t, [[-1, 0], [0, 0]])
    with pytest.raises(IAE, match=r"rank of inputs\[2, 2\]"):
        tf.pad(t, [[1, 1]])
    with pytest.raises(ValueError, match="mode"):
        tf.pad(t, pads, "EDGE")
    check_hvp(lambda a: tf.pad(a, [[1, 1], [1, 0]], "REFLECT") ** 2,
                       rng.normal(size=(3, 2)), rng.normal(size=(3, 2)))


@pytest.mark.parametrize("axes", [[0], [-1], [0, 2], []])
def test_reverse(rng, axes):
    x = rng.normal(size=(2, 3, 2))
    np.testing.assert_allclose(tf.reverse(x, axes).numpy(), np.flip(x, tuple(axes)))
    check_grad(lambda t: tf.reverse(t, axes), x)


def test_reverse_errors():
    with pytest.raises(IAE, match="more than once"):
        tf.reverse(np.zeros((2, 2)), [0, -2])
    with pytest.raises(IAE, match="Invalid reduction dimension 3"):
        tf.reverse(np.zeros((2, 2)), [3])


@pytest.mark.parametrize("shift,axis", [(1, 0), (-2, 1), ([1, 2], [0, 1]), ([1, 1], [1, 1]),
                                        (7, -1)])
def test_roll(rng, shift, axis):
    x = rng.normal(size=(3, 4))
    np.testing.assert_allclose(tf.roll(x, shift, axis).numpy(), np.roll(x, shift, axis))
    check_grad(lambda t: tf.roll(t, shift, axis), x)


def test_roll_doc_example():
    t = [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    assert tf.roll(t, shift=[1, -2], axis=[0, 1]).numpy().tolist() == \
        [[7, 8, 9, 5, 6], [2, 3, 4, 0, 1]]
    with pytest.raises(IAE, match="same size"):
        tf.roll(t, [1, 2], [0])


def _np_reverse_sequence(x, lens, sa, ba):
    y = np.moveaxis(x, (ba, sa), (0, 1)).copy()
    for i, n in enumerate(lens):
        y[i, :n] = y[i, :n][::-1]
    return np.moveaxis(y, (0, 1), (ba, sa))


@pytest.mark.parametrize("sa,ba", [(1, 0), (0, 1), (2, 0), (-1, 1)])
def test_reverse_sequence(rng, sa, ba):
    x = rng.normal(size=(3, 3, 4))
    nb, t = x.shape[ba], x.shape[sa]
    lens = rng.integers(0, t + 1, size=nb)
    got = tf.reverse_sequence(x, lens, seq_axis=sa, batch_axis=ba)
    np.testing.assert_allclose(got.numpy(), _np_reverse_sequence(x, lens, sa % 3, ba))
    check_grad(lambda a: tf.reverse_sequence(a, lens, seq_axis=sa, batch_axis=ba), x)


def test_reverse_sequence_errors():
    with pytest.raises(IAE, match=r"seq_lens must be in \[0, 3\]"):
        tf.reverse_sequence(np.zeros((2, 3)), [4, 1], seq_axis=1)
    with pytest.raises(IAE, match=r"length input.dims\(batch_axis\)=2"):
        tf.reverse_sequence(np.zeros((2, 3)), [1, 1, 1], seq_axis=1)


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid(rng, indexing):
    a, b, c = rng.normal(size=3), rng.normal(size=4), rng.normal(size=2)
    got = tf.meshgrid(a, b, c, indexing=indexing)
    for g, w in zip(got, np.meshgrid(a, b, c, indexing=indexing)):
        np.testing.assert_allclose(g.numpy(), w)
    check_grad(lambda x, y: tf.meshgrid(x, y, indexing=indexing)[0] * 2.0
               + tf.meshgrid(x, y, indexing=indexing)[1], a, b)
    with pytest.raises(ValueError, match="indexing"):
        tf.meshgrid(a, b, indexing="yx")
