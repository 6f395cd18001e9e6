"""tf.strings ops with ragged outputs and n-grams: TF's documented examples and TF references."""
import numpy as np
import pytest

import tapeflow as tf
from tf_peer import tf_eval


def test_split_documented():
    assert tf.strings.split(["hello world", "a b c"]).to_list() == [
        [b"hello", b"world"], [b"a", b"b", b"c"]]
    assert tf.strings.split(["1<>2<>3", "4<>5"], sep="<>").to_list() == [
        [b"1", b"2", b"3"], [b"4", b"5"]]
    assert tf.strings.split(["a,b,,c"], ",", maxsplit=1).to_list() == [[b"a", b"b,,c"]]
    scalar = tf.strings.split("hello world")
    assert isinstance(scalar, tf.Tensor) and scalar.numpy().tolist() == [b"hello", b"world"]
    rt = tf.strings.split(tf.constant([["a b", "c"], ["d", "e f g"]]))
    assert rt.shape.as_list() == [2, 2, None]
    assert rt.to_list() == [[[b"a", b"b"], [b"c"]], [[b"d"], [b"e", b"f", b"g"]]]


def test_bytes_unicode():
    assert tf.strings.bytes_split("hello").numpy().tolist() == [b"h", b"e", b"l", b"l", b"o"]
    assert tf.strings.bytes_split(["ab", ""]).to_list() == [[b"a", b"b"], []]
    assert tf.strings.unicode_split(["hé", "😊x"], "UTF-8").to_list() == [
        [b"h", "é".encode()], ["😊".encode(), b"x"]]
    decoded = tf.strings.unicode_decode(["hé", "x", ""], "UTF-8")
    assert decoded.to_list() == [[104, 233], [120], []] and decoded.dtype == tf.int32
    assert tf.strings.unicode_decode([b"a\xffb"], "UTF-8").to_list() == [[97, 65533, 98]]
    assert tf.strings.unicode_encode([[104, 233], [97, 98]], "UTF-8").numpy().tolist() == [
        "hé".encode(), b"ab"]
    assert tf.strings.unicode_encode(decoded, "UTF-8").numpy().tolist() == [
        "hé".encode(), b"x", b""]
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.strings.unicode_decode([b"\xff"], "UTF-8", errors="strict")


def test_ngrams_hand_computed():
    assert tf.strings.ngrams(["a", "b", "c", "d"], 2).numpy().tolist() == [
        b"a b", b"b c", b"c d"]
    rt = tf.ragged.constant([["a", "b", "c"], ["d"]])
    assert tf.strings.ngrams(rt, (1, 3), separator="_").to_list() == [
        [b"a", b"b", b"c", b"a_b_c"], [b"d"]]
    padded = tf.strings.ngrams([["a", "b", "c", "d"]], 3, pad_values=("<", ">"),
                               padding_width=1)
    assert padded.numpy().tolist() == [[b"< a b", b"a b c", b"b c d", b"c d >"]]
    with pytest.raises(ValueError, match="ngram_width"):
        tf.strings.ngrams(["a"], 0)


def test_against_tensorflow():
    ref = tf_eval("""
def D(x): return [[v.decode() for v in r] for r in x.to_list()]
rt = tf.ragged.constant([['a'], [], ['a', 'b'], ['w', 'x', 'y', 'z']])
print(json.dumps({
 "split": D(tf.strings.split([' a  b ', '', 'x\\ty\\nz'])),
 "split_sep": D(tf.strings.split(['a||b|', '|'], '|')),
 "ng_pad": D(tf.strings.ngrams(rt, 3, pad_values='#', padding_width=1,
                               preserve_short_sequences=True)),
 "ng_multi": D(tf.strings.ngrams(rt, (2, 4), preserve_short_sequences=True)),
 "ng_full_pad": D(tf.strings.ngrams(rt, (1, 2), pad_values=('<s>', '</s>'))),
 "dense": [v.decode() for v in tf.strings.ngrams(tf.constant([['a', 'b', 'c']]), 2,
                                                  separator='+').numpy()[0]],
}))
""")
    to_s = lambda x: [[v.decode() for v in r] for r in x.to_list()]  # noqa: E731
    rt = tf.ragged.constant([["a"], [], ["a", "b"], ["w", "x", "y", "z"]])
    assert to_s(tf.strings.split([" a  b ", "", "x\ty\nz"])) == ref["split"]
    assert to_s(tf.strings.split(["a||b|", "|"], "|")) == ref["split_sep"]
    assert to_s(tf.strings.ngrams(rt, 3, pad_values="#", padding_width=1,
                                  preserve_short_sequences=True)) == ref["ng_pad"]
    assert to_s(tf.strings.ngrams(rt, (2, 4), preserve_short_sequences=True)) == \
        ref["ng_multi"]
    assert to_s(tf.strings.ngrams(rt, (1, 2), pad_values=("<s>", "</s>"))) == \
        ref["ng_full_pad"]
    dense = tf.strings.ngrams(tf.constant([["a", "b", "c"]]), 2, separator="+")
    assert [v.decode() for v in np.asarray(dense.numpy())[0]] == ref["dense"]


def test_offsets_transcode_segment_join_against_tensorflow():
    ref = tf_eval("""
c, o = tf.strings.unicode_decode_with_offsets(['hé!', b'a\\xffb', ''], 'UTF-8')
sc, so = tf.strings.unicode_split_with_offsets(['😊x'], 'UTF-8')
print(json.dumps({
 "codes": c.to_list(), "offsets": o.to_list(), "split_offsets": so.to_list(),
 "split_chars": [[v.decode() for v in r] for r in sc.to_list()],
 "utf16": list(tf.strings.unicode_transcode(['hé😊'], 'UTF-8', 'UTF-16-BE').numpy()[0]),
 "join": [v.decode() for v in tf.strings.unsorted_segment_join(
     ['this', 'is', 'a', 'test'], [0, 0, 1, 0], 3, ' ').numpy()]}))
""")
    c, o = tf.strings.unicode_decode_with_offsets(["hé!", b"a\xffb", ""], "UTF-8")
    sc, so = tf.strings.unicode_split_with_offsets(["😊x"], "UTF-8")
    assert c.to_list() == ref["codes"] and o.to_list() == ref["offsets"]
    assert so.to_list() == ref["split_offsets"]
    assert [[v.decode() for v in r] for r in sc.to_list()] == ref["split_chars"]
    utf16 = tf.strings.unicode_transcode(["hé😊"], "UTF-8", "UTF-16-BE").numpy()[0]
    assert list(utf16) == ref["utf16"]
    joined = tf.strings.unsorted_segment_join(["this", "is", "a", "test"], [0, 0, 1, 0], 3, " ")
    assert [v.decode() for v in joined.numpy()] == ref["join"]
