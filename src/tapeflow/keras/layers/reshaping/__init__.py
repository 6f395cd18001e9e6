"""keras.layers.reshaping."""
