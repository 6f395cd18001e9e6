"""tf.io: TFRecord files, tf.train.Example parsing, tensor bytes and file helpers."""
from .file_io import (decode_raw, gfile, parse_tensor, read_file, serialize_tensor,  # noqa
                      write_file)
from .parsing import (FixedLenFeature, FixedLenSequenceFeature, RaggedFeature,  # noqa: F401
                      VarLenFeature, parse_example, parse_sequence_example,
                      parse_single_example, parse_single_sequence_example)
from .tfrecord import TFRecordCompressionType, TFRecordOptions, TFRecordWriter  # noqa: F401

__all__ = ["TFRecordWriter", "TFRecordOptions", "TFRecordCompressionType", "FixedLenFeature",
           "FixedLenSequenceFeature", "VarLenFeature", "RaggedFeature", "parse_example",
           "parse_single_example", "parse_sequence_example", "parse_single_sequence_example",
           "decode_raw", "serialize_tensor", "parse_tensor", "read_file", "write_file", "gfile"]
