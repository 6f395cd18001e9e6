"""keras.layers.regularization."""
