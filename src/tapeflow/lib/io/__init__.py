"""File-format building blocks: crc32c, protobuf wire encoding, SSTable, atomic files.

These are private helpers (TF keeps the same code under tensorflow/python/lib/io and
core/lib/io); the public file APIs (tf.train checkpoints, tf.io TFRecords, SavedModel)
are built on them.
"""
