"""keras.datasets: Keras's dataset loaders (cached under $KERAS_HOME/datasets)."""
from . import (boston_housing, california_housing, cifar10, cifar100,  # noqa: F401
               fashion_mnist, imdb, mnist, reuters)
