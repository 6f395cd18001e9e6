"""`tapeflow.keras`: the Keras API on tapeflow ops (as tf.keras on tf)."""
from . import (activations, backend, constraints, initializers, regularizers)  # noqa: F401
from . import layers  # noqa: F401
from .keras_tensor import KerasTensor  # noqa: F401
from .layers import Input, InputLayer, Layer  # noqa: F401
from . import models  # noqa: F401
from .models import Model, Sequential  # noqa: F401
from . import callbacks, datasets, losses, metrics, optimizers, utils  # noqa: F401,E402
from . import saving  # noqa: E402 - installs Model.save / save_weights / load_weights / to_json
from .models import cloning as _cloning  # noqa: E402
from .saving import (  # noqa: E402
    CustomObjectScope, custom_object_scope, deserialize_keras_object, get_custom_objects,
    get_registered_name, get_registered_object, load_model, register_keras_serializable,
    save_model, serialize_keras_object)

for _name, _obj in (("load_model", load_model), ("save_model", save_model),
                    ("clone_model", _cloning.clone_model),
                    ("model_from_json", _cloning.model_from_json)):
    setattr(models, _name, _obj)
for _name in ("register_keras_serializable", "get_registered_object", "get_registered_name",
              "custom_object_scope", "CustomObjectScope", "get_custom_objects",
              "serialize_keras_object", "deserialize_keras_object"):
    setattr(utils, _name, getattr(saving, _name))
