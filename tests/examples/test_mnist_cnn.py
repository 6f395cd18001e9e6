"""The MNIST convnet example runs end to end on a few hundred shipped images and learns."""
import numpy as np

from tapeflow.examples import mnist_cnn


def test_mnist_cnn_example_runs_and_learns():
    r = mnist_cnn.main(["--epochs", "2", "--limit", "512", "--batch-size", "64", "--quiet"])
    losses = r["history"]["loss"]
    assert len(losses) == 2 and np.isfinite(losses).all()
    assert losses[1] < losses[0]
    # chance is 0.1; (the test accuracy needs more steps: BatchNormalization's moving
    # statistics lag behind after 16 steps, so only its range is checked)
    assert r["history"]["accuracy"][1] > 0.25, r["history"]
    assert 0.0 <= r["test_accuracy"] <= 1.0
    model = mnist_cnn.get_model()
    names = [type(layer).__name__ for layer in model.layers]
    assert names[:3] == ["Conv2D", "BatchNormalization", "MaxPooling2D"]
    assert "Dropout" in names
