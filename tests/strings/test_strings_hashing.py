"""FarmHash Fingerprint64, SipHash-2-4 and TF's legacy hash against published and TF values."""

import numpy as np

import tapeflow as tf
from tapeflow.strings import hashing
from tf_peer import tf_eval

# Lengths cover every FarmHash branch: 0, 1-3, 4-7, 8-16, 17-32, 33-64, > 64 (1 and 3 blocks).
SAMPLES = [b"", b"a", b"ab", b"abc", b"abcd", b"hello", b"TensorFlow", b"0123456789abcdef",
           b"x" * 17, b"y" * 32, b"z" * 33, b"w" * 64, b"v" * 65, b"u" * 200,
           bytes(range(256)), "héllo wörld".encode(), b"\xff\x80\xc3"]


def test_fingerprint64_published_values():
    # FarmHash's empty-string fingerprint is its constant k2; BigQuery's FARM_FINGERPRINT
    # (FarmHash Fingerprint64 as signed int64) documents these three values.
    got = hashing.fingerprint64([b"", b"1footrue", b"2applefalse", b"3true"]).view(np.int64)
    np.testing.assert_array_equal(
        got, [0x9AE16A3B2F90404F - 2**64, -1541654101129638711, 2794438866806483259,
              -4880158226897771312])


def test_documented_bucket_examples():
    # TF's API docs: to_hash_bucket(["Hello", "TensorFlow", "2.x"], 3) -> [2, 0, 1]
    # and to_hash_bucket_strong(["Hello", "TF"], 3, [1, 2]) -> [2, 0].
    np.testing.assert_array_equal(tf.strings.to_hash_bucket(["Hello", "TensorFlow", "2.x"], 3)
                                  .numpy(), [2, 0, 1])
    np.testing.assert_array_equal(tf.strings.to_hash_bucket_strong(["Hello", "TF"], 3, [1, 2])
                                  .numpy(), [2, 0])


def test_vectorized_equals_one_at_a_time():
    together = hashing.fingerprint64(SAMPLES)
    alone = np.array([hashing.fingerprint64([s])[0] for s in SAMPLES], np.uint64)
    np.testing.assert_array_equal(together, alone)


def test_against_tensorflow():
    samples = [list(s) for s in SAMPLES]
    ref = tf_eval(f"""
s = [bytes(b) for b in {samples!r}]
big = 2**63 - 1
print(json.dumps({{
  "fast": tf.strings.to_hash_bucket_fast(s, big).numpy().tolist(),
  "strong": tf.strings.to_hash_bucket_strong(s, big, [7, 2**62 + 3]).numpy().tolist(),
  "legacy": tf.strings.to_hash_bucket(s, big).numpy().tolist(),
  "small": tf.strings.to_hash_bucket_fast(s, 10).numpy().tolist()}}))
""")
    big = 2**63 - 1
    np.testing.assert_array_equal(tf.strings.to_hash_bucket_fast(SAMPLES, big).numpy(),
                                  ref["fast"])
    np.testing.assert_array_equal(
        tf.strings.to_hash_bucket_strong(SAMPLES, big, [7, 2**62 + 3]).numpy(), ref["strong"])
    np.testing.assert_array_equal(tf.strings.to_hash_bucket(SAMPLES, big).numpy(),
                                  ref["legacy"])
    np.testing.assert_array_equal(tf.strings.to_hash_bucket_fast(SAMPLES, 10).numpy(),
                                  ref["small"])


def test_bucket_shapes_ragged_and_errors():
    out = tf.strings.to_hash_bucket_fast([["a", "b"], ["c", "d"]], 5)
    assert out.shape == (2, 2) and out.dtype == tf.int64
    rt = tf.strings.split(["a b", "c"])
    assert tf.strings.to_hash_bucket_fast(rt, 5).to_list() == [
        list(tf.strings.to_hash_bucket_fast(["a", "b"], 5).numpy()),
        list(tf.strings.to_hash_bucket_fast(["c"], 5).numpy())]
    for bad in (lambda: tf.strings.to_hash_bucket_fast(["a"], 0),
                lambda: tf.strings.to_hash_bucket_strong(["a"], 3, [1])):
        try:
            bad()
        except ValueError as e:
            assert "Received" in str(e)
        else:
            raise AssertionError("expected ValueError")
    try:
        tf.strings.to_hash_bucket_fast([1, 2], 3)
    except TypeError as e:
        assert "int32" in str(e)
    else:
        raise AssertionError("expected TypeError")


