"""keras.layers.convolutional: convolution layers (one per file) and their shared bases."""
