"""`tf.random`: seeded and stateless random ops and Generator."""
