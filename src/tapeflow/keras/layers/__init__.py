"""keras.layers."""
