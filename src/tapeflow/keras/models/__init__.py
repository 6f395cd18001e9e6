"""keras.models."""
