"""keras.datasets."""
