"""keras.metrics."""
