"""Keras preprocessing layers (one per module); the names are exported by `keras.layers`."""
