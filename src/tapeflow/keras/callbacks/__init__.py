"""keras.callbacks."""
