"""keras.utils: data helpers (data_utils), Progbar (progbar), plot_model (plot)."""
from .data_utils import *  # noqa: F401,F403
from .image_utils import *  # noqa: F401,F403 - load_img, img_to_array, ...
from .plot import *  # noqa: F401,F403
from .progbar import *  # noqa: F401,F403
from ..saving.object_registry import (  # noqa: F401 - tf.keras.utils names
    CustomObjectScope, custom_object_scope, get_custom_objects, get_registered_name,
    get_registered_object, register_keras_serializable)
from ..saving.serialization import deserialize_keras_object, serialize_keras_object  # noqa: F401
