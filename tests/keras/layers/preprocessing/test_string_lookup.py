"""StringLookup: TF's documented examples, hand-computed vocabularies and tf-idf, TF outputs."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tf_peer import tf_eval

VOCAB = ["a", "b", "c", "d"]
DATA = [["a", "c", "d"], ["d", "z", "b"]]


def test_documented_examples():
    layer = keras.layers.StringLookup(vocabulary=VOCAB)
    np.testing.assert_array_equal(layer(DATA).numpy(), [[1, 3, 4], [4, 0, 2]])
    assert layer.get_vocabulary() == ["[UNK]"] + VOCAB and layer.vocabulary_size() == 5
    two_oov = keras.layers.StringLookup(vocabulary=VOCAB, num_oov_indices=2)
    z_bucket = int(tf.strings.to_hash_bucket_fast(["z"], 2).numpy()[0])  # FarmHash('z') % 2
    np.testing.assert_array_equal(two_oov(DATA).numpy(), [[2, 4, 5], [5, z_bucket, 3]])
    one_hot = keras.layers.StringLookup(vocabulary=VOCAB, output_mode="one_hot")
    np.testing.assert_array_equal(one_hot(["a", "b", "c", "d", "z"]).numpy(),
                                  np.eye(5)[[1, 2, 3, 4, 0]])
    multi = keras.layers.StringLookup(vocabulary=VOCAB, output_mode="multi_hot")
    np.testing.assert_array_equal(multi([["a", "c", "d", "d"], ["d", "z", "b", "z"]]).numpy(),
                                  [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]])
    count = keras.layers.StringLookup(vocabulary=VOCAB, output_mode="count")
    np.testing.assert_array_equal(count([["a", "c", "d", "d"], ["d", "z", "b", "z"]]).numpy(),
                                  [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]])
    idf = keras.layers.StringLookup(output_mode="tf_idf", vocabulary=VOCAB,
                                    idf_weights=[0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(idf([["a", "c", "d", "d"], ["d", "z", "b", "z"]]).numpy(),
                               [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]], rtol=1e-6)
    inv = keras.layers.StringLookup(vocabulary=VOCAB, invert=True)
    assert inv([[1, 3, 4], [4, 0, 2]]).numpy().tolist() == [[b"a", b"c", b"d"],
                                                           [b"d", b"[UNK]", b"b"]]


def test_adapt_hand_computed_vocab_and_tf_idf():
    layer = keras.layers.StringLookup()
    layer.adapt([["a", "b", "c"], ["a", "b", "b"], ["d", "a", "c"], ["e", "f", "f"]])
    # counts a:3 b:3 c:2 f:2 d:1 e:1; ties ordered by token, descending
    assert layer.get_vocabulary() == ["[UNK]", "b", "a", "f", "c", "e", "d"]
    tfidf = keras.layers.StringLookup(output_mode="tf_idf")
    docs = [["a", "b", "c"], ["a", "b", "d"], ["d", "a", "e"]]
    tfidf.adapt(docs)
    assert tfidf.get_vocabulary() == ["[UNK]", "a", "d", "b", "e", "c"]
    idf = {t: np.log(1 + 3 / (1 + df)) for t, df in
           {"a": 3, "d": 2, "b": 2, "e": 1, "c": 1}.items()}
    oov = np.mean(list(idf.values()))
    expected = [oov, 2 * idf["a"], 0, idf["b"], 0, 0]
    np.testing.assert_allclose(tfidf([["a", "b", "z", "a"]]).numpy()[0], expected, rtol=1e-6)


def test_mask_oov_max_tokens_and_files(tmp_path):
    layer = keras.layers.StringLookup(mask_token="", num_oov_indices=2, vocabulary=["x", "y"])
    assert layer.get_vocabulary() == ["", "[UNK]", "[UNK]", "x", "y"]
    oov = 1 + tf.strings.to_hash_bucket_fast(["q", "r"], 2).numpy()
    np.testing.assert_array_equal(layer([["x", "", "q", "y", "r"]]).numpy(),
                                  [[3, 0, oov[0], 4, oov[1]]])
    multi = keras.layers.StringLookup(mask_token="", vocabulary=["x", "y"],
                                      output_mode="multi_hot")
    assert multi.get_vocabulary() == ["[UNK]", "x", "y"]
    np.testing.assert_array_equal(multi([["x", "", "y"]]).numpy(), [[0, 1, 1]])
    capped = keras.layers.StringLookup(max_tokens=3, pad_to_max_tokens=True,
                                       output_mode="count")
    capped.adapt(["a", "b", "a", "c"])
    assert capped.get_vocabulary() == ["[UNK]", "a", "c"]
    path = tmp_path / "vocab.txt"
    path.write_text("a\nb\nc\n")
    from_file = keras.layers.StringLookup(vocabulary=str(path))
    assert from_file.get_vocabulary() == ["[UNK]", "a", "b", "c"]
    assert keras.layers.StringLookup(vocabulary=["[UNK]", "a"]).get_vocabulary() == [
        "[UNK]", "a"]


def test_models_datasets_ragged_and_saving(tmp_path):
    layer = keras.layers.StringLookup()
    layer.adapt(tf.data.Dataset.from_tensor_slices(["a", "b", "b", "c", "c", "c"]).batch(2))
    assert layer.get_vocabulary() == ["[UNK]", "c", "b", "a"]
    inp = keras.Input((None,), dtype="string")
    model = keras.Model(inp, layer(inp))
    path = str(tmp_path / "lookup.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    np.testing.assert_array_equal(restored(tf.constant([["a", "c", "q"]])).numpy(), [[3, 1, 0]])
    mapped = tf.data.Dataset.from_tensor_slices(["c", "a"]).map(layer)
    assert [int(v) for v in mapped] == [1, 3]
    rt = layer(tf.strings.split(["a c", "b"]))
    assert rt.to_list() == [[3, 1], [2]]
    assert keras.layers.StringLookup.from_config(layer.get_config()).get_vocabulary() == \
        layer.get_vocabulary()


def test_errors():
    with pytest.raises(ValueError, match="repeated term.*'a'"):
        keras.layers.StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="output_mode"):
        keras.layers.StringLookup(output_mode="bogus")
    with pytest.raises(ValueError, match="empty dataset"):
        keras.layers.StringLookup().adapt(tf.data.Dataset.from_tensor_slices(
            np.array([], object).astype(str)))
    with pytest.raises(ValueError, match="idf_weights"):
        keras.layers.StringLookup(output_mode="tf_idf", vocabulary=["a"])
    with pytest.raises(ValueError, match="invert"):
        keras.layers.StringLookup(invert=True, output_mode="one_hot")


def test_against_tensorflow():
    docs = [["the", "cat", "sat"], ["the", "dog", "ran"], ["a", "cat", "ran"], ["the", "end", "x"]]
    ref = tf_eval(f"""
