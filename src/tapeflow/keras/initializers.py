"""keras.initializers."""
