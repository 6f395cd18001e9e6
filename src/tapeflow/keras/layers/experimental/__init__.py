"""keras.layers.experimental: RandomFourierFeatures and the `preprocessing` namespace."""
from . import preprocessing  # noqa: F401
from .random_fourier_features import RandomFourierFeatures  # noqa: F401
