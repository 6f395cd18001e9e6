"""TextVectorization: TF's documented examples, hand-computed vocabularies/tf-idf, TF outputs."""
import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tf_peer import tf_eval

TV = keras.layers.TextVectorization


def test_documented_int_example():
    layer = TV(max_tokens=5000, output_mode="int", output_sequence_length=4)
    layer.adapt(["foo bar", "bar baz", "baz bada boom"])
    assert layer.get_vocabulary() == ["", "[UNK]", "baz", "bar", "foo", "boom", "bada"]
    np.testing.assert_array_equal(layer([["foo qux bar"], ["qux baz"]]).numpy(),
                                  [[4, 1, 3, 0], [1, 2, 0, 0]])
    fixed = TV(max_tokens=5000, output_mode="int", output_sequence_length=4,
               vocabulary=["earth", "wind", "and", "fire"])
    np.testing.assert_array_equal(fixed([["earth wind and also fire"]]).numpy(),
                                  [[2, 3, 4, 1]])


def test_standardize_split_ngrams_and_modes():
    layer = TV()
    layer.adapt(["The ÄB cat, sat.", "the cat! Is here"])
    # ASCII-only lower-casing (TF's default), punctuation stripped
    assert layer.get_vocabulary()[:4] == ["", "[UNK]", "the", "cat"]
    assert "Äb" in layer.get_vocabulary()
    bigrams = TV(ngrams=2)
    bigrams.adapt(["a b c", "a b"])
    assert bigrams.get_vocabulary() == ["", "[UNK]", "b", "a b", "a", "c", "b c"]
    np.testing.assert_array_equal(bigrams(["a b z"]).numpy(), [[4, 2, 1, 3, 1]])
    chars = TV(split="character", standardize=None)
    chars.adapt(["ab c"])
    assert chars.get_vocabulary() == ["", "[UNK]", "c", "b", "a", " "]
    multi = TV(output_mode="multi_hot")
    multi.adapt(["a b c", "a b"])
    np.testing.assert_array_equal(multi(["a b z", "c"]).numpy(), [[1, 1, 1, 0], [0, 0, 0, 1]])
    count = TV(max_tokens=4, pad_to_max_tokens=True, output_mode="count")
    count.adapt(["a a b c d"])
    np.testing.assert_array_equal(count(["a b z a"]).numpy(), [[2, 2, 0, 0]])
    np.testing.assert_array_equal(count(tf.constant("a d")).numpy(), [0, 1, 1, 0])
    tfidf = TV(output_mode="tf_idf", ngrams=(1, 2))
    tfidf.adapt(["a b c", "a b"])
    idf = {t: np.log(1 + 2 / (1 + df)) for t, df in
           {"b": 2, "a b": 2, "a": 2, "c": 1, "b c": 1}.items()}
    oov = np.mean(list(idf.values()))
    # 'a b z a': a x2, b, 'a b'; OOV: z, 'b z', 'z a'
    np.testing.assert_allclose(tfidf(["a b z a"]).numpy()[0],
                               [3 * oov, idf["b"], idf["a b"], 2 * idf["a"], 0, 0], rtol=1e-6)


def test_punctuation_stripping_equals_tf_regex():
    ascii_text = bytes(range(1, 128)).decode()
    regex = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'  # TF 2.15's DEFAULT_STRIP_REGEX
    expected = tf.strings.regex_replace([ascii_text], regex, "").numpy()[0]
    layer = TV(standardize="strip_punctuation", split=None, vocabulary=["x"])
    assert layer._standardized(np.array([ascii_text.encode()], object))[0] == expected


def test_callables_ragged_dataset_and_set_vocabulary():
    layer = TV(standardize=lambda x: tf.strings.upper(x),
               split=lambda x: tf.strings.split(x, sep="-"), vocabulary=["A", "B"])
    np.testing.assert_array_equal(layer(["a-b-c", "b"]).numpy(), [[2, 3, 1], [3, 0, 0]])
    ragged = TV(ragged=True, vocabulary=["x", "y"])
    assert ragged(["x y", "q"]).to_list() == [[2, 3], [1]]
    seq = TV(output_sequence_length=2)
    seq.adapt(tf.data.Dataset.from_tensor_slices(["b b a", "b"]).batch(1))
    assert seq.get_vocabulary() == ["", "[UNK]", "b", "a"]
    mapped = tf.data.Dataset.from_tensor_slices(["a b", "zz"]).map(seq)
    assert [v.numpy().tolist() for v in mapped] == [[3, 2], [1, 0]]
    compiled = tf.data.Dataset.from_tensor_slices(["a b", "zz"]).map(tf.function(seq))
    assert [v.numpy().tolist() for v in compiled] == [[3, 2], [1, 0]]
    seq.set_vocabulary(["q", "r"])
    assert seq.get_vocabulary() == ["", "[UNK]", "q", "r"] and seq.vocabulary_size() == 4


