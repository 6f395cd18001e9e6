"""tf.strings: ops on string tensors (NumPy object arrays of bytes).

>>> import tapeflow as tf
>>> tf.strings.lower(tf.constant(["Hello"])).numpy()
array([b'hello'], dtype=object)
"""
from .format_ops import (format, to_hash_bucket, to_hash_bucket_fast,  # noqa: F401,A004
                         to_hash_bucket_strong)
from .split_ops import (bytes_split, ngrams, split, unicode_decode,  # noqa: F401
                        unicode_decode_with_offsets, unicode_encode, unicode_split,
                        unicode_split_with_offsets)
from .string_ops import (as_string, join, length, lower, reduce_join, regex_full_match,  # noqa
                         regex_replace, strip, substr, to_number, unicode_transcode,
                         unsorted_segment_join, upper)
