"""tf.strings element-wise ops: TF's documented examples and TF-generated references."""
import numpy as np
import pytest

import tapeflow as tf
from tf_peer import tf_eval

TEXT = ["Hello World", " \tÄbc DEF\n", "", "a.b,c!", "héllo"]


def _list(t):
    return [v.decode("utf-8", "replace") if isinstance(v, bytes) else v
            for v in np.asarray(t.numpy()).reshape(-1).tolist()]


def test_documented_examples():
    assert _list(tf.strings.lower(["CamelCase", "ÄB"])) == ["camelcase", "Äb"]
    assert _list(tf.strings.lower(["ÄB"], encoding="utf-8")) == ["äb"]
    assert _list(tf.strings.upper(["ab", "Cd"])) == ["AB", "CD"]
    assert _list(tf.strings.strip(["\nTensorFlow", "     The python library    "])) == [
        "TensorFlow", "The python library"]
    assert _list(tf.strings.regex_replace(
        ["Text with tags.<br /><b>contains html</b>"], "<[^>]+>", " ")) == [
        "Text with tags.  contains html "]
    assert _list(tf.strings.regex_replace(["aXbX"], "(X)", r"[\1]")) == ["a[X]b[X]"]
    assert _list(tf.strings.regex_replace(["aXbX"], "X", "-", replace_global=False)) == [
        "a-bX"]
    np.testing.assert_array_equal(
        tf.strings.regex_full_match(["TF lib", "lib TF"], ".*lib$").numpy(), [True, False])
    np.testing.assert_array_equal(tf.strings.length(["hello", "héllo"]).numpy(), [5, 6])
    np.testing.assert_array_equal(
        tf.strings.length(["héllo", "😊"], unit="UTF8_CHAR").numpy(), [5, 1])
    assert _list(tf.strings.substr(["Hello", "World"], 1, 3)) == ["ell", "orl"]
    assert _list(tf.strings.substr(["héllo"], 1, 2, unit="UTF8_CHAR")) == ["él"]
    assert _list(tf.strings.substr(["hello"], -3, 2)) == ["ll"]
    assert _list(tf.strings.join([["abc", "123"], ["def", "456"]], separator=" ")) == [
        "abc def", "123 456"]
    assert _list(tf.strings.reduce_join([["abc", "123"], ["def", "456"]])) == [
        "abc123def456"]
    assert _list(tf.strings.reduce_join([["abc", "123"], ["def", "456"]], axis=-1,
                                        separator=".")) == ["abc.123", "def.456"]
    assert tf.strings.reduce_join([["a", "b"]], axis=1, keepdims=True).shape == (1, 1)
    np.testing.assert_allclose(tf.strings.to_number(["1.5", "-3", "1e3"]).numpy(),
                               [1.5, -3.0, 1000.0])
    assert tf.strings.to_number(["7"], out_type=tf.int64).dtype == tf.int64
    assert _list(tf.strings.as_string([3, 42])) == ["3", "42"]
    assert _list(tf.strings.as_string([3.1415926], precision=3)) == ["3.142"]
    assert _list(tf.strings.as_string([1.5, True][1:])) == ["true"]
    assert tf.strings.format("tensor: {}, suffix", tf.constant([1, 2])).numpy() == \
        b"tensor: [1 2], suffix"
    assert tf.strings.format("{}", tf.range(100)).numpy() == b"[0 1 2 ... 97 98 99]"


def test_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="to_number"):
        tf.strings.to_number(["abc"])
    with pytest.raises(tf.errors.InvalidArgumentError, match="pos"):
        tf.strings.substr(["ab"], 5, 1)
    with pytest.raises(ValueError, match="unit"):
        tf.strings.length(["a"], unit="CHAR")
    with pytest.raises(TypeError, match="string tensor"):
        tf.strings.lower([1, 2])
    with pytest.raises(ValueError, match="placeholders"):
        tf.strings.format("{} {}", [1])


def test_against_tensorflow():
    ref = tf_eval(f"""
t = {TEXT!r}
def L(x): return [v.decode('utf-8', 'replace') if isinstance(v, bytes) else v
                  for v in x.numpy().reshape(-1).tolist()]
print(json.dumps({{
 "lower": L(tf.strings.lower(t)), "upper_u": L(tf.strings.upper(t, encoding='utf-8')),
 "strip": L(tf.strings.strip(t)),
 "punct": L(tf.strings.regex_replace(t, r'[!"#$%&()\\*\\+,-\\./:;<=>?@\\[\\\\\\]^_`{{|}}~\\']', '')),
 "full": L(tf.strings.regex_full_match(t, r'\\w+ \\w+')),
 "len": L(tf.strings.length(t)), "len8": L(tf.strings.length(t, unit='UTF8_CHAR')),
 "sub": L(tf.strings.substr(t, 0, 3)),
 "num": L(tf.strings.as_string([1.25, -0.5, 1e10])),
 "sci": L(tf.strings.as_string([1.25], scientific=True, precision=2)),
 "short": L(tf.strings.as_string([0.1, 100.0], shortest=True)),
 "width": L(tf.strings.as_string([7, 12], width=4, fill='0')),
 "fmt": tf.strings.format('{{}} and {{}}', (tf.constant([[1.5, 2.0], [3.0, 4.0]]),
                                           tf.constant('s'))).numpy().decode()}}))
""")
    t = TEXT
    assert _list(tf.strings.lower(t)) == ref["lower"]
    assert _list(tf.strings.upper(t, encoding="utf-8")) == ref["upper_u"]
    assert _list(tf.strings.strip(t)) == ref["strip"]
    assert _list(tf.strings.regex_replace(
        t, r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']', "")) == ref["punct"]
    assert _list(tf.strings.regex_full_match(t, r"\w+ \w+")) == ref["full"]
    assert _list(tf.strings.length(t)) == ref["len"]
    assert _list(tf.strings.length(t, unit="UTF8_CHAR")) == ref["len8"]
    assert _list(tf.strings.substr(t, 0, 3)) == ref["sub"]
    assert _list(tf.strings.as_string([1.25, -0.5, 1e10])) == ref["num"]
    assert _list(tf.strings.as_string([1.25], scientific=True, precision=2)) == ref["sci"]
    assert _list(tf.strings.as_string([0.1, 100.0], shortest=True)) == ref["short"]
    assert _list(tf.strings.as_string([7, 12], width=4, fill="0")) == ref["width"]
    fmt = tf.strings.format("{} and {}", (tf.constant([[1.5, 2.0], [3.0, 4.0]]),
                                          tf.constant("s"))).numpy()  # bytes (or 0-d array)
    assert np.asarray(fmt, dtype=object).item().decode() == ref["fmt"]
