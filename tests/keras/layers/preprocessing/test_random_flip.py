import numpy as np
import pytest

from tapeflow import keras

from image_layer_checks import check_image_layer, images


@pytest.mark.parametrize("mode,candidates", [
    ("horizontal", lambda im: [im, im[:, ::-1]]),
    ("vertical", lambda im: [im, im[::-1]]),
    ("horizontal_and_vertical", lambda im: [im, im[:, ::-1], im[::-1], im[::-1, ::-1]])])
def test_each_image_is_flipped_or_kept(mode, candidates):
    x = images((16, 4, 5, 1))
    y = check_image_layer(keras.layers.RandomFlip(mode, seed=2), x)
    kinds = set()
    for a, b in zip(x, y):
        matches = [i for i, c in enumerate(candidates(a)) if np.array_equal(b, c)]
        assert matches
        kinds.add(matches[0])
    assert len(kinds) > 1  # per-image decisions, not one for the batch


def test_bad_mode():
    with pytest.raises(ValueError, match="unknown mode"):
        keras.layers.RandomFlip("diagonal")
