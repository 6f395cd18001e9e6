"""keras.layers.experimental.preprocessing: the preprocessing layers' older (TF 2.2-2.5) home.

tf.keras 2.15 still exposes them here; each name is the very class in
`keras.layers`, looked up lazily (so this module never imports half-built
layer modules). To expose a preprocessing layer here, add its name to `__all__`.

>>> from tapeflow.keras.layers.experimental import preprocessing
>>> isinstance(preprocessing.__all__, list)
True
"""
__all__ = []
__all__ += ["CategoryEncoding", "Discretization", "Hashing", "IntegerLookup", "Normalization",
            "StringLookup", "TextVectorization"]
__all__ += ["CenterCrop", "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip",
            "RandomHeight", "RandomRotation", "RandomTranslation", "RandomWidth", "RandomZoom",
            "Rescaling", "Resizing"]


def __getattr__(name):
    if name in __all__:
        from tapeflow.keras import layers
        return getattr(layers, name)
    raise AttributeError(f"module 'keras.layers.experimental.preprocessing' has no attribute "
                         f"'{name}'")


def __dir__():
    return sorted(__all__)
