"""keras.layers.merging."""
