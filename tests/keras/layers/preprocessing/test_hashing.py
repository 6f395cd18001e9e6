"""Hashing: TF's documented buckets, salt, mask value, integer inputs against TF."""
import numpy as np
import pytest

from tapeflow import keras
from tf_peer import tf_eval

WORDS = [["A"], ["B"], ["C"], ["D"], ["E"]]


def test_documented_examples():
    assert keras.layers.Hashing(num_bins=3)(WORDS).numpy().ravel().tolist() == [1, 0, 1, 1, 2]
    masked = keras.layers.Hashing(num_bins=3, mask_value="")
    assert masked([["A"], ["B"], [""], ["C"], ["D"]]).numpy().ravel().tolist() == [
        1, 1, 0, 2, 2]
    salted = keras.layers.Hashing(num_bins=3, salt=133)
    assert salted(WORDS).numpy().ravel().tolist() == [0, 0, 2, 1, 0]
    assert keras.layers.Hashing(num_bins=3, salt=[133, 137])(WORDS).numpy().ravel().tolist() \
        == [1, 2, 1, 0, 2]


def test_against_tensorflow():
    ints = [[1, 22, -5, 0, 123456789012]]
    words = ["hello", "", "a longer sentence with more than sixty-four bytes in it, really x"]
    ref = tf_eval(f"""
H = tf.keras.layers.Hashing
print(json.dumps({{
 "ints": H(num_bins=7)(tf.constant({ints!r}, tf.int64)).numpy().tolist(),
 "ints_mask": H(num_bins=7, mask_value=0)(tf.constant({ints!r}, tf.int64)).numpy().tolist(),
 "words": H(num_bins=1000, salt=[5, 9])({words!r}).numpy().tolist(),
 "one_hot": H(num_bins=4, output_mode='multi_hot')([{words!r}]).numpy().tolist()}}))
""")
    H = keras.layers.Hashing
    assert H(num_bins=7)(np.array(ints, np.int64)).numpy().tolist() == ref["ints"]
    assert H(num_bins=7, mask_value=0)(np.array(ints, np.int64)).numpy().tolist() == \
        ref["ints_mask"]
    assert H(num_bins=1000, salt=[5, 9])(words).numpy().tolist() == ref["words"]
    assert H(num_bins=4, output_mode="multi_hot")([words]).numpy().tolist() == ref["one_hot"]


def test_in_models_dataset_and_errors():
    layer = keras.layers.Hashing(num_bins=3)
    inp = keras.Input((1,), dtype="string")
    model = keras.Model(inp, layer(inp))
    assert model.output.shape.as_list() == [None, 1]
    assert model(np.array(WORDS, object)).numpy().ravel().tolist() == [1, 0, 1, 1, 2]
    import tapeflow as tf
    ds = tf.data.Dataset.from_tensor_slices(["A", "B"]).map(layer)
    assert [int(v) for v in ds] == [1, 0]
    ints = keras.layers.Hashing(num_bins=5, output_mode="one_hot")
    eager = ints(np.array([3, 14, 15], np.int64)).numpy()
    compiled = tf.function(lambda x: ints(x))(tf.constant([3, 14, 15], tf.int64)).numpy()
    np.testing.assert_array_equal(eager, compiled)
    with pytest.raises(ValueError, match="num_bins"):
        keras.layers.Hashing(num_bins=0)
    with pytest.raises(ValueError, match="salt"):
        keras.layers.Hashing(num_bins=2, salt="x")
    with pytest.raises(ValueError, match="output_mode"):
        keras.layers.Hashing(num_bins=2, output_mode="tf_idf")
