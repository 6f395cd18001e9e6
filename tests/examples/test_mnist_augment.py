"""The augmentation example trains a CNN on augmented shipped MNIST and generalizes."""
import numpy as np

from tapeflow.examples import mnist_augment


def test_mnist_augment_example():
    r = mnist_augment.main(["--epochs", "1", "--samples", "2000"], verbose=False)
    assert r["test_accuracy"] > 0.5  # chance is 0.1; the full run (3 epochs, 8000) reaches more
    aug = r["augmented_sample"]
    assert aug.shape[1:] == (28, 28, 1) and 0 <= aug.min() and aug.max() <= 255 + 1e-3
    losses = r["history"]["loss"]
    assert np.isfinite(losses[-1])
    out = mnist_augment.build_augmentation()(aug, training=False).numpy()
    np.testing.assert_array_equal(out, aug)  # inference leaves images alone
