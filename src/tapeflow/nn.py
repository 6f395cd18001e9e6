"""`tf.nn`: activations, losses with logits, convolutions, pooling, normalization."""
