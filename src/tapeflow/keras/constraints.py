"""keras.constraints."""
