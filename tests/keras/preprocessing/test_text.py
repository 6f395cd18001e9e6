"""keras.preprocessing.text: hand-computed indices and tf-idf, and tf.keras 2.15's outputs."""
import numpy as np
import pytest

from tapeflow import keras
from tapeflow.keras.preprocessing import text

from tf_peer import tf_eval

TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "Cat and dog, cat and mat"]


def test_text_to_word_sequence_and_hashing():
    assert text.text_to_word_sequence("The cat, the HAT!\tok") == [
        "the", "cat", "the", "hat", "ok"]
    assert text.text_to_word_sequence("a-b c", filters="", lower=False, split="-") == [
        "a", "b c"]
    ids = text.hashing_trick("a b a", 10, hash_function="md5")
    assert ids[0] == ids[2] and all(1 <= i < 10 for i in ids)
    assert all(1 <= i < 5 for i in text.one_hot("x y z w", 5))
    assert keras.preprocessing.text.Tokenizer is text.Tokenizer


def test_tokenizer_hand_computed():
    tok = text.Tokenizer(oov_token="<unk>")
    tok.fit_on_texts(TEXTS)
    # counts: the 3, cat 3, mat 2, dog 2, and 2 (equal counts: first seen first)
    assert list(tok.word_index)[:6] == ["<unk>", "the", "cat", "mat", "dog", "and"]
    assert tok.texts_to_sequences(["the zebra cat"]) == [[2, 1, 3]]
    assert tok.sequences_to_texts([[2, 1, 3]]) == ["the <unk> cat"]
    m = tok.texts_to_matrix(["cat cat dog"], mode="tfidf")
    idf_cat = np.log(1 + 3 / (1 + 2))
    idf_dog = np.log(1 + 3 / (1 + 2))
    np.testing.assert_allclose(m[0, 3], (1 + np.log(2)) * idf_cat)
    np.testing.assert_allclose(m[0, 5], idf_dog)
    capped = text.Tokenizer(num_words=3)
    capped.fit_on_texts(TEXTS)
    assert capped.texts_to_sequences(["the cat dog"]) == [[1, 2]]
    assert capped.texts_to_matrix(["the the dog"], mode="count").tolist() == [[0, 2, 0]]
    restored = text.tokenizer_from_json(tok.to_json())
    assert restored.word_index == tok.word_index
    assert restored.texts_to_sequences(["dog and cat"]) == tok.texts_to_sequences(
        ["dog and cat"])
    with pytest.raises(ValueError, match="mode"):
        tok.texts_to_matrix(["a"], mode="bogus")
    with pytest.raises(ValueError, match="fit on some text"):
        text.Tokenizer().texts_to_matrix(["a"])


def test_against_tensorflow():
    ref = tf_eval(f"""
T = tf.keras.preprocessing.text
out = {{}}
for key, kw in {{"plain": {{}}, "oov": {{"oov_token": "?", "num_words": 5}},
                 "chars": {{"char_level": True}}}}.items():
    t = T.Tokenizer(**kw); t.fit_on_texts({TEXTS!r})
    seqs = t.texts_to_sequences({TEXTS!r} + ["unseen cat words"])
    out[key] = [t.word_index, seqs, t.sequences_to_texts(seqs),
                {{m: t.texts_to_matrix({TEXTS!r}, mode=m).tolist()
                  for m in ("binary", "count", "freq", "tfidf")}}]
print(json.dumps(out))
""")
    cases = {"plain": {}, "oov": {"oov_token": "?", "num_words": 5},
             "chars": {"char_level": True}}
    for key, kw in cases.items():
        tok = text.Tokenizer(**kw)
        tok.fit_on_texts(TEXTS)
        seqs = tok.texts_to_sequences(TEXTS + ["unseen cat words"])
        word_index, ref_seqs, ref_texts, mats = ref[key]
        assert tok.word_index == word_index, key
        assert seqs == ref_seqs and tok.sequences_to_texts(seqs) == ref_texts, key
        for mode, expected in mats.items():
            np.testing.assert_allclose(tok.texts_to_matrix(TEXTS, mode=mode), expected,
                                       err_msg=f"{key}/{mode}")
