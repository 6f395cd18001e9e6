"""California housing: 8 features, median house value targets."""
import numpy as np

from ._common import ORIGIN, fetch, shuffled

__all__ = ["load_data"]

FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """((x_train, y_train), (x_test, y_test)); version "small" keeps the first 600 rows."""
    if version not in ("small", "large"):
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. "
                         f"Received: version={version}")
    if not 0 <= test_split < 1:
        raise ValueError(f"test_split must be between 0 and 1. Received: {test_split}")
    p = fetch(path, ORIGIN + "california_housing.npz", FILE_HASH)
    with np.load(p, allow_pickle=True) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    x, y = shuffled(seed, x, y)
    n = int(len(x) * (1 - test_split))
    return (x[:n], y[:n]), (x[n:], y[n:])
