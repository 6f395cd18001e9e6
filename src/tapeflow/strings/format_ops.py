"""`tf.strings.format` and the hash-bucket ops (FarmHash, SipHash, legacy hash).

>>> import tapeflow as tf
>>> tf.strings.to_hash_bucket_fast(["Hello", "TensorFlow", "2.x"], 3).numpy()
array([0, 2, 2])
"""
import numpy as np

from ..framework.tensor import Tensor, convert_to_tensor
from . import hashing
from ._convert import is_ragged, string_tensor, to_bytes_array

__all__ = ["format", "to_hash_bucket_fast", "to_hash_bucket_strong", "to_hash_bucket"]


def _scalar_text(v):
    if isinstance(v, bytes):
        return '"' + v.decode("utf-8", "replace") + '"'
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (float, np.floating)):
        return f"{float(v):g}"
    return str(v)


def _summarize(a, summarize):
    if a.ndim == 0:
        return _scalar_text(a.item())

    def rec(x, depth):
        if x.ndim == 1:
            items, sep = [_scalar_text(v) for v in x.tolist()], " "
        else:
            items = [rec(x[i], depth + 1) for i in range(x.shape[0])]
            sep = "\n" + " " * (depth + 1)
        if summarize >= 0 and len(items) > 2 * summarize:
            items = items[:summarize] + ["..."] + items[-summarize:]
        return "[" + sep.join(items) + "]"
    return rec(a, 0)


def format(template, inputs, placeholder="{}", summarize=3, name=None):  # noqa: A001
    """Fills each `placeholder` in `template` with a tensor's summary (first and last
    `summarize` entries per dimension).

    >>> print(format("x={} y={}", (1, [1.5, 2.0])))
    tf.Tensor(b'x=1 y=[1.5 2]', shape=(), dtype=string)
    """
    if not isinstance(inputs, (list, tuple)):
        inputs = [inputs]
    parts = template.split(placeholder)
    if len(parts) - 1 != len(inputs):
        raise ValueError(f"tf.strings.format: {len(parts) - 1} placeholders in template "
                         f"{template!r} but {len(inputs)} inputs.")
    text = parts[0]
    for x, rest in zip(inputs, parts[1:]):
        t = x if isinstance(x, Tensor) else convert_to_tensor(x)
        text += _summarize(np.asarray(t._value), summarize) + rest
    return string_tensor(np.array(text.encode("utf-8"), dtype=object))


def _buckets(input, hasher, num_buckets, op):
    if is_ragged(input):
        return input.with_flat_values(_buckets(input.flat_values, hasher, num_buckets, op))
    if int(num_buckets) < 1:
        raise ValueError(f"{op}: num_buckets must be >= 1. Received: num_buckets={num_buckets}")
    a = to_bytes_array(input, op)
    h = hasher(a.reshape(-1).tolist()) % np.uint64(int(num_buckets))
    return convert_to_tensor(h.astype(np.int64).reshape(a.shape))


def to_hash_bucket_fast(input, num_buckets, name=None):
    """FarmHash Fingerprint64 of each string modulo `num_buckets` (int64), TF's values."""
    return _buckets(input, hashing.fingerprint64, num_buckets, "tf.strings.to_hash_bucket_fast")


def to_hash_bucket_strong(input, num_buckets, key, name=None):
    """Keyed SipHash-2-4 of each string (key: two ints) modulo `num_buckets` (int64).

    >>> to_hash_bucket_strong(["Hello", "TF"], 3, [1, 2]).numpy()
    array([2, 0])
    """
    key = [int(k) for k in key]
    if len(key) != 2:
        raise ValueError(f"tf.strings.to_hash_bucket_strong: key must have 2 elements. "
                         f"Received: key={key}")
    return _buckets(input, lambda s: hashing.siphash64(s, key), num_buckets,
                    "tf.strings.to_hash_bucket_strong")


def to_hash_bucket(input, num_buckets, name=None):
    """TF's legacy 64-bit string hash modulo `num_buckets` (int64; prefer `_fast`)."""
    return _buckets(input, hashing.legacy_hash64, num_buckets, "tf.strings.to_hash_bucket")
