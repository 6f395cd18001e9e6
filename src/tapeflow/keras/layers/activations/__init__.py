"""keras.layers.activations: activation functions with their own parameters, as layers."""
