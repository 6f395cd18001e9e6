"""tf.saved_model: SavedModel directories (variables in TF's checkpoint format, signatures
as serialized jax.export programs). See README.md for what TensorFlow can read."""
from .load import contains_saved_model, load
from .save import DEFAULT_SERVING_SIGNATURE_DEF_KEY, SERVING, save

__all__ = ["save", "load", "contains_saved_model", "DEFAULT_SERVING_SIGNATURE_DEF_KEY",
           "SERVING"]
