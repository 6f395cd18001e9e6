"""keras.mixed_precision: dtype policies."""
from .policy import Policy  # noqa: F401
