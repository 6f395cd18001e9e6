"""keras.layers.core."""
