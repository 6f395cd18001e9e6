"""keras.layers.pooling: windowed and global max / average pooling layers."""
