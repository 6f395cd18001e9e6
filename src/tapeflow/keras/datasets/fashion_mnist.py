"""Fashion-MNIST: 60000/10000 uint8 28x28 grayscale images, 10 classes."""
from ._common import ORIGIN, fetch, read_idx

__all__ = ["load_data"]

FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]


def load_data():
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays (cached in datasets/fashion-mnist)."""
    paths = [fetch(f, ORIGIN + f, cache_subdir="datasets/fashion-mnist") for f in FILES]
    y_train, y_test = read_idx(paths[0], 8), read_idx(paths[2], 8)
    x_train = read_idx(paths[1], 16, (28, 28))
    x_test = read_idx(paths[3], 16, (28, 28))
    return (x_train, y_train), (x_test, y_test)
