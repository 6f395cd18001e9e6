"""Boston housing prices: 13 float64 features, float64 targets."""
import numpy as np

from ._common import ORIGIN, fetch, shuffled

__all__ = ["load_data"]

FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """((x_train, y_train), (x_test, y_test)) after a seeded shuffle."""
    if not 0 <= test_split < 1:
        raise ValueError(f"test_split must be between 0 and 1. Received: {test_split}")
    p = fetch(path, ORIGIN + "boston_housing.npz", FILE_HASH)
    with np.load(p, allow_pickle=True) as f:
        x, y = f["x"], f["y"]
    x, y = shuffled(seed, x, y)
    n = int(len(x) * (1 - test_split))
    return (x[:n], y[:n]), (x[n:], y[n:])
