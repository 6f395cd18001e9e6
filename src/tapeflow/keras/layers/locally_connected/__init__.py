"""keras.layers.locally_connected: convolutions whose filters are not shared across positions."""
