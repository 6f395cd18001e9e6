"""keras.layers.normalization."""
