"""keras.layers.experimental: RandomFourierFeatures and the `preprocessing` namespace."""
from . import preprocessing  # noqa: F401
