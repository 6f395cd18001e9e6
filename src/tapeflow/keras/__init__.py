"""`tapeflow.keras`: the Keras API on tapeflow ops (as tf.keras on tf)."""
from . import (activations, backend, constraints, initializers, regularizers)  # noqa: F401
from . import layers  # noqa: F401
from .keras_tensor import KerasTensor  # noqa: F401
from .layers import Input, InputLayer, Layer  # noqa: F401
from . import models  # noqa: F401
from .models import Model, Sequential  # noqa: F401
from . import callbacks, datasets, losses, metrics, optimizers, utils  # noqa: F401,E402
