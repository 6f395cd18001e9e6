"""`tapeflow.keras`: the Keras API on tapeflow ops (as tf.keras on tf)."""
from . import (activations, backend, constraints, initializers, regularizers)  # noqa: F401
from . import layers  # noqa: F401
from .keras_tensor import KerasTensor  # noqa: F401
from .layers import Input, InputLayer, Layer  # noqa: F401
from . import models  # noqa: F401
from .models import Model, Sequential  # noqa: F401
from . import callbacks, datasets, losses, metrics, optimizers, utils  # noqa: F401,E402
from . import preprocessing  # noqa: F401,E402 - keras.preprocessing.image/timeseries
from . import mixed_precision  # noqa: F401,E402
from . import distribution  # noqa: F401,E402 - keras.distribution (Keras 3)
from . import saving  # noqa: E402
from .saving import (  # noqa: E402
    CustomObjectScope, custom_object_scope, deserialize_keras_object, get_custom_objects,
    get_registered_name, get_registered_object, load_model, register_keras_serializable,
    save_model, serialize_keras_object)
from .saving.object_registry import register_builtins as _register_builtins  # noqa: E402

# Saved configs name keras's classes and functions: saving resolves them in these namespaces.
_register_builtins(classes=(models, layers, optimizers, losses, metrics),
                   functions=(activations, losses))


def __dir__():
    # tf.keras's names: the implementation modules (_lookup, keras_tensor, trainers) are hidden.
    return sorted(n for n in globals() if not n.startswith("_")
                  and n not in ("keras_tensor", "trainers"))