S = tf.keras.layers.StringLookup
l = S(max_tokens=6, num_oov_indices=2, mask_token='[M]'); l.adapt({docs!r})
c = S(output_mode='count', max_tokens=5, pad_to_max_tokens=True); c.adapt({docs!r})
t = S(output_mode='tf_idf'); t.adapt({docs!r})
q = [['the', 'cow', '[M]', 'ran'], ['zebra', 'a', 'dog', 'cat']]
print(json.dumps({{"vocab": l.get_vocabulary(), "ids": l(q).numpy().tolist(),
                  "count": c(q).numpy().tolist(), "tfidf": t(q).numpy().tolist(),
                  "tvocab": t.get_vocabulary()}}))
""")
    S = keras.layers.StringLookup
    layer = S(max_tokens=6, num_oov_indices=2, mask_token="[M]")
    layer.adapt(docs)
    q = [["the", "cow", "[M]", "ran"], ["zebra", "a", "dog", "cat"]]
    assert layer.get_vocabulary() == ref["vocab"]
    assert layer(q).numpy().tolist() == ref["ids"]
    count = S(output_mode="count", max_tokens=5, pad_to_max_tokens=True)
    count.adapt(docs)
    assert count(q).numpy().tolist() == ref["count"]
    tfidf = S(output_mode="tf_idf")
    tfidf.adapt(docs)
    assert tfidf.get_vocabulary() == ref["tvocab"]
    np.testing.assert_allclose(tfidf(q).numpy(), ref["tfidf"], rtol=1e-6)
