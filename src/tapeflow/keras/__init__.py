"""`tapeflow.keras`: the Keras API on tapeflow ops (as tf.keras on tf)."""
from . import (activations, backend, callbacks, constraints, datasets, initializers,  # noqa: F401
               layers, losses, metrics, models, optimizers, regularizers, utils)
