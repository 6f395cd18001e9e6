"""keras.layers.experimental.preprocessing: the preprocessing layers' older (TF 2.2-2.5) home.

tf.keras 2.15 still exposes them here; each name is the very class in
`keras.layers`, imported from the file that defines it. To expose a
preprocessing layer here, import it and add its name to `__all__`.

>>> from tapeflow.keras.layers.experimental import preprocessing
>>> from tapeflow import keras
>>> preprocessing.Rescaling is keras.layers.Rescaling
True
"""
from ..preprocessing.category_encoding import CategoryEncoding  # noqa: F401
from ..preprocessing.discretization import Discretization  # noqa: F401
from ..preprocessing.hashing import Hashing  # noqa: F401
from ..preprocessing.integer_lookup import IntegerLookup  # noqa: F401
from ..preprocessing.normalization import Normalization  # noqa: F401
from ..preprocessing.string_lookup import StringLookup  # noqa: F401
from ..preprocessing.text_vectorization import TextVectorization  # noqa: F401
from ..preprocessing.center_crop import CenterCrop  # noqa: F401
from ..preprocessing.random_brightness import RandomBrightness  # noqa: F401
from ..preprocessing.random_contrast import RandomContrast  # noqa: F401
from ..preprocessing.random_crop import RandomCrop  # noqa: F401
from ..preprocessing.random_flip import RandomFlip  # noqa: F401
from ..preprocessing.random_height import RandomHeight  # noqa: F401
from ..preprocessing.random_rotation import RandomRotation  # noqa: F401
from ..preprocessing.random_translation import RandomTranslation  # noqa: F401
from ..preprocessing.random_width import RandomWidth  # noqa: F401
from ..preprocessing.random_zoom import RandomZoom  # noqa: F401
from ..preprocessing.rescaling import Rescaling  # noqa: F401
from ..preprocessing.resizing import Resizing  # noqa: F401

__all__ = ["CategoryEncoding", "Discretization", "Hashing", "IntegerLookup", "Normalization",
           "StringLookup", "TextVectorization"]
__all__ += ["CenterCrop", "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip",
            "RandomHeight", "RandomRotation", "RandomTranslation", "RandomWidth", "RandomZoom",
            "Rescaling", "Resizing"]


def __dir__():
    return sorted(__all__)
