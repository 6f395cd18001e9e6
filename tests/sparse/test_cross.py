"""tf.sparse.cross / cross_hashed / tf.ragged.cross vs values printed by TF 2.15."""
import itertools

import tapeflow as tf


def _inputs():
    st = tf.sparse.from_dense(tf.constant([["a", "b"], ["c", ""]]))
    return [st, tf.constant([["d"], ["e"]])]


def test_string_cross_is_the_rowwise_product():
    r = tf.sparse.cross(_inputs())
    assert r.indices.numpy().tolist() == [[0, 0], [0, 1], [1, 0]]
    assert r.values.numpy().tolist() == [b"a_X_d", b"b_X_d", b"c_X_e"]
    got = tf.sparse.cross([tf.constant([["a", "b"]]), tf.constant([["x", "y"]])])
    want = [f"{p}_X_{q}".encode() for p, q in itertools.product("ab", "xy")]
    assert got.values.numpy().tolist() == want
    ints = tf.sparse.cross([tf.constant([[1, 2]], tf.int64), tf.constant([["x"]])])
    assert ints.values.numpy().tolist() == [b"1_X_x", b"2_X_x"]
    rag = tf.ragged.cross([tf.ragged.constant([["a", "b"], ["c"]]),
                           tf.ragged.constant([["d"], ["e"]])])
    assert rag.to_list() == [[b"a_X_d", b"b_X_d"], [b"c_X_e"]]


def test_hashed_cross_matches_tf():
    # printed by tensorflow 2.15.1 for the same inputs
    assert tf.sparse.cross_hashed(_inputs()).values.numpy().tolist() == [
        1584069791037555375, 2292520902626215647, 1746051686049959641]
    assert tf.sparse.cross_hashed(_inputs(), num_buckets=100).values.numpy().tolist() == [
        82, 54, 41]
    mixed = [tf.constant([[1, 2]], tf.int64), tf.constant([["x"]])]
    assert tf.sparse.cross_hashed(mixed).values.numpy().tolist() == [
        854275097015501859, 508490610932277762]
