"""keras.losses."""