def test_in_model_with_embedding_and_saving(tmp_path):
    vec = TV(output_sequence_length=3)
    vec.adapt(["good movie", "bad movie", "good good fun"])
    inp = keras.Input((1,), dtype="string")
    ids = vec(inp)
    assert ids.shape.as_list() == [None, 3] and ids.dtype == tf.int64
    model = keras.Model(inp, ids)
    path = str(tmp_path / "tv.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    assert restored.layers[1].get_vocabulary() == vec.get_vocabulary()
    np.testing.assert_array_equal(restored(tf.constant([["good fun"]])).numpy(),
                                  model(tf.constant([["good fun"]])).numpy())


def test_errors():
    with pytest.raises(ValueError, match="output_mode"):
        TV(output_mode="one_hot")
    with pytest.raises(ValueError, match="standardize"):
        TV(standardize="upper")
    with pytest.raises(ValueError, match="empty dataset"):
        TV().adapt(tf.data.Dataset.from_tensor_slices(np.array([], str)))
    with pytest.raises(ValueError, match="repeated term"):
        TV(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="output_sequence_length"):
        TV(output_mode="count", output_sequence_length=3)


def test_against_tensorflow():
    text = ["The quick brown fox.", "The lazy dog!", "A quick, quick fox jumps", "dog-eat-dog",
            "É stays; é too"]
    query = ["the fox and the dog", "unknown words here", "quick quick quick"]
    ref = tf_eval(f"""
T = tf.keras.layers.TextVectorization
out = {{}}
for key, kw in {{"int": dict(max_tokens=8, output_sequence_length=5),
                 "ngram": dict(ngrams=2, output_mode="count", max_tokens=10,
                               pad_to_max_tokens=True),
                 "tfidf": dict(output_mode="tf_idf"), "multi": dict(output_mode="multi_hot")}}.items():
    l = T(**kw); l.adapt({text!r})
    out[key] = [l.get_vocabulary(), l({query!r}).numpy().tolist()]
print(json.dumps(out))
""")
    cases = {"int": dict(max_tokens=8, output_sequence_length=5),
             "ngram": dict(ngrams=2, output_mode="count", max_tokens=10, pad_to_max_tokens=True),
             "tfidf": dict(output_mode="tf_idf"), "multi": dict(output_mode="multi_hot")}
    for key, kw in cases.items():
        layer = TV(**kw)
        layer.adapt(text)
        assert layer.get_vocabulary() == ref[key][0], key
        np.testing.assert_allclose(layer(query).numpy(), ref[key][1], rtol=1e-6, err_msg=key)


def test_joined_batch_lookup_equals_token_lookup():
    # The call's one-pass path (rows marked in the joined batch) against per-token lookups.
    rng = np.random.default_rng(3)
    words = ["alpha", "Beta", "gamma!", "δέλτα", "e", "x" * 40]
    text = [" ".join(rng.choice(words, rng.integers(0, 6))) + rng.choice(["", " \t", "\n"])
            for _ in range(300)]
    layer = TV(max_tokens=5)
    layer.adapt(text[:100])
    a = tf.constant(text)._value
    ids, splits = layer._fast_ids(a)
    flat, splits_ref, _ = layer._tokens(a)
    np.testing.assert_array_equal(splits, splits_ref)
    np.testing.assert_array_equal(ids, layer._lookup_layer._string_ids(flat))


def test_large_encodings_equal_numpy_counts():
    # > 16 MB outputs take the lazily mapped buffer; values against a NumPy reference
    # (float32 counts times float32 idf weights, the product TF forms).
    rng = np.random.default_rng(5)
    vocab = [f"w{i}" for i in range(4200)]
    idf = rng.uniform(0.5, 3.0, len(vocab))
    rows = [rng.integers(0, len(vocab) + 50, rng.integers(0, 12)) for _ in range(1100)]
    text = [" ".join(f"w{j}" for j in r) for r in rows]
    for mode in ("tf_idf", "count", "multi_hot"):
        layer = TV(output_mode=mode, vocabulary=vocab,
                   idf_weights=idf if mode == "tf_idf" else None)
        out = layer(text).numpy()
        assert out.dtype == np.float32 and out.shape == (1100, len(vocab) + 1)
        assert out.nbytes > 1 << 24
        counts = np.zeros(out.shape, np.float32)
        for i, r in enumerate(rows):
            np.add.at(counts[i], np.where(r < len(vocab), r + 1, 0), 1)
        if mode == "tf_idf":
            weights = np.concatenate([[idf.mean()], idf]).astype(np.float32)
            np.testing.assert_array_equal(out, counts * weights)
        else:
            np.testing.assert_array_equal(out, np.minimum(counts, 1) if mode == "multi_hot"
                                          else counts)
